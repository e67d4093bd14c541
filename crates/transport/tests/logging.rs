#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Retry decisions are logged as `tracing` events, and no secret reaches the log.

use std::sync::Arc;

use bytes::Bytes;
use http::StatusCode;
use intune_osimages_transport::test_util::{LogCapture, ScriptedTransport, response};
use intune_osimages_transport::{
    BearerAuth, ManualClock, Retry, RetryPolicy, StaticToken, Telemetry, Transport, TransportError,
};

const SECRET: &str = "super-secret-bearer-value";

#[tokio::test(flavor = "current_thread")]
async fn decisions_are_events_and_secrets_stay_out() {
    let capture = LogCapture::new();
    let _guard = capture.set_default();

    let inner = Arc::new(
        ScriptedTransport::new()
            .reply(response(
                StatusCode::TOO_MANY_REQUESTS,
                &[("retry-after", "1")],
                "",
            ))
            .fail(TransportError::connect("connection refused"))
            .reply(response(
                StatusCode::SERVICE_UNAVAILABLE,
                &[("retry-after", "3600")],
                "",
            )),
    );
    let stack = Telemetry::new(
        Retry::new(
            BearerAuth::new(inner.clone(), Arc::new(StaticToken::new(SECRET))),
            RetryPolicy::default(),
        )
        .with_clock(Arc::new(ManualClock::new())),
        "intune-osimages-rust/0.1.0",
    );
    let request = http::Request::post("https://graph.microsoft.com/beta/x")
        .body(Bytes::from_static(b"{}"))
        .unwrap();
    let answer = stack.send(request).await.unwrap();
    assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);

    let log = capture.text();
    assert!(!log.contains(SECRET), "{log}");
    assert!(!log.contains("Bearer "), "{log}");
    // First retry: a 429 waited out for its Retry-After.
    assert!(log.contains("retrying"), "{log}");
    assert!(log.contains("status=429"), "{log}");
    assert!(log.contains("delay_source=\"retry-after\""), "{log}");
    // Second retry: a connect failure, backoff.
    assert!(log.contains("kind=Connect"), "{log}");
    assert!(log.contains("delay_source=\"backoff\""), "{log}");
    // Then a Retry-After beyond the cap ends it.
    assert!(log.contains("beyond the maximum delay"), "{log}");
    assert!(log.contains("client_request_id="), "{log}");
}
