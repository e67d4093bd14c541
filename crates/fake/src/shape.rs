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
    set_context_then(service_root, select, "")
}

/// [`set_context`] followed by `suffix` (`/$entity` for one image), written into one buffer of the right size:
/// this runs for every answer, where `format!` cost more than copying the image's bytes.
pub(crate) fn set_context_then(
    service_root: &str,
    select: Option<&[String]>,
    suffix: &str,
) -> String {
    const METADATA: &str = "/$metadata#";
    let selected: usize = select.map_or(0, |p| p.iter().map(|s| s.len() + 1).sum::<usize>() + 1);
    let mut out = String::with_capacity(
        service_root.len()
            + METADATA.len()
            + crate::route::ENTITY_SET.len()
            + selected
            + suffix.len(),
    );
    out.push_str(service_root);
    out.push_str(METADATA);
    out.push_str(crate::route::ENTITY_SET);
    if let Some(props) = select {
        out.push('(');
        for (i, p) in props.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(p);
        }
        out.push(')');
    }
    out.push_str(suffix);
    out
}
