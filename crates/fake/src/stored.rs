//! One image as the store keeps it: the compact JSON text of its object, ready to be answered.
//!
//! Keeping the text rather than a `serde_json::Value` is what keeps the catalog's memory near its JSON size (a
//! `Value` tree costs about ten times its text: a `BTreeMap` node and a `String` per property), and it lets a GET
//! answer bytes instead of serializing the image again (the whole answer is cached with the image at its first
//! GET, see `EntityAnswer`). `$filter` reads the filterable properties, parsed
//! into a compact form (see `filter/fields.rs`) the first time a filter reads the image and kept beside its text
//! from then on: a write does not pay for them (parsing them at every write made a PATCH about 4x dearer), and an
//! image no filter reads never holds them. Other reads that need the structure
//! (`$select`, a PATCH merge) parse the text back: it was written by `serde_json` from an object, so it always parses.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use serde::ser::{SerializeMap, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::filter::FilterFields;
use crate::json_text::{self, Member, push_compact, push_string};

/// The property the answer writes first; the store never keeps one of its own.
const CONTEXT: &str = "@odata.context";

/// An image's JSON object as compact text (top-level keys in order and unique, no `@odata.context`, every value's
/// text as it was written apart from whitespace) with its filterable properties parsed, shared cheaply between the
/// store, an undo and a saved catalog.
#[derive(Clone)]
pub(crate) struct StoredImage(Arc<Stored>);

/// What a [`StoredImage`] shares: the text, what `$filter` reads of it and its GET answer (each made from that text
/// when first asked for).
struct Stored {
    text: Box<str>,
    fields: OnceLock<FilterFields>,
    answer: OnceLock<EntityAnswer>,
}

/// A GET's whole answer body for one service root (the context is written from it), kept so that every later GET
/// addressed the same way answers shared bytes instead of writing the context and copying the text again (about a
/// tenth of a GET's instructions). Only the first service root is kept: a client addressing the emulator by another
/// name or through a proxy gets the body written afresh each time. An image GET once holds its text twice; the
/// text is replaced, not edited, by a write, so the answer can never be stale.
struct EntityAnswer {
    service_root: Box<str>,
    body: Bytes,
}

impl PartialEq for StoredImage {
    fn eq(&self, other: &Self) -> bool {
        // The fields are made from the text, so the text decides.
        self.text() == other.text()
    }
}

impl Eq for StoredImage {}

impl std::fmt::Debug for StoredImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("StoredImage").field(&self.text()).finish()
    }
}

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

/// A member on its way into stored text: its key, its value's text, and whether that text may hold whitespace.
struct Pending<'a> {
    key: Cow<'a, str>,
    value: &'a str,
    compact: bool,
}

impl StoredImage {
    /// The stored form of `object`.
    pub(crate) fn from_object(object: &Map<String, Value>) -> StoredImage {
        // Writing string-keyed JSON values into a String cannot fail; `{}` is only a formal fallback.
        let text =
            serde_json::to_string(&WithoutContext(object)).unwrap_or_else(|_| "{}".to_owned());
        Self::new(text)
    }

    /// The stored form of the compact object text `text` (its filterable properties are parsed when first read).
    fn new(text: String) -> StoredImage {
        StoredImage(Arc::new(Stored {
            text: text.into_boxed_str(),
            fields: OnceLock::new(),
            answer: OnceLock::new(),
        }))
    }

    /// The stored form of the JSON object `text` (any layout): its members with keys in order (the last of a
    /// repeated key wins, as with a `Value`), every value kept as written; an error when `text` is not an object.
    pub(crate) fn from_json(text: &str) -> Result<StoredImage, serde_json::Error> {
        Ok(Self::from_members(json_text::members(text)?))
    }

    /// The stored form of these members (`@odata.context` left out, keys sorted, the last of a repeated key kept).
    pub(crate) fn from_members(members: Vec<Member<'_>>) -> StoredImage {
        let mut pending: Vec<Pending<'_>> = members
            .into_iter()
            .filter(|(k, _)| k != CONTEXT)
            .map(|(key, value)| Pending {
                key,
                value: value.get(),
                compact: false,
            })
            .collect();
        // A stable sort keeps repeated keys in their written order, so the last of each run is the one kept.
        pending.sort_by(|a, b| a.key.cmp(&b.key));
        let mut unique: Vec<Pending<'_>> = Vec::with_capacity(pending.len());
        for member in pending {
            match unique.last_mut() {
                Some(last) if last.key == member.key => *last = member,
                _ => unique.push(member),
            }
        }
        Self::write(&unique)
    }

    /// This image with `patch`'s members put in (a key present is replaced, a new one added in key order); control
    /// annotations the caller does not want stored must be filtered out of `patch` first.
    pub(crate) fn merged<'a>(
        &'a self,
        patch: impl IntoIterator<Item = (&'a str, &'a RawValue)>,
    ) -> StoredImage {
        let mut members = self.pending();
        for (key, value) in patch {
            let member = Pending {
                key: Cow::Borrowed(key),
                value: value.get(),
                compact: false,
            };
            match members.binary_search_by(|m| (*m.key).cmp(key)) {
                Ok(at) => members[at] = member,
                Err(at) => members.insert(at, member),
            }
        }
        Self::write(&members)
    }

    /// The stored image with only the members `keep` says yes to.
    pub(crate) fn retained(&self, keep: impl Fn(&str) -> bool) -> StoredImage {
        let mut members = self.pending();
        members.retain(|m| keep(&m.key));
        Self::write(&members)
    }

    /// The members of the stored text (sorted, unique, compact).
    fn pending(&self) -> Vec<Pending<'_>> {
        // The text was written by `write` or serde_json from an object, so it parses as one.
        json_text::members(self.text())
            .unwrap_or_default()
            .into_iter()
            .map(|(key, value)| Pending {
                key,
                value: value.get(),
                compact: true,
            })
            .collect()
    }

    /// `{"key":value,...}` from members already in order.
    fn write(members: &[Pending<'_>]) -> StoredImage {
        let size: usize = members
            .iter()
            .map(|m| m.key.len() + m.value.len() + 4)
            .sum();
        let mut out = Vec::with_capacity(size + 2);
        out.push(b'{');
        for (i, member) in members.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_string(&mut out, &member.key);
            out.push(b':');
            if member.compact {
                out.extend_from_slice(member.value.as_bytes());
            } else {
                push_compact(&mut out, member.value);
            }
        }
        out.push(b'}');
        // Keys come from `&str`s escaped by serde_json and values from valid JSON text with ASCII whitespace removed,
        // so the bytes are UTF-8.
        Self::new(String::from_utf8(out).unwrap_or_else(|_| "{}".to_owned()))
    }

    /// The object's JSON text.
    pub(crate) fn json(&self) -> &[u8] {
        self.0.text.as_bytes()
    }

    /// The object's JSON text, as a string.
    pub(crate) fn text(&self) -> &str {
        &self.0.text
    }

    /// The filterable properties, parsed (here, the first time they are asked for).
    pub(crate) fn fields(&self) -> &FilterFields {
        self.0
            .fields
            .get_or_init(|| FilterFields::of_image(&self.0.text))
    }

    /// The body of a GET of this image under `service_root` (the `@odata.context` then the stored text), shared with
    /// every GET addressed the same way.
    pub(crate) fn entity_answer(&self, service_root: &str) -> Bytes {
        if let Some(answer) = self.0.answer.get()
            && *answer.service_root == *service_root
        {
            return answer.body.clone();
        }
        let context = crate::shape::set_context_then(service_root, None, "/$entity");
        let body = Bytes::from(entity_body(&context, self.json()));
        // Only the first root is kept (see `EntityAnswer`); a second one simply is not cached.
        let _ = self.0.answer.set(EntityAnswer {
            service_root: service_root.into(),
            body: body.clone(),
        });
        body
    }

    /// The image's `id` when it is a non-empty string.
    pub(crate) fn id(&self) -> Option<String> {
        let members = json_text::members(self.text()).ok()?;
        let (_, raw) = members.into_iter().find(|(k, _)| k == "id")?;
        serde_json::from_str::<String>(raw.get())
            .ok()
            .filter(|id| !id.is_empty())
    }

    /// The object, parsed back.
    pub(crate) fn object(&self) -> Map<String, Value> {
        // The text was written from an object (see `write` and `from_object`), so it parses back to one.
        serde_json::from_str(self.text()).unwrap_or_default()
    }

    /// The image as a `Value` (an object).
    pub(crate) fn value(&self) -> Value {
        Value::Object(self.object())
    }
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
