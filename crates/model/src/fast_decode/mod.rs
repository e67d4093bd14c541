//! Decoding the model's types straight from the JSON text by their schema, with serde_json behind it for anything
//! else.
//!
//! Hand-written, because serde_json's generic scanning was the floor the serde visitors had reached: decoding the
//! 2,076-byte `Windows 11 24H2` answer cost 34-38k instructions (callgrind), about 20k of them serde_json's own
//! (`skip_to_escape` 9.4k, `parse_str` 4.3k, the map access 4.6k) against the visitors' 9.5k, and sonic-rs 0.5 was
//! slower still (35.9k) with no `RawValue` for `extra`. Knowing the schema, this reader compares keys and enum
//! values as bytes, takes a date as its fixed 10 bytes and borrows every string without an escape: 23.2k
//! instructions for that answer against the visitors' 37.2k, and a 1,000-image page in 3.75x fewer instructions than
//! `serde_json::Value` against their 2.25x (docs/benchmarks.md, issue 16's fifth round).
//!
//! It only ever gives up: anything outside the forms it reads (an escape, a number form, a value of an unexpected
//! type, malformed text) returns `None`, and [`FastDecode::from_json_str`] decodes the text with serde_json as
//! before, so every error and every edge case stays serde_json's. What it accepts it builds through the same
//! placement rules as the serde visitors (the objects' declaration in `object.rs` generates both).

mod cursor;

use chrono::NaiveDate;

pub use cursor::Cursor;
pub(crate) use cursor::plain;

use crate::{Edition, OsImage, OsUpdate, Page};

/// The schema decoder's reader for one type (sealed: only the model's types have one).
pub trait FastRead: Sized {
    /// Reads a value that is not `null`, or gives up.
    fn fast_read(cursor: &mut Cursor<'_>) -> Option<Self>;
}

/// A model type that decodes from JSON text by its schema, without serde_json's generic scanning where the text
/// allows, and with serde_json where it does not. Implemented by the model's own types only (its supertrait is
/// private).
///
/// ```
/// use intune_osimages_model::{FastDecode, OsImage};
/// let text = r#"{"id":"Windows 11 24H2","supportedArchitectures":["x64","arM64"]}"#;
/// let image = OsImage::fast_decode(text).unwrap();
/// assert_eq!(image, serde_json::from_str::<OsImage>(text).unwrap());
/// // An escape is serde_json's to read: the fast path gives up, `from_json_str` reads it all the same.
/// assert_eq!(OsImage::fast_decode(r#"{"id":"Windows\u0020 11"}"#), None);
/// assert_eq!(OsImage::from_json_str(r#"{"id":"Windows\u0020 11"}"#).unwrap().id_str(), "Windows  11");
/// ```
pub trait FastDecode: FastRead + serde::de::DeserializeOwned {
    /// The value `text` holds, read by the schema; `None` when the text holds anything this reader leaves to
    /// serde_json (then `serde_json::from_str` gives the value or the error). When it returns a value, it is the
    /// value `serde_json::from_str` returns.
    fn fast_decode(text: &str) -> Option<Self> {
        let mut cursor = Cursor::new(text);
        let value = Self::fast_read(&mut cursor)?;
        cursor.end()?;
        Some(value)
    }

    /// Decodes `text` as `serde_json::from_str` does (the same value, the same error), by [`FastDecode::fast_decode`]
    /// when it can.
    fn from_json_str(text: &str) -> serde_json::Result<Self> {
        Self::fast_decode(text).map_or_else(|| serde_json::from_str(text), Ok)
    }
}

impl FastDecode for OsImage {}
impl FastDecode for Edition {}
impl FastDecode for OsUpdate {}
impl<T: FastDecode> FastDecode for Page<T> {}

impl FastRead for String {
    fn fast_read(cursor: &mut Cursor<'_>) -> Option<Self> {
        cursor.str().map(str::to_owned)
    }
}

impl FastRead for i32 {
    fn fast_read(cursor: &mut Cursor<'_>) -> Option<Self> {
        cursor.int().and_then(|n| i32::try_from(n).ok())
    }
}

impl FastRead for NaiveDate {
    fn fast_read(cursor: &mut Cursor<'_>) -> Option<Self> {
        // `YYYY-MM-DD` is always 10 bytes; any other length is an error serde_json words.
        cursor
            .fixed_str::<10>()
            .and_then(|text| crate::parse_graph_date(text).ok())
    }
}

impl<T: FastRead> FastRead for Vec<T> {
    fn fast_read(cursor: &mut Cursor<'_>) -> Option<Self> {
        let mut out = Vec::new();
        cursor.array(|cursor| {
            out.push(T::fast_read(cursor)?);
            Some(())
        })?;
        Some(out)
    }
}

/// As `Page`'s serde visitor: the four known members, `value` required, everything else kept as its text.
impl<T: FastRead> FastRead for Page<T> {
    fn fast_read(cursor: &mut Cursor<'_>) -> Option<Self> {
        let mut out = Page::default();
        let mut saw_value = false;
        cursor.object(|cursor| {
            if cursor.key("value") {
                out.value = Vec::fast_read(cursor)?;
                saw_value = true;
            } else if cursor.key("@odata.nextLink") {
                out.next_link = cursor.opt(String::fast_read)?;
            } else if cursor.key("@odata.count") {
                out.count = cursor.opt(Cursor::int)?;
            } else if cursor.key("@odata.context") {
                out.context = cursor.opt(String::fast_read)?;
            } else {
                let key = cursor.other_key()?;
                cursor.unknown(key, &mut out.extra)?;
            }
            Some(())
        })?;
        saw_value.then_some(out)
    }
}
