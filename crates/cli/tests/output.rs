//! Terminal-proof output: tables fitted to the terminal (80 and 40 columns on a real pseudo-terminal), widths by
//! display width, server text escaped, `NO_COLOR`, `--no-headers`, `-q`, a closed pipe and a full disk.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::{Command, Stdio};

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use serde_json::json;
use support::{against, json, osimages, pty};
use unicode_width::UnicodeWidthStr;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn assert_fits(output: &str, cols: usize) {
    for line in output.lines() {
        assert!(
            line.width() <= cols,
            "{:?} is {} columns wide on a {cols}-column terminal:\n{output}",
            line,
            line.width()
        );
    }
}

#[test]
fn list_fits_an_80_and_a_40_column_terminal_and_keeps_the_ids_whole() {
    for cols in [80_u16, 40] {
        let run = pty::run(&["-q", "list"], &[], cols, None);
        assert_eq!(run.code, 0, "{}", run.output);
        assert_fits(&run.output, usize::from(cols));
        assert!(run.output.contains("Windows 11 24H2"), "{}", run.output);
    }
    // 80 columns hold the summary whole: the nearest end date and how many editions end then.
    let run = pty::run(&["-q", "list"], &[], 80, None);
    assert!(run.output.contains("SUPPORT ENDS"), "{}", run.output);
    assert!(run.output.contains(" of 10)"), "{}", run.output);
    assert!(!run.output.contains('…'), "{}", run.output);
    // 40 do not: cells are shortened with an ellipsis rather than wrapped by the terminal.
    let run = pty::run(&["-q", "list"], &[], 40, None);
    assert!(run.output.contains('…'), "{}", run.output);
}

#[test]
fn get_shows_every_edition_and_fits_the_terminal() {
    let run = pty::run(&["-q", "get", "Windows 11 24H2"], &[], 80, None);
    assert_eq!(run.code, 0, "{}", run.output);
    assert_fits(&run.output, 80);
    for edition in ["professional", "enterpriseN", "proWorkstationN"] {
        assert!(run.output.contains(edition), "{}", run.output);
    }
}

#[test]
fn off_a_terminal_tables_fit_80_columns_or_columns() {
    let out = osimages().arg("list").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_fits(&text, 80);
    let out = osimages()
        .env("COLUMNS", "50")
        .arg("list")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_fits(&text, 50);
    assert!(text.contains('…'), "{text}");
}

#[test]
fn no_headers_and_quiet() {
    osimages()
        .args(["--no-headers", "-q", "list"])
        .assert()
        .success()
        .stdout(contains("Windows 11 24H2"))
        .stdout(contains("ARCHITECTURES").not())
        .stderr("");
    // Without -q the sample tenant is announced.
    osimages()
        .arg("list")
        .assert()
        .success()
        .stderr(contains("sample tenant"));
}

#[test]
fn no_color_keeps_escape_sequences_off_the_terminal() {
    // With -v the log lines on a terminal are coloured ...
    let run = pty::run(&["-vv", "count"], &[], 80, None);
    assert!(run.output.contains("\u{1b}["), "{}", run.output);
    // ... and with NO_COLOR they are not.
    let run = pty::run(&["-vv", "count"], &[("NO_COLOR", "1")], 80, None);
    assert_eq!(run.code, 0, "{}", run.output);
    assert!(!run.output.contains('\u{1b}'), "{:?}", run.output);
}

#[test]
fn a_closed_pipe_ends_the_command_quietly_with_0() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_osimages"))
        .args(["-q", "--json", "list", "--all"])
        .env_remove("GRAPH_TOKEN")
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    // The same through a shell pipeline with head, as people type it.
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; {} list | head -n 1",
            env!("CARGO_BIN_EXE_osimages")
        ))
        .env_remove("GRAPH_TOKEN")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn a_full_disk_is_an_error_with_exit_6_not_a_panic() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_osimages"))
        .args(["--json", "list"])
        .env_remove("GRAPH_TOKEN")
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("cannot write the output"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

const EVIL_ID: &str = "evil\u{1b}]0;pwned\u{7}\u{1b}[2J\nWindows 11 24H2  x64";

async fn hostile_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/deviceManagement/managedDeviceWindowsOSImages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{
                "id": EVIL_ID,
                "supportedArchitectures": ["x64\u{1b}[31m", "日本語"],
                "supportedEditions": [],
                "availableUpdates": []
            }]
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path_regex(
            "^/beta/deviceManagement/managedDeviceWindowsOSImages/.+",
        ))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("request-id", "real-id")
                .set_body_json(json!({"error": {
                    "code": "NotFound\u{1b}[2J",
                    "message": "gone\u{1b}]0;title\u{7}\nrequest-id: forged",
                }})),
        )
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn control_characters_from_a_server_are_shown_escaped_and_json_stays_exact() {
    let server = hostile_server().await;
    let out = against(&server).args(["list"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    assert!(text.contains("evil\\x1b]0;pwned\\x07"), "{text}");
    // The id's newline cannot forge a second row.
    assert_eq!(text.lines().count(), 2, "{text}");

    let out = against(&server).args(["--json", "list"]).output().unwrap();
    assert_eq!(json(&out)["value"][0]["id"], EVIL_ID);

    let out = against(&server).args(["get", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(stderr.contains("gone\\x1b]0;title"), "{stderr}");
    let forged: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("request-id:"))
        .collect();
    assert_eq!(forged, ["request-id: real-id"], "{stderr}");
}
