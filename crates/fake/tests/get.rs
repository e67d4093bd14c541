//! `GET .../managedDeviceWindowsOSImages/{id}`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use http::{Method, StatusCode};
use intune_osimages_fake::FakeGraph;
use support::*;

const GRAPH_JSON_CT: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

#[test]
fn get_answers_the_stored_object_with_an_entity_context() {
    let graph = FakeGraph::with_sample_catalog();
    let resp = get(
        &graph,
        &format!("https://graph.example{SET}/Windows%2011%2024H2"),
    );
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], GRAPH_JSON_CT);
    let mut b = body(&resp);
    assert_eq!(
        b["@odata.context"],
        "https://graph.example/beta/$metadata#deviceManagement/managedDeviceWindowsOSImages/$entity"
    );
    b.as_object_mut().unwrap().remove("@odata.context");
    assert_eq!(b, graph.image("Windows 11 24H2").unwrap());
}

#[test]
fn get_table() {
    let graph = FakeGraph::with_sample_catalog();
    // (path after the set, query, status, code or "" for success)
    let cases: &[(&str, &str, StatusCode, &str)] = &[
        ("/Windows%2010%2022H2", "", StatusCode::OK, ""),
        ("/Windows%2010%2022H2", "$select=id", StatusCode::OK, ""),
        (
            "/Windows%2010%2022H2",
            "$select=id,availableUpdates",
            StatusCode::OK,
            "",
        ),
        (
            "/Windows%2012%2022H2",
            "",
            StatusCode::NOT_FOUND,
            "NotFound",
        ),
        (
            "/windows%2010%2022h2",
            "",
            StatusCode::NOT_FOUND,
            "NotFound",
        ),
        (
            "/Windows%2010%2022H2",
            "$select=nope",
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "/Windows%2010%2022H2",
            "$filter=id%20eq%20'x'",
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "/Windows%2010%2022H2",
            "$top=1",
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "/Windows%2010%2022H2",
            "$expand=x",
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "/Windows%2010%2022H2/extra",
            "",
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
    ];
    for (path, query, status, code) in cases {
        let uri = format!("{SET}{path}?{query}");
        let resp = get(&graph, &uri);
        if code.is_empty() {
            assert_eq!(resp.status(), *status, "{uri}");
            assert_eq!(body(&resp)["id"], "Windows 10 22H2", "{uri}");
        } else {
            expect_error(&resp, *status, code);
        }
    }
}

#[test]
fn select_on_get_projects_and_names_the_properties_in_the_context() {
    let graph = FakeGraph::with_sample_catalog();
    let resp = get(
        &graph,
        &format!("{SET}/Windows%2010%2022H2?$select=supportedArchitectures"),
    );
    let b = body(&resp);
    assert_eq!(
        b["@odata.context"],
        "http://localhost/beta/$metadata#deviceManagement/managedDeviceWindowsOSImages(supportedArchitectures)/$entity"
    );
    assert!(b.get("id").is_none());
    assert!(b.get("supportedEditions").is_none());
    assert_eq!(b["supportedArchitectures"].as_array().unwrap().len(), 3);
}

#[test]
fn not_found_names_the_decoded_id() {
    let graph = FakeGraph::new();
    let resp = get(&graph, &format!("{SET}/No%20Such%20Image"));
    let message = expect_error(&resp, StatusCode::NOT_FOUND, "NotFound");
    assert!(message.contains("'No Such Image'"), "{message}");
}

#[test]
fn other_methods_on_an_item_are_405_with_allow() {
    let graph = FakeGraph::with_sample_catalog();
    for method in [Method::PUT, Method::POST, Method::HEAD, Method::OPTIONS] {
        let resp = graph.handle_sync(&req(method.clone(), &format!("{SET}/Windows%2010%2022H2")));
        expect_error(&resp, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed");
        assert_eq!(resp.headers()["allow"], "GET, PATCH, DELETE", "{method}");
    }
}

#[test]
fn a_get_after_a_write_or_under_another_name_answers_afresh() {
    // The answer is cached with the image at its first GET: a write must not leave it stale, and a client
    // addressing the service by another name must get its own links.
    let graph = FakeGraph::with_sample_catalog();
    let path = format!("{SET}/Windows%2011%2024H2");
    let context = |b: &serde_json::Value| b["@odata.context"].as_str().unwrap().to_owned();
    let first = body(&get(&graph, &format!("https://graph.example{path}")));
    let again = body(&get(&graph, &format!("https://graph.example{path}")));
    assert_eq!(first, again);
    let other = body(&get(&graph, &format!("http://localhost:7{path}")));
    assert_eq!(
        context(&other),
        "http://localhost:7/beta/$metadata#deviceManagement/managedDeviceWindowsOSImages/$entity"
    );
    assert_eq!(
        context(&body(&get(&graph, &format!("https://graph.example{path}")))),
        context(&first)
    );
    let patched = graph.handle_sync(&json_req(
        Method::PATCH,
        &format!("https://graph.example{path}"),
        r#"{"supportedArchitectures":["arM64"]}"#,
    ));
    assert_status(&patched, StatusCode::OK);
    let after = body(&get(&graph, &format!("https://graph.example{path}")));
    assert_eq!(
        after["supportedArchitectures"],
        serde_json::json!(["arM64"])
    );
    assert_ne!(after, first);
    assert_eq!(context(&after), context(&first));
}
