//! Reading a catalog from a `--seed` or `--data` file: a JSON array of images, or `{"value":[...]}` as Graph lists
//! them. Each image must be an object with a non-empty string `id`, and ids must be unique; anything else is refused
//! with the element's position, so a typo is found before the emulator starts rather than by a confused client.

use std::collections::HashMap;
use std::path::Path;

use intune_osimages_validate::describe_json;
use serde_json::Value;

use super::error::{ServeError, ServeErrorKind};

/// Reads and checks the catalog in `path`. `kind` says which flag named the file, for the message.
pub(crate) fn read_catalog(path: &Path, kind: ServeErrorKind) -> Result<Vec<Value>, ServeError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ServeError::file(kind, path, format!("cannot be read: {e}")))?;
    parse_catalog(&text).map_err(|reason| ServeError::file(kind, path, reason))
}

/// Parses and checks a catalog; the error names the JSON line and column, or the element at fault and why.
pub(crate) fn parse_catalog(text: &str) -> Result<Vec<Value>, String> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "is not valid JSON: line {}, column {}: {}",
            e.line(),
            e.column(),
            without_position(&e)
        )
    })?;
    let (images, prefix) = match root {
        Value::Array(items) => (items, ""),
        Value::Object(mut map) => match map.remove("value") {
            Some(Value::Array(items)) => (items, "value"),
            Some(other) => {
                return Err(format!(
                    "\"value\" must be an array of images, found {}",
                    describe_json(&other)
                ));
            }
            None => {
                return Err(
                    "must be a JSON array of images or an object with a \"value\" array; the object has no \"value\""
                        .to_owned(),
                );
            }
        },
        other => {
            return Err(format!(
                "must be a JSON array of images or an object with a \"value\" array, found {}",
                describe_json(&other)
            ));
        }
    };
    let mut first_seen: HashMap<&str, usize> = HashMap::with_capacity(images.len());
    for (index, image) in images.iter().enumerate() {
        let at = format!("{prefix}[{index}]");
        let Value::Object(object) = image else {
            return Err(format!(
                "{at} must be an object, found {}",
                describe_json(image)
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
        if let Some(first) = first_seen.insert(id, index) {
            return Err(format!(
                "{at}.id {id:?} repeats the id of {prefix}[{first}]; ids must be unique"
            ));
        }
    }
    Ok(images)
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
    use super::parse_catalog;

    #[test]
    fn accepts_an_array_and_a_value_object() {
        let array = parse_catalog(r#"[{"id":"a"},{"id":"b","x":1}]"#).unwrap();
        assert_eq!(array.len(), 2);
        let object = parse_catalog(r#"{"@odata.context":"x","value":[{"id":"a"}]}"#).unwrap();
        assert_eq!(object[0]["id"], "a");
        assert!(parse_catalog("[]").unwrap().is_empty());
    }

    #[test]
    fn names_line_and_column_of_bad_json() {
        let e = parse_catalog("[\n  {\"id\": \"a\"},\n  {\"id\" \"b\"}\n]").unwrap_err();
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
            let e = parse_catalog(text).unwrap_err();
            assert!(e.contains(expected), "{text}: {e}");
        }
    }
}
