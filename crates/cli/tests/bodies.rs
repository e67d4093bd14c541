//! Bodies as given: the user's bytes are what is sent (after validating the parsed value); what a parser would
//! change (a duplicate key, an integer beyond 2^53) is refused at its JSON Pointer; a UTF-8 byte order mark is
//! accepted and said so; UTF-16 and UTF-32 are refused with how to convert them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use support::osimages;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Key order, spacing and a number's spelling that re-serializing would all change.
const AS_GIVEN: &str = "{ \"supportedArchitectures\" : [ \"x64\",\"arM64\" ],\n  \"@odata.type\":\"#microsoft.graph.managedDeviceWindowsOperatingSystemImage\",\n  \"availableUpdates\": [{\"buildVersion\": \"10.0.26100.1\", \"releaseMonth\":10 , \"releaseYear\": 2024}]\n}";

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

fn update(base: &str, file: &str) -> std::process::Output {
    osimages()
        .args(["--base-url", base, "--token", "t"])
        .args([
            "update",
            "Windows 11 24H2",
            "--allow-read-only",
            "--body",
            file,
        ])
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_bytes_sent_are_the_bytes_given_and_a_utf8_byte_order_mark_is_left_out_and_said() {
    let server = server().await;
    let base = format!("{}/beta", server.uri());
    let dir = tempfile::tempdir().unwrap();
    let plain = write(&dir, "plain.json", AS_GIVEN.as_bytes());
    let out = update(&base, &plain);
    assert!(out.status.success(), "{out:?}");
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(AS_GIVEN.as_bytes());
    let bom = write(&dir, "bom.json", &bom);
    let out = update(&base, &bom);
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("byte order mark"), "{stderr}");

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    for request in &received {
        assert_eq!(
            std::str::from_utf8(&request.body).unwrap(),
            AS_GIVEN,
            "the body was re-serialized"
        );
    }

    // --dry-run prints the same bytes, offline.
    let out = osimages()
        .args([
            "update",
            "Windows 11 24H2",
            "--allow-read-only",
            "--dry-run",
        ])
        .args(["--body", &plain])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{AS_GIVEN}\n")
    );
}

#[tokio::test]
async fn duplicate_keys_and_inexact_integers_are_refused_at_their_pointer_and_nothing_is_sent() {
    let server = server().await;
    let base = format!("{}/beta", server.uri());
    let dir = tempfile::tempdir().unwrap();
    let duplicate = write(
        &dir,
        "dup.json",
        br#"{"supportedArchitectures":["x64"],"availableUpdates":[{"releaseYear":2024,"releaseYear":2025}]}"#,
    );
    let out = update(&base, &duplicate);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("duplicate-key") && stderr.contains("/availableUpdates/0/releaseYear"),
        "{stderr}"
    );

    let big = write(
        &dir,
        "big.json",
        br#"{"availableUpdates":[{"buildVersion":"1","releaseMonth":1,"releaseYear":12345678901234567890}]}"#,
    );
    let out = update(&base, &big);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("inexact-integer") && stderr.contains("/availableUpdates/0/releaseYear"),
        "{stderr}"
    );
    assert!(stderr.contains("12345678901234567890"), "{stderr}");

    // validate reports them too, offline.
    osimages()
        .args(["validate", "--allow-read-only", &duplicate])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("duplicate-key"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

fn utf16(text: &str, big_endian: bool, mark: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = mark
        .then_some(0xfeff_u16)
        .into_iter()
        .chain(text.encode_utf16());
    for unit in units {
        out.extend_from_slice(&if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    out
}

#[tokio::test]
async fn utf16_and_utf32_are_refused_with_exit_3_and_how_to_convert() {
    let server = server().await;
    let base = format!("{}/beta", server.uri());
    let dir = tempfile::tempdir().unwrap();
    let body = json!({"supportedArchitectures": ["x64"]}).to_string();
    let mut utf32 = Vec::new();
    for c in body.chars() {
        utf32.extend_from_slice(&(c as u32).to_le_bytes());
    }
    for (name, bytes, encoding) in [
        ("le-bom.json", utf16(&body, false, true), "UTF-16LE"),
        ("le.json", utf16(&body, false, false), "UTF-16LE"),
        ("be-bom.json", utf16(&body, true, true), "UTF-16BE"),
        ("utf32.json", utf32.clone(), "UTF-32LE"),
    ] {
        let file = write(&dir, name, &bytes);
        let out = update(&base, &file);
        assert_eq!(out.status.code(), Some(3), "{name}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(encoding), "{name}: {stderr}");
        assert!(
            stderr.contains("iconv") && stderr.contains("Set-Content"),
            "{name}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    // From standard input as well.
    osimages()
        .args(["--base-url", &base, "--token", "t"])
        .args(["update", "x", "--allow-read-only", "--body", "-"])
        .write_stdin(utf16(&body, false, true))
        .assert()
        .code(3)
        .stderr(predicates::str::contains("UTF-16LE"));
    assert!(server.received_requests().await.unwrap().is_empty());
}
