//! `GET .../managedDeviceWindowsOSImages/$count`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use http::{Method, StatusCode};
use intune_osimages_fake::FakeGraph;
use support::*;

#[test]
fn count_table() {
    let graph = FakeGraph::with_sample_catalog();
    // (query, expected count)
    let cases: &[(&str, &str)] = &[
        ("", "7"),
        ("$filter=startswith(id,'Windows%2011')", "6"),
        ("$filter=supportedArchitectures/any(a:a%20eq%20'x86')", "1"),
        ("$filter=id%20eq%20'none'", "0"),
        ("filter=id%20eq%20'Windows%2010%2022H2'", "1"),
    ];
    for (query, expected) in cases {
        let resp = get(&graph, &format!("{SET}/$count?{query}"));
        assert_eq!(resp.status(), StatusCode::OK, "{query}");
        assert_eq!(resp.headers()["content-type"], "text/plain");
        assert!(resp.headers().get("request-id").is_some());
        assert_eq!(
            std::str::from_utf8(resp.body()).unwrap(),
            *expected,
            "{query}"
        );
    }
}

#[test]
fn count_error_table() {
    let graph = FakeGraph::with_sample_catalog();
    for query in [
        "$top=1",
        "$select=id",
        "$count=true",
        "$orderby=id",
        "$filter=nope%20eq%201",
        "$search=x",
    ] {
        let resp = get(&graph, &format!("{SET}/$count?{query}"));
        expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest");
    }
    let resp = graph.handle_sync(&req(Method::POST, &format!("{SET}/$count")));
    expect_error(&resp, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed");
}

#[test]
fn an_encoded_dollar_count_is_a_key() {
    let graph = FakeGraph::with_sample_catalog();
    let resp = get(&graph, &format!("{SET}/%24count"));
    let message = expect_error(&resp, StatusCode::NOT_FOUND, "NotFound");
    assert!(message.contains("'$count'"), "{message}");
}
