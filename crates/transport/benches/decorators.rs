#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]
//! What the decorator stack (telemetry + retry + bearer auth) adds to one request over a minimal in-process
//! transport that answers like a small Graph GET.

use std::sync::Arc;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use intune_osimages_transport::{
    BearerAuth, Request, Response, Retry, RetryPolicy, StaticToken, Telemetry, Transport,
    TransportError,
};

/// Answers 200 with a fixed JSON body, like the cheapest possible fake.
#[derive(Debug)]
struct Answer(Bytes);

#[async_trait::async_trait]
impl Transport for Answer {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        std::hint::black_box(request);
        let mut response = http::Response::new(self.0.clone());
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        Ok(response)
    }
}

fn request() -> Request {
    http::Request::get(
        "https://graph.microsoft.com/beta/deviceManagement/managedDeviceWindowsOSImages/abc",
    )
    .header("accept", "application/json")
    .body(Bytes::new())
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let body = Bytes::from_static(br#"{"id":"abc","displayName":"Windows 11 23H2"}"#);
    let bare = Answer(body.clone());
    let stack = Telemetry::new(
        Retry::new(
            BearerAuth::new(Answer(body), Arc::new(StaticToken::new("bench-token"))),
            RetryPolicy::default(),
        ),
        "intune-osimages-rust/0.1.0",
    );

    let mut group = c.benchmark_group("send");
    group.bench_function("bare", |b| {
        b.iter(|| runtime.block_on(bare.send(request())).unwrap())
    });
    group.bench_function("telemetry+retry+auth", |b| {
        b.iter(|| runtime.block_on(stack.send(request())).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
