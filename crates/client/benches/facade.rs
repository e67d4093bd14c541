//! What the facade costs on top of the fake Graph service it talks to.
//!
//! - `update/*`: one update through `client.os_images().update(id, &patch).allow_read_only()` (validation,
//!   serialization, the decorator stack, the fake, decoding the answer) against `FakeTransport::send` of the same
//!   prebuilt request. The difference is the facade's overhead per update (target: under 20 µs).
//! - `get/*`: one GET through `Telemetry(Retry(BearerAuth(FakeTransport)))` against `FakeTransport` alone. The
//!   difference is what the decorators add (target: under 5 µs).
//!
//! ```text
//! cargo bench -p intune-osimages --bench facade -- --warm-up-time 1 --measurement-time 3
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::sync::Arc;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use intune_osimages::transport::{
    BearerAuth, Request, Retry, RetryPolicy, StaticToken, Telemetry, Transport, clone_request,
};
use intune_osimages::{Architecture, Client, OsImagePatch, SDK_VERSION};
use intune_osimages_fake::{FakeGraph, FakeTransport};

const ITEM_URL: &str = "https://graph.microsoft.com/beta/deviceManagement/managedDeviceWindowsOSImages/Windows%2011%2024H2";

/// A fake holding the sample catalog with the request log off, so neither side pays for a growing log.
fn graph() -> FakeGraph {
    FakeGraph::builder()
        .catalog(intune_osimages_fake::sample_catalog())
        .request_log_capacity(0)
        .build()
}

fn patch() -> OsImagePatch {
    OsImagePatch::new().supported_architectures([Architecture::X64, Architecture::Arm64])
}

/// The request the facade sends for `patch()`, with the same headers, built once.
fn prebuilt_patch_request() -> Request {
    http::Request::builder()
        .method(http::Method::PATCH)
        .uri(ITEM_URL)
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .header("authorization", "Bearer bench-token")
        .header("client-request-id", "6f1c2a4e-5b7d-4e8f-9a0b-1c2d3e4f5a6b")
        .header("sdkversion", SDK_VERSION)
        .header("user-agent", SDK_VERSION)
        .body(Bytes::from(serde_json::to_vec(&patch()).unwrap()))
        .unwrap()
}

fn prebuilt_get_request() -> Request {
    http::Request::builder()
        .method(http::Method::GET)
        .uri(ITEM_URL)
        .header("accept", "application/json")
        .body(Bytes::new())
        .unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn update(c: &mut Criterion) {
    let rt = runtime();
    let mut group = c.benchmark_group("update");

    let raw = FakeTransport::new(graph());
    let request = prebuilt_patch_request();
    group.bench_function("fake_transport_send", |b| {
        b.to_async(&rt).iter(|| async {
            let response = raw.send(clone_request(&request)).await.unwrap();
            assert_eq!(response.status(), 200);
            black_box(response)
        });
    });

    let client = Client::builder()
        .transport(FakeTransport::new(graph()))
        .token("bench-token")
        .build()
        .unwrap();
    let images = client.os_images();
    let patch = patch();
    group.bench_function("facade", |b| {
        b.to_async(&rt).iter(|| async {
            let updated = images
                .update("Windows 11 24H2", &patch)
                .allow_read_only()
                .await
                .unwrap();
            black_box(updated)
        });
    });
    group.finish();
}

fn decorators(c: &mut Criterion) {
    let rt = runtime();
    let mut group = c.benchmark_group("get");
    let request = prebuilt_get_request();

    let raw = FakeTransport::new(graph());
    group.bench_function("fake_transport", |b| {
        b.to_async(&rt).iter(|| async {
            let response = raw.send(clone_request(&request)).await.unwrap();
            assert_eq!(response.status(), 200);
            black_box(response)
        });
    });

    let stacked = Telemetry::new(
        Retry::new(
            BearerAuth::new(
                FakeTransport::new(graph()),
                Arc::new(StaticToken::new("bench-token")),
            ),
            RetryPolicy::default(),
        ),
        SDK_VERSION,
    );
    group.bench_function("telemetry_retry_auth_fake", |b| {
        b.to_async(&rt).iter(|| async {
            let response = stacked.send(clone_request(&request)).await.unwrap();
            assert_eq!(response.status(), 200);
            black_box(response)
        });
    });
    group.finish();
}

criterion_group!(benches, update, decorators);
criterion_main!(benches);
