//! Differences between two snapshots: per image added, removed or changed, each change at its JSON Pointer inside
//! the image.

use serde::Serialize;
use serde_json::Value;

use crate::snapshot::Snapshot;

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
        match (old.get(id), new.get(id)) {
            (Some(o), None) => out.push(Difference {
                id: id.clone(),
                change: Change::Removed,
                pointer: String::new(),
                old: Some(o.clone()),
                new: None,
            }),
            (None, Some(n)) => out.push(Difference {
                id: id.clone(),
                change: Change::Added,
                pointer: String::new(),
                old: None,
                new: Some(n.clone()),
            }),
            (Some(o), Some(n)) => values(id, &mut String::new(), o, n, &mut out),
            (None, None) => {}
        }
    }
    out
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
    use serde_json::json;

    fn snap(images: &[Value]) -> Snapshot {
        images
            .iter()
            .map(|i| (i["id"].as_str().unwrap_or_default().to_owned(), i.clone()))
            .collect()
    }

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
}
