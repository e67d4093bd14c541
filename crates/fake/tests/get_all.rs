//! `GET .../managedDeviceWindowsOSImages/{id}/getAllManagedDeviceWindowsOSImages()`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use http::{Method, StatusCode};
use intune_osimages_fake::FakeGraph;
use support::*;

#[test]
fn get_all_answers_the_whole_catalog_as_a_collection() {
    let graph = FakeGraph::with_sample_catalog();
    let resp = get(
        &graph,
        &format!("{SET}/Windows%2011%2024H2/getAllManagedDeviceWindowsOSImages()"),
    );
    assert_eq!(resp.status(), StatusCode::OK);
    let b = body(&resp);
    assert_eq!(
        b["@odata.context"],
        "http://localhost/beta/$metadata#Collection(microsoft.graph.managedDeviceWindowsOperatingSystemImage)"
    );
    assert_eq!(b["value"].as_array().unwrap().len(), 7);
    assert_eq!(b["value"][4], graph.image("Windows 11 25H2").unwrap());
}

#[test]
fn get_all_table() {
    let graph = FakeGraph::with_sample_catalog();
    // (segment after the key, query, status, expected count)
    let cases: &[(&str, &str, StatusCode, usize)] = &[
        (
            "getAllManagedDeviceWindowsOSImages()",
            "",
            StatusCode::OK,
            7,
        ),
        ("getAllManagedDeviceWindowsOSImages", "", StatusCode::OK, 7),
        (
            "microsoft.graph.getAllManagedDeviceWindowsOSImages()",
            "",
            StatusCode::OK,
            7,
        ),
        (
            "getallmanageddevicewindowsosimages()",
            "",
            StatusCode::OK,
            7,
        ),
        (
            "getAllManagedDeviceWindowsOSImages%28%29",
            "",
            StatusCode::OK,
            7,
        ),
        (
            "getAllManagedDeviceWindowsOSImages()",
            "$filter=startswith(id,'Windows%2010')",
            StatusCode::OK,
            1,
        ),
        (
            "getAllManagedDeviceWindowsOSImages()",
            "$top=2",
            StatusCode::OK,
            2,
        ),
        (
            "getAllManagedDeviceWindowsOSImages()",
            "$expand=x",
            StatusCode::BAD_REQUEST,
            0,
        ),
        ("getSomethingElse()", "", StatusCode::BAD_REQUEST, 0),
    ];
    for (segment, query, status, count) in cases {
        let resp = get(
            &graph,
            &format!("{SET}/Windows%2011%2024H2/{segment}?{query}"),
        );
        assert_eq!(resp.status(), *status, "{segment}?{query}");
        if *status == StatusCode::OK {
            assert_eq!(ids(&resp).len(), *count, "{segment}?{query}");
        } else {
            expect_error(&resp, *status, "BadRequest");
        }
    }
}

#[test]
fn get_all_on_an_unknown_id_is_404() {
    let graph = FakeGraph::with_sample_catalog();
    let resp = get(
        &graph,
        &format!("{SET}/Windows%2099/getAllManagedDeviceWindowsOSImages()"),
    );
    expect_error(&resp, StatusCode::NOT_FOUND, "NotFound");
}

#[test]
fn get_all_pages_with_links_that_stay_on_the_function() {
    let graph = numbered(5);
    let resp = get(
        &graph,
        &format!("{SET}/img-000/getAllManagedDeviceWindowsOSImages()?$top=3"),
    );
    let link = body(&resp)["@odata.nextLink"].as_str().unwrap().to_owned();
    assert!(
        link.contains("/img-000/getAllManagedDeviceWindowsOSImages()?"),
        "{link}"
    );
    let next = get(&graph, &link);
    assert_eq!(ids(&next), ["img-003", "img-004"]);
}

#[test]
fn get_all_allows_only_get() {
    let graph = FakeGraph::with_sample_catalog();
    let resp = graph.handle_sync(&req(
        Method::POST,
        &format!("{SET}/Windows%2011%2024H2/getAllManagedDeviceWindowsOSImages()"),
    ));
    expect_error(&resp, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed");
    assert_eq!(resp.headers()["allow"], "GET");
}
