//! Bad bodies and the exact findings each must produce; good bodies that must produce none.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use intune_osimages_validate::{Operation, Policy, Severity, validate};
use serde_json::{Value, json};

use Operation::{Create, Update};

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

struct Case {
    name: &'static str,
    body: Value,
    operation: Operation,
    policy: Policy,
    expected: &'static [(&'static str, &'static str, Severity)],
}

fn case(
    name: &'static str,
    operation: Operation,
    policy: Policy,
    body: Value,
    expected: &'static [(&'static str, &'static str, Severity)],
) -> Case {
    Case {
        name,
        body,
        operation,
        policy,
        expected,
    }
}

fn edition(edition_type: Value, date: Value) -> Value {
    json!({"supportedEditions": [{"editionType": edition_type, "supportEndDate": date}]})
}

fn update(month: Value, year: Value) -> Value {
    json!({"availableUpdates": [{"buildVersion": "10.0.26100.7171", "releaseMonth": month, "releaseYear": year}]})
}

fn bad_bodies() -> Vec<Case> {
    let allow = Policy::allow_read_only();
    let strict = Policy::strict();
    vec![
        // the body itself
        case("array body", Update, allow, json!([]), &[("", "type", E)]),
        case("string body", Update, allow, json!("x"), &[("", "type", E)]),
        case("null body", Create, allow, json!(null), &[("", "type", E)]),
        case("number body", Update, strict, json!(3), &[("", "type", E)]),
        // read-only
        case(
            "update sends the key",
            Update,
            strict,
            json!({"id": "Windows 11 24H2"}),
            &[("/id", "read-only", E)],
        ),
        case(
            "update sends editions",
            Update,
            strict,
            json!({"supportedEditions": []}),
            &[("/supportedEditions", "read-only", E)],
        ),
        case(
            "create sends the collections",
            Create,
            strict,
            json!({"id": "W", "supportedEditions": [], "supportedArchitectures": [], "availableUpdates": []}),
            &[
                ("/supportedEditions", "read-only", E),
                ("/supportedArchitectures", "read-only", E),
                ("/availableUpdates", "read-only", E),
            ],
        ),
        // required
        // Graph's metadata marks nothing required: a create without `id` gets a GUID, absent collections are empty.
        case("empty create", Create, strict, json!({}), &[]),
        case(
            "create with an empty key",
            Create,
            allow,
            json!({"id": "", "supportedEditions": [], "supportedArchitectures": [], "availableUpdates": []}),
            &[("/id", "required", E)],
        ),
        case(
            "edition without a type",
            Update,
            allow,
            json!({"supportedEditions": [{"supportEndDate": "2027-10-12"}]}),
            &[("/supportedEditions/0/editionType", "required", E)],
        ),
        case(
            "empty update element",
            Update,
            allow,
            json!({"availableUpdates": [{}]}),
            &[
                ("/availableUpdates/0/buildVersion", "required", E),
                ("/availableUpdates/0/releaseMonth", "required", E),
                ("/availableUpdates/0/releaseYear", "required", E),
            ],
        ),
        // enum-value
        case(
            "architecture in the docs' casing",
            Update,
            allow,
            json!({"supportedArchitectures": ["x64", "ARM64"]}),
            &[("/supportedArchitectures/1", "enum-value", E)],
        ),
        case(
            "unknown architecture",
            Update,
            allow,
            json!({"supportedArchitectures": ["riscV64"]}),
            &[("/supportedArchitectures/0", "enum-value", E)],
        ),
        case(
            "edition type in the wrong case",
            Update,
            allow,
            edition(json!("Enterprise"), json!("2027-10-12")),
            &[("/supportedEditions/0/editionType", "enum-value", E)],
        ),
        case(
            "edition type sentinel",
            Update,
            allow,
            edition(json!("unknownFutureValue"), json!("2027-10-12")),
            &[("/supportedEditions/0/editionType", "enum-value", W)],
        ),
        // date-format
        case(
            "date with a time",
            Update,
            allow,
            edition(json!("enterprise"), json!("2016-12-31T00:00:00Z")),
            &[("/supportedEditions/0/supportEndDate", "date-format", E)],
        ),
        case(
            "US date",
            Update,
            allow,
            edition(json!("enterprise"), json!("12/31/2016")),
            &[("/supportedEditions/0/supportEndDate", "date-format", E)],
        ),
        case(
            "no such day",
            Update,
            allow,
            edition(json!("enterprise"), json!("2023-02-30")),
            &[("/supportedEditions/0/supportEndDate", "date-format", E)],
        ),
        case(
            "empty date",
            Update,
            allow,
            edition(json!("enterprise"), json!("")),
            &[("/supportedEditions/0/supportEndDate", "date-format", E)],
        ),
        // type
        case(
            "architectures not an array",
            Update,
            allow,
            json!({"supportedArchitectures": "x64"}),
            &[("/supportedArchitectures", "type", E)],
        ),
        case(
            "architecture as its number",
            Update,
            allow,
            json!({"supportedArchitectures": [4]}),
            &[("/supportedArchitectures/0", "type", E)],
        ),
        case(
            "edition as a string",
            Update,
            allow,
            json!({"supportedEditions": ["professional"]}),
            &[("/supportedEditions/0", "type", E)],
        ),
        case(
            "date as a number",
            Update,
            allow,
            edition(json!("enterprise"), json!(20161231)),
            &[("/supportedEditions/0/supportEndDate", "type", E)],
        ),
        case(
            "month as a string",
            Update,
            allow,
            update(json!("12"), json!(2026)),
            &[("/availableUpdates/0/releaseMonth", "type", E)],
        ),
        case(
            "month with a fraction",
            Update,
            allow,
            update(json!(12.0), json!(2026)),
            &[("/availableUpdates/0/releaseMonth", "type", E)],
        ),
        case(
            "build version as a number",
            Update,
            allow,
            json!({"availableUpdates": [{"buildVersion": 10, "releaseMonth": 1, "releaseYear": 2026}]}),
            &[("/availableUpdates/0/buildVersion", "type", E)],
        ),
        case(
            "id as a number",
            Create,
            allow,
            json!({"id": 5, "supportedEditions": [], "supportedArchitectures": [], "availableUpdates": []}),
            &[("/id", "type", E)],
        ),
        // range
        case(
            "month 13",
            Update,
            allow,
            update(json!(13), json!(2026)),
            &[("/availableUpdates/0/releaseMonth", "range", E)],
        ),
        case(
            "month 0",
            Update,
            allow,
            update(json!(0), json!(2026)),
            &[("/availableUpdates/0/releaseMonth", "range", E)],
        ),
        case(
            "negative year",
            Update,
            allow,
            update(json!(1), json!(-2026)),
            &[("/availableUpdates/0/releaseYear", "range", E)],
        ),
        case(
            "year beyond Int32",
            Update,
            allow,
            update(json!(1), json!(3_000_000_000_i64)),
            &[("/availableUpdates/0/releaseYear", "range", E)],
        ),
        case(
            "two-digit year",
            Update,
            allow,
            update(json!(1), json!(11)),
            &[("/availableUpdates/0/releaseYear", "range", W)],
        ),
        case(
            "far-future year",
            Update,
            allow,
            update(json!(1), json!(9999)),
            &[("/availableUpdates/0/releaseYear", "range", W)],
        ),
        // null
        case(
            "null collection",
            Update,
            allow,
            json!({"supportedEditions": null}),
            &[("/supportedEditions", "null", E)],
        ),
        case(
            "null collection, strict",
            Update,
            strict,
            json!({"availableUpdates": null}),
            &[
                ("/availableUpdates", "read-only", E),
                ("/availableUpdates", "null", E),
            ],
        ),
        case(
            "null architecture",
            Update,
            allow,
            json!({"supportedArchitectures": [null]}),
            &[("/supportedArchitectures/0", "null", E)],
        ),
        case(
            "null edition",
            Update,
            allow,
            json!({"supportedEditions": [null]}),
            &[("/supportedEditions/0", "null", E)],
        ),
        case(
            "null date",
            Update,
            allow,
            edition(json!("enterprise"), json!(null)),
            &[("/supportedEditions/0/supportEndDate", "null", E)],
        ),
        case(
            "null month",
            Update,
            allow,
            update(json!(null), json!(2026)),
            &[("/availableUpdates/0/releaseMonth", "null", E)],
        ),
        case(
            "null type annotation",
            Update,
            allow,
            json!({"@odata.type": null}),
            &[("/@odata.type", "null", E)],
        ),
        // unknown-property
        case(
            "misspelt collection",
            Update,
            allow,
            json!({"supportedEdition": []}),
            &[("/supportedEdition", "unknown-property", W)],
        ),
        case(
            "property of another resource",
            Update,
            allow,
            json!({"displayName": "x"}),
            &[("/displayName", "unknown-property", W)],
        ),
        case(
            "unknown property in an edition",
            Update,
            allow,
            json!({"supportedEditions": [{"editionType": "enterprise", "supportEndDate": "2027-10-12", "endOfLife": true}]}),
            &[("/supportedEditions/0/endOfLife", "unknown-property", W)],
        ),
        case(
            "misspelt property in an edition",
            Update,
            allow,
            json!({"supportedEditions": [{"editionType": "enterprise", "supportEnddate": "2027-10-12"}]}),
            &[
                ("/supportedEditions/0/supportEnddate", "unknown-property", W),
                ("/supportedEditions/0/supportEndDate", "required", E),
            ],
        ),
        case(
            "names needing pointer escapes",
            Update,
            allow,
            json!({"a/b": 1, "c~d": 2}),
            &[
                ("/a~1b", "unknown-property", W),
                ("/c~0d", "unknown-property", W),
            ],
        ),
        // odata-type
        case(
            "entity of another type",
            Update,
            allow,
            json!({"@odata.type": "#microsoft.graph.user"}),
            &[("/@odata.type", "odata-type", E)],
        ),
        case(
            "edition typed as an update",
            Update,
            allow,
            json!({"supportedEditions": [{
                "@odata.type": "#microsoft.graph.managedDeviceWindowsOperatingSystemUpdate",
                "editionType": "enterprise", "supportEndDate": "2027-10-12"}]}),
            &[("/supportedEditions/0/@odata.type", "odata-type", E)],
        ),
        case(
            "update type annotation as a number",
            Update,
            allow,
            json!({"availableUpdates": [{"@odata.type": 5, "buildVersion": "b", "releaseMonth": 1, "releaseYear": 2026}]}),
            &[("/availableUpdates/0/@odata.type", "type", E)],
        ),
        // everything at once
        case(
            "many problems, all reported",
            Update,
            strict,
            json!({
                "@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemEdition",
                "id": "x",
                "supportedArchitectures": ["X64", "arm"],
                "supportedEditions": [{"editionType": "pro", "supportEndDate": "2016-13-01"}, 7],
                "availableUpdates": [{"buildVersion": null, "releaseMonth": 13, "releaseYear": 1984, "kb": "KB1"}],
                "etag": "1"
            }),
            &[
                ("/@odata.type", "odata-type", E),
                ("/id", "read-only", E),
                ("/supportedArchitectures", "read-only", E),
                ("/supportedArchitectures/0", "enum-value", E),
                ("/supportedEditions", "read-only", E),
                ("/supportedEditions/0/editionType", "enum-value", E),
                ("/supportedEditions/0/supportEndDate", "date-format", E),
                ("/supportedEditions/1", "type", E),
                ("/availableUpdates", "read-only", E),
                ("/availableUpdates/0/buildVersion", "null", E),
                ("/availableUpdates/0/releaseMonth", "range", E),
                ("/availableUpdates/0/releaseYear", "range", W),
                ("/availableUpdates/0/kb", "unknown-property", W),
                ("/etag", "unknown-property", W),
            ],
        ),
    ]
}

fn findings_of(case: &Case) -> BTreeSet<(String, String, Severity)> {
    validate(&case.body, case.operation, case.policy)
        .into_findings()
        .into_iter()
        .map(|f| (f.path, f.rule.as_str().to_owned(), f.severity))
        .collect()
}

#[test]
fn bad_bodies_produce_exactly_their_findings() {
    let cases = bad_bodies();
    assert!(cases.len() >= 30, "the table holds {} bodies", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let expected: BTreeSet<_> = case
            .expected
            .iter()
            .map(|(p, r, s)| ((*p).to_owned(), (*r).to_owned(), *s))
            .collect();
        let report = validate(&case.body, case.operation, case.policy);
        assert_eq!(
            report.len(),
            expected.len(),
            "{}: one finding per problem\n{report}",
            case.name
        );
        let got = findings_of(case);
        if got != expected {
            failures.push(format!(
                "{}:\n  expected {expected:?}\n  got      {got:?}",
                case.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn good_bodies_produce_nothing() {
    let allow = Policy::allow_read_only();
    let typical = json!({
        "@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemImage",
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDeviceWindowsOSImages/$entity",
        "supportedEditions@odata.type": "#Collection(microsoft.graph.managedDeviceWindowsOperatingSystemEdition)",
        "@microsoft.graph.tips": "annotations are not properties",
        "supportedEditions": [
            {"@odata.type": "#microsoft.graph.managedDeviceWindowsOperatingSystemEdition",
             "editionType": "enterprise", "supportEndDate": "2027-10-12"},
            {"editionType": "proWorkstationN", "supportEndDate": "2024-02-29"}
        ],
        "supportedArchitectures": ["unknown", "x86", "x64", "arm", "arM64"],
        "availableUpdates": [
            {"@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemUpdate",
             "buildVersion": "10.0.26100.7171", "releaseMonth": 11, "releaseYear": 2026},
            {"buildVersion": "10.0.26100.6899", "releaseMonth": 1, "releaseYear": 1985}
        ]
    });
    let cases = [
        (json!({}), Update, Policy::strict()),
        (
            json!({"@odata.type": "#microsoft.graph.managedDeviceWindowsOperatingSystemImage"}),
            Update,
            Policy::strict(),
        ),
        (json!({"supportedArchitectures": []}), Update, allow),
        (typical.clone(), Update, allow),
        (
            {
                let mut create = typical;
                create["id"] = json!("Windows 11 24H2");
                create
            },
            Create,
            allow,
        ),
    ];
    for (body, operation, policy) in cases {
        let report = validate(&body, operation, policy);
        assert!(report.is_empty(), "{body}\n{report}");
        assert_eq!(report.to_string(), "no findings");
    }
}

#[test]
fn suggestions_name_the_likely_fix() {
    let allow = Policy::allow_read_only();
    let cases = [
        (
            json!({"supportedArchitectures": ["ARM64"]}),
            r#"did you mean "arM64"?"#,
        ),
        (
            json!({"supportedArchitectures": ["arm46"]}),
            r#"did you mean "arM64"?"#,
        ),
        (
            edition(json!("ProfessionalN"), json!("2027-10-12")),
            r#"did you mean "professionalN"?"#,
        ),
        (
            edition(json!("enterprise"), json!("2016-12-31T00:00:00Z")),
            r#"did you mean "2016-12-31"?"#,
        ),
        (
            edition(json!("enterprise"), json!("12/31/2016")),
            r#"did you mean "2016-12-31"?"#,
        ),
        (
            json!({"supportedEdition": []}),
            r#"did you mean "supportedEditions"?"#,
        ),
        (
            json!({"SupportedArchitectures": []}),
            r#"did you mean "supportedArchitectures"?"#,
        ),
        (json!({"ID": "x"}), r#"did you mean "id"?"#),
        (
            json!({"availableUpdates": [{"buildVersion": "b", "releaseMonth": 1, "releaseYear": 2026, "releasemonth": 2}]}),
            r#"did you mean "releaseMonth"?"#,
        ),
        (
            json!({"@odata.type": "#microsoft.graph.user"}),
            r##"use "#microsoft.graph.managedDeviceWindowsOperatingSystemImage""##,
        ),
    ];
    for (body, suggestion) in cases {
        let report = validate(&body, Update, allow);
        assert_eq!(report.len(), 1, "{report}");
        assert_eq!(
            report.findings()[0].suggestion.as_deref(),
            Some(suggestion),
            "{body}"
        );
    }
    // No suggestion where nothing is close.
    for body in [
        json!({"displayName": "x"}),
        json!({"supportedArchitectures": ["riscV64"]}),
        edition(json!("enterprise"), json!("next year")),
        edition(json!("enterprise"), json!("2023-02-30")),
    ] {
        let report = validate(&body, Update, allow);
        assert_eq!(report.findings()[0].suggestion, None, "{report}");
    }
}

#[test]
fn unknown_enum_message_lists_the_members() {
    let report = validate(
        &json!({"supportedArchitectures": ["riscV64"]}),
        Update,
        Policy::allow_read_only(),
    );
    assert_eq!(
        report.findings()[0].message,
        r#""riscV64" is not a managedDeviceArchitecture value; known values: unknown, x86, x64, arm, arM64"#
    );
}
