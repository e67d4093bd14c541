//! Ids a create may not use: ones no later request could address.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_validate::{Operation, Policy, Rule, validate};
use serde_json::json;

fn addressable_findings(id: &str, operation: Operation) -> Vec<String> {
    let body = json!({"id": id, "supportedEditions": [], "supportedArchitectures": [], "availableUpdates": []});
    validate(
        &body,
        operation,
        Policy {
            allow_read_only: true,
        },
    )
    .findings()
    .iter()
    .filter(|f| f.rule == Rule::Addressable)
    .map(|f| format!("{} {}", f.path, f.message))
    .collect()
}

#[test]
fn dot_segments_and_control_characters_are_refused_for_create() {
    for id in [
        ".",
        "..",
        "a\u{1b}[2J",
        "tab\there",
        "line\nbreak",
        "\u{7f}",
    ] {
        let found = addressable_findings(id, Operation::Create);
        assert_eq!(found.len(), 1, "{id:?}: {found:?}");
        assert!(found[0].starts_with("/id "), "{found:?}");
    }
}

#[test]
fn ordinary_ids_pass_and_update_bodies_are_judged_by_the_url() {
    for id in ["Windows 11 24H2", "...", "a.b", "../x", "日本語", "q?x=1"] {
        assert_eq!(
            addressable_findings(id, Operation::Create),
            Vec::<String>::new(),
            "{id:?}"
        );
    }
    assert!(addressable_findings("..", Operation::Update).is_empty());
    // The empty id stays a `required` error for create.
    let report = validate(&json!({"id": ""}), Operation::Create, Policy::default());
    assert!(
        report
            .findings()
            .iter()
            .any(|f| f.rule == Rule::Required && f.path == "/id")
    );
}
