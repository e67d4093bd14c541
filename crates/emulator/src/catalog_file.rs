//! Reading a catalog from a `--seed` or `--data` file: a JSON array of images, or `{"value":[...]}` as Graph lists
//! them. Each image must be an object with a non-empty string `id`, and ids must be unique; anything else is refused
//! with the element's position, so a typo is found before the emulator starts rather than by a confused client.

use std::collections::HashMap;
use std::path::Path;

use intune_osimages_fake::CatalogEntry;
use intune_osimages_fake::shell::check_record;
use intune_osimages_validate::describe_json;
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::error::{ServeError, ServeErrorKind};

/// A catalog read from a file: its images (each kept as the text it was written as, so values the emulator does
/// not interpret, such as a number wider than `f64`, survive), and the first record a write would be refused for.
#[derive(Debug)]
pub(crate) struct Catalog {
    /// The images, in the file's order.
    pub(crate) entries: Vec<CatalogEntry>,
    /// `image [i] is refused at POINTER: why` for the first record a write would be refused for (records are
    /// checked as strictly as writes, unless lenient), so a bad one is found at start rather than by every list that
    /// returns it.
    pub(crate) refused: Option<String>,
}

/// Reads and checks the catalog in `path`. `kind` says which flag named the file, for the message.
pub(crate) fn read_catalog(
    path: &Path,
    kind: ServeErrorKind,
    lenient: bool,
) -> Result<Catalog, ServeError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ServeError::file(kind, path, format!("cannot be read: {e}")))?;
    parse_catalog(&text, lenient).map_err(|reason| ServeError::file(kind, path, reason))
}

/// The `{"value":[...]}` form; other members (`@odata.context`) are ignored.
#[derive(Deserialize)]
struct Listed<'a> {
    #[serde(borrow)]
    value: Option<&'a RawValue>,
}

/// Parses and checks a catalog; the error names the JSON line and column, or the element at fault and why.
///
/// The file is read element by element: each image is parsed on its own (checked, then kept as its text) and
/// dropped, so no tree of the whole catalog is built; a `Value` tree costs about ten times its text, and the
/// allocator keeps that memory once freed.
pub(crate) fn parse_catalog(text: &str, lenient: bool) -> Result<Catalog, String> {
    let root: &RawValue = serde_json::from_str(text).map_err(|e| {
        format!(
            "is not valid JSON: line {}, column {}: {}",
            e.line(),
            e.column(),
            without_position(&e)
        )
    })?;
    let (images, prefix) = match root.get().as_bytes().first() {
        Some(b'[') => (elements(root)?, ""),
        Some(b'{') => match parse::<Listed<'_>>(root)?.value {
            Some(value) if value.get().starts_with('[') => (elements(value)?, "value"),
            Some(other) => {
                return Err(format!(
                    "\"value\" must be an array of images, found {}",
                    describe_json(&parse::<Value>(other)?)
                ));
            }
            None => {
                return Err(
                    "must be a JSON array of images or an object with a \"value\" array; the object has no \"value\""
                        .to_owned(),
                );
            }
        },
        _ => {
            return Err(format!(
                "must be a JSON array of images or an object with a \"value\" array, found {}",
                describe_json(&parse::<Value>(root)?)
            ));
        }
    };
    let mut first_seen: HashMap<String, usize> = HashMap::with_capacity(images.len());
    let mut entries = Vec::with_capacity(images.len());
    let mut refused = None;
    for (index, raw) in images.into_iter().enumerate() {
        let at = format!("{prefix}[{index}]");
        let image: Value = parse(raw)?;
        let Value::Object(object) = &image else {
            return Err(format!(
                "{at} must be an object, found {}",
                describe_json(&image)
            ));
        };
        let id = match object.get("id") {
            Some(Value::String(id)) if !id.is_empty() => id.as_str(),
            Some(Value::String(_)) => return Err(format!("{at}.id is empty")),
            Some(other) => {
                return Err(format!(
                    "{at}.id must be a string, found {}",
                    describe_json(other)
                ));
            }
            None => return Err(format!("{at} has no \"id\"")),
        };
        if let Some(first) = first_seen.insert(id.to_owned(), index) {
            return Err(format!(
                "{at}.id {id:?} repeats the id of {prefix}[{first}]; ids must be unique"
            ));
        }
        if refused.is_none() {
            refused = check_record(&image, lenient)
                .err()
                .map(|why| format!("image [{index}] is refused at {why}"));
        }
        entries.push(CatalogEntry::from_json(raw.get()).map_err(|e| format!("{at}: {e}"))?);
    }
    Ok(Catalog { entries, refused })
}

/// The elements of a JSON array, each as its text.
fn elements(array: &RawValue) -> Result<Vec<&RawValue>, String> {
    parse(array)
}

/// Parses text the whole file's parse already accepted as JSON; only a shape mismatch can fail.
fn parse<'a, T: Deserialize<'a>>(raw: &'a RawValue) -> Result<T, String> {
    serde_json::from_str(raw.get()).map_err(|e| format!("cannot be read: {e}"))
}

/// serde_json's message without its trailing " at line L column C", which the caller states itself.
fn without_position(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{Catalog, parse_catalog};

    fn entries_of(text: &str) -> Result<Vec<serde_json::Value>, String> {
        parse_catalog(text, true).map(|c: Catalog| c.entries.iter().map(|e| e.to_value()).collect())
    }

    #[test]
    fn accepts_an_array_and_a_value_object() {
        let array = entries_of(r#"[{"id":"a"},{"id":"b","x":1}]"#).unwrap();
        assert_eq!(array.len(), 2);
        let object = entries_of(r#"{"@odata.context":"x","value":[{"id":"a"}]}"#).unwrap();
        assert_eq!(object[0]["id"], "a");
        assert!(entries_of("[]").unwrap().is_empty());
    }

    #[test]
    fn names_line_and_column_of_bad_json() {
        let e = entries_of("[\n  {\"id\": \"a\"},\n  {\"id\" \"b\"}\n]").unwrap_err();
        assert!(e.contains("line 3, column 9"), "{e}");
        assert!(e.contains("expected `:`"), "{e}");
    }

    #[test]
    fn names_the_bad_element() {
        let cases = [
            (r#""text""#, "found a string"),
            (r#"{"images":[]}"#, "has no \"value\""),
            (
                r#"{"value":{}}"#,
                "\"value\" must be an array of images, found an object",
            ),
            (
                r#"[{"id":"a"}, 3]"#,
                "[1] must be an object, found an integer",
            ),
            (r#"[{"name":"a"}]"#, "[0] has no \"id\""),
            (
                r#"{"value":[{"id":7}]}"#,
                "value[0].id must be a string, found an integer",
            ),
            (r#"[{"id":""}]"#, "[0].id is empty"),
            (
                r#"[{"id":"a"},{"id":"b"},{"id":"a"}]"#,
                "[2].id \"a\" repeats the id of [0]",
            ),
        ];
        for (text, expected) in cases {
            let e = entries_of(text).unwrap_err();
            assert!(e.contains(expected), "{text}: {e}");
        }
    }

    #[test]
    fn keeps_each_image_as_written_and_finds_the_first_refused_record() {
        let text = "{\"value\": [\n {\"id\": \"a\", \"n\": 123456789012345678901234567890},\n {\"id\": \"b\", \"supportedArchitectures\": [\"z80\"]}]}";
        let strict = parse_catalog(text, false).unwrap();
        assert_eq!(
            strict.entries[0].json(),
            r#"{"id":"a","n":123456789012345678901234567890}"#
        );
        let refused = strict.refused.unwrap();
        assert!(
            refused.starts_with("image [0] is refused at /n"),
            "{refused}"
        );
        let lenient = parse_catalog(text, true).unwrap();
        assert_eq!(lenient.refused, None);
        assert_eq!(lenient.entries.len(), 2);
    }
}
