//! What one answer of the fake costs: get, list, a filtered list, and a PATCH, over the sample catalog and a
//! 1 000-image catalog.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use http::Method;
use intune_osimages_fake::FakeGraph;

const SET: &str = "https://graph.microsoft.com/beta/deviceManagement/managedDeviceWindowsOSImages";

fn request(method: Method, uri: &str, body: &str) -> http::Request<Bytes> {
    http::Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(Bytes::from(body.to_owned()))
        .unwrap()
}

fn large() -> FakeGraph {
    let sample = FakeGraph::with_sample_catalog().snapshot();
    let images: Vec<serde_json::Value> = (0..1000)
        .map(|i| {
            let mut image = sample[i % sample.len()].clone();
            image["id"] = serde_json::json!(format!("image {i:04}"));
            image
        })
        .collect();
    FakeGraph::builder()
        .catalog(images)
        .request_log_capacity(0)
        .build()
}

fn bench(c: &mut Criterion) {
    let sample = FakeGraph::builder()
        .catalog(intune_osimages_fake::sample_catalog())
        .request_log_capacity(0)
        .build();
    let get = request(Method::GET, &format!("{SET}/Windows%2011%2024H2"), "");
    c.bench_function("get/sample", |b| b.iter(|| sample.handle_sync(&get)));
    let list = request(Method::GET, SET, "");
    c.bench_function("list/sample", |b| b.iter(|| sample.handle_sync(&list)));
    let filter = "supportedEditions/any(e:%20e/editionType%20eq%20'enterprise'%20and%20e/supportEndDate%20lt%202027-01-01)";
    let filtered = request(Method::GET, &format!("{SET}?$filter={filter}"), "");
    c.bench_function("list/sample/filter", |b| {
        b.iter(|| sample.handle_sync(&filtered))
    });
    let patch = request(
        Method::PATCH,
        &format!("{SET}/Windows%2011%2024H2"),
        r#"{"supportedArchitectures":["x64","arM64"]}"#,
    );
    c.bench_function("patch/sample", |b| b.iter(|| sample.handle_sync(&patch)));

    let big = large();
    let page = request(Method::GET, &format!("{SET}?$top=100&$skiptoken=500"), "");
    c.bench_function("list/1000/page-of-100", |b| {
        b.iter(|| big.handle_sync(&page))
    });
    let filtered = request(Method::GET, &format!("{SET}?$filter={filter}&$top=100"), "");
    c.bench_function("list/1000/filter", |b| {
        b.iter(|| big.handle_sync(&filtered))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
