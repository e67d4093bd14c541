//! The JSON shape of a scripted fault, for shells that take fault scripts from outside Rust (the emulator's
//! `/_emulator/faults`). camelCase, a `kind` per fault:
//!
//! ```json
//! {"kind": "status", "status": 429, "retryAfter": 5, "times": 2}
//! {"kind": "drop", "times": 1}
//! {"kind": "dropAfterProcessing", "times": 1}
//! {"kind": "latency", "milliseconds": 250}
//! {"kind": "patchNoContent", "times": 1}
//! {"kind": "batchItem", "position": 3, "status": 429, "retryAfter": 1, "times": 1}
//! {"kind": "batchItem", "id": "update-7", "status": 503}
//! {"kind": "authority", "error": "authorization_pending", "times": 2}
//! ```

use std::time::Duration;

use http::StatusCode;
use serde_json::{Value, json};

use crate::faults::{BatchItem, Fault};

/// Reads a fault script: one fault object or an array of them, in the wire shape above. A mistake is named with its
/// JSON Pointer (`/1/kind: expected one of ...`).
pub fn faults_from_json(body: &[u8]) -> Result<Vec<Fault>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        format!(
            "the fault script is not JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        )
    })?;
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| parse_fault(item, &format!("/{i}")))
            .collect(),
        item => parse_fault(&item, "").map(|fault| vec![fault]),
    }
}

fn parse_fault(item: &Value, at: &str) -> Result<Fault, String> {
    let object = item
        .as_object()
        .ok_or_else(|| format!("{}: a fault is an object with a \"kind\"", pointer(at)))?;
    let known: &[&str] = match object.get("kind").and_then(Value::as_str) {
        Some("status") => &["kind", "status", "retryAfter", "times"],
        Some("drop" | "dropAfterProcessing" | "patchNoContent") => &["kind", "times"],
        Some("latency") => &["kind", "milliseconds"],
        Some("batchItem") => &["kind", "position", "id", "status", "retryAfter", "times"],
        Some("authority") => &["kind", "error", "times"],
        _ => {
            return Err(format!(
                "{at}/kind: expected one of \"status\", \"drop\", \"dropAfterProcessing\", \"latency\", \"patchNoContent\", \"batchItem\", \"authority\""
            ));
        }
    };
    if let Some(unknown) = object.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(format!(
            "{at}/{unknown}: not a property of this kind of fault (expected {})",
            known.join(", ")
        ));
    }
    let times = || -> Result<u32, String> {
        match object.get("times") {
            None => Ok(1),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| {
                    format!("{at}/times: expected a whole number from 0 to {}", u32::MAX)
                }),
        }
    };
    let status = || {
        object
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|n| u16::try_from(n).ok())
            .filter(|n| (400..=599).contains(n))
            .and_then(|n| StatusCode::from_u16(n).ok())
            .ok_or_else(|| format!("{at}/status: expected an error status from 400 to 599"))
    };
    let retry_after = || match object.get("retryAfter") {
        None => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("{at}/retryAfter: expected whole seconds")),
    };
    let fault = match object.get("kind").and_then(Value::as_str) {
        Some("status") => Fault::Status {
            status: status()?,
            retry_after: retry_after()?,
            times: times()?,
        },
        Some("batchItem") => {
            let item = match (object.get("position"), object.get("id")) {
                (Some(p), None) => BatchItem::Position(
                    p.as_u64()
                        .and_then(|n| usize::try_from(n).ok())
                        .filter(|n| *n >= 1)
                        .ok_or_else(|| {
                            format!("{at}/position: expected the 1-based position of an item in the batch")
                        })?,
                ),
                (None, Some(id)) => BatchItem::Id(
                    id.as_str()
                        .ok_or_else(|| format!("{at}/id: expected the id of a batch item"))?
                        .to_owned(),
                ),
                _ => {
                    return Err(format!(
                        "{}: a batchItem fault names its item by \"position\" or by \"id\" (one of them)",
                        pointer(at)
                    ));
                }
            };
            Fault::BatchItem {
                item,
                status: status()?,
                retry_after: retry_after()?,
                times: times()?,
            }
        }
        Some("drop") => Fault::DropConnection { times: times()? },
        Some("dropAfterProcessing") => Fault::DropAfterProcessing { times: times()? },
        Some("patchNoContent") => Fault::PatchNoContent { times: times()? },
        Some("authority") => Fault::Authority {
            error: object
                .get("error")
                .and_then(Value::as_str)
                .filter(|e| {
                    !e.is_empty()
                        && e.bytes()
                            .all(|b| b.is_ascii_lowercase() || b == b'_' || b.is_ascii_digit())
                })
                .ok_or_else(|| {
                    format!(
                        "{at}/error: expected an OAuth2 error code such as \"authorization_pending\" or \"slow_down\""
                    )
                })?
                .to_owned(),
            times: times()?,
        },
        _ => {
            let millis = object
                .get("milliseconds")
                .and_then(Value::as_u64)
                .filter(|ms| *ms <= 600_000)
                .ok_or_else(|| {
                    format!("{at}/milliseconds: expected whole milliseconds up to 600000")
                })?;
            Fault::Latency(Duration::from_millis(millis))
        }
    };
    Ok(fault)
}

fn pointer(at: &str) -> &str {
    if at.is_empty() { "(body)" } else { at }
}

/// A fault in the wire shape [`faults_from_json`] reads.
pub fn fault_to_json(fault: &Fault) -> Value {
    match fault {
        Fault::Status {
            status,
            retry_after,
            times,
        } => {
            let mut v = json!({ "kind": "status", "status": status.as_u16(), "times": times });
            if let (Some(seconds), Some(object)) = (retry_after, v.as_object_mut()) {
                object.insert("retryAfter".into(), json!(seconds));
            }
            v
        }
        Fault::DropConnection { times } => json!({ "kind": "drop", "times": times }),
        Fault::DropAfterProcessing { times } => {
            json!({ "kind": "dropAfterProcessing", "times": times })
        }
        Fault::Latency(d) => {
            json!({ "kind": "latency", "milliseconds": u64::try_from(d.as_millis()).unwrap_or(u64::MAX) })
        }
        Fault::PatchNoContent { times } => json!({ "kind": "patchNoContent", "times": times }),
        Fault::BatchItem {
            item,
            status,
            retry_after,
            times,
        } => {
            let mut v = json!({ "kind": "batchItem", "status": status.as_u16(), "times": times });
            if let Some(object) = v.as_object_mut() {
                match item {
                    BatchItem::Position(p) => object.insert("position".into(), json!(p)),
                    BatchItem::Id(id) => object.insert("id".into(), json!(id)),
                };
                if let Some(seconds) = retry_after {
                    object.insert("retryAfter".into(), json!(seconds));
                }
            }
            v
        }
        Fault::Authority { error, times } => {
            json!({ "kind": "authority", "error": error, "times": times })
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_and_shows_the_same_way() {
        let script = br#"[
            {"kind":"status","status":429,"retryAfter":5,"times":2},
            {"kind":"drop"},
            {"kind":"dropAfterProcessing","times":3},
            {"kind":"latency","milliseconds":250},
            {"kind":"patchNoContent","times":1},
            {"kind":"batchItem","position":3,"status":429,"retryAfter":1,"times":2},
            {"kind":"batchItem","id":"u-7","status":503},
            {"kind":"authority","error":"slow_down","times":2}
        ]"#;
        let faults = faults_from_json(script).unwrap();
        assert_eq!(faults.len(), 8);
        assert_eq!(
            faults[7],
            Fault::Authority {
                error: "slow_down".into(),
                times: 2
            }
        );
        assert_eq!(faults[5], Fault::throttled_item(3, 2, 1));
        assert_eq!(faults[0], Fault::throttled(2, 5));
        assert_eq!(faults[1], Fault::DropConnection { times: 1 });
        assert_eq!(faults[3], Fault::Latency(Duration::from_millis(250)));
        let shown: Vec<Value> = faults.iter().map(fault_to_json).collect();
        let again: Vec<Fault> =
            faults_from_json(serde_json::to_string(&shown).unwrap().as_bytes()).unwrap();
        assert_eq!(again, faults);
    }

    #[test]
    fn mistakes_are_named_with_their_pointer() {
        let cases: &[(&[u8], &str)] = &[
            (b"{\"kind\":\"status\",\"status\":200}", "/status"),
            (b"[{\"kind\":\"drop\"},{\"kind\":\"explode\"}]", "/1/kind"),
            (b"{\"kind\":\"drop\",\"times\":-1}", "/times"),
            (b"{\"kind\":\"latency\"}", "/milliseconds"),
            (b"{\"kind\":\"drop\",\"retryAfter\":1}", "/retryAfter"),
            (
                b"{\"kind\":\"batchItem\",\"position\":0,\"status\":429}",
                "/position",
            ),
            (
                b"{\"kind\":\"batchItem\",\"status\":429}",
                "by \"position\" or by \"id\"",
            ),
            (b"{\"kind\":\"authority\"}", "/error"),
            (b"{\"kind\":\"authority\",\"error\":\"a b\"}", "/error"),
            (b"[1]", "/0"),
            (b"{", "not JSON"),
        ];
        for (body, expected) in cases {
            let message = faults_from_json(body).unwrap_err();
            assert!(
                message.contains(expected),
                "{message:?} should name {expected}"
            );
        }
    }
}
