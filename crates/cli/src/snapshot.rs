//! A catalog snapshot: the images of a tenant or a file, keyed by id, in the deterministic shape `export` writes
//! and `serve --seed` / `--data` read (`{"value":[...]}`, images sorted by id, properties in a fixed order, no
//! OData annotations), so that two exports differ exactly where the catalog did.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::exit::Failure;
use crate::pretty::Members;
use crate::terminal::escape;

/// Images by id.
pub type Snapshot = BTreeMap<String, Value>;

/// The property order of every object written: the keys of Graph's objects in their documented order, then any
/// other key alphabetically.
const ORDER: [&str; 9] = [
    "id",
    "supportedArchitectures",
    "supportedEditions",
    "availableUpdates",
    "editionType",
    "supportEndDate",
    "buildVersion",
    "releaseMonth",
    "releaseYear",
];

/// `value` as a snapshot holds it: OData annotations (`@odata.context`, `@odata.type`, ...) are dropped at every
/// level, as they describe the answer rather than the image.
pub fn normalize(mut value: Value) -> Value {
    strip_annotations(&mut value);
    value
}

/// Whether a property is an OData annotation, which a snapshot leaves out.
fn is_annotation(key: &str) -> bool {
    // Most keys hold no `@` at all: a byte loop says so before the substring search.
    key.bytes().any(|b| b == b'@') && key.contains("@odata.")
}

/// A key's place in [`ORDER`] (after all of it when it is not there).
fn rank(key: &str) -> usize {
    ORDER.iter().position(|o| *o == key).unwrap_or(ORDER.len())
}

/// The members of every object a snapshot writes: no annotations, keys in [`ORDER`] then by name.
pub const MEMBERS: Members = Members {
    keep: |key| !is_annotation(key),
    rank,
};

/// Drops annotations in place: a catalog holds none below the top level as a rule, so nothing is rebuilt.
fn strip_annotations(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|k, _| !is_annotation(k));
            map.values_mut().for_each(strip_annotations);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_annotations),
        _ => {}
    }
}

/// Adds one image to a snapshot; a second image with the same id, or one without a string id, is an error naming
/// where it came from.
pub fn insert(snapshot: &mut Snapshot, image: Value, source: &str) -> Result<(), Failure> {
    let Some(id) = image.get("id").and_then(Value::as_str).map(str::to_owned) else {
        return Err(Failure::usage(format!(
            "{}: an image has no string \"id\"",
            escape(source)
        )));
    };
    if snapshot.contains_key(&id) {
        return Err(Failure::usage(format!(
            "{}: the id {:?} appears twice",
            escape(source),
            escape(&id)
        )));
    }
    snapshot.insert(id, normalize(image));
    Ok(())
}

/// Images by id as the JSON text a file holds them in, borrowed from the file's text: two files can be compared
/// without building a tree for images whose text is the same in both (an export of an unchanged image is).
pub type RawSnapshot<'a> = BTreeMap<String, &'a RawValue>;

/// Reads a snapshot file's text, without a UTF-8 byte order mark (Notepad, PowerShell), which is not part of the
/// JSON.
pub fn read_text(path: &str) -> Result<String, Failure> {
    let mut text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", escape(path))))?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// The images of a snapshot file's `text`: `{"value":[...]}` (what `export` and `list --json` write) or a JSON
/// array of images; `path` names the file in errors.
pub fn parse_raw<'a>(text: &'a str, path: &str) -> Result<RawSnapshot<'a>, Failure> {
    #[derive(Deserialize)]
    struct Collection<'a> {
        #[serde(borrow)]
        value: Vec<&'a RawValue>,
    }
    #[derive(Deserialize)]
    struct Keyed<'a> {
        #[serde(borrow)]
        id: Option<std::borrow::Cow<'a, str>>,
    }
    let shape = || {
        Failure::usage(format!(
            "{}: expected a JSON array of images or {{\"value\":[...]}}",
            escape(path)
        ))
    };
    // One pass reads the images' texts; its error says whether the JSON is broken or only of another shape.
    let items: Result<Vec<&RawValue>, serde_json::Error> =
        match text.trim_start().as_bytes().first() {
            Some(b'[') => serde_json::from_str(text),
            Some(b'{') => serde_json::from_str::<Collection>(text).map(|c| c.value),
            _ => serde_json::from_str::<&RawValue>(text).map(|_| Vec::new()),
        };
    // Broken JSON first, then what a JSON reader would hide, then the wrong shape.
    if let Err(e) = &items
        && e.classify() != serde_json::error::Category::Data
    {
        return Err(Failure::usage(format!(
            "{}:{}:{}: not JSON: {e}",
            escape(path),
            e.line(),
            e.column()
        )));
    }
    // A key given twice would be read as one of its values, silently: a desired state must say what it means.
    let report = intune_osimages_validate::check_json_text(text);
    if report.has_errors() {
        let lines: Vec<String> = report
            .errors()
            .map(|f| format!("  {}", escape(&f.to_string())))
            .collect();
        return Err(Failure::usage(format!(
            "{}: {} problem(s) a JSON reader would hide\n{}",
            escape(path),
            lines.len(),
            lines.join("\n")
        )));
    }
    let is_collection = matches!(text.trim_start().as_bytes().first(), Some(b'[' | b'{'));
    let items = match items {
        Ok(items) if is_collection => items,
        _ => return Err(shape()),
    };
    let mut snapshot = RawSnapshot::new();
    for item in items {
        let id = match serde_json::from_str::<Keyed>(item.get()) {
            Ok(Keyed { id: Some(id) }) => id.into_owned(),
            _ => {
                return Err(Failure::usage(format!(
                    "{}: an image has no string \"id\"",
                    escape(path)
                )));
            }
        };
        if snapshot.insert(id.clone(), item).is_some() {
            return Err(Failure::usage(format!(
                "{}: the id {:?} appears twice",
                escape(path),
                escape(&id)
            )));
        }
    }
    Ok(snapshot)
}

/// One image of a [`RawSnapshot`] as a snapshot holds it ([`normalize`]d); `path` names its file in errors.
pub fn parse_image(raw: &RawValue, path: &str) -> Result<Value, Failure> {
    serde_json::from_str(raw.get())
        .map(normalize)
        .map_err(|e| Failure::usage(format!("{}: an image is not JSON: {e}", escape(path))))
}

/// Reads a snapshot file: `{"value":[...]}` (what `export` and `list --json` write) or a JSON array of images.
pub fn read_file(path: &str) -> Result<Snapshot, Failure> {
    let text = read_text(path)?;
    parse_raw(&text, path)?
        .into_iter()
        .map(|(id, raw)| Ok((id, parse_image(raw, path)?)))
        .collect()
}

/// A snapshot of `images` as given (keyed by their `id`), for tests that compare snapshots.
#[cfg(test)]
pub fn from_images(images: &[Value]) -> Snapshot {
    images
        .iter()
        .map(|i| (i["id"].as_str().unwrap_or_default().to_owned(), i.clone()))
        .collect()
}

/// A JSON value written with its object keys in [`ORDER`].
pub struct Ordered<'a>(pub &'a Value);

fn ordered_keys(map: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = map.keys().collect();
    // Each key's rank once, not twice per comparison: export orders every object of every image.
    keys.sort_by_cached_key(|k| (rank(k), k.as_str()));
    keys
}

impl Serialize for Ordered<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => {
                let mut out = serializer.serialize_map(Some(map.len()))?;
                for key in ordered_keys(map) {
                    out.serialize_entry(key, &Ordered(&map[key]))?;
                }
                out.end()
            }
            Value::Array(items) => {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&Ordered(item))?;
                }
                out.end()
            }
            other => other.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Export writes each typed image straight in the snapshot layout: the same text as the `Value` it was once
    /// turned into (annotations dropped at every level, keys ordered), for images whose unknown properties hold
    /// annotations, keys out of order, nested objects and escapes, and for known properties kept as `null`.
    #[test]
    fn typed_images_are_written_as_their_normalized_ordered_values() {
        use crate::sink::{array_item_text, array_item_text_with};
        use intune_osimages::OsImage;
        let mut images = intune_osimages_fake::sample_catalog();
        let mut odd = OsImage::default();
        odd.id = Some("odd \"one\"".into());
        for (key, value) in [
            ("@odata.etag", serde_json::json!("W/\"1\"")),
            (
                "zeta",
                serde_json::json!({"b": 1, "a": {"@odata.type": "#x", "releaseYear": 2, "buildVersion": "v"}}),
            ),
            (
                "alpha",
                serde_json::json!([{"supportEndDate": "2027-01-01", "editionType": "e", "x@odata.id": 1}]),
            ),
            ("supportedEditions", serde_json::json!(null)),
            ("we\u{1}ird\nkey", serde_json::json!("tab\t")),
            ("availableUpdates", serde_json::json!([])),
        ] {
            odd.extra.insert(key.to_owned(), value);
        }
        images.push(odd);
        let mut annotated = images[0].clone();
        annotated.odata_type =
            Some("#microsoft.graph.managedDeviceWindowsOperatingSystemImage".into());
        images.push(annotated);
        for image in &images {
            let value = normalize(serde_json::to_value(image).unwrap());
            assert_eq!(
                array_item_text_with(image, MEMBERS).unwrap(),
                array_item_text(&Ordered(&value)).unwrap(),
                "{value}"
            );
        }
    }
    use crate::sink::JsonArray;
    use serde_json::json;

    #[test]
    fn written_snapshots_are_ordered_annotation_free_json() {
        let mut snapshot = Snapshot::new();
        for image in [
            json!({"supportedEditions":[{"supportEndDate":"2027-10-12","editionType":"enterprise","@odata.type":"#x"}],"id":"b","zeta":1,"@odata.etag":"w"}),
            json!({"id":"a","availableUpdates":[]}),
        ] {
            insert(&mut snapshot, image, "test").unwrap();
        }
        assert!(insert(&mut snapshot, json!({"id":"a"}), "test").is_err());
        let mut writer = JsonArray::new(Vec::new()).unwrap();
        for image in snapshot.values() {
            writer.item(&Ordered(image)).unwrap();
        }
        let text = String::from_utf8(writer.finish(&[]).unwrap()).unwrap();
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["value"][0]["id"], "a");
        assert!(!text.contains("@odata"), "{text}");
        let b = text.find("\"id\": \"b\"").unwrap();
        let editions = text.find("\"supportedEditions\"").unwrap();
        let zeta = text.find("\"zeta\"").unwrap();
        let edition_type = text.find("\"editionType\"").unwrap();
        let end = text.find("\"supportEndDate\"").unwrap();
        assert!(
            b < editions && editions < zeta && edition_type < end,
            "{text}"
        );
        let empty = JsonArray::new(Vec::new()).unwrap().finish(&[]).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&empty).unwrap(),
            json!({"value": []})
        );
    }

    #[test]
    fn snapshot_files_are_refused_naming_the_problem() {
        let refused = |text: &str| parse_raw(text, "f.json").err().map(|f| f.message);
        let message = refused("{\"value\":[{\"id\":\"a\"},").unwrap();
        assert!(message.starts_with("f.json:1:"), "{message}");
        assert!(message.contains("not JSON"), "{message}");
        let message = refused("{\"value\":[{\"id\":\"a\",\"id\":\"b\"}]}").unwrap();
        assert!(message.contains("a JSON reader would hide"), "{message}");
        for wrong_shape in ["{\"images\":[]}", "{\"value\":{}}", "42", "\"x\""] {
            let message = refused(wrong_shape).unwrap();
            assert!(
                message.contains("expected a JSON array of images"),
                "{wrong_shape}: {message}"
            );
        }
        for no_id in ["[{\"x\":1}]", "[{\"id\":7}]", "[3]"] {
            let message = refused(no_id).unwrap();
            assert!(
                message.contains("has no string \"id\""),
                "{no_id}: {message}"
            );
        }
        let message = refused("[{\"id\":\"a\"},{\"id\":\"a\"}]").unwrap();
        assert!(message.contains("appears twice"), "{message}");
        let bom_only = parse_raw("\u{feff}", "f.json");
        assert!(bom_only.is_err());
        assert_eq!(parse_raw(" [ ] ", "f.json").unwrap().len(), 0);
        let ids: Vec<String> = parse_raw(
            "{\"@odata.context\":\"x\",\"value\":[{\"id\":\"b\"},{\"id\":\"a\\u0041\"}]}",
            "f.json",
        )
        .unwrap()
        .into_keys()
        .collect();
        assert_eq!(ids, ["aA", "b"]);
    }
}
