//! `DELETE .../managedDeviceWindowsOSImages/{id}`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use http::{Method, StatusCode};
use intune_osimages_fake::FakeGraph;
use support::*;

#[test]
fn delete_table() {
    let graph = FakeGraph::with_sample_catalog();
    // (path, status, whether the catalog shrinks)
    let cases: &[(&str, StatusCode, bool)] = &[
        ("/Windows%2010%2022H2", StatusCode::NO_CONTENT, true),
        ("/Windows%2010%2022H2", StatusCode::NOT_FOUND, false),
        ("/nothing", StatusCode::NOT_FOUND, false),
        (
            "/Windows%2011%2022H2?$select=id",
            StatusCode::BAD_REQUEST,
            false,
        ),
        ("/Windows%2011%2022H2", StatusCode::NO_CONTENT, true),
    ];
    for (path, status, shrinks) in cases {
        let before = graph.len();
        let resp = graph.handle_sync(&req(Method::DELETE, &format!("{SET}{path}")));
        assert_eq!(resp.status(), *status, "{path}");
        if *status == StatusCode::NO_CONTENT {
            assert!(resp.body().is_empty());
            assert!(resp.headers().get("content-type").is_none());
            assert!(resp.headers().get("request-id").is_some());
        } else {
            let code = if *status == StatusCode::NOT_FOUND {
                "NotFound"
            } else {
                "BadRequest"
            };
            expect_error(&resp, *status, code);
        }
        assert_eq!(
            graph.len(),
            if *shrinks { before - 1 } else { before },
            "{path}"
        );
    }
    assert!(graph.image("Windows 10 22H2").is_none());
    assert_eq!(
        get(&graph, &format!("{SET}/Windows%2010%2022H2")).status(),
        StatusCode::NOT_FOUND
    );
}

#[test]
fn delete_on_the_collection_is_405() {
    let graph = FakeGraph::with_sample_catalog();
    let resp = graph.handle_sync(&req(Method::DELETE, SET));
    expect_error(&resp, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed");
    assert_eq!(resp.headers()["allow"], "GET, POST");
    assert_eq!(graph.len(), 7);
}
