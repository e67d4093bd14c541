//! `/_emulator/faults`: scripting faults over HTTP, as a test suite in another language would.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;

use intune_osimages::transport::{ManualClock, RetryPolicy};
use intune_osimages::{Architecture, Client, ErrorKind, OsImagePatch, Updated};
use intune_osimages_emulator::ServeOptions;
use support::in_process::{Running, raw};

async fn script(emulator: &Running, token: Option<&str>, body: &str) -> support::in_process::Raw {
    let auth = token
        .map(|t| format!("\nAuthorization: Bearer {t}"))
        .unwrap_or_default();
    let head = format!(
        "POST /_emulator/faults HTTP/1.1\nHost: {}\nContent-Type: application/json\nContent-Length: {}{auth}",
        emulator.addr,
        body.len()
    );
    raw(emulator.addr, &head, body.as_bytes()).await
}

fn no_retries(emulator: &Running) -> Client {
    Client::builder()
        .base_url(emulator.base_url.clone())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn scripted_throttling_is_answered_then_cleared() {
    let emulator = Running::start(ServeOptions::local()).await;
    let answer = script(
        &emulator,
        None,
        r#"{"kind":"status","status":429,"retryAfter":7,"times":2}"#,
    )
    .await;
    assert_eq!(answer.status, 204, "{answer:?}");

    let listed = raw(
        emulator.addr,
        &format!("GET /_emulator/faults HTTP/1.1\nHost: {}", emulator.addr),
        b"",
    )
    .await;
    let pending: serde_json::Value = serde_json::from_slice(&listed.body).unwrap();
    assert_eq!(
        pending,
        serde_json::json!({"faults":[{"kind":"status","status":429,"retryAfter":7,"times":2}]})
    );

    let images = no_retries(&emulator).os_images();
    for _ in 0..2 {
        let error = images.get("Windows 11 24H2").await.unwrap_err();
        let graph = error.as_graph().unwrap();
        assert_eq!(graph.status, 429);
        assert_eq!(graph.code, "TooManyRequests");
        assert_eq!(graph.retry_after.map(|d| d.as_secs()), Some(7));
    }
    assert!(images.get("Windows 11 24H2").await.is_ok());

    // The SDK's own retry stack rides through the same faults.
    script(
        &emulator,
        None,
        r#"[{"kind":"status","status":503,"times":2}]"#,
    )
    .await;
    let retrying = Client::builder()
        .base_url(emulator.base_url.clone())
        .clock(Arc::new(ManualClock::new()))
        .build()
        .unwrap();
    assert!(retrying.os_images().get("Windows 11 24H2").await.is_ok());

    script(
        &emulator,
        None,
        r#"{"kind":"status","status":500,"times":5}"#,
    )
    .await;
    let cleared = raw(
        emulator.addr,
        &format!("DELETE /_emulator/faults HTTP/1.1\nHost: {}", emulator.addr),
        b"",
    )
    .await;
    assert_eq!(cleared.status, 204);
    assert!(images.get("Windows 11 24H2").await.is_ok());
    emulator.stop().await;
}

#[tokio::test]
async fn drops_and_204_patches() {
    let emulator = Running::start(ServeOptions::local()).await;
    let images = no_retries(&emulator).os_images();
    script(&emulator, None, r#"{"kind":"drop"}"#).await;
    let error = images.get("Windows 11 24H2").await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert!(error.may_have_been_sent());

    script(&emulator, None, r#"{"kind":"patchNoContent","times":1}"#).await;
    let patch = OsImagePatch::new().supported_architectures([Architecture::X64]);
    let outcome = images
        .update("Windows 11 24H2", &patch)
        .allow_read_only()
        .await
        .unwrap();
    assert_eq!(outcome, Updated::NoContent);
    // The update was applied all the same.
    let now = images.get("Windows 11 24H2").await.unwrap();
    assert_eq!(now.architectures(), [Architecture::X64]);
    emulator.stop().await;
}

#[tokio::test]
async fn a_bad_script_is_a_400_naming_the_field_and_the_token_guards_it() {
    let mut options = ServeOptions::local();
    options.token = Some("control-token".into());
    let emulator = Running::start(options).await;

    let refused = script(&emulator, None, r#"{"kind":"drop"}"#).await;
    assert_eq!(refused.status, 401);

    let bad = script(
        &emulator,
        Some("control-token"),
        r#"[{"kind":"drop"},{"kind":"status","status":200}]"#,
    )
    .await;
    assert_eq!(bad.status, 400);
    let body: serde_json::Value = serde_json::from_slice(&bad.body).unwrap();
    assert_eq!(body["error"]["code"], "BadRequest");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/1/status"),
        "{body}"
    );
    // Nothing of a refused script is applied.
    let client = Client::builder()
        .base_url(emulator.base_url.clone())
        .token("control-token")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    assert!(client.os_images().count().await.is_ok());
    emulator.stop().await;
}

#[tokio::test]
async fn the_request_log_lists_what_arrived_with_credentials_redacted() {
    let mut options = ServeOptions::local();
    options.token = Some("log-token-SECRET".into());
    options.record_requests = 100;
    let emulator = Running::start(options).await;
    let client = Client::builder()
        .base_url(emulator.base_url.clone())
        .token("log-token-SECRET")
        .build()
        .unwrap();
    let patch = OsImagePatch::new().supported_architectures([Architecture::Arm64]);
    let updated = client
        .os_images()
        .update("Windows 11 24H2", &patch)
        .allow_read_only()
        .await
        .unwrap();
    assert!(matches!(updated, Updated::Image(_)));

    let head = format!(
        "GET /_emulator/requests HTTP/1.1\nHost: {}\nAuthorization: Bearer log-token-SECRET",
        emulator.addr
    );
    let listed = raw(emulator.addr, &head, b"").await;
    assert_eq!(listed.status, 200);
    let text = String::from_utf8(listed.body.clone()).unwrap();
    assert!(!text.contains("log-token-SECRET"), "{text}");
    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
    let requests = log["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1, "{log}");
    let patch_seen = &requests[0];
    assert_eq!(patch_seen["method"], "PATCH");
    assert!(
        patch_seen["url"]
            .as_str()
            .unwrap()
            .ends_with("/beta/deviceManagement/managedDeviceWindowsOSImages/Windows%2011%2024H2")
    );
    assert_eq!(patch_seen["headers"]["authorization"], "Bearer <redacted>");
    let body: serde_json::Value =
        serde_json::from_str(patch_seen["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"supportedArchitectures":["arM64"]})
    );

    let head = format!(
        "DELETE /_emulator/requests HTTP/1.1\nHost: {}\nAuthorization: Bearer log-token-SECRET",
        emulator.addr
    );
    assert_eq!(raw(emulator.addr, &head, b"").await.status, 204);
    emulator.stop().await;
}

#[tokio::test]
async fn without_recording_the_log_says_how_to_turn_it_on() {
    let emulator = Running::start(ServeOptions::local()).await;
    let listed = raw(
        emulator.addr,
        &format!("GET /_emulator/requests HTTP/1.1\nHost: {}", emulator.addr),
        b"",
    )
    .await;
    assert_eq!(listed.status, 404);
    assert!(String::from_utf8_lossy(&listed.body).contains("--record-requests"));
    emulator.stop().await;
}
