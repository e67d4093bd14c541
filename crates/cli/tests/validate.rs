//! `validate`: offline findings, both output modes, exit statuses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use predicates::str::contains;
use support::{fixture, json, osimages};

#[test]
fn the_seed_body_has_three_read_only_errors_and_a_range_warning() {
    let out = osimages()
        .args(["--json", "validate"])
        .arg(fixture("seed/update-request.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let report = json(&out);
    let findings = report["findings"].as_array().unwrap();
    let mut errors: Vec<&str> = findings
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            assert_eq!(f["rule"], "read-only");
            f["path"].as_str().unwrap()
        })
        .collect();
    errors.sort_unstable();
    assert_eq!(
        errors,
        [
            "/availableUpdates",
            "/supportedArchitectures",
            "/supportedEditions"
        ]
    );
    assert!(findings.iter().any(|f| f["severity"] == "warning"
        && f["rule"] == "range"
        && f["path"] == "/availableUpdates/0/releaseYear"));
}

#[test]
fn allow_read_only_leaves_only_warnings_and_exits_0() {
    osimages()
        .args(["validate", "--allow-read-only"])
        .arg(fixture("seed/update-request.json"))
        .assert()
        .success()
        .stdout(contains("0 error(s)"))
        .stdout(contains("releaseYear"));
}

#[test]
fn suggestions_are_printed() {
    let out = osimages()
        .args(["--json", "validate", "--allow-read-only", "-"])
        .write_stdin(r#"{"supportedArchitectures":["ARM64"]}"#)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let report = json(&out);
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "enum-value");
    assert_eq!(finding["path"], "/supportedArchitectures/0");
    assert!(finding["suggestion"].as_str().unwrap().contains("arM64"));
}

#[test]
fn validate_never_touches_the_network_even_with_a_dead_base_url() {
    osimages()
        .args([
            "--base-url",
            "http://127.0.0.1:9/beta",
            "validate",
            "--allow-read-only",
            "-",
        ])
        .write_stdin("{}")
        .assert()
        .success();
}
