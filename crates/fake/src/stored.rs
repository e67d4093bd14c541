//! One image as the store keeps it: the compact JSON text of its object, ready to be answered.
//!
//! Keeping the text rather than a `serde_json::Value` is what keeps the catalog's memory near its JSON size (a
//! `Value` tree costs about ten times its text: a `BTreeMap` node and a `String` per property), and it lets a GET
//! answer by copying bytes instead of serializing the image again. Reads that need the structure (`$filter`,
//! `$select`, a PATCH merge) parse the text back; it was written by `serde_json` from an object, so it always parses.

use bytes::Bytes;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};

/// The property the answer writes first; the store never keeps one of its own.
const CONTEXT: &str = "@odata.context";

/// An image's JSON object (keys in order, no `@odata.context`), shared cheaply between the store and an undo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredImage(Bytes);

/// Serializes an object without its `@odata.context`.
struct WithoutContext<'a>(&'a Map<String, Value>);

impl serde::Serialize for WithoutContext<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (k, v) in self.0.iter().filter(|(k, _)| k.as_str() != CONTEXT) {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl StoredImage {
    /// The stored form of `object`.
    pub(crate) fn from_object(object: &Map<String, Value>) -> StoredImage {
        // Writing string-keyed JSON values into a Vec cannot fail; `{}` is only a formal fallback.
        let text = serde_json::to_vec(&WithoutContext(object)).unwrap_or_else(|_| b"{}".to_vec());
        StoredImage(Bytes::from(text))
    }

    /// The object's JSON text.
    pub(crate) fn json(&self) -> &[u8] {
        &self.0
    }

    /// The object, parsed back.
    pub(crate) fn object(&self) -> Map<String, Value> {
        // The text was written by `serde_json` from an object (see `from_object`), so it parses back to one.
        serde_json::from_slice(&self.0).unwrap_or_default()
    }

    /// The image as a `Value` (an object).
    pub(crate) fn value(&self) -> Value {
        Value::Object(self.object())
    }
}

/// Appends `text` as a JSON string.
fn push_string(out: &mut Vec<u8>, text: &str) {
    // Writing a &str into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, text);
}

/// An image answer: `{"@odata.context":CONTEXT,` then the stored properties, the bytes serializing the image with
/// its context first would give.
pub(crate) fn entity_body(context: &str, image: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(image.len() + context.len() + 24);
    out.extend_from_slice(b"{\"@odata.context\":");
    push_string(&mut out, context);
    match image.get(1..) {
        Some(rest) if rest != b"}" => {
            out.push(b',');
            out.extend_from_slice(rest);
        }
        _ => out.push(b'}'),
    }
    out
}

/// One page of a collection: `@odata.context`, `@odata.count`?, `@odata.nextLink`?, `value` (Graph's key order).
pub(crate) fn page_body(
    context: &str,
    count: Option<usize>,
    next_link: Option<&str>,
    items: &[&[u8]],
) -> Vec<u8> {
    let size: usize = items.iter().map(|i| i.len() + 1).sum();
    let mut out = Vec::with_capacity(size + context.len() + 64);
    out.extend_from_slice(b"{\"@odata.context\":");
    push_string(&mut out, context);
    if let Some(count) = count {
        out.extend_from_slice(b",\"@odata.count\":");
        out.extend_from_slice(count.to_string().as_bytes());
    }
    if let Some(link) = next_link {
        out.extend_from_slice(b",\"@odata.nextLink\":");
        push_string(&mut out, link);
    }
    out.extend_from_slice(b",\"value\":[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(item);
    }
    out.extend_from_slice(b"]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn entity_body_is_what_serializing_with_the_context_first_gives() {
        let image = StoredImage::from_object(&object(json!({
            "id": "Windows 11 24H2", "@odata.context": "stale", "n": null, "a": [1, "x\"y"]
        })));
        let body = entity_body("https://h/beta/$metadata#x/$entity", image.json());
        let parsed: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            parsed,
            json!({"@odata.context": "https://h/beta/$metadata#x/$entity", "id": "Windows 11 24H2",
                   "n": null, "a": [1, "x\"y"]})
        );
        assert!(
            body.starts_with(b"{\"@odata.context\":\"https://h/beta/$metadata#x/$entity\",\"a\":")
        );
    }

    #[test]
    fn an_empty_object_answers_only_its_context() {
        let image = StoredImage::from_object(&Map::new());
        assert_eq!(
            entity_body("c", image.json()),
            b"{\"@odata.context\":\"c\"}"
        );
    }

    #[test]
    fn a_page_lists_its_items_after_the_annotations() {
        let a = StoredImage::from_object(&object(json!({"id": "a"})));
        let b = StoredImage::from_object(&object(json!({"id": "b"})));
        let body = page_body("c", Some(2), Some("next\"link"), &[a.json(), b.json()]);
        let parsed: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            parsed,
            json!({"@odata.context": "c", "@odata.count": 2, "@odata.nextLink": "next\"link",
                   "value": [{"id": "a"}, {"id": "b"}]})
        );
        assert_eq!(
            page_body("c", None, None, &[]),
            b"{\"@odata.context\":\"c\",\"value\":[]}"
        );
    }

    #[test]
    fn the_text_parses_back_to_the_object() {
        let original =
            object(json!({"id": "x", "supportedEditions": [{"editionType": "pro"}], "u": null}));
        assert_eq!(StoredImage::from_object(&original).object(), original);
    }
}
