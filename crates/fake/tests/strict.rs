//! Strict like Graph (the default): the entity type is not open, so a write naming an undeclared property is 400
//! with Graph's message, and so is a body that names a property twice; `lenient(true)` relaxes properties and enums.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use http::{Method, StatusCode};
use intune_osimages_fake::FakeGraph;
use serde_json::json;
use support::*;

fn seeded(graph: FakeGraph) -> FakeGraph {
    let resp = graph.handle_sync(&json_req(Method::POST, SET, &image_json("a")));
    assert_eq!(resp.status(), StatusCode::CREATED);
    graph
}

#[test]
fn an_undeclared_property_is_refused_with_graphs_message_on_create_and_update() {
    let graph = seeded(FakeGraph::new());
    let before = graph.snapshot();
    let cases = [
        (
            Method::POST,
            SET.to_owned(),
            json!({"id": "b", "displayName": "x"}),
            "The property 'displayName' does not exist on type \
             'microsoft.graph.managedDeviceWindowsOperatingSystemImage'",
            "/displayName",
        ),
        (
            Method::PATCH,
            format!("{SET}/a"),
            json!({"supportedEditions": [{"editionType": "enterprise", "supportEndDate": "2027-10-12", "channel": 1}]}),
            "The property 'channel' does not exist on type \
             'microsoft.graph.managedDeviceWindowsOperatingSystemEdition'",
            "/supportedEditions/0/channel",
        ),
        (
            Method::PATCH,
            format!("{SET}/a"),
            json!({"availableUpdates": [{"buildVersion": "10.0.1.1", "releaseMonth": 1, "releaseYear": 2026, "kb": "1"}]}),
            "The property 'kb' does not exist on type 'microsoft.graph.managedDeviceWindowsOperatingSystemUpdate'",
            "/availableUpdates/0/kb",
        ),
    ];
    for (method, uri, sent, message, target) in cases {
        let resp = graph.handle_sync(&json_req(method, &uri, &sent.to_string()));
        assert_eq!(
            expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest"),
            message
        );
        let details = &body(&resp)["error"]["details"];
        assert_eq!(details[0]["code"], "unknown-property");
        assert_eq!(details[0]["target"], target);
    }
    assert_eq!(graph.snapshot(), before, "nothing was stored");
    // Annotations are not properties: `@odata.type` and `prop@odata.type` are accepted.
    let resp = graph.handle_sync(&json_req(
        Method::PATCH,
        &format!("{SET}/a"),
        r##"{"@odata.type": "#microsoft.graph.managedDeviceWindowsOperatingSystemImage",
             "supportedArchitectures@odata.type": "#Collection(microsoft.graph.managedDeviceArchitecture)",
             "supportedArchitectures": ["arM64"]}"##,
    ));
    assert_status(&resp, StatusCode::OK);
}

#[test]
fn a_repeated_key_is_refused_at_any_depth_even_when_lenient() {
    for graph in [
        seeded(FakeGraph::new()),
        seeded(FakeGraph::builder().lenient(true).build()),
    ] {
        let before = graph.snapshot();
        let cases = [
            (
                Method::POST,
                SET.to_owned(),
                r#"{"id": "b", "id": "c"}"#,
                "id",
                "/id",
            ),
            (
                Method::PATCH,
                format!("{SET}/a"),
                r#"{"supportedEditions": [{"editionType": "enterprise", "editionType": "education",
                    "supportEndDate": "2027-10-12"}]}"#,
                "editionType",
                "/supportedEditions/0/editionType",
            ),
        ];
        for (method, uri, sent, key, target) in cases {
            let resp = graph.handle_sync(&json_req(method, &uri, sent));
            let message = expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest");
            assert_eq!(
                message,
                format!(
                    "Multiple properties with the name '{key}' were detected in a resource or a complex value. \
                     In OData, duplicate property names are not allowed."
                )
            );
            assert_eq!(body(&resp)["error"]["details"][0]["target"], target);
        }
        assert_eq!(graph.snapshot(), before);
    }
}

#[test]
fn lenient_stores_undeclared_properties_and_unknown_enum_values() {
    let graph = seeded(FakeGraph::builder().lenient(true).build());
    let resp = graph.handle_sync(&json_req(
        Method::PATCH,
        &format!("{SET}/a"),
        r#"{"displayName": "x", "supportedArchitectures": ["riscV64"]}"#,
    ));
    assert_status(&resp, StatusCode::OK);
    let stored = graph.image("a").unwrap();
    assert_eq!(stored["displayName"], "x");
    assert_eq!(stored["supportedArchitectures"], json!(["riscV64"]));
    // Each switch on its own.
    let graph = seeded(FakeGraph::builder().strict_properties(false).build());
    let resp = graph.handle_sync(&json_req(
        Method::PATCH,
        &format!("{SET}/a"),
        r#"{"supportedArchitectures": ["riscV64"]}"#,
    ));
    expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest");
    let resp = graph.handle_sync(&json_req(
        Method::PATCH,
        &format!("{SET}/a"),
        r#"{"displayName": "x"}"#,
    ));
    assert_eq!(resp.status(), StatusCode::OK);
}
