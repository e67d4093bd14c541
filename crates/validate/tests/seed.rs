//! The seed's own bodies (Graph's PATCH example) under each policy and operation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use intune_osimages_validate::{Operation, Policy, Report, Rule, Severity, validate};
use serde_json::Value;

fn seed(name: &str) -> Value {
    let text = match name {
        "request" => include_str!("../fixtures/seed/update-request.json"),
        _ => include_str!("../fixtures/seed/update-response.json"),
    };
    serde_json::from_str(text).unwrap()
}

fn triples(report: &Report) -> BTreeSet<(String, Rule, Severity)> {
    report
        .findings()
        .iter()
        .map(|f| (f.path.clone(), f.rule, f.severity))
        .collect()
}

#[test]
fn seed_patch_under_default_policy_has_three_read_only_errors_and_a_year_warning() {
    let report = validate(&seed("request"), Operation::Update, Policy::default());
    let expected: BTreeSet<_> = [
        ("/supportedEditions", Rule::ReadOnly, Severity::Error),
        ("/supportedArchitectures", Rule::ReadOnly, Severity::Error),
        ("/availableUpdates", Rule::ReadOnly, Severity::Error),
        (
            "/availableUpdates/0/releaseYear",
            Rule::Range,
            Severity::Warning,
        ),
    ]
    .into_iter()
    .map(|(p, r, s)| (p.to_owned(), r, s))
    .collect();
    assert_eq!(triples(&report), expected);
    assert_eq!(report.len(), 4, "no duplicates: {report}");
    assert_eq!(report.errors().count(), 3);
    assert_eq!(report.warnings().count(), 1);
    assert!(report.has_errors());
    for error in report.errors() {
        let field = error.path.trim_start_matches('/');
        assert!(
            error.message.contains(field),
            "message names the field: {error}"
        );
    }
}

#[test]
fn seed_patch_under_allow_read_only_has_no_error() {
    for policy in [
        Policy::allow_read_only(),
        Policy {
            allow_read_only: true,
        },
    ] {
        let report = validate(&seed("request"), Operation::Update, policy);
        assert!(!report.has_errors(), "{report}");
        let expected: BTreeSet<_> = [(
            "/availableUpdates/0/releaseYear".to_owned(),
            Rule::Range,
            Severity::Warning,
        )]
        .into_iter()
        .collect();
        assert_eq!(triples(&report), expected);
        let warning = report.warnings().next().unwrap();
        assert_eq!(warning.suggestion.as_deref(), Some("did you mean 2011?"));
    }
}

#[test]
fn strict_is_the_default() {
    assert_eq!(Policy::strict(), Policy::default());
    assert!(!Policy::default().allow_read_only);
    assert!(Policy::allow_read_only().allow_read_only);
}

#[test]
fn seed_response_as_an_update_body_also_flags_the_key() {
    let report = validate(&seed("response"), Operation::Update, Policy::default());
    let rules: Vec<_> = report.errors().map(|f| (f.path.as_str(), f.rule)).collect();
    assert!(rules.contains(&("/id", Rule::ReadOnly)), "{report}");
    assert_eq!(report.errors().count(), 4);
    // Opting in accepts the key as well, like every other read-only property.
    let allowed = validate(
        &seed("response"),
        Operation::Update,
        Policy::allow_read_only(),
    );
    assert!(!allowed.has_errors(), "{allowed}");
}

#[test]
fn seed_response_as_a_create_body() {
    // `id` is the key a create supplies, so it is never a read-only finding on create; the collections are.
    let strict = validate(&seed("response"), Operation::Create, Policy::default());
    let paths: BTreeSet<_> = strict.errors().map(|f| (f.path.as_str(), f.rule)).collect();
    let expected: BTreeSet<_> = [
        ("/supportedEditions", Rule::ReadOnly),
        ("/supportedArchitectures", Rule::ReadOnly),
        ("/availableUpdates", Rule::ReadOnly),
    ]
    .into_iter()
    .collect();
    assert_eq!(paths, expected);
    let allowed = validate(
        &seed("response"),
        Operation::Create,
        Policy::allow_read_only(),
    );
    assert!(!allowed.has_errors(), "{allowed}");
}

#[test]
fn seed_request_as_a_create_body_needs_no_key() {
    // Graph's metadata marks nothing required, and the docs' own create example sends no id (it gets a GUID).
    let report = validate(
        &seed("request"),
        Operation::Create,
        Policy::allow_read_only(),
    );
    let errors: Vec<_> = report.errors().map(|f| (f.path.as_str(), f.rule)).collect();
    assert!(errors.is_empty(), "{errors:?}");
}
