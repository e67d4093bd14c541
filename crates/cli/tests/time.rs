//! Time: `--timeout` bounds the whole command (retries included), and retries are said on stderr at the default
//! verbosity.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::{against, osimages, succeeds};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_throttled_request_is_announced_on_stderr_and_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_json(
                    json!({"error": {"code": "TooManyRequests", "message": "slow down"}}),
                ),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .mount(&server)
        .await;
    let out = against(&server).args(["list"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("Graph throttled the request (429); retrying in 1 s, attempt 2 of 4"),
        "{stderr}"
    );
    // -q keeps stderr for errors only.
    let out = succeeds(against(&server).args(["-q", "list"]));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("retrying"));
}

#[test]
fn a_server_that_never_answers_is_given_up_on_after_the_timeout_with_exit_5() {
    // Accepts connections and never answers.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming().take(8) {
            open.push(stream);
        }
        std::thread::sleep(Duration::from_secs(30));
    });
    let started = Instant::now();
    let out = osimages()
        .args(["--base-url", &format!("http://127.0.0.1:{port}/beta")])
        .args(["--token", "t", "--timeout", "2s", "list"])
        .timeout(Duration::from_secs(40))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("error"), "{stderr}");
    // Bounded by --timeout, not by the four attempts of the default per-attempt timeout (minutes).
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    drop(held);

    osimages()
        .args(["--fake", "--timeout", "soon", "list"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--timeout"));
    osimages()
        .args(["--fake", "--timeout", "0", "list"])
        .assert()
        .code(2);
}

#[test]
fn progress_is_drawn_on_a_terminal_and_never_into_a_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let images: Vec<serde_json::Value> = (0..2000)
        .map(|i| {
            json!({"id": format!("image-{i:05}"), "supportedArchitectures": ["x64"],
                        "supportedEditions": [], "availableUpdates": []})
        })
        .collect();
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, serde_json::to_vec(&images).unwrap()).unwrap();
    let emulator =
        support::Emulator::start(&["--seed", seed.to_str().unwrap(), "--page-size", "20"]);
    let out_file = dir.path().join("export.json");
    let args = [
        "--base-url",
        emulator.base_url.as_str(),
        "export",
        "--out",
        out_file.to_str().unwrap(),
    ];
    let run = support::pty::run(&args, &[], 80, None);
    assert_eq!(run.code, 0, "{}", run.output);
    assert!(run.output.contains("images read"), "{:?}", run.output);
    // Piped: the same command draws nothing but its closing note.
    let out = succeeds(osimages().args(args));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stderr.contains("images read") && !stderr.contains('\r'),
        "{stderr:?}"
    );
    assert!(stderr.contains("exported 2000 image(s)"), "{stderr}");
}

#[tokio::test]
async fn throttled_items_of_apply_s_batch_are_announced_and_sent_again() {
    use wiremock::matchers::path;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .mount(&server)
        .await;
    let created = json!({"id": "b", "supportedArchitectures": ["x64"], "supportedEditions": [], "availableUpdates": []});
    Mock::given(method("POST"))
        .and(path("/beta/$batch"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"responses": [
                {"id": "1", "status": 429, "headers": {"retry-after": "1"},
                 "body": {"error": {"code": "TooManyRequests", "message": "later"}}}
            ]})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/beta/$batch"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"responses": [
            {"id": "1", "status": 201, "headers": {"content-type": "application/json"}, "body": created}
        ]})))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let desired = dir.path().join("desired.json");
    std::fs::write(&desired, serde_json::to_vec(&json!([created])).unwrap()).unwrap();
    let out = against(&server)
        .args(["apply"])
        .arg(&desired)
        .arg("--yes")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("Graph throttled 1 item(s) of the batch; sending them again in 1 s"),
        "{stderr}"
    );
    let batches = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(batches, 2);
}
