//! What `apply` would do to make a tenant match a desired-state file: creates, minimal PATCH bodies, and deletes
//! (only with `--prune`).

use serde::Serialize;
use serde_json::{Map, Value};

use crate::snapshot::Snapshot;

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum Step {
    /// POST the image (it is in the file, not in the tenant).
    Create { id: String, body: Value },
    /// PATCH only the top-level properties whose values differ (a collection is sent whole, as PATCH replaces it).
    Update { id: String, body: Value },
    /// DELETE the image (in the tenant, not in the file; only with `--prune`).
    Delete { id: String },
}

impl Step {
    pub fn id(&self) -> &str {
        match self {
            Step::Create { id, .. } | Step::Update { id, .. } | Step::Delete { id } => id,
        }
    }

    pub fn action(&self) -> &'static str {
        match self {
            Step::Create { .. } => "create",
            Step::Update { .. } => "update",
            Step::Delete { .. } => "delete",
        }
    }
}

/// The steps that take `current` to `desired`: creates, then updates, then deletes, each by id. Empty when they
/// already match, so applying the same file twice changes nothing the second time.
pub fn plan(current: &Snapshot, desired: &Snapshot, prune: bool) -> Vec<Step> {
    let mut creates = Vec::new();
    let mut updates = Vec::new();
    let mut deletes = Vec::new();
    for (id, want) in desired {
        match current.get(id) {
            None => creates.push(Step::Create {
                id: id.clone(),
                body: want.clone(),
            }),
            Some(have) => {
                if let Some(body) = patch_body(have, want) {
                    updates.push(Step::Update {
                        id: id.clone(),
                        body,
                    });
                }
            }
        }
    }
    if prune {
        for id in current.keys().filter(|id| !desired.contains_key(*id)) {
            deletes.push(Step::Delete { id: id.clone() });
        }
    }
    creates.into_iter().chain(updates).chain(deletes).collect()
}

/// The PATCH body from `have` to `want`: each top-level property whose value differs, as `want` has it; a property
/// `want` lacks is sent as `null`, except `id`, which is the key and never changes. `None` when nothing differs.
fn patch_body(have: &Value, want: &Value) -> Option<Value> {
    let (Value::Object(have), Value::Object(want)) = (have, want) else {
        return None;
    };
    let mut body = Map::new();
    for (key, value) in want {
        if key != "id" && have.get(key) != Some(value) {
            body.insert(key.clone(), value.clone());
        }
    }
    for key in have.keys() {
        if key != "id" && !want.contains_key(key) {
            body.insert(key.clone(), Value::Null);
        }
    }
    (!body.is_empty()).then_some(Value::Object(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::from_images as snap;
    use serde_json::json;

    #[test]
    fn a_plan_holds_only_what_changed_and_deletes_only_when_pruning() {
        let current = snap(&[
            json!({"id":"a","supportedArchitectures":["x64"],"availableUpdates":[]}),
            json!({"id":"extra"}),
        ]);
        let desired = snap(&[
            json!({"id":"a","supportedArchitectures":["x64","arM64"],"availableUpdates":[]}),
            json!({"id":"b"}),
        ]);
        let steps = plan(&current, &desired, false);
        assert_eq!(
            steps,
            [
                Step::Create {
                    id: "b".into(),
                    body: json!({"id":"b"})
                },
                Step::Update {
                    id: "a".into(),
                    body: json!({"supportedArchitectures":["x64","arM64"]})
                },
            ]
        );
        let pruned = plan(&current, &desired, true);
        assert_eq!(pruned.last(), Some(&Step::Delete { id: "extra".into() }));
        assert!(plan(&desired, &desired, true).is_empty());
    }
}
