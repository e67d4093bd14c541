//! Property tests: validation never panics, whatever the JSON, and its pointers point into the body. Bad input the
//! way it arrives from a file or the network (arbitrary bytes, the seed's body with bytes flipped or cut, JSON nested
//! as deep as the parser allows) gets the same findings every time, and every error finding names a rule, a path
//! and a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_model::test_util::{date, declared_names, image};
use intune_osimages_model::{Architecture, Edition, EditionType, OsImage, OsUpdate};
use intune_osimages_validate::{Operation, Policy, Rule, Severity, validate, validate_image};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Names the validator knows (every declared property at every level, from the model's schema tables, and a few
/// annotations), mixed with arbitrary ones, so generated objects reach the deeper rules.
fn names() -> Vec<&'static str> {
    let mut names: Vec<&str> = declared_names().into_iter().collect();
    names.extend(["@odata.context", "x@odata.type"]);
    names
}

/// Strings that are sometimes meaningful to the validator.
const WORDS: &[&str] = &[
    "x64",
    "ARM64",
    "arM64",
    "enterprise",
    "unknownFutureValue",
    "2016-12-31",
    "2023-02-30",
    "12/31/2016",
    "2016-12-31T00:00:00Z",
    "#microsoft.graph.managedDeviceWindowsOperatingSystemImage",
    "microsoft.graph.managedDeviceWindowsOperatingSystemEdition",
    "",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(names()).prop_map(str::to_owned),
        any::<String>(),
        "[a-zA-Z~/@.]{0,12}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-20i64..=3000).prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        prop::sample::select(WORDS).prop_map(|s| Value::String(s.to_owned())),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn operation() -> impl Strategy<Value = Operation> {
    prop_oneof![Just(Operation::Create), Just(Operation::Update)]
}

fn policy() -> impl Strategy<Value = Policy> {
    any::<bool>().prop_map(|allow_read_only| Policy { allow_read_only })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_json_never_panics_and_paths_point_into_the_body(
        body in json(), operation in operation(), policy in policy()
    ) {
        let report = validate(&body, operation, policy);
        for finding in report.findings() {
            if finding.rule == Rule::Required {
                // A missing property: its parent is in the body, the property is not.
                let (parent, _) = finding.path.rsplit_once('/').unwrap();
                prop_assert!(body.pointer(parent).is_some_and(Value::is_object), "{finding}");
                prop_assert!(body.pointer(&finding.path).is_none() || finding.path == "/id", "{finding}");
            } else {
                prop_assert!(body.pointer(&finding.path).is_some(), "{finding} in {body}");
            }
            prop_assert!(!finding.message.is_empty());
        }
        // Reports always display and serialize.
        let _ = report.to_string();
        let json = serde_json::to_value(&report).unwrap();
        prop_assert_eq!(json["findings"].as_array().map(Vec::len), Some(report.len()));
    }

    #[test]
    fn arbitrary_image_shaped_objects_never_panic(
        entries in prop::collection::vec((key(), json()), 0..10), operation in operation(), policy in policy()
    ) {
        let body = Value::Object(entries.into_iter().collect());
        let report = validate(&body, operation, policy);
        for finding in report.findings() {
            prop_assert!(finding.path.is_empty() || finding.path.starts_with('/'));
        }
    }
}

/// An image that only uses what Graph accepts: known members, real months, plausible years, a key.
fn valid_image() -> impl Strategy<Value = OsImage> {
    let edition_type = prop::sample::select(EditionType::KNOWN)
        .prop_filter("the sentinel draws a warning", |t| {
            *t != EditionType::UnknownFutureValue
        });
    let edition = (edition_type, date()).prop_map(|(t, d)| Edition::new(t, d));
    let update =
        ("[0-9.]{1,16}", 1985i32..=2026, 1i32..=12).prop_map(|(b, y, m)| OsUpdate::new(b, y, m));
    // A valid id is addressable: no control character and no dot segment (the `addressable` rule).
    let id = "[^\\p{Cc}]{1,30}".prop_filter("a dot segment", |id| id != "." && id != "..");
    (
        id,
        prop::collection::vec(edition, 0..4),
        prop::collection::vec(prop::sample::select(Architecture::KNOWN), 0..5),
        prop::collection::vec(update, 0..4),
        any::<bool>(),
    )
        .prop_map(|(id, editions, architectures, updates, typed)| {
            let mut image = OsImage::new(id);
            image.supported_editions = Some(editions);
            image.supported_architectures = Some(architectures);
            image.available_updates = Some(updates);
            if typed {
                image = image.with_odata_type();
            }
            image
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn generated_images_validate_without_panicking(image in image(), operation in operation(), policy in policy()) {
        let report = validate_image(&image, operation, policy);
        let direct = validate(&serde_json::to_value(&image).unwrap(), operation, policy);
        prop_assert_eq!(report, direct);
    }

    #[test]
    fn valid_images_have_no_findings_when_read_only_is_allowed(image in valid_image()) {
        let report = validate_image(&image, Operation::Create, Policy::allow_read_only());
        prop_assert!(report.is_empty(), "{}", report);
        // The same body as an update names its key, which is read-only there.
        let strict = validate_image(&image, Operation::Update, Policy::strict());
        prop_assert_eq!(strict.errors().filter(|f| f.rule == Rule::ReadOnly).count(), 4);
        prop_assert_eq!(strict.len(), 4);
    }
}

/// The inputs each property below is tried with.
const CASES: u32 = 256;

fn seed() -> Vec<u8> {
    let path = format!(
        "{}/fixtures/seed/update-request.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Bytes as they might arrive: random, or the seed body with some bytes replaced, cut short, or with a splice.
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    let seed = seed();
    let flipped = {
        let seed = seed.clone();
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6).prop_map(
            move |edits| {
                let mut body = seed.clone();
                for (at, byte) in edits {
                    let i = at.index(body.len());
                    body[i] = byte;
                }
                body
            },
        )
    };
    let cut = {
        let seed = seed.clone();
        any::<prop::sample::Index>().prop_map(move |at| seed[..at.index(seed.len() + 1)].to_vec())
    };
    let spliced = (
        any::<prop::sample::Index>(),
        prop::sample::select(vec![
            "null",
            "[]",
            "{}",
            "\"\"",
            "-0",
            "1e400",
            "\"ARM64\"",
            "\"\\u0000\"",
            ",",
            "\"é\"",
        ]),
    )
        .prop_map(move |(at, text)| {
            let mut body = seed.clone();
            let i = at.index(body.len() + 1);
            body.splice(i..i, text.bytes());
            body
        });
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        flipped,
        cut,
        spliced
    ]
}

/// Validates twice and checks what every report must hold.
fn check(body: &Value, operation: Operation, policy: Policy) -> Result<(), TestCaseError> {
    let report = validate(body, operation, policy);
    let again = validate(body, operation, policy);
    prop_assert_eq!(&report, &again, "the same body gives the same report");
    prop_assert_eq!(
        report.has_errors(),
        report
            .findings()
            .iter()
            .any(|f| f.severity == Severity::Error)
    );
    for finding in report.findings() {
        prop_assert!(
            finding.path.is_empty() || finding.path.starts_with('/'),
            "a JSON Pointer: {}",
            finding
        );
        prop_assert!(!finding.message.is_empty());
        prop_assert!(!finding.rule.as_str().is_empty());
    }
    let _ = report.to_string();
    serde_json::to_value(&report).unwrap();
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn bytes_from_a_file_or_the_network_never_panic_the_validator(
        input in bytes(), operation in operation(), policy in policy()
    ) {
        // What the CLI and the fake do: parse, then validate whatever parsed.
        if let Ok(body) = serde_json::from_slice::<Value>(&input) {
            check(&body, operation, policy)?;
        }
    }

    #[test]
    fn a_body_that_is_not_an_object_is_an_error_not_a_pass(
        input in prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<String>().prop_map(Value::String),
            prop::collection::vec(any::<i32>().prop_map(Value::from), 0..4).prop_map(Value::Array),
        ],
        operation in operation(),
        policy in policy(),
    ) {
        check(&input, operation, policy)?;
        let report = validate(&input, operation, policy);
        prop_assert!(report.has_errors(), "{} passed validation", input);
    }

    #[test]
    fn json_nested_as_deep_as_the_parser_allows_never_panics(
        // Each level is an object and an array: 63 levels is serde_json's limit of 128 nested values.
        depth in 1_usize..64, key in prop::sample::select(vec![
            "supportedEditions", "supportedArchitectures", "availableUpdates", "editionType", "x",
        ]), operation in operation()
    ) {
        let mut text = String::new();
        for _ in 0..depth {
            text.push_str(&format!("{{\"{key}\":["));
        }
        for _ in 0..depth {
            text.push_str("]}");
        }
        let body: Value = serde_json::from_str(&text).unwrap();
        check(&body, operation, Policy::default())?;
    }
}
