#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The telemetry-headers decorator.

use std::sync::Arc;

use bytes::Bytes;
use intune_osimages_transport::headers::{CLIENT_REQUEST_ID, SDK_VERSION};
use intune_osimages_transport::test_util::{CaptureTransport, ScriptedTransport, response};
use intune_osimages_transport::{ManualClock, Retry, RetryPolicy, Telemetry, Transport};

const VERSION: &str = "intune-osimages-rust/0.1.0";

fn request() -> http::Request<Bytes> {
    http::Request::get("https://graph.microsoft.com/beta/x")
        .body(Bytes::new())
        .unwrap()
}

fn header(request: &http::Request<Bytes>, name: &str) -> String {
    request.headers()[name].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn adds_request_id_sdk_version_and_user_agent() {
    let inner = Arc::new(CaptureTransport::new());
    let telemetry = Telemetry::new(inner.clone(), VERSION);
    telemetry.send(request()).await.unwrap();
    telemetry.send(request()).await.unwrap();
    let sent = inner.requests();
    let first = uuid::Uuid::parse_str(&header(&sent[0], "client-request-id")).unwrap();
    let second = uuid::Uuid::parse_str(&header(&sent[1], "client-request-id")).unwrap();
    assert_eq!(first.get_version_num(), 4);
    assert_ne!(first, second, "a fresh id per request");
    assert_eq!(header(&sent[0], "sdkversion"), VERSION);
    assert_eq!(header(&sent[0], "user-agent"), VERSION);
}

#[tokio::test]
async fn keeps_what_the_caller_set() {
    let inner = Arc::new(CaptureTransport::new());
    let telemetry = Telemetry::new(inner.clone(), VERSION);
    let mut request = request();
    let headers = request.headers_mut();
    headers.insert(CLIENT_REQUEST_ID, "caller-chosen-id".parse().unwrap());
    headers.insert(SDK_VERSION, "other-sdk/9".parse().unwrap());
    headers.insert("user-agent", "my-tool/1.2".parse().unwrap());
    telemetry.send(request).await.unwrap();
    let sent = inner.last_request().unwrap();
    assert_eq!(header(&sent, "client-request-id"), "caller-chosen-id");
    assert_eq!(header(&sent, "sdkversion"), "other-sdk/9");
    assert_eq!(header(&sent, "user-agent"), "my-tool/1.2");
    assert_eq!(
        sent.headers().get_all("client-request-id").iter().count(),
        1
    );
}

#[tokio::test]
async fn control_characters_are_dropped_from_the_version() {
    let inner = Arc::new(CaptureTransport::new());
    let telemetry = Telemetry::new(inner.clone(), "sdk/1.0\r\nX-Injected: yes");
    telemetry.send(request()).await.unwrap();
    let sent = inner.last_request().unwrap();
    assert_eq!(header(&sent, "sdkversion"), "sdk/1.0X-Injected: yes");
    assert!(sent.headers().get("x-injected").is_none());
}

#[tokio::test]
async fn outside_retry_every_attempt_shares_one_request_id() {
    let inner = Arc::new(
        ScriptedTransport::new()
            .reply(response(
                http::StatusCode::TOO_MANY_REQUESTS,
                &[("retry-after", "1")],
                "",
            ))
            .reply(response(http::StatusCode::OK, &[], "")),
    );
    let stack = Telemetry::new(
        Retry::new(inner.clone(), RetryPolicy::default()).with_clock(Arc::new(ManualClock::new())),
        VERSION,
    );
    stack.send(request()).await.unwrap();
    let sent = inner.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        header(&sent[0], "client-request-id"),
        header(&sent[1], "client-request-id")
    );
}
