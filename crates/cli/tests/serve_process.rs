//! `osimages serve` as a process: the first stdout line, SIGTERM and SIGINT, `--data` across restarts with
//! `--token`, and start-up failures (bad seed, address in use) with the reason on stderr.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::time::Duration;

use intune_osimages::{Architecture, EditionType, OsImage};
use support::in_process::ServedGraph;
use support::{Emulator, osimages};

const TOKEN: &str = "process-test-token-5d1e";

/// `osimages serve --addr 127.0.0.1:0 ARGS`, checking that the listening line names the port it really bound.
fn start(args: &[&str]) -> Emulator {
    let emulator = Emulator::start(args);
    let base_url = &emulator.base_url;
    assert!(
        base_url.starts_with("http://127.0.0.1:") && base_url.ends_with("/beta"),
        "{base_url}"
    );
    assert!(
        !base_url.ends_with(":0/beta"),
        "the real port is printed: {base_url}"
    );
    emulator
}

/// Waits (at most 30 s) for the emulator to exit after a signal.
fn exited(emulator: Emulator) -> (std::process::ExitStatus, String) {
    emulator.wait(Duration::from_secs(30))
}

/// `osimages serve ARGS`, for a start that is meant to fail.
fn command(args: &[&str]) -> assert_cmd::Command {
    let mut cmd = osimages();
    cmd.arg("serve").args(args);
    cmd
}

fn lab_image() -> OsImage {
    OsImage::new("Process lab")
        .with_odata_type()
        .edition(
            EditionType::Enterprise,
            chrono::NaiveDate::from_ymd_opt(2032, 1, 13).unwrap(),
        )
        .architecture(Architecture::X64)
        .update("10.0.26200.4321", 2026, 11)
}

#[tokio::test]
async fn sigterm_and_sigint_stop_it_with_status_0() {
    for signal in ["TERM", "INT"] {
        let process = start(&[]);
        let count = process
            .client(Some("any"))
            .os_images()
            .count()
            .send()
            .await
            .unwrap();
        assert!(count > 0);
        process.signal(signal);
        let (status, stderr) = exited(process);
        assert!(
            status.success(),
            "SIG{signal}: {status:?}, stderr: {stderr}"
        );
    }
}

#[tokio::test]
async fn the_data_file_carries_writes_across_processes_without_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("catalog.json");
    let data_arg = data.to_str().unwrap();
    let args = ["--token", TOKEN, "--data", data_arg];

    let first = start(&args);
    let created = first
        .client(Some(TOKEN))
        .os_images()
        .create(&lab_image())
        .allow_read_only()
        .await
        .unwrap();
    assert_eq!(created.id_str(), "Process lab");
    first.signal("TERM");
    let (status, _) = exited(first);
    assert!(status.success());

    let text = std::fs::read_to_string(&data).unwrap();
    assert!(
        !text.contains(TOKEN),
        "the token is never written to the data file"
    );
    let doc: serde_json::Value = serde_json::from_str(&text).expect("the data file is valid JSON");
    assert!(
        doc["value"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == "Process lab")
    );

    let second = start(&args);
    let again = second
        .client(Some(TOKEN))
        .os_images()
        .get("Process lab")
        .send()
        .await
        .unwrap();
    assert_eq!(again.architectures(), [Architecture::X64]);
    let refused = second
        .client(Some("wrong"))
        .os_images()
        .get("Process lab")
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.status(), Some(401));
    second.signal("TERM");
    assert!(exited(second).0.success());
}

#[test]
fn a_bad_seed_exits_non_zero_with_the_reason_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, "[{\"id\": \"a\"}, {\"id\": \"a\"}]").unwrap();
    let output = command(&["--addr", "127.0.0.1:0", "--seed", seed.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty(), "no listening line");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&seed.display().to_string()), "{stderr}");
    assert!(stderr.contains("repeats the id"), "{stderr}");

    std::fs::write(&seed, "{\"value\": [\n  {\"id\": \"a\"\n]}").unwrap();
    let output = command(&["--addr", "127.0.0.1:0", "--seed", seed.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 3, column 1"), "{stderr}");
}

#[test]
fn an_address_in_use_exits_non_zero_with_the_reason() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let output = command(&["--addr", &addr]).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
}

#[test]
fn an_unreadable_data_file_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let data: &Path = dir.path();
    let output = command(&["--addr", "127.0.0.1:0", "--data", data.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--data file"), "{stderr}");
}

#[test]
fn a_second_emulator_on_the_same_data_file_exits_2_naming_the_first_ones_pid() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("catalog.json");
    let args = ["--data", data.to_str().unwrap()];
    let first = start(&args);
    let output = command(&["--addr", "127.0.0.1:0"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(output.stdout.is_empty(), "no listening line");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&data.display().to_string()), "{stderr}");
    assert!(stderr.contains("in use by another emulator"), "{stderr}");
    assert!(
        stderr.contains(&format!("PID {}", first.child.id())),
        "{stderr}"
    );
    first.signal("TERM");
    assert!(exited(first).0.success());
    // Free again once the first has stopped.
    let second = start(&args);
    second.signal("TERM");
    assert!(exited(second).0.success());
}

#[test]
fn warnings_reach_stderr_without_v() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("catalog.json");
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, r#"[{"id":"seeded"}]"#).unwrap();
    let data_arg = data.to_str().unwrap();
    let first = start(&["--data", data_arg]);
    first.signal("TERM");
    assert!(exited(first).0.success());
    let second = start(&["--data", data_arg, "--seed", seed.to_str().unwrap()]);
    second.signal("TERM");
    let (status, stderr) = exited(second);
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("WARN"), "{stderr}");
    assert!(
        stderr.contains("the data file exists, so it is loaded and the --seed file is not"),
        "{stderr}"
    );
    assert!(!stderr.contains("INFO"), "info lines need -v: {stderr}");
}
