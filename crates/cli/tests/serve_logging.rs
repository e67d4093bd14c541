//! Request logging: the emulator logs each request at debug level, and no log line ever carries a bearer token.
//!
//! Secrets across processes: `osimages serve --token T --data FILE` under `RUST_LOG=trace`, driven by the `osimages`
//! CLI (also under `RUST_LOG=trace`, token by flag and by `GRAPH_TOKEN`) through every operation, a few failures and
//! a wrong token. Neither token appears in anything either process prints, nor in the data file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use intune_osimages_emulator::ServeOptions;
use intune_osimages_transport::test_util::LogCapture;
use std::process::{Command, Output};
use support::in_process::{Running, ServedGraph};
use support::process::{Emulator, empty_seed};

const TOKEN: &str = "logging-test-token-0a9d";

#[tokio::test]
async fn request_logs_never_show_the_token() {
    let captured = LogCapture::new();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    // The only test in this binary, so a global subscriber sees every event of the server and the client.
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let emulator = Running::start({
        let mut options = ServeOptions::local();
        options.token = Some(TOKEN.to_owned());
        options
    })
    .await;
    let images = emulator.client(Some(TOKEN)).os_images();
    images.get("Windows 11 24H2").send().await.unwrap();
    let refused = emulator
        .client(Some("wrong-token-b3"))
        .os_images()
        .count()
        .send()
        .await;
    assert!(refused.is_err());
    emulator.stop().await;
    let logs = captured.text();
    assert!(logs.contains("osimages serve: request"), "{logs}");
    assert!(logs.contains("status=401"), "{logs}");
    assert!(!logs.contains(TOKEN), "{logs}");
    assert!(!logs.contains("wrong-token-b3"), "{logs}");
}

const SECRET_TOKEN: &str = "tok-SECRET-1234567890";
const WRONG_TOKEN: &str = "tok-WRONG-SECRET-0000";

fn assert_no_secret(what: &str, text: &str) {
    for secret in [SECRET_TOKEN, WRONG_TOKEN, "SECRET"] {
        assert!(
            !text.contains(secret),
            "{what} contains {secret:?}:\n{text}"
        );
    }
}

/// Runs the CLI against the emulator with logging at trace; the token comes by flag or by environment.
fn osimages(base_url: &str, token: &str, by_flag: bool, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_osimages"));
    cmd.args(["--base-url", base_url, "--json", "-vvv"]);
    for var in [
        "GRAPH_TOKEN",
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("RUST_LOG", "trace");
    if by_flag {
        cmd.args(["--token", token]);
    } else {
        cmd.env("GRAPH_TOKEN", token);
    }
    cmd.args(args).output().unwrap()
}

#[test]
fn no_token_in_any_log_output_error_or_data_file_of_the_cli_and_the_emulator() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("catalog.json");
    let seed = empty_seed(dir.path());
    let body = dir.path().join("image.json");
    std::fs::write(
        &body,
        r#"{"id":"Windows 11 24H2","supportedEditions":[{"editionType":"enterprise","supportEndDate":"2027-10-12"}],
            "supportedArchitectures":["x64"],"availableUpdates":[]}"#,
    )
    .unwrap();
    let patch = dir.path().join("patch.json");
    std::fs::write(&patch, r#"{"supportedArchitectures":["x64","arM64"]}"#).unwrap();
    let bad_patch = dir.path().join("bad.json");
    std::fs::write(&bad_patch, r#"{"supportedArchitectures":["ARM64"],"id":7}"#).unwrap();
    let serve = Emulator::start_with_env(
        &[
            "--token",
            SECRET_TOKEN,
            "--data",
            data.to_str().unwrap(),
            "--seed",
            &seed,
            "--page-size",
            "1",
        ],
        &[("RUST_LOG", "trace")],
    );
    let body = body.to_str().unwrap();
    let patch = patch.to_str().unwrap();
    let bad_patch = bad_patch.to_str().unwrap();

    // (arguments, whether it succeeds)
    let runs: Vec<(Vec<&str>, bool)> = vec![
        (vec!["create", "--body", body, "--allow-read-only"], true),
        (vec!["list"], true),
        (vec!["list", "--all", "--count"], true),
        (vec!["get", "Windows 11 24H2"], true),
        (
            vec![
                "update",
                "Windows 11 24H2",
                "--body",
                patch,
                "--allow-read-only",
            ],
            true,
        ),
        (vec!["get-all", "Windows 11 24H2"], true),
        (vec!["count"], true),
        (vec!["get", "missing"], false),
        (
            vec!["update", "Windows 11 24H2", "--body", bad_patch],
            false,
        ),
        (vec!["list", "--filter", "id eq"], false),
        (vec!["delete", "Windows 11 24H2", "--yes"], true),
        (vec!["delete", "Windows 11 24H2", "--yes"], false),
    ];
    let mut traced = false;
    for (n, (args, succeeds)) in runs.iter().enumerate() {
        let output = osimages(&serve.base_url, SECRET_TOKEN, n % 2 == 0, args);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.success(),
            *succeeds,
            "{args:?}: {}\n{stdout}\n{stderr}",
            output.status
        );
        assert_no_secret(&format!("stdout of {args:?}"), &stdout);
        assert_no_secret(&format!("stderr of {args:?}"), &stderr);
        traced |= stderr.contains("TRACE");
    }
    assert!(traced, "the CLI really logged at trace");

    // A wrong token: the emulator refuses it, and neither side repeats it.
    for by_flag in [true, false] {
        let output = osimages(&serve.base_url, WRONG_TOKEN, by_flag, &["list"]);
        assert_eq!(
            output.status.code(),
            Some(4),
            "Graph answered with an error"
        );
        assert_no_secret("stdout", &String::from_utf8_lossy(&output.stdout));
        assert_no_secret("stderr", &String::from_utf8_lossy(&output.stderr));
    }

    let emulator_log = serve.terminate();
    assert!(
        emulator_log.to_ascii_lowercase().contains("debug"),
        "the emulator really logged: {emulator_log}"
    );
    assert_no_secret("the emulator's stderr", &emulator_log);
    let stored = std::fs::read_to_string(&data).unwrap();
    assert_no_secret("the data file", &stored);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() && path.extension().is_some_and(|e| e == "json") {
            assert_no_secret(
                &path.display().to_string(),
                &std::fs::read_to_string(&path).unwrap(),
            );
        }
    }
}
