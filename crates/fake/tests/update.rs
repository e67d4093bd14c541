//! `PATCH .../managedDeviceWindowsOSImages/{id}`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use http::{Method, StatusCode};
use intune_osimages_fake::FakeGraph;
use serde_json::json;
use support::*;

const ITEM: &str = "/beta/deviceManagement/managedDeviceWindowsOSImages/Windows%2011%2024H2";

#[test]
fn update_merges_top_level_properties_and_answers_200_with_the_object() {
    let graph = FakeGraph::with_sample_catalog();
    let before = graph.image("Windows 11 24H2").unwrap();
    let resp = graph.handle_sync(&json_req(
        Method::PATCH,
        ITEM,
        r#"{"supportedArchitectures":["x64"]}"#,
    ));
    assert_status(&resp, StatusCode::OK);
    let mut b = body(&resp);
    assert!(
        b["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("managedDeviceWindowsOSImages/$entity")
    );
    b.as_object_mut().unwrap().remove("@odata.context");
    let after = graph.image("Windows 11 24H2").unwrap();
    assert_eq!(b, after);
    assert_eq!(after["supportedArchitectures"], json!(["x64"]));
    assert_eq!(after["supportedEditions"], before["supportedEditions"]);
    assert_eq!(after["availableUpdates"], before["availableUpdates"]);
    assert_eq!(after["@odata.type"], before["@odata.type"]);
}

#[test]
fn the_seed_request_updates_as_its_page_shows() {
    let graph = FakeGraph::with_sample_catalog();
    let seed = include_str!("../fixtures/seed/update-request.json");
    let resp = graph.handle_sync(&json_req(Method::PATCH, ITEM, seed));
    assert_status(&resp, StatusCode::OK);
    let expected: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/seed/update-response.json")).unwrap();
    let after = graph.image("Windows 11 24H2").unwrap();
    for key in [
        "supportedEditions",
        "supportedArchitectures",
        "availableUpdates",
        "@odata.type",
    ] {
        assert_eq!(after[key], expected[key], "{key}");
    }
}

#[test]
fn empty_patch_changes_nothing_and_answers_the_object() {
    let graph = FakeGraph::with_sample_catalog();
    let before = graph.snapshot();
    let resp = graph.handle_sync(&json_req(Method::PATCH, ITEM, "{}"));
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(body(&resp)["id"], "Windows 11 24H2");
    assert_eq!(graph.snapshot(), before);
}

#[test]
fn update_error_table() {
    let graph = FakeGraph::with_sample_catalog();
    let before = graph.snapshot();
    // (path, body, status, code, fragment)
    let cases: &[(&str, &str, StatusCode, &str, &str)] = &[
        (
            &format!("{SET}/nope"),
            "{}",
            StatusCode::NOT_FOUND,
            "NotFound",
            "'nope'",
        ),
        (
            ITEM,
            r#"{"supportedArchitectures": null}"#,
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "supportedArchitectures",
        ),
        (
            ITEM,
            r#"{"supportedEditions": null}"#,
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "supportedEditions",
        ),
        (
            ITEM,
            r#"{"availableUpdates": null}"#,
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "availableUpdates",
        ),
        (
            ITEM,
            r#"{"id": null}"#,
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "id",
        ),
        (
            ITEM,
            r#"{"id": "Windows 12"}"#,
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "cannot be changed",
        ),
        (
            ITEM,
            r#"{"supportedArchitectures": ["ARM64"]}"#,
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "[enum-value]",
        ),
        (
            ITEM,
            r#"{"supportedEditions": [{"editionType": "enterprise", "supportEndDate": "2027-10-12T00:00:00Z"}]}"#,
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "[date-format]",
        ),
        (
            ITEM,
            r#"{"supportedArchitectures": "#,
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "line 1 column",
        ),
        (ITEM, "[]", StatusCode::BAD_REQUEST, "BadRequest", "[type]"),
        (ITEM, "", StatusCode::BAD_REQUEST, "BadRequest", "empty"),
        (
            &format!("{ITEM}?$select=id"),
            "{}",
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "$select",
        ),
    ];
    for (path, sent, status, code, fragment) in cases {
        let resp = graph.handle_sync(&json_req(Method::PATCH, path, sent));
        let message = expect_error(&resp, *status, code);
        assert!(message.contains(fragment), "{sent}: {message}");
    }
    assert_eq!(graph.snapshot(), before);
}

#[test]
fn the_same_id_may_be_sent() {
    let graph = FakeGraph::with_sample_catalog();
    let resp = graph.handle_sync(&json_req(
        Method::PATCH,
        ITEM,
        r#"{"id": "Windows 11 24H2"}"#,
    ));
    assert_eq!(resp.status(), StatusCode::OK);
}

#[test]
fn unknown_properties_and_null_for_them_are_stored_in_lenient_mode() {
    let graph = FakeGraph::builder()
        .catalog(FakeGraph::with_sample_catalog().snapshot())
        .lenient(true)
        .build();
    let resp = graph.handle_sync(&json_req(
        Method::PATCH,
        ITEM,
        r#"{"newProperty": {"nested": [1, "two", {"three": 3.5}]}, "gone": null}"#,
    ));
    assert_status(&resp, StatusCode::OK);
    let after = graph.image("Windows 11 24H2").unwrap();
    assert_eq!(
        after["newProperty"],
        json!({"nested": [1, "two", {"three": 3.5}]})
    );
    assert!(after.as_object().unwrap().contains_key("gone"));
    assert_eq!(
        body(&get(&graph, ITEM))["newProperty"]["nested"][2]["three"],
        3.5
    );
}

#[test]
fn odata_annotations_in_a_patch_are_not_stored() {
    let graph = FakeGraph::builder()
        .catalog(vec![json!({"id": "a", "supportedArchitectures": []})])
        .build();
    let resp = graph.handle_sync(&json_req(
        Method::PATCH,
        &format!("{SET}/a"),
        r##"{"@odata.type": "#microsoft.graph.managedDeviceWindowsOperatingSystemImage", "supportedArchitectures": ["x64"]}"##,
    ));
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        graph.image("a").unwrap(),
        json!({"id": "a", "supportedArchitectures": ["x64"]})
    );
}

#[test]
fn lenient_enums_accept_unknown_values_in_a_patch() {
    let graph = FakeGraph::builder()
        .catalog(intune_osimages_fake::sample_catalog())
        .strict_enums(false)
        .build();
    let resp = graph.handle_sync(&json_req(
        Method::PATCH,
        ITEM,
        r#"{"supportedArchitectures": ["x64", "riscV64"]}"#,
    ));
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        graph.image("Windows 11 24H2").unwrap()["supportedArchitectures"],
        json!(["x64", "riscV64"])
    );
    let resp = get(
        &graph,
        &format!("{SET}?$filter=supportedArchitectures/any(a:a%20eq%20'riscV64')"),
    );
    assert_eq!(ids(&resp), ["Windows 11 24H2"]);
}
