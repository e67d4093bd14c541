//! Each operation is a `tracing` span with its name, id, status and request-id, and each attempt a span inside it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use intune_osimages::Client;
use intune_osimages_fake::{FakeGraph, FakeTransport, Fault};
use intune_osimages_transport::ManualClock;
use intune_osimages_transport::test_util::LogCapture;
use tracing_subscriber::fmt::format::FmtSpan;

#[tokio::test]
async fn operations_and_attempts_are_spans_with_their_fields() {
    let capture = LogCapture::new();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(capture.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::unavailable(1));
    let client = Client::builder()
        .transport(FakeTransport::new(graph))
        .clock(Arc::new(ManualClock::new()))
        .build()
        .unwrap();
    let image = client.os_images().get("Windows 11 24H2").await.unwrap();
    assert_eq!(image.id_str(), "Windows 11 24H2");

    let logs = capture.text();
    let operation = logs
        .lines()
        .find(|l| {
            l.contains("osimages.operation")
                && l.contains(" close ")
                && !l.contains("osimages.attempt")
        })
        .unwrap_or_else(|| panic!("no operation span closed:\n{logs}"));
    assert!(operation.contains("operation=\"get\""), "{operation}");
    assert!(operation.contains("id=\"Windows 11 24H2\""), "{operation}");
    assert!(operation.contains("status=200"), "{operation}");
    assert!(operation.contains("request_id="), "{operation}");
    // The 503 made a second attempt: both attempts closed as spans inside the operation.
    assert!(logs.contains("osimages.attempt{attempt=1}"), "{logs}");
    assert!(logs.contains("osimages.attempt{attempt=2}"), "{logs}");
}
