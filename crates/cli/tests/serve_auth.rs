//! `--token`: every request needs `Authorization: Bearer <token>`; anything else is a 401 with Graph's error body.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use intune_osimages_emulator::{ServeErrorKind, ServeOptions, bind, bind_with_graph};
use intune_osimages_fake::FakeGraph;
use support::in_process::{Running, ServedGraph, raw};

const TOKEN: &str = "emulator-token-7f3a";

fn with_token() -> ServeOptions {
    let mut options = ServeOptions::local();
    options.token = Some(TOKEN.to_owned());
    options
}

#[tokio::test]
async fn the_right_token_is_served() {
    let emulator = Running::start(with_token()).await;
    let images = emulator.client(Some(TOKEN)).os_images();
    assert!(!images.list().all().await.unwrap().is_empty());
    assert!(images.count().send().await.unwrap() > 0);
    emulator.stop().await;
}

#[tokio::test]
async fn a_wrong_or_missing_token_is_401_through_the_facade() {
    let graph = FakeGraph::with_sample_catalog();
    let server = bind_with_graph(
        "127.0.0.1:0".parse().unwrap(),
        Some(TOKEN.to_owned()),
        graph.clone(),
    )
    .await
    .unwrap();
    let emulator = Running::serve(server);
    for client in [
        emulator.client(Some("not-the-token")),
        emulator.client(None),
    ] {
        let error = client
            .os_images()
            .get("Windows 11 24H2")
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(401), "{error}");
        let graph = error.as_graph().unwrap();
        assert_eq!(graph.code, "InvalidAuthenticationToken");
        assert!(graph.request_id.is_some());
        assert!(!error.to_string().contains(TOKEN));
    }
    // nothing reached the fake, while the right token does
    assert!(graph.requests().is_empty());
    emulator
        .client(Some(TOKEN))
        .os_images()
        .count()
        .send()
        .await
        .unwrap();
    assert_eq!(graph.requests().len(), 1);
    emulator.stop().await;
}

#[tokio::test]
async fn the_401_is_graph_shaped_with_a_bearer_challenge() {
    let emulator = Running::start(with_token()).await;
    let cases = [
        ("", "Bearer"),
        ("\nAuthorization: Basic dXNlcjpwYXNz", "Bearer"),
        (
            "\nAuthorization: Bearer wrong",
            "Bearer error=\"invalid_token\"",
        ),
        (
            "\nAuthorization: Bearer emulator-token-7f3",
            "Bearer error=\"invalid_token\"",
        ),
    ];
    for (auth, challenge) in cases {
        let answer = raw(
            emulator.addr,
            &format!("GET /beta/deviceManagement/managedDeviceWindowsOSImages HTTP/1.1\nHost: x{auth}\nclient-request-id: c-1"),
            b"",
        )
        .await;
        assert_eq!(answer.status, 401, "{auth}");
        assert_eq!(answer.header("www-authenticate"), Some(challenge), "{auth}");
        let body = answer.json();
        assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("--token")
        );
        let inner = &body["error"]["innerError"];
        assert_eq!(inner["client-request-id"], "c-1");
        assert_eq!(inner["request-id"].as_str(), answer.header("request-id"));
        assert!(inner["date"].is_string());
    }
    // also on paths that are not Graph's, so the emulator says nothing to a stranger
    let answer = raw(emulator.addr, "GET /nowhere HTTP/1.1\nHost: x", b"").await;
    assert_eq!(answer.status, 401);
    // and the scheme is case-insensitive
    let answer = raw(
        emulator.addr,
        &format!("GET /beta/deviceManagement/managedDeviceWindowsOSImages/$count HTTP/1.1\nHost: x\nAuthorization: bearer {TOKEN}"),
        b"",
    )
    .await;
    assert_eq!(answer.status, 200);
    emulator.stop().await;
}

#[tokio::test]
async fn an_empty_token_is_refused_at_start() {
    let mut options = ServeOptions::local();
    options.token = Some("  ".to_owned());
    let error = bind(options).await.unwrap_err();
    assert_eq!(error.kind(), ServeErrorKind::Options);
    assert!(error.to_string().contains("--token"), "{error}");
}

#[test]
fn options_debug_hides_the_token() {
    let debug = format!("{:?}", with_token());
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(debug.contains("<redacted>"));
}
