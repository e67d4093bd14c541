//! A catalog snapshot: the images of a tenant or a file, keyed by id, in the deterministic shape `export` writes
//! and `serve --seed` / `--data` read (`{"value":[...]}`, images sorted by id, properties in a fixed order, no
//! OData annotations), so that two exports differ exactly where the catalog did.

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

use crate::exit::Failure;
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

/// Drops annotations in place: a catalog holds none below the top level as a rule, so nothing is rebuilt.
fn strip_annotations(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|k, _| !k.contains("@odata."));
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

/// Reads a snapshot file: `{"value":[...]}` (what `export` and `list --json` write) or a JSON array of images.
pub fn read_file(path: &str) -> Result<Snapshot, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", escape(path))))?;
    // A byte order mark (Notepad, PowerShell) is not part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Failure::usage(format!(
            "{}:{}:{}: not JSON: {e}",
            escape(path),
            e.line(),
            e.column()
        ))
    })?;
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
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove("value") {
            Some(Value::Array(items)) => items,
            _ => {
                return Err(Failure::usage(format!(
                    "{}: expected a JSON array of images or {{\"value\":[...]}}",
                    escape(path)
                )));
            }
        },
        _ => {
            return Err(Failure::usage(format!(
                "{}: expected a JSON array of images or {{\"value\":[...]}}",
                escape(path)
            )));
        }
    };
    let mut snapshot = Snapshot::new();
    for item in items {
        insert(&mut snapshot, item, path)?;
    }
    Ok(snapshot)
}

/// A JSON value written with its object keys in [`ORDER`].
pub struct Ordered<'a>(pub &'a Value);

fn ordered_keys(map: &Map<String, Value>) -> Vec<&String> {
    let rank = |k: &str| ORDER.iter().position(|o| *o == k).unwrap_or(ORDER.len());
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_by(|a, b| (rank(a), a.as_str()).cmp(&(rank(b), b.as_str())));
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
}
