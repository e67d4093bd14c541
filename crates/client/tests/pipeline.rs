//! The pipeline's own policies: the per-attempt timeout on any transport, the operation deadline (retries and waits
//! included, a listing's pages too), the page cap, the body limit, configuration that cannot apply, and errors that
//! keep their causes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::TryStreamExt;
use intune_osimages::transport::{
    ManualClock, Request, Response, RetryPolicy, Transport, TransportError, TransportErrorKind,
};
use intune_osimages::{Client, Error, ErrorKind};
use intune_osimages_fake::{FakeGraph, FakeTransport, Fault};

/// Answers every request with a page of one image and a fresh next link, after `delay` of Tokio time: a server
/// whose listing never ends.
#[derive(Debug)]
struct EndlessPages {
    delay: Duration,
    served: AtomicUsize,
}

#[async_trait::async_trait]
impl Transport for EndlessPages {
    async fn send(&self, _request: Request) -> Result<Response, TransportError> {
        let n = self.served.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        let body = format!(
            r#"{{"value":[{{"id":"image {n}"}}],"@odata.nextLink":"https://graph.microsoft.com/beta/deviceManagement/managedDeviceWindowsOSImages?$skiptoken={n}"}}"#
        );
        Ok(http::Response::new(body.into()))
    }
}

/// Answers every request with a body of `size` bytes.
#[derive(Debug)]
struct Big(usize);

#[async_trait::async_trait]
impl Transport for Big {
    async fn send(&self, _request: Request) -> Result<Response, TransportError> {
        Ok(http::Response::new(vec![b' '; self.0].into()))
    }
}

fn endless(delay: Duration) -> Arc<EndlessPages> {
    Arc::new(EndlessPages {
        delay,
        served: AtomicUsize::new(0),
    })
}

#[tokio::test(start_paused = true)]
async fn the_attempt_timeout_applies_to_the_fake_too() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::Latency(Duration::from_secs(30)));
    let client = Client::builder()
        .transport(FakeTransport::new(graph.clone()))
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();

    let error = client.os_images().get("Windows 11 24H2").await.unwrap_err();

    let transport = error.as_transport().expect("a transport error");
    assert_eq!(transport.kind(), TransportErrorKind::Timeout);
    assert!(
        transport.message().contains("per-attempt timeout of 5 s"),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_operation_timeout_bounds_a_call_and_its_retries() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::Latency(Duration::from_secs(30)));
    let client = Client::builder()
        .transport(FakeTransport::new(graph.clone()))
        .timeout(Duration::from_secs(20))
        .operation_timeout(Duration::from_secs(50))
        .retry_policy(RetryPolicy::default().max_retries(10))
        .clock(Arc::new(ManualClock::new()))
        .build()
        .unwrap();
    let start = tokio::time::Instant::now();

    let error = client.os_images().get("Windows 11 24H2").await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Transport);
    assert!(error.to_string().contains("deadline of 50 s"), "{error}");
    let elapsed = start.elapsed();
    assert!(
        elapsed >= Duration::from_secs(50) && elapsed < Duration::from_secs(51),
        "{elapsed:?}"
    );
    assert_eq!(graph.requests().len(), 3, "20 s + 20 s + 10 s of attempts");
}

#[tokio::test(start_paused = true)]
async fn an_endless_listing_stops_at_the_operation_deadline() {
    let server = endless(Duration::from_secs(1));
    let client = Client::builder()
        .transport(server.clone())
        .operation_timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    let mut pages = client.os_images().list().pages();
    let mut read = 0;
    let error = loop {
        match pages.try_next().await {
            Ok(Some(_)) => read += 1,
            Ok(None) => panic!("the listing cannot end"),
            Err(e) => break e,
        }
    };

    assert_eq!(
        error.as_transport().unwrap().kind(),
        TransportErrorKind::Timeout
    );
    assert!(
        (9..=10).contains(&read),
        "about ten 1 s pages fit in 10 s, read {read}"
    );
    assert!(
        error.to_string().contains("operation timeout of 10 s"),
        "{error}"
    );
}

#[tokio::test]
async fn a_page_cap_refuses_the_page_after_it() {
    let server = endless(Duration::ZERO);
    let client = Client::builder().transport(server.clone()).build().unwrap();

    let result = client.os_images().list().max_pages(3).all().await;

    let error = result.unwrap_err();
    assert_eq!(
        error.as_transport().unwrap().kind(),
        TransportErrorKind::LimitExceeded
    );
    assert!(error.to_string().contains("max_pages"), "{error}");
    assert_eq!(server.served.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn an_answer_over_the_body_limit_is_refused() {
    let client = Client::builder()
        .transport(Big(2048))
        .max_response_body(1024)
        .build()
        .unwrap();

    let error = client.os_images().get("x").await.unwrap_err();

    let transport = error.as_transport().unwrap();
    assert_eq!(transport.kind(), TransportErrorKind::LimitExceeded);
    assert!(error.to_string().contains("limit of 1024 bytes"), "{error}");
}

#[test]
fn settings_that_cannot_apply_are_configuration_errors() {
    let refused = Client::builder()
        .transport(FakeTransport::new(FakeGraph::new()))
        .connect_timeout(Duration::from_secs(1))
        .build()
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Configuration);
    assert!(refused.to_string().contains("connect_timeout"), "{refused}");

    for builder in [
        Client::builder()
            .transport(FakeTransport::new(FakeGraph::new()))
            .timeout(Duration::ZERO),
        Client::builder()
            .transport(FakeTransport::new(FakeGraph::new()))
            .operation_timeout(Duration::ZERO),
        Client::builder()
            .transport(FakeTransport::new(FakeGraph::new()))
            .max_response_body(0),
    ] {
        let error = builder.build().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Configuration, "{error}");
    }
}

#[tokio::test]
async fn a_refused_connection_keeps_its_io_cause() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}/beta"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();

    let error = client.os_images().get("x").await.unwrap_err();

    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    let mut io = None;
    while let Some(c) = cause {
        if let Some(e) = c.downcast_ref::<std::io::Error>() {
            io = Some(e.kind());
        }
        cause = c.source();
    }
    assert_eq!(io, Some(std::io::ErrorKind::ConnectionRefused), "{error:?}");
}

#[tokio::test]
async fn a_decode_error_keeps_the_json_error() {
    #[derive(Debug)]
    struct Wrong;
    #[async_trait::async_trait]
    impl Transport for Wrong {
        async fn send(&self, _request: Request) -> Result<Response, TransportError> {
            Ok(http::Response::new(r#"{"id": 7}"#.into()))
        }
    }
    let client = Client::builder().transport(Wrong).build().unwrap();

    let error = client.os_images().get("x").await.unwrap_err();

    let decode = error.as_decode().unwrap();
    assert_eq!(decode.path, "id");
    let source = std::error::Error::source(&error).unwrap();
    assert!(
        source.downcast_ref::<serde_json::Error>().is_some(),
        "{source:?}"
    );
    assert!(matches!(error, Error::Decode(_)));
}
