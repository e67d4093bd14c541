//! Bad input at the validator, the way it arrives from a file or the network: arbitrary bytes, the seed's body with
//! bytes flipped or cut, and JSON nested as deep as the parser allows. Validation never panics, reports the same
//! findings every time, and every error finding names a rule, a path and a message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_validate::{Operation, Policy, Severity, validate};
use proptest::prelude::*;
use serde_json::Value;

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

fn operation() -> impl Strategy<Value = Operation> {
    prop_oneof![Just(Operation::Create), Just(Operation::Update)]
}

fn policy() -> impl Strategy<Value = Policy> {
    any::<bool>().prop_map(|allow_read_only| Policy { allow_read_only })
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
