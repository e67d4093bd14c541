//! Differences between two snapshots: per image added, removed or changed, each change at its JSON Pointer inside
//! the image.

use serde::Serialize;
use serde_json::Value;

use crate::exit::Failure;
use crate::snapshot::{RawSnapshot, Snapshot, parse_image};

/// What happened to an image or to one value inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only in the new side.
    Added,
    /// Only in the old side.
    Removed,
    /// In both, with another value.
    Changed,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }
}

/// One difference. For a whole image added or removed the pointer is `""` (the image itself).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    pub id: String,
    pub change: Change,
    pub pointer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// Every difference from `old` to `new`, by id, then in document order.
pub fn diff(old: &Snapshot, new: &Snapshot) -> Vec<Difference> {
    let mut out = Vec::new();
    let ids: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for id in ids {
        image(id, old.get(id), new.get(id), &mut out);
    }
    out
}

/// [`diff`] of two files' snapshots. An image whose text is the same in both is equal without being parsed (so an
/// unchanged image of two exports costs a comparison of bytes); any other is parsed and compared as values.
pub fn diff_raw(
    (old, old_path): (&RawSnapshot, &str),
    (new, new_path): (&RawSnapshot, &str),
) -> Result<Vec<Difference>, Failure> {
    let mut out = Vec::new();
    let ids: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for id in ids {
        let (o, n) = (old.get(id), new.get(id));
        if let (Some(o), Some(n)) = (o, n)
            && o.get() == n.get()
        {
            continue;
        }
        let o = o.map(|raw| parse_image(raw, old_path)).transpose()?;
        let n = n.map(|raw| parse_image(raw, new_path)).transpose()?;
        image(id, o.as_ref(), n.as_ref(), &mut out);
    }
    Ok(out)
}

/// The differences of one image, present on one side or both.
fn image(id: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<Difference>) {
    match (old, new) {
        (Some(o), None) => out.push(Difference {
            id: id.to_owned(),
            change: Change::Removed,
            pointer: String::new(),
            old: Some(o.clone()),
            new: None,
        }),
        (None, Some(n)) => out.push(Difference {
            id: id.to_owned(),
            change: Change::Added,
            pointer: String::new(),
            old: None,
            new: Some(n.clone()),
        }),
        (Some(o), Some(n)) => values(id, &mut String::new(), o, n, out),
        (None, None) => {}
    }
}

fn escape_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Objects are compared key by key, arrays index by index (a new update appended shows as one added entry), any
/// other pair of unequal values as one change.
fn values(id: &str, pointer: &mut String, old: &Value, new: &Value, out: &mut Vec<Difference>) {
    if old == new {
        return;
    }
    let mut at = |pointer: &mut String, token: String, o: Option<&Value>, n: Option<&Value>| {
        let len = pointer.len();
        pointer.push('/');
        pointer.push_str(&token);
        match (o, n) {
            (Some(o), Some(n)) => values(id, pointer, o, n, out),
            (o, n) => out.push(Difference {
                id: id.to_owned(),
                change: if o.is_some() {
                    Change::Removed
                } else {
                    Change::Added
                },
                pointer: pointer.clone(),
                old: o.cloned(),
                new: n.cloned(),
            }),
        }
        pointer.truncate(len);
    };
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            let keys: std::collections::BTreeSet<&String> = o.keys().chain(n.keys()).collect();
            for key in keys {
                at(pointer, escape_token(key), o.get(key), n.get(key));
            }
        }
        (Value::Array(o), Value::Array(n)) => {
            for i in 0..o.len().max(n.len()) {
                at(pointer, i.to_string(), o.get(i), n.get(i));
            }
        }
        _ => out.push(Difference {
            id: id.to_owned(),
            change: Change::Changed,
            pointer: pointer.clone(),
            old: Some(old.clone()),
            new: Some(new.clone()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::from_images as snap;
    use serde_json::json;

    #[test]
    fn differences_carry_json_pointers() {
        let old = snap(&[
            json!({"id":"a","supportedEditions":[{"editionType":"enterprise","supportEndDate":"2027-10-12"}],"availableUpdates":[{"buildVersion":"1"}]}),
            json!({"id":"gone"}),
        ]);
        let new = snap(&[
            json!({"id":"a","supportedEditions":[{"editionType":"enterprise","supportEndDate":"2027-11-09"}],"availableUpdates":[{"buildVersion":"1"},{"buildVersion":"2"}]}),
            json!({"id":"new/one"}),
        ]);
        let found: Vec<(String, Change, String)> = diff(&old, &new)
            .into_iter()
            .map(|d| (d.id, d.change, d.pointer))
            .collect();
        assert_eq!(
            found,
            [
                ("a".into(), Change::Added, "/availableUpdates/1".into()),
                (
                    "a".into(),
                    Change::Changed,
                    "/supportedEditions/0/supportEndDate".into()
                ),
                ("gone".into(), Change::Removed, "".into()),
                ("new/one".into(), Change::Added, "".into()),
            ]
        );
        assert!(diff(&old, &old).is_empty());
    }

    #[test]
    fn two_files_compare_by_value_and_skip_images_whose_text_is_the_same() {
        let old_text = r#"{"value":[{"id":"same","x":[1,2]},{"id":"spaced","y":1},{"id":"moved","supportEndDate":"2027-10-12"},{"id":"gone"}]}"#;
        // `spaced` differs only in layout and an annotation, which a snapshot drops: no difference.
        let new_text = r##"[{"id":"same","x":[1,2]},{ "y" : 1, "id":"spaced", "@odata.type":"#t" },{"id":"moved","supportEndDate":"2027-11-09"},{"id":"new"}]"##;
        let old = crate::snapshot::parse_raw(old_text, "old.json").unwrap();
        let new = crate::snapshot::parse_raw(new_text, "new.json").unwrap();
        let found: Vec<(String, Change, String)> = diff_raw((&old, "old.json"), (&new, "new.json"))
            .unwrap()
            .into_iter()
            .map(|d| (d.id, d.change, d.pointer))
            .collect();
        assert_eq!(
            found,
            [
                ("gone".into(), Change::Removed, "".into()),
                ("moved".into(), Change::Changed, "/supportEndDate".into()),
                ("new".into(), Change::Added, "".into()),
            ]
        );
        // The same answer as comparing the parsed snapshots.
        let parsed = |raw: &RawSnapshot, path| -> Snapshot {
            raw.iter()
                .map(|(id, r)| (id.clone(), parse_image(r, path).unwrap()))
                .collect()
        };
        assert_eq!(
            diff(&parsed(&old, "old.json"), &parsed(&new, "new.json")),
            diff_raw((&old, "old.json"), (&new, "new.json")).unwrap()
        );
    }
}
