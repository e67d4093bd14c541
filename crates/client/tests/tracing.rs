//! Each operation is a `tracing` span with its name, id, status and request-id, and each attempt a span inside it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use intune_osimages::Client;
use intune_osimages_fake::{FakeGraph, FakeTransport, Fault};
use intune_osimages_transport::ManualClock;
use tracing_subscriber::fmt::format::FmtSpan;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn operations_and_attempts_are_spans_with_their_fields() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
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

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
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
