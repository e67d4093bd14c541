//! Usage errors, transport failures and credentials handling.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use support::{Emulator, closed_port, osimages};

#[test]
fn usage_errors_exit_2() {
    osimages().args(["list", "--top", "many"]).assert().code(2);
    osimages().arg("frobnicate").assert().code(2);
    osimages()
        .args(["--cloud", "mars", "list"])
        .assert()
        .code(2);
    osimages()
        .args(["--fake", "--base-url", "http://127.0.0.1:1/beta", "list"])
        .assert()
        .code(2);
}

#[test]
fn help_and_version_exit_0() {
    osimages()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("Exit status"));
    osimages()
        .args(["update", "--help"])
        .assert()
        .success()
        .stdout(contains("--allow-read-only"));
    osimages().arg("--version").assert().success();
}

#[test]
fn the_write_options_keep_each_commands_own_help() {
    // `create` and `update` share their options; each says in its own words why read-only properties may be sent.
    let help = |command: &str| {
        let out = osimages().args([command, "--help"]).output().unwrap();
        assert!(out.status.success(), "{command} --help: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let create = help("create");
    assert!(
        create.contains(
            "Send read-only properties as given (Graph documents every property as read-only)"
        ),
        "{create}"
    );
    let update = help("update");
    assert!(
        update.contains("Send read-only properties as given, as the API's own example does"),
        "{update}"
    );
    for text in [&create, &update] {
        assert!(text.contains("--dry-run"), "{text}");
        assert!(
            text.find("--allow-read-only") < text.find("--dry-run"),
            "--allow-read-only is listed before --dry-run: {text}"
        );
    }
    let apply = help("apply");
    for flag in ["--prune", "--dry-run", "-y, --yes"] {
        assert!(apply.contains(flag), "{flag}: {apply}");
    }
}

#[test]
fn a_refused_connection_exits_5_and_says_nothing_was_sent() {
    let port = closed_port();
    osimages()
        .args([
            "--base-url",
            &format!("http://127.0.0.1:{port}/beta"),
            "--token",
            "t",
            "list",
        ])
        .assert()
        .code(5)
        .stderr(contains("not sent"));
}

#[test]
fn a_wrong_token_is_a_401_graph_error_and_the_token_is_not_echoed() {
    let emulator = Emulator::start(&["--token", "right-token"]);
    emulator
        .osimages()
        .args(["--token", "wrong-token-zzz", "list"])
        .assert()
        .code(4)
        .stderr(contains("401"))
        .stderr(predicates::str::contains("wrong-token-zzz").not());
}

#[test]
fn partial_client_credentials_name_what_is_missing() {
    osimages()
        .env("AZURE_TENANT_ID", "t")
        .env("AZURE_CLIENT_ID", "c")
        .arg("list")
        .assert()
        .code(2)
        .stderr(contains("AZURE_CLIENT_SECRET"));
}

#[test]
fn the_token_comes_from_graph_token() {
    let emulator = Emulator::start(&["--token", "env-token"]);
    osimages()
        .env("GRAPH_TOKEN", "env-token")
        .args(["--base-url", &emulator.base_url, "count"])
        .assert()
        .success()
        .stdout("7\n");
}
