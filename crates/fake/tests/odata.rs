//! OData's answer details, as Graph writes them: `OData-Version: 4.0` on every answer, Graph's JSON content type
//! with its parameters, and `$metadata` serving the CSDL the `@odata.context` links point at.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use http::{Method, StatusCode};
use intune_osimages_fake::FakeGraph;
use support::*;

const GRAPH_JSON: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

#[test]
fn every_answer_carries_odata_version_and_json_answers_graphs_content_type() {
    let graph = FakeGraph::with_sample_catalog();
    for uri in [
        SET.to_owned(),
        format!("{SET}/Windows%2011%2024H2"),
        format!("{SET}/Windows%2011%2024H2/getAllManagedDeviceWindowsOSImages()"),
    ] {
        let resp = get(&graph, &uri);
        assert_eq!(resp.status(), StatusCode::OK, "{uri}");
        assert_eq!(resp.headers()["odata-version"], "4.0", "{uri}");
        assert_eq!(resp.headers()["content-type"], GRAPH_JSON, "{uri}");
    }
    let resp = get(&graph, &format!("{SET}/$count"));
    assert_eq!(resp.headers()["odata-version"], "4.0");
    assert_eq!(resp.headers()["content-type"], "text/plain");
    let resp = get(&graph, &format!("{SET}/missing"));
    expect_error(&resp, StatusCode::NOT_FOUND, "NotFound");
    assert_eq!(resp.headers()["odata-version"], "4.0");
    let resp = graph.handle_sync(&req(Method::DELETE, &format!("{SET}/Windows%2011%2024H2")));
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(resp.headers()["odata-version"], "4.0");
}

#[test]
fn metadata_serves_the_csdl_of_this_entity_set() {
    let graph = FakeGraph::with_sample_catalog();
    let list = body(&get(&graph, &format!("http://h{SET}")));
    let context = list["@odata.context"].as_str().unwrap();
    let metadata_url = context.split('#').next().unwrap();
    assert_eq!(metadata_url, "http://h/beta/$metadata");
    for uri in [metadata_url, "http://h/BETA/%24metadata"] {
        let resp = get(&graph, uri);
        assert_eq!(resp.status(), StatusCode::OK, "{uri}");
        assert_eq!(resp.headers()["content-type"], "application/xml");
        assert_eq!(resp.headers()["odata-version"], "4.0");
        let xml = std::str::from_utf8(resp.body()).unwrap();
        for fragment in [
            "<edmx:Edmx Version=\"4.0\"",
            "<EntityType Name=\"managedDeviceWindowsOperatingSystemImage\" BaseType=\"graph.entity\">",
            "<NavigationProperty Name=\"managedDeviceWindowsOSImages\" \
             Type=\"Collection(graph.managedDeviceWindowsOperatingSystemImage)\" ContainsTarget=\"true\" />",
            "<ComplexType Name=\"managedDeviceWindowsOperatingSystemEdition\">",
            "<ComplexType Name=\"managedDeviceWindowsOperatingSystemUpdate\">",
            "<EnumType Name=\"managedDeviceArchitecture\">",
            "<Member Name=\"arM64\" Value=\"4\" />",
            "<Function Name=\"getAllManagedDeviceWindowsOSImages\" IsBound=\"true\">",
            "<Singleton Name=\"deviceManagement\" Type=\"microsoft.graph.deviceManagement\" />",
        ] {
            assert!(xml.contains(fragment), "{fragment}");
        }
    }
    let resp = graph.handle_sync(&req(Method::POST, "/beta/$metadata"));
    expect_error(&resp, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed");
    let resp = get(&graph, "/v1.0/$metadata");
    expect_error(&resp, StatusCode::NOT_FOUND, "NotFound");
}
