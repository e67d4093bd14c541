//! `@odata.type` names used by this resource.

use std::borrow::Cow;

/// `@odata.type` of the entity `managedDeviceWindowsOperatingSystemImage`, in the `#`-prefixed form Graph returns.
pub const IMAGE_ODATA_TYPE: &str = "#microsoft.graph.managedDeviceWindowsOperatingSystemImage";
/// `@odata.type` of the complex type `managedDeviceWindowsOperatingSystemEdition`, in the form the seed writes.
pub const EDITION_ODATA_TYPE: &str = "microsoft.graph.managedDeviceWindowsOperatingSystemEdition";
/// `@odata.type` of the complex type `managedDeviceWindowsOperatingSystemUpdate`, in the form the seed writes.
pub const UPDATE_ODATA_TYPE: &str = "microsoft.graph.managedDeviceWindowsOperatingSystemUpdate";

/// Whether an `@odata.type` value names `expected`, accepting both the `#microsoft.graph.x` and `microsoft.graph.x`
/// forms that occur on the wire.
///
/// ```
/// use intune_osimages_model::{odata_type_matches, IMAGE_ODATA_TYPE};
/// assert!(odata_type_matches("microsoft.graph.managedDeviceWindowsOperatingSystemImage", IMAGE_ODATA_TYPE));
/// assert!(!odata_type_matches("#microsoft.graph.user", IMAGE_ODATA_TYPE));
/// ```
pub fn odata_type_matches(value: &str, expected: &str) -> bool {
    value.trim_start_matches('#') == expected.trim_start_matches('#')
}

/// Every spelling of this resource's own `@odata.type` names, with and without the `#` (each is kept as it came).
const KNOWN_SPELLINGS: [&str; 6] = [
    IMAGE_ODATA_TYPE,
    "microsoft.graph.managedDeviceWindowsOperatingSystemImage",
    EDITION_ODATA_TYPE,
    "#microsoft.graph.managedDeviceWindowsOperatingSystemEdition",
    UPDATE_ODATA_TYPE,
    "#microsoft.graph.managedDeviceWindowsOperatingSystemUpdate",
];

/// An `@odata.type` value as the model keeps it: one of this resource's names borrows the constant, so a page of a
/// thousand images (fourteen annotated objects each) allocates none for them; any other name is kept as sent.
fn interned(value: &str) -> Cow<'static, str> {
    KNOWN_SPELLINGS
        .iter()
        .find(|known| **known == value)
        .map_or_else(
            || Cow::Owned(value.to_owned()),
            |known| Cow::Borrowed(*known),
        )
}

/// Reads an `@odata.type` string for the schema decoder: the object's own type name as the model writes it is
/// compared in place; any other string is read as any string and kept as [`interned`] keeps it.
pub(crate) fn fast_read(
    cursor: &mut crate::fast_decode::Cursor<'_>,
    own: &'static str,
) -> Option<Cow<'static, str>> {
    if cursor.literal(own) {
        return Some(Cow::Borrowed(own));
    }
    let text = cursor.quoted()?;
    match interned(text) {
        Cow::Owned(_) if !crate::fast_decode::plain(text.as_bytes()) => None,
        value => Some(value),
    }
}

/// Reads an optional `@odata.type` string (`null` is `None`) through [`interned`].
pub(crate) type ODataTypeValue = crate::opt_str::OptStr<Cow<'static, str>>;

impl crate::opt_str::FromJsonStr for Cow<'static, str> {
    const EXPECTING: &'static str = "a string";
    fn from_json_str<E: serde::de::Error>(v: &str) -> Result<Self, E> {
        Ok(interned(v))
    }
    fn from_json_string<E: serde::de::Error>(v: String) -> Result<Self, E> {
        Ok(match interned(&v) {
            Cow::Owned(_) => Cow::Owned(v),
            known => known,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_spellings_name_the_three_types_and_borrow() {
        for known in KNOWN_SPELLINGS {
            assert!(
                [IMAGE_ODATA_TYPE, EDITION_ODATA_TYPE, UPDATE_ODATA_TYPE]
                    .iter()
                    .any(|t| odata_type_matches(known, t)),
                "{known}"
            );
            assert!(matches!(interned(known), Cow::Borrowed(k) if k == known));
        }
        assert!(
            matches!(interned("#microsoft.graph.user"), Cow::Owned(s) if s == "#microsoft.graph.user")
        );
    }

    #[test]
    fn values_keep_their_spelling_and_null_is_none() {
        let read = |text: &str| serde_json::from_str::<ODataTypeValue>(text).map(|v| v.0);
        assert_eq!(
            read("\"microsoft.graph.managedDeviceWindowsOperatingSystemImage\"")
                .unwrap()
                .as_deref(),
            Some("microsoft.graph.managedDeviceWindowsOperatingSystemImage")
        );
        assert_eq!(read("\"#x\\u0041\"").unwrap().as_deref(), Some("#xA"));
        assert_eq!(read("null").unwrap(), None);
        assert!(
            read("5")
                .unwrap_err()
                .to_string()
                .contains("expected a string")
        );
    }
}
