//! `osimages batch FILE|-`: Graph's `$batch` body sent through the SDK (split past 20), a table or `--json` merged
//! responses, exit 4 when any item failed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use predicates::str::contains;
use serde_json::{Value, json};
use support::{Emulator, json, osimages, succeeds};

const SET: &str = "/deviceManagement/managedDeviceWindowsOSImages";

fn file(body: &Value) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), body.to_string()).unwrap();
    file
}

#[test]
fn a_table_of_id_method_url_and_status_and_exit_4_when_an_item_failed() {
    let body = json!({"requests": [
        {"id": "one", "method": "GET", "url": format!("{SET}/Windows%2011%2024H2")},
        {"id": "two", "method": "GET", "url": format!("{SET}/nope")},
        {"id": "three", "method": "DELETE", "url": format!("{SET}/Windows%2010%2022H2"), "dependsOn": ["two"]}
    ]});
    let f = file(&body);
    let out = osimages().arg("batch").arg(f.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("ID"), "{stdout}");
    assert!(
        lines[1].starts_with("one") && lines[1].ends_with("200"),
        "{stdout}"
    );
    assert!(
        lines[2].contains("/nope") && lines[2].ends_with("404"),
        "{stdout}"
    );
    assert!(
        lines[3].contains("DELETE") && lines[3].ends_with("424"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 of 3 requests failed"));
}

#[test]
fn json_prints_the_merged_responses_and_more_than_twenty_are_split() {
    let emulator = Emulator::start(&[]);
    let requests: Vec<Value> = (1..=25)
        .map(|i| json!({"id": format!("c{i}"), "method": "GET", "url": format!("{SET}/$count")}))
        .collect();
    let f = file(&json!({ "requests": requests }));
    let out = succeeds(emulator.osimages().args(["--json", "batch"]).arg(f.path()));
    let merged = json(&out);
    let responses = merged["responses"].as_array().unwrap();
    assert_eq!(responses.len(), 25);
    assert_eq!(responses[24]["id"], "c25");
    assert!(responses.iter().all(|r| r["status"] == 200));
}

#[test]
fn the_body_can_come_from_standard_input_and_writes_are_validated_first() {
    let body = json!({"requests": [
        {"id": "1", "method": "PATCH", "url": format!("{SET}/Windows%2011%2024H2"),
         "headers": {"Content-Type": "application/json"}, "body": {"supportedArchitectures": ["x64"]}}
    ]});
    // Read-only properties need --allow-read-only, as for `update`: exit 3, nothing sent.
    osimages()
        .args(["batch", "-"])
        .write_stdin(body.to_string())
        .assert()
        .code(3)
        .stderr(contains("/requests/0/body/supportedArchitectures"));
    osimages()
        .args(["--json", "batch", "-", "--allow-read-only"])
        .write_stdin(body.to_string())
        .assert()
        .success()
        .stdout(contains("\"status\": 200"));
}

#[test]
fn a_malformed_file_is_a_usage_error_naming_the_pointer() {
    for (body, expected) in [
        (json!({"value": []}), "/requests: expected"),
        (
            json!({"requests": [{"id": "1", "url": SET}]}),
            "/requests/0/method: missing",
        ),
        (
            json!({"requests": [{"id": "1", "method": "GET", "url": SET, "dependsOn": ["2"]}]}),
            "/requests/0/dependsOn/0: no earlier request has the id \"2\"",
        ),
        (
            json!({"requests": [
                {"id": "a", "method": "GET", "url": SET},
                {"id": "A", "method": "GET", "url": SET}
            ]}),
            "/requests/1/id: \"A\" repeats an earlier id",
        ),
    ] {
        let f = file(&body);
        osimages()
            .arg("batch")
            .arg(f.path())
            .assert()
            .code(2)
            .stderr(contains(expected));
    }
}
