//! Scripted faults: statuses with `Retry-After`, dropped connections, latency, PATCH answered 204.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use http::{Method, StatusCode};
use intune_osimages_fake::{FakeGraph, FakeTransport, Fault};
use intune_osimages_transport::{ManualClock, Retry, RetryPolicy, Transport, TransportErrorKind};
use support::*;

#[tokio::test]
async fn status_faults_answer_the_next_requests_then_the_service_recovers() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::throttled(2, 1));
    graph.push_fault(Fault::unavailable(1));
    graph.push_fault(Fault::Status {
        status: StatusCode::GATEWAY_TIMEOUT,
        retry_after: Some(7),
        times: 1,
    });
    let expected = [
        (StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", Some("1")),
        (StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", Some("1")),
        (StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable", None),
        (StatusCode::GATEWAY_TIMEOUT, "GatewayTimeout", Some("7")),
    ];
    for (status, code, retry_after) in expected {
        let resp = graph.handle(req(Method::GET, SET)).await.unwrap();
        expect_error(&resp, status, code);
        assert_eq!(
            resp.headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap()),
            retry_after
        );
    }
    let resp = graph.handle(req(Method::GET, SET)).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(graph.faults().pending().is_empty());
    assert_eq!(graph.requests().len(), 5);
}

#[tokio::test]
async fn a_throttled_write_is_not_applied() {
    let graph = FakeGraph::new();
    graph.push_fault(Fault::throttled(1, 1));
    let resp = graph
        .handle(json_req(Method::POST, SET, &image_json("a")))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(graph.is_empty());
}

#[tokio::test]
async fn retry_decorator_gets_through_two_429s_with_retry_after() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::throttled(2, 1));
    let clock = ManualClock::new();
    let transport = Retry::new(FakeTransport::new(graph.clone()), RetryPolicy::default())
        .with_clock(Arc::new(clock.clone()));
    let resp = transport.send(req(Method::GET, SET)).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        clock.slept(),
        [Duration::from_secs(1), Duration::from_secs(1)]
    );
    let log = graph.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(log[2].header("retry-attempt"), Some("2"));
}

#[tokio::test]
async fn drop_connection_is_a_maybe_sent_io_error_and_changes_nothing() {
    let graph = FakeGraph::new();
    graph.push_fault(Fault::DropConnection { times: 1 });
    let err = graph
        .handle(json_req(Method::POST, SET, &image_json("a")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Io);
    assert!(err.may_have_been_sent());
    assert!(graph.is_empty());
    assert_eq!(
        graph.requests().len(),
        1,
        "the dropped request was received and logged"
    );
    let resp = graph
        .handle(json_req(Method::POST, SET, &image_json("a")))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn drop_after_processing_applies_the_write_then_fails() {
    let graph = FakeGraph::new();
    graph.push_fault(Fault::DropAfterProcessing { times: 1 });
    let err = graph
        .handle(json_req(Method::POST, SET, &image_json("a")))
        .await
        .unwrap_err();
    assert!(err.may_have_been_sent());
    assert!(graph.image("a").is_some());
    let resp = graph
        .handle(json_req(Method::POST, SET, &image_json("a")))
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::CONFLICT,
        "a blind resend of the create now conflicts"
    );
}

#[tokio::test]
async fn patch_no_content_answers_204_but_applies_the_update() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::PatchNoContent { times: 1 });
    let item = format!("{SET}/Windows%2011%2024H2");
    // A GET does not use up the fault.
    assert_eq!(
        graph
            .handle(req(Method::GET, &item))
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    // A failed PATCH does not use it up either.
    let resp = graph
        .handle(json_req(Method::PATCH, &format!("{SET}/nope"), "{}"))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = graph
        .handle(json_req(
            Method::PATCH,
            &item,
            r#"{"supportedArchitectures":["x64"]}"#,
        ))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(resp.body().is_empty());
    assert!(resp.headers().get("content-type").is_none());
    assert!(resp.headers().get("request-id").is_some());
    assert_eq!(
        graph.image("Windows 11 24H2").unwrap()["supportedArchitectures"],
        serde_json::json!(["x64"])
    );
    let resp = graph
        .handle(json_req(
            Method::PATCH,
            &item,
            r#"{"supportedArchitectures":["arM64"]}"#,
        ))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "only one PATCH was scripted");
}

#[tokio::test(start_paused = true)]
async fn latency_delays_every_answer_until_cleared() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::Latency(Duration::from_secs(30)));
    for _ in 0..2 {
        let start = tokio::time::Instant::now();
        let resp = graph.handle(req(Method::GET, SET)).await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(start.elapsed(), Duration::from_secs(30));
    }
    assert_eq!(graph.faults().latency(), Some(Duration::from_secs(30)));
    graph.faults().clear();
    let start = tokio::time::Instant::now();
    graph.handle(req(Method::GET, SET)).await.unwrap();
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn latency_lets_a_timeout_fire() {
    let transport = FakeTransport::sample();
    transport
        .graph()
        .push_fault(Fault::Latency(Duration::from_secs(120)));
    let outcome = tokio::time::timeout(
        Duration::from_secs(10),
        transport.send(req(Method::GET, SET)),
    )
    .await;
    assert!(outcome.is_err());
}

#[test]
fn faults_never_touch_handle_sync() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::throttled(1, 1));
    graph.push_fault(Fault::Latency(Duration::from_secs(5)));
    assert_eq!(get(&graph, SET).status(), StatusCode::OK);
    assert_eq!(
        graph.faults().pending(),
        [
            Fault::throttled(1, 1),
            Fault::Latency(Duration::from_secs(5))
        ]
    );
}

#[test]
fn zero_times_and_pending_bookkeeping() {
    let graph = FakeGraph::new();
    graph.push_fault(Fault::DropConnection { times: 0 });
    graph.push_fault(Fault::unavailable(0));
    assert!(graph.faults().pending().is_empty());
    graph.push_fault(Fault::PatchNoContent { times: 2 });
    graph.push_fault(Fault::PatchNoContent { times: 1 });
    assert_eq!(
        graph.faults().pending(),
        [Fault::PatchNoContent { times: 3 }]
    );
}

#[test]
fn latency_without_a_runtime_is_an_error_not_a_panic() {
    let graph = FakeGraph::new();
    graph.push_fault(Fault::Latency(Duration::from_millis(1)));
    let outcome = block_on_without_runtime(graph.handle(req(Method::GET, SET)));
    assert_eq!(
        outcome.unwrap_err().kind(),
        TransportErrorKind::InvalidRequest
    );
}

/// Polls a future to completion on this thread without a Tokio runtime.
fn block_on_without_runtime<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, Wake, Waker};
    struct Noop;
    impl Wake for Noop {
        fn wake(self: Arc<Self>) {}
    }
    let waker = Waker::from(Arc::new(Noop));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}
