//! `create`, `update`, `delete` on the sample tenant, and the seed's update end to end against `osimages serve`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use support::{Emulator, fixture, json, osimages, succeeds};

#[test]
fn the_seed_update_without_allow_read_only_names_the_three_fields_and_exits_3() {
    let seed = fixture("seed/update-request.json");
    osimages()
        .args(["update", "Windows 11 24H2", "--body"])
        .arg(&seed)
        .assert()
        .code(3)
        .stderr(contains("/supportedEditions"))
        .stderr(contains("/supportedArchitectures"))
        .stderr(contains("/availableUpdates"))
        .stderr(contains("read-only"));
}

#[test]
fn the_seed_update_against_the_emulator_returns_the_seed_response() {
    let emulator = Emulator::start(&["--token", "emulator-token"]);
    let seed = fixture("seed/update-request.json");
    let out = succeeds(
        emulator
            .osimages()
            .args(["--token", "emulator-token", "--json"])
            .args(["update", "Windows 11 24H2", "--allow-read-only", "--body"])
            .arg(&seed),
    );
    let mut got = json(&out);
    let mut expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("seed/update-response.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(got["id"], "Windows 11 24H2");
    got.as_object_mut().unwrap().remove("id");
    got.as_object_mut().unwrap().remove("@odata.context");
    expected.as_object_mut().unwrap().remove("id");
    assert_eq!(got, expected);
}

#[test]
fn the_seed_update_without_allow_read_only_sends_nothing_to_the_emulator() {
    let emulator = Emulator::start(&[]);
    let seed = fixture("seed/update-request.json");
    emulator
        .osimages()
        .args(["--json"])
        .args(["update", "Windows 11 24H2", "--body"])
        .arg(&seed)
        .assert()
        .code(3);
    // The image is unchanged: still the sample's editions, not the seed's single professionalN.
    let out = emulator
        .osimages()
        .args(["--json", "get", "Windows 11 24H2"])
        .output()
        .unwrap();
    assert!(json(&out)["supportedEditions"].as_array().unwrap().len() > 1);
}

#[test]
fn dry_run_prints_the_exact_body_and_sends_nothing() {
    let seed = fixture("seed/update-request.json");
    let out = succeeds(
        osimages()
            .args([
                "update",
                "Windows 11 24H2",
                "--allow-read-only",
                "--dry-run",
                "--body",
            ])
            .arg(&seed),
    );
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&seed).unwrap()).unwrap();
    assert_eq!(printed, original);
}

#[test]
fn update_reads_the_body_from_stdin() {
    let out = succeeds(
        osimages()
            .args([
                "--json",
                "update",
                "Windows 11 24H2",
                "--body",
                "-",
                "--allow-read-only",
            ])
            .write_stdin(r#"{"supportedArchitectures":["x64"]}"#),
    );
    assert_eq!(
        json(&out)["supportedArchitectures"],
        serde_json::json!(["x64"])
    );
}

#[test]
fn a_body_that_is_not_json_names_the_line_and_column() {
    osimages()
        .args(["update", "Windows 11 24H2", "--body", "-"])
        .write_stdin("{\n  \"supportedArchitectures\": [x64]\n}")
        .assert()
        .code(3)
        .stderr(contains("<stdin>:2:"));
}

#[test]
fn a_missing_body_file_is_a_usage_error() {
    osimages()
        .args([
            "update",
            "Windows 11 24H2",
            "--body",
            "/nonexistent/body.json",
        ])
        .assert()
        .code(2)
        .stderr(contains("/nonexistent/body.json"));
}

#[test]
fn create_and_delete_against_the_emulator() {
    let emulator = Emulator::start(&[]);
    let out = succeeds(
        emulator
            .osimages()
            .args(["--json", "create", "--allow-read-only", "--body", "-"])
            .write_stdin(
                r#"{"id":"Windows 12 26H1","supportedArchitectures":["arM64"],
                "supportedEditions":[{"editionType":"enterprise","supportEndDate":"2029-10-09"}],
                "availableUpdates":[]}"#,
            ),
    );
    assert_eq!(json(&out)["id"], "Windows 12 26H1");
    emulator
        .osimages()
        .args(["get", "Windows 12 26H1"])
        .assert()
        .success()
        .stdout(contains("arM64"));
    emulator
        .osimages()
        .args(["delete", "Windows 12 26H1", "--yes"])
        .assert()
        .success()
        .stdout(contains("deleted Windows 12 26H1"));
    emulator
        .osimages()
        .args(["delete", "Windows 12 26H1", "--yes"])
        .assert()
        .code(4)
        .stderr(contains("404").and(contains("request-id")));
}

#[test]
fn validation_warnings_are_printed_plainly_and_do_not_stop_the_update() {
    let out = succeeds(
        osimages()
            .args(["update", "Windows 11 24H2", "--allow-read-only", "--body"])
            .arg(fixture("seed/update-request.json")),
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("warning[range] /availableUpdates/0/releaseYear"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "no terminal escapes when stderr is not a terminal: {stderr:?}"
    );
    assert_eq!(
        stderr.matches("releaseYear 11").count(),
        1,
        "printed once: {stderr}"
    );
}
