//! What an answer holds: the `$select`ed part of an image, and the `@odata.context` of the entity set.

use std::borrow::Cow;

use crate::stored::StoredImage;

/// The `$select`ed properties of a stored image as JSON text (the stored text itself without `$select`); instance
/// annotations such as `@odata.type` are kept.
pub(crate) fn project<'a>(image: &'a StoredImage, select: Option<&[String]>) -> Cow<'a, [u8]> {
    let Some(select) = select else {
        return Cow::Borrowed(image.json());
    };
    let kept = image.retained(|k| k.starts_with('@') || select.iter().any(|s| s == k));
    Cow::Owned(kept.json().to_vec())
}

/// `@odata.context` of the entity set, with the `$select`ed properties when there are some.
pub(crate) fn set_context(service_root: &str, select: Option<&[String]>) -> String {
    let base = format!("{service_root}/$metadata#{}", crate::route::ENTITY_SET);
    match select {
        Some(props) => format!("{base}({})", props.join(",")),
        None => base,
    }
}
