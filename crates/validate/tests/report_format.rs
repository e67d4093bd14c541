//! The shapes other tools read: rule ids, JSON of findings and reports, and their display.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_validate::{Finding, Operation, Policy, Report, Rule, Severity, validate};
use serde_json::json;

#[test]
fn rule_ids_are_stable() {
    let ids: Vec<_> = Rule::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(
        ids,
        [
            "read-only",
            "enum-value",
            "date-format",
            "type",
            "range",
            "required",
            "null",
            "unknown-property",
            "odata-type",
            "addressable",
            "duplicate-key",
            "inexact-integer"
        ]
    );
    for rule in Rule::ALL {
        assert_eq!(serde_json::to_value(rule).unwrap(), json!(rule.as_str()));
        assert_eq!(rule.to_string(), rule.as_str());
        assert_eq!(Rule::from_id(rule.as_str()), Some(rule));
        let back: Rule = serde_json::from_value(json!(rule.as_str())).unwrap();
        assert_eq!(back, rule);
    }
    assert_eq!(Rule::from_id("readonly"), None);
    let err = serde_json::from_value::<Rule>(json!("readonly")).unwrap_err();
    assert!(err.to_string().contains("readonly"), "{err}");
}

#[test]
fn severities_serialize_lowercase() {
    assert_eq!(
        serde_json::to_value(Severity::Error).unwrap(),
        json!("error")
    );
    assert_eq!(
        serde_json::to_value(Severity::Warning).unwrap(),
        json!("warning")
    );
    assert_eq!(Severity::Warning.to_string(), "warning");
}

#[test]
fn finding_json_skips_a_missing_suggestion() {
    let report = validate(
        &json!({"supportedEditions": [], "displayName": "x"}),
        Operation::Update,
        Policy::default(),
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json,
        json!({"findings": [
            {
                "path": "/displayName",
                "rule": "unknown-property",
                "severity": "warning",
                "message": "\"displayName\" is not a property of managedDeviceWindowsOperatingSystemImage (it would be sent as is)"
            },
            {
                "path": "/supportedEditions",
                "rule": "read-only",
                "severity": "error",
                "message": "supportedEditions is read-only: Graph documents it as read-only, so an update body should not send it",
                "suggestion": "leave supportedEditions out, or allow read-only properties (Policy::allow_read_only, --allow-read-only) to send it"
            }
        ]})
    );
    let back: Report = serde_json::from_value(json).unwrap();
    assert_eq!(back, report);
}

#[test]
fn display_reads_severity_rule_path_message_and_suggestion() {
    let finding = Finding {
        path: "/supportedArchitectures/0".into(),
        rule: Rule::EnumValue,
        severity: Severity::Error,
        message: "\"ARM64\" is not a managedDeviceArchitecture value".into(),
        suggestion: Some("did you mean \"arM64\"?".into()),
    };
    assert_eq!(
        finding.to_string(),
        "error[enum-value] /supportedArchitectures/0: \"ARM64\" is not a managedDeviceArchitecture value; did you mean \"arM64\"?"
    );
    let root = validate(&json!([1]), Operation::Create, Policy::default());
    assert_eq!(
        root.to_string(),
        "error[type] (body): the body must be a JSON object (a managedDeviceWindowsOperatingSystemImage), found an array"
    );
}

#[test]
fn report_display_lists_every_finding_one_per_line() {
    let report = validate(
        &json!({"supportedEditions": null, "supportedArchitectures": ["ARM64"]}),
        Operation::Update,
        Policy::default(),
    );
    let text = report.to_string();
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), report.len());
    assert_eq!(report.len(), 4);
    for (line, finding) in lines.iter().zip(report.findings()) {
        assert_eq!(*line, finding.to_string());
    }
    assert!(
        text.starts_with("error[read-only] /supportedArchitectures: "),
        "{text}"
    );
}

#[test]
fn report_accessors_agree() {
    let report = validate(
        &json!({"availableUpdates": [{"buildVersion": "b", "releaseMonth": 13, "releaseYear": 11}]}),
        Operation::Update,
        Policy::allow_read_only(),
    );
    assert_eq!(report.len(), 2);
    assert!(!report.is_empty());
    assert!(report.has_errors());
    assert_eq!(report.errors().count(), 1);
    assert_eq!(report.warnings().count(), 1);
    assert_eq!((&report).into_iter().count(), 2);
    let findings = report.clone().into_findings();
    assert_eq!(findings.as_slice(), report.findings());
    let rebuilt: Report = findings.into_iter().collect();
    assert_eq!(rebuilt, report);
    let only_warnings = Report::from(report.warnings().cloned().collect::<Vec<_>>());
    assert!(!only_warnings.has_errors());
    assert!(Report::default().is_empty());
}

#[test]
fn operation_names() {
    assert_eq!(Operation::Create.to_string(), "create");
    assert_eq!(Operation::Update.as_str(), "update");
}
