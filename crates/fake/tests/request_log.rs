//! The request log: every request received, credentials redacted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use bytes::Bytes;
use http::{Method, StatusCode};
use intune_osimages_fake::{FakeGraph, Fault};
use support::*;

const SECRET: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOi.secret-token-value";

#[tokio::test]
async fn every_request_is_logged_with_credentials_redacted() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::DropConnection { times: 1 });
    let request = http::Request::builder()
        .method(Method::POST)
        .uri(format!("https://graph.example{SET}?x=1"))
        .header("authorization", format!("Bearer {SECRET}"))
        .header("proxy-authorization", format!("Basic {SECRET}"))
        .header("cookie", format!("session={SECRET}"))
        .header("client-request-id", "c-1")
        .header("content-type", "application/json")
        .body(Bytes::from(image_json("a")))
        .unwrap();
    let _ = graph.handle(request.clone()).await;
    graph.handle(request).await.unwrap();
    graph.handle_sync(&req(Method::GET, SET));
    let log = graph.requests();
    assert_eq!(log.len(), 3);
    let first = &log[0];
    assert_eq!(first.method, Method::POST);
    assert_eq!(first.path(), SET);
    assert_eq!(first.query(), Some("x=1"));
    assert_eq!(first.header("authorization"), Some("Bearer <redacted>"));
    assert_eq!(
        first.header("proxy-authorization"),
        Some("Basic <redacted>")
    );
    assert_eq!(first.header("cookie"), Some("<redacted>"));
    assert_eq!(first.header("client-request-id"), Some("c-1"));
    assert_eq!(first.json().unwrap()["id"], "a");
    let debug = format!("{log:?}");
    assert!(!debug.contains("secret-token-value"), "{debug}");
    assert_eq!(log[2].method, Method::GET);
    graph.clear_requests();
    assert!(graph.requests().is_empty());
}

#[test]
fn the_log_keeps_the_most_recent_requests_up_to_its_capacity() {
    let graph = FakeGraph::builder().request_log_capacity(3).build();
    for i in 0..5 {
        get(&graph, &format!("{SET}?n={i}"));
    }
    let queries: Vec<String> = graph
        .requests()
        .iter()
        .map(|r| r.query().unwrap().to_owned())
        .collect();
    assert_eq!(queries, ["n=2", "n=3", "n=4"]);
    let off = FakeGraph::builder().request_log_capacity(0).build();
    get(&off, SET);
    assert!(off.requests().is_empty());
}

#[test]
fn responses_echo_the_client_request_id_or_reuse_the_request_id() {
    let graph = FakeGraph::with_sample_catalog();
    let request = http::Request::builder()
        .uri(format!("{SET}/nope"))
        .header("client-request-id", "3f6e1c1a-0000-4000-8000-000000000001")
        .body(Bytes::new())
        .unwrap();
    let resp = graph.handle_sync(&request);
    expect_error(&resp, StatusCode::NOT_FOUND, "NotFound");
    assert_eq!(
        resp.headers()["client-request-id"],
        "3f6e1c1a-0000-4000-8000-000000000001"
    );
    assert_eq!(
        body(&resp)["error"]["innerError"]["client-request-id"],
        "3f6e1c1a-0000-4000-8000-000000000001"
    );
    let resp = get(&graph, &format!("{SET}/nope"));
    let b = body(&resp);
    assert_eq!(
        b["error"]["innerError"]["client-request-id"],
        b["error"]["innerError"]["request-id"]
    );
    assert_eq!(
        resp.headers()["client-request-id"],
        resp.headers()["request-id"]
    );
    // Each answer has its own request-id.
    assert_ne!(
        get(&graph, SET).headers()["request-id"],
        get(&graph, SET).headers()["request-id"]
    );
}

#[tokio::test]
async fn secret_form_fields_query_values_and_key_headers_are_redacted_too() {
    let graph = FakeGraph::with_sample_catalog();
    let request = http::Request::builder()
        .method(Method::POST)
        .uri(format!(
            "https://graph.example{SET}?access_token={SECRET}&code={SECRET}&keep=1"
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("ocp-apim-subscription-key", SECRET)
        .header("x-ms-token", SECRET)
        .body(Bytes::from(format!(
            "grant_type=client_credentials&client_id=app&client_secret={SECRET}\
             &client_assertion={SECRET}&refresh_token={SECRET}&password={SECRET}\
             &device_code={SECRET}&code={SECRET}"
        )))
        .unwrap();
    let _ = graph.handle(request).await;
    let log = graph.requests();
    let seen = &log[0];
    let everything = format!(
        "{seen:?} {} {}",
        seen.uri,
        String::from_utf8_lossy(&seen.body)
    );
    assert!(!everything.contains("secret-token-value"), "{everything}");
    assert_eq!(seen.header("ocp-apim-subscription-key"), Some("<redacted>"));
    assert_eq!(seen.header("x-ms-token"), Some("<redacted>"));
    assert!(
        seen.query().unwrap().ends_with("&keep=1"),
        "{:?}",
        seen.query()
    );
    let body = String::from_utf8_lossy(&seen.body);
    assert!(
        body.starts_with("grant_type=client_credentials&client_id=app&client_secret=<redacted>"),
        "{body}"
    );
    assert_eq!(body.matches("=<redacted>").count(), 6, "{body}");
}
