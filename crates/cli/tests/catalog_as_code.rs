//! The catalog as code against the emulator: export → edit → diff (exit 1, the right pointers) → apply → diff
//! (exit 0) → apply again (nothing but reads sent), `--dry-run` sending nothing, `--prune`, and a partial failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{Read, Write};

use serde_json::{Value, json};
use support::{Emulator, json, osimages};

/// The emulator's request log (`GET /_emulator/requests`): each request's method and URL; `clear` empties it.
fn requests(emulator: &Emulator, clear: bool) -> Vec<(String, String)> {
    let authority = emulator
        .base_url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let exchange = |method: &str| {
        let mut stream = std::net::TcpStream::connect(&authority).unwrap();
        write!(
            stream,
            "{method} /_emulator/requests HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        let answer = String::from_utf8(answer).unwrap();
        answer
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_owned())
            .unwrap_or_default()
    };
    let body = exchange("GET");
    let log: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    if clear {
        exchange("DELETE");
    }
    log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap().to_owned(),
                r["url"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn run(emulator: &Emulator, args: &[&str]) -> std::process::Output {
    emulator.osimages().args(args).output().unwrap()
}

fn only_reads(log: &[(String, String)]) -> bool {
    log.iter().all(|(method, _)| method == "GET")
}

#[test]
fn export_edit_diff_apply_diff_apply_again_and_dry_run() {
    let emulator = Emulator::start(&["--record-requests", "1000", "--page-size", "2"]);
    let dir = tempfile::tempdir().unwrap();
    let exported = dir.path().join("catalog.json");
    let exported_s = exported.to_str().unwrap();

    // export: deterministic, sorted by id, no annotations, the same on a second run.
    let out = run(&emulator, &["export", "--out", exported_s]);
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(&exported).unwrap();
    assert!(!text.contains("@odata"), "{text}");
    let mut catalog: Value = serde_json::from_str(&text).unwrap();
    let ids: Vec<String> = catalog["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    assert!(ids.len() >= 3);
    let again = run(&emulator, &["export"]);
    assert_eq!(String::from_utf8(again.stdout).unwrap(), text);
    // Unchanged: diff says so with exit 0.
    assert_eq!(run(&emulator, &["diff", exported_s]).status.code(), Some(0));

    // edit: a new update on the first image (Patch Tuesday), a moved end date, a new image.
    let first = &mut catalog["value"][0];
    let first_id = first["id"].as_str().unwrap().to_owned();
    let updates = first["availableUpdates"].as_array_mut().unwrap();
    let new_update = updates.len();
    updates.push(json!({"buildVersion": "10.0.99999.1", "releaseMonth": 12, "releaseYear": 2026}));
    first["supportedEditions"][0]["supportEndDate"] = json!("2031-01-14");
    catalog["value"].as_array_mut().unwrap().push(json!({
        "id": "Lab image",
        "supportedArchitectures": ["x64"],
        "supportedEditions": [{"editionType": "enterprise", "supportEndDate": "2030-10-08"}],
        "availableUpdates": []
    }));
    let edited = dir.path().join("edited.json");
    let edited_s = edited.to_str().unwrap();
    std::fs::write(&edited, serde_json::to_vec_pretty(&catalog).unwrap()).unwrap();

    // diff: exit 1 and a pointer per change (the file is the old side, the tenant the new one).
    let out = run(&emulator, &["--json", "diff", edited_s]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report = json(&out);
    assert_eq!(report["equal"], false);
    let found: Vec<(String, String, String)> = report["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_owned(),
                d["change"].as_str().unwrap().to_owned(),
                d["pointer"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        found.contains(&(
            first_id.clone(),
            "removed".into(),
            format!("/availableUpdates/{new_update}")
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            first_id.clone(),
            "changed".into(),
            "/supportedEditions/0/supportEndDate".into()
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&("Lab image".into(), "removed".into(), String::new())),
        "{found:?}"
    );
    assert_eq!(found.len(), 3, "{found:?}");
    // The table and CSV say the same.
    let table = String::from_utf8(run(&emulator, &["diff", edited_s]).stdout).unwrap();
    assert!(
        table.contains("/supportedEditions/0/supportEndDate"),
        "{table}"
    );
    let out = run(&emulator, &["--output", "csv", "diff", edited_s]);
    assert_eq!(out.status.code(), Some(1));
    let csv_text = String::from_utf8(out.stdout).unwrap();
    assert!(
        csv_text.starts_with("ID,CHANGE,POINTER,OLD,NEW\n"),
        "{csv_text}"
    );
    assert_eq!(csv_text.lines().count(), 4, "{csv_text}");

    // --dry-run: the plan, and nothing but reads sent.
    requests(&emulator, true);
    let out = run(&emulator, &["apply", edited_s, "--dry-run"]);
    assert!(out.status.success(), "{out:?}");
    let plan = String::from_utf8(out.stdout).unwrap();
    assert!(
        plan.contains("create") && plan.contains("Lab image"),
        "{plan}"
    );
    assert!(
        plan.contains("update") && plan.contains("10.0.99999.1"),
        "{plan}"
    );
    assert!(plan.contains("nothing was sent"), "{plan}");
    let log = requests(&emulator, true);
    assert!(!log.is_empty() && only_reads(&log), "{log:?}");
    assert_eq!(run(&emulator, &["diff", edited_s]).status.code(), Some(1));

    // Off a terminal, apply needs --yes.
    let out = run(&emulator, &["apply", edited_s]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    requests(&emulator, true);

    // apply: one $batch with a create and a minimal update.
    let out = run(&emulator, &["--json", "apply", edited_s, "--yes"]);
    assert!(out.status.success(), "{out:?}");
    let result = json(&out);
    assert_eq!(result["applied"].as_array().unwrap().len(), 2, "{result}");
    assert!(result["failed"].as_array().unwrap().is_empty(), "{result}");
    let log = requests(&emulator, true);
    let writes: Vec<&(String, String)> = log.iter().filter(|(m, _)| m != "GET").collect();
    assert_eq!(writes.len(), 1, "{log:?}");
    assert!(writes[0].1.ends_with("/$batch"), "{log:?}");

    // Now equal; applying again sends nothing but reads.
    let out = run(&emulator, &["diff", edited_s]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("no differences")
    );
    requests(&emulator, true);
    let out = run(&emulator, &["apply", edited_s, "--yes"]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("nothing to do")
    );
    let log = requests(&emulator, true);
    assert!(!log.is_empty() && only_reads(&log), "{log:?}");

    // --prune deletes what the file lacks; the original export then matches again.
    let out = run(&emulator, &["apply", exported_s, "--yes"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(run(&emulator, &["diff", exported_s]).status.code(), Some(1));
    let out = run(&emulator, &["apply", exported_s, "--yes", "--prune"]);
    assert!(out.status.success(), "{out:?}");
    let plan = String::from_utf8(out.stdout).unwrap();
    assert!(
        plan.contains("delete") && plan.contains("Lab image"),
        "{plan}"
    );
    assert_eq!(run(&emulator, &["diff", exported_s]).status.code(), Some(0));
}

#[test]
fn diff_of_two_files_offline_and_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let new = dir.path().join("new.json");
    std::fs::write(
        &old,
        r#"{"value":[{"id":"a","supportedArchitectures":["x64"]}]}"#,
    )
    .unwrap();
    std::fs::write(
        &new,
        r#"[{"id":"a","supportedArchitectures":["x64","arM64"]},{"id":"b/c"}]"#,
    )
    .unwrap();
    let out = osimages()
        .args(["--json", "diff"])
        .arg(&old)
        .arg("--against")
        .arg(&new)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    // Offline: no note about a tenant.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    assert_eq!(
        report["differences"],
        json!([
            {"id": "a", "change": "added", "pointer": "/supportedArchitectures/1", "new": "arM64"},
            {"id": "b/c", "change": "added", "pointer": "", "new": {"id": "b/c"}}
        ])
    );
    // At 40 columns every line fits and the pointer stays whole; the values give way.
    let out = osimages()
        .env("COLUMNS", "40")
        .arg("diff")
        .arg(&old)
        .arg("--against")
        .arg(&new)
        .output()
        .unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.lines().all(|l| l.chars().count() <= 40), "{table}");
    assert!(table.contains("/supportedArchitectures/1"), "{table}");
    let out = osimages()
        .arg("diff")
        .arg(&old)
        .arg("--against")
        .arg(&old)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // Errors are 2 or more, never 1.
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"value\": [").unwrap();
    let out = osimages()
        .arg("diff")
        .arg(&broken)
        .arg("--against")
        .arg(&old)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.json:1:"));
    let twice = dir.path().join("twice.json");
    std::fs::write(&twice, r#"[{"id":"a"},{"id":"a"}]"#).unwrap();
    let out = osimages()
        .arg("diff")
        .arg(&twice)
        .arg("--against")
        .arg(&old)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("twice"));
    let duplicate = dir.path().join("duplicate.json");
    std::fs::write(
        &duplicate,
        "\u{feff}[{\"id\":\"a\",\"supportedArchitectures\":[\"x64\"],\"supportedArchitectures\":[]}]",
    )
    .unwrap();
    let out = osimages()
        .arg("diff")
        .arg(&duplicate)
        .arg("--against")
        .arg(&old)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("duplicate-key") && stderr.contains("/0/supportedArchitectures"),
        "{stderr}"
    );
    osimages()
        .args(["diff", "/nonexistent/file.json", "--against"])
        .arg(&old)
        .assert()
        .code(2);
}

#[test]
fn a_plan_that_fails_validation_sends_nothing_and_a_failed_step_exits_4() {
    let emulator = Emulator::start(&["--record-requests", "100"]);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"[{"id":"New one","supportedArchitectures":["ARM64"],"supportedEditions":[],"availableUpdates":[]}]"#,
    )
    .unwrap();
    requests(&emulator, true);
    let out = run(&emulator, &["apply", bad.to_str().unwrap(), "--yes"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/supportedArchitectures/0") && stderr.contains("New one"),
        "{stderr}"
    );
    assert!(only_reads(&requests(&emulator, true)));
}

#[tokio::test]
async fn a_partial_failure_reports_what_was_applied_and_exits_4() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/deviceManagement/managedDeviceWindowsOSImages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [
            {"id": "a", "supportedArchitectures": ["x64"], "supportedEditions": [], "availableUpdates": []}
        ]})))
        .mount(&server)
        .await;
    // Step 1 (the create of "b") succeeds; step 2 (the update of "a") is refused.
    Mock::given(method("POST"))
        .and(path("/beta/$batch"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"responses": [
            {"id": "1", "status": 201, "headers": {"content-type": "application/json"},
             "body": {"id": "b", "supportedArchitectures": ["x64"], "supportedEditions": [], "availableUpdates": []}},
            {"id": "2", "status": 400, "headers": {"content-type": "application/json"},
             "body": {"error": {"code": "BadRequest", "message": "no such architecture here"}}}
        ]})))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let desired = dir.path().join("desired.json");
    std::fs::write(
        &desired,
        r#"[{"id":"a","supportedArchitectures":["x64","arM64"],"supportedEditions":[],"availableUpdates":[]},
            {"id":"b","supportedArchitectures":["x64"],"supportedEditions":[],"availableUpdates":[]}]"#,
    )
    .unwrap();
    let base = format!("{}/beta", server.uri());
    let out = osimages()
        .args([
            "--base-url",
            &base,
            "--token",
            "t",
            "apply",
            desired.to_str().unwrap(),
            "--yes",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let applied = stdout.lines().find(|l| l.starts_with("applied")).unwrap();
    assert!(
        applied.contains("create") && applied.contains('b'),
        "{stdout}"
    );
    let failed = stdout.lines().find(|l| l.starts_with("failed")).unwrap();
    assert!(
        failed.contains("update") && failed.contains("BadRequest"),
        "{stdout}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("1 of 2 step(s) failed"), "{stderr}");
    // The minimal PATCH body: only what changed.
    let batch = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.method.as_str() == "POST")
        .unwrap();
    let body: Value = serde_json::from_slice(&batch.body).unwrap();
    let patch = body["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["method"] == "PATCH")
        .unwrap();
    assert_eq!(
        patch["body"],
        json!({"supportedArchitectures": ["x64", "arM64"]})
    );
}

#[test]
fn apply_on_a_terminal_asks_and_does_what_the_answer_says() {
    let emulator = Emulator::start(&[]);
    let dir = tempfile::tempdir().unwrap();
    let desired = dir.path().join("desired.json");
    let out = run(&emulator, &["export"]);
    let mut catalog = json(&out);
    catalog["value"].as_array_mut().unwrap().push(json!({
        "id": "Asked first", "supportedArchitectures": ["x64"], "supportedEditions": [], "availableUpdates": []
    }));
    std::fs::write(&desired, serde_json::to_vec(&catalog).unwrap()).unwrap();
    let args = [
        "--base-url",
        emulator.base_url.as_str(),
        "apply",
        desired.to_str().unwrap(),
    ];
    let answered = support::pty::run(&args, &[], 80, Some("n\n"));
    assert_eq!(answered.code, 2, "{}", answered.output);
    assert!(
        answered.output.contains("apply 1 step(s)? [y/N]"),
        "{}",
        answered.output
    );
    assert_eq!(
        run(&emulator, &["diff", desired.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
    let answered = support::pty::run(&args, &[], 80, Some("y\n"));
    assert_eq!(answered.code, 0, "{}", answered.output);
    assert!(answered.output.contains("applied"), "{}", answered.output);
    assert_eq!(
        run(&emulator, &["diff", desired.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
}
