//! Safety: an empty token is a usage error, writes on the sample tenant say nothing was kept, `delete` asks on a
//! terminal and refuses without `--yes` off one, and unaddressable ids are refused for create.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use support::{Emulator, osimages, pty, succeeds};

#[test]
fn an_empty_token_is_a_usage_error_not_the_sample_tenant() {
    osimages()
        .env("GRAPH_TOKEN", "")
        .args(["delete", "Windows 11 24H2", "--yes"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("token is empty"))
        .stderr(contains("sample tenant").and(contains("using the built-in").not()));
    osimages()
        .args(["--token", "", "list"])
        .assert()
        .code(2)
        .stderr(contains("token is empty"));
    osimages().args(["--token", "  ", "list"]).assert().code(2);
}

#[test]
fn writes_on_the_sample_tenant_say_on_stdout_that_nothing_was_kept() {
    osimages()
        .args(["delete", "Windows 11 24H2", "--yes"])
        .assert()
        .success()
        .stdout(contains("deleted Windows 11 24H2"))
        .stdout(contains("nothing was kept"));
    osimages()
        .args(["update", "Windows 11 24H2", "--body", "-"])
        .write_stdin("{}")
        .assert()
        .success()
        .stdout(contains("nothing was kept"));
    // -q keeps the data quiet, never this.
    osimages()
        .args(["-q", "delete", "Windows 11 24H2", "--yes"])
        .assert()
        .success()
        .stdout(contains("nothing was kept"));
    // With --json stdout stays one JSON document and the note goes to stderr.
    let out = succeeds(
        osimages()
            .args(["--json", "update", "Windows 11 24H2", "--body", "-"])
            .write_stdin("{}"),
    );
    serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was kept"));
    // Against a real server there is no such note.
    let emulator = Emulator::start(&[]);
    emulator
        .osimages()
        .args(["delete", "Windows 11 24H2", "--yes"])
        .assert()
        .success()
        .stdout(contains("nothing was kept").not());
}

#[test]
fn delete_off_a_terminal_needs_yes_and_deletes_nothing_without_it() {
    let emulator = Emulator::start(&[]);
    let base = ["--base-url", emulator.base_url.as_str()];
    osimages()
        .args(base)
        .args(["delete", "Windows 11 24H2"])
        .assert()
        .code(2)
        .stderr(contains("--yes"));
    osimages()
        .args(base)
        .args(["get", "Windows 11 24H2"])
        .assert()
        .success();
}

#[test]
fn delete_on_a_terminal_asks_and_does_what_the_answer_says() {
    let emulator = Emulator::start(&[]);
    let base = emulator.base_url.as_str();
    let run = pty::run(
        &["--base-url", base, "delete", "Windows 11 24H2"],
        &[],
        80,
        Some("n\n"),
    );
    assert_eq!(run.code, 2, "{}", run.output);
    assert!(run.output.contains("[y/N]"), "{}", run.output);
    assert!(run.output.contains("not confirmed"), "{}", run.output);
    osimages()
        .args(["--base-url", base, "get", "Windows 11 24H2"])
        .assert()
        .success();

    let run = pty::run(
        &["--base-url", base, "delete", "Windows 11 24H2"],
        &[],
        80,
        Some("y\n"),
    );
    assert_eq!(run.code, 0, "{}", run.output);
    assert!(
        run.output.contains("deleted Windows 11 24H2"),
        "{}",
        run.output
    );
    osimages()
        .args(["--base-url", base, "get", "Windows 11 24H2"])
        .assert()
        .code(4);
}

#[test]
fn unaddressable_ids_are_refused_for_create() {
    for id in ["..", ".", "a\\u001b[2Jb"] {
        let body = format!(
            r#"{{"id":"{id}","supportedEditions":[],"supportedArchitectures":[],"availableUpdates":[]}}"#
        );
        osimages()
            .args(["validate", "--for", "create", "--allow-read-only", "-"])
            .write_stdin(body.clone())
            .assert()
            .code(3)
            .stdout(contains("addressable"));
        osimages()
            .args(["create", "--allow-read-only", "--body", "-"])
            .write_stdin(body)
            .assert()
            .code(3)
            .stderr(contains("/id"));
    }
}
