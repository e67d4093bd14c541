//! `POST .../managedDeviceWindowsOSImages`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use http::{Method, StatusCode};
use intune_osimages_fake::FakeGraph;
use serde_json::json;
use support::*;

#[test]
fn create_answers_201_with_the_stored_object_and_stores_it() {
    let graph = FakeGraph::new();
    let sent = image_json("Windows 11 26H1");
    let resp = graph.handle_sync(&json_req(Method::POST, SET, &sent));
    assert_status(&resp, StatusCode::CREATED);
    assert_eq!(
        resp.headers()["content-type"],
        "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
    );
    let mut b = body(&resp);
    assert_eq!(
        b["@odata.context"],
        "http://localhost/beta/$metadata#deviceManagement/managedDeviceWindowsOSImages/$entity"
    );
    b.as_object_mut().unwrap().remove("@odata.context");
    let sent: serde_json::Value = serde_json::from_str(&sent).unwrap();
    assert_eq!(b, sent);
    assert_eq!(graph.image("Windows 11 26H1").unwrap(), sent);
    assert_eq!(graph.len(), 1);
}

#[test]
fn seed_request_body_with_an_id_is_accepted() {
    let graph = FakeGraph::new();
    let mut seed: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/seed/update-request.json")).unwrap();
    seed["id"] = json!("32a4ac62-ac62-32a4-62ac-a43262aca432");
    let resp = graph.handle_sync(&json_req(Method::POST, SET, &seed.to_string()));
    assert_status(&resp, StatusCode::CREATED);
}

#[test]
fn duplicate_id_is_409_and_changes_nothing() {
    let graph = FakeGraph::with_sample_catalog();
    let before = graph.snapshot();
    let resp = graph.handle_sync(&json_req(Method::POST, SET, &image_json("Windows 11 24H2")));
    let message = expect_error(&resp, StatusCode::CONFLICT, "Conflict");
    assert!(message.contains("Windows 11 24H2"), "{message}");
    assert_eq!(graph.snapshot(), before);
}

#[test]
fn create_error_table() {
    let graph = FakeGraph::new();
    let valid: serde_json::Value = serde_json::from_str(&image_json("x")).unwrap();
    let with = |patch: serde_json::Value| {
        let mut v = valid.clone();
        for (k, val) in patch.as_object().unwrap() {
            if val.is_null() && k.starts_with("DROP:") {
                v.as_object_mut().unwrap().remove(&k[5..]);
            } else {
                v[k] = val.clone();
            }
        }
        v.to_string()
    };
    // (body, fragments the message must contain)
    let cases: Vec<(String, Vec<&str>)> = vec![
        (
            "{\"id\": \"x\",".to_owned(),
            vec!["not valid JSON", "line 1 column"],
        ),
        (
            "{\n  \"id\": \"x\"\n  \"b\": 1}".to_owned(),
            vec!["line 3 column"],
        ),
        ("".to_owned(), vec!["empty"]),
        ("   ".to_owned(), vec!["empty"]),
        ("[1,2]".to_owned(), vec!["(body)", "[type]"]),
        ("\"text\"".to_owned(), vec!["[type]"]),
        (with(json!({"id": 42})), vec!["/id", "[type]"]),
        (with(json!({"id": ""})), vec!["/id"]),
        (
            with(json!({"supportedArchitectures": ["ARM64"]})),
            vec!["/supportedArchitectures/0", "[enum-value]", "arM64"],
        ),
        (
            with(
                json!({"supportedEditions": [{"editionType": "Enterprise", "supportEndDate": "2027-10-12"}]}),
            ),
            vec!["/supportedEditions/0/editionType", "[enum-value]"],
        ),
        (
            with(
                json!({"supportedEditions": [{"editionType": "enterprise", "supportEndDate": "2027-02-30"}]}),
            ),
            vec!["/supportedEditions/0/supportEndDate", "[date-format]"],
        ),
        (
            with(
                json!({"supportedEditions": [{"editionType": "enterprise", "supportEndDate": "12/31/2027"}]}),
            ),
            vec!["[date-format]"],
        ),
        (
            with(json!({"supportedArchitectures": "x64"})),
            vec!["/supportedArchitectures", "[type]"],
        ),
        (
            with(
                json!({"availableUpdates": [{"buildVersion": "1", "releaseMonth": 13, "releaseYear": 2026}]}),
            ),
            vec!["/availableUpdates/0/releaseMonth", "[range]"],
        ),
        (
            with(json!({"@odata.type": "#microsoft.graph.user"})),
            vec!["[odata-type]"],
        ),
        (
            with(json!({"supportedArchitectures": ["ARM64"], "id": 7})),
            vec!["/supportedArchitectures/0", "/id"],
        ),
    ];
    for (sent, fragments) in cases {
        let resp = graph.handle_sync(&json_req(Method::POST, SET, &sent));
        let message = expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest");
        for fragment in fragments {
            assert!(
                message.contains(fragment),
                "{sent}: {message} lacks {fragment}"
            );
        }
    }
    assert!(graph.is_empty());
}

#[test]
fn a_create_without_id_gets_a_guid_and_absent_collections_start_empty() {
    // Graph's metadata marks nothing required; the docs' create example sends no id and gets a GUID back.
    let graph = FakeGraph::new();
    let resp = graph.handle_sync(&json_req(
        Method::POST,
        SET,
        r#"{"supportedArchitectures": ["x64"]}"#,
    ));
    assert_status(&resp, StatusCode::CREATED);
    let created = body(&resp);
    let id = created["id"].as_str().unwrap();
    uuid::Uuid::parse_str(id).unwrap();
    assert_eq!(created["supportedEditions"], json!([]));
    assert_eq!(created["availableUpdates"], json!([]));
    assert_eq!(created["supportedArchitectures"], json!(["x64"]));
    let mut stored = graph.image(id).unwrap();
    stored
        .as_object_mut()
        .unwrap()
        .insert("@odata.context".into(), created["@odata.context"].clone());
    assert_eq!(stored, created);
    // An empty id is still refused: it could never be addressed.
    let resp = graph.handle_sync(&json_req(Method::POST, SET, r#"{"id": ""}"#));
    expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest");
    assert_eq!(graph.len(), 1);
}

#[test]
fn findings_are_listed_in_error_details() {
    let graph = FakeGraph::new();
    let mut sent: serde_json::Value = serde_json::from_str(&image_json("x")).unwrap();
    sent["supportedArchitectures"] = json!(["ARM64"]);
    let resp = post(&graph, &sent);
    expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest");
    let details = &body(&resp)["error"]["details"];
    assert_eq!(details[0]["code"], "enum-value");
    assert_eq!(details[0]["target"], "/supportedArchitectures/0");
}

#[test]
fn content_type_must_be_json_when_present() {
    let graph = FakeGraph::new();
    let sent = image_json("a");
    for (content_type, ok) in [
        ("application/json", true),
        ("application/json; charset=utf-8", true),
        ("Application/JSON", true),
        ("application/merge-patch+json", true),
        ("text/plain", false),
        ("application/xml", false),
        ("application/x-www-form-urlencoded", false),
    ] {
        graph.handle_sync(&req(Method::DELETE, &format!("{SET}/a")));
        let request = http::Request::builder()
            .method(Method::POST)
            .uri(SET)
            .header("content-type", content_type)
            .body(bytes::Bytes::from(sent.clone()))
            .unwrap();
        let resp = graph.handle_sync(&request);
        if ok {
            assert_eq!(resp.status(), StatusCode::CREATED, "{content_type}");
        } else {
            let message = expect_error(
                &resp,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UnsupportedMediaType",
            );
            assert!(message.contains(content_type), "{message}");
        }
    }
    // No Content-Type at all is accepted.
    graph.handle_sync(&req(Method::DELETE, &format!("{SET}/a")));
    let request = http::Request::builder()
        .method(Method::POST)
        .uri(SET)
        .body(bytes::Bytes::from(sent))
        .unwrap();
    assert_eq!(graph.handle_sync(&request).status(), StatusCode::CREATED);
}

#[test]
fn lenient_enums_store_unknown_values_as_written() {
    let graph = FakeGraph::builder().strict_enums(false).build();
    let mut sent: serde_json::Value = serde_json::from_str(&image_json("future")).unwrap();
    sent["supportedArchitectures"] = json!(["riscV64"]);
    sent["supportedEditions"][0]["editionType"] = json!("proQuantum");
    let resp = post(&graph, &sent);
    assert_status(&resp, StatusCode::CREATED);
    assert_eq!(graph.image("future").unwrap(), sent);
    // Bad dates are still refused in lenient mode.
    sent["id"] = json!("future2");
    sent["supportedEditions"][0]["supportEndDate"] = json!("2027-13-01");
    let resp = post(&graph, &sent);
    expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest");
}

#[test]
fn control_annotations_are_not_stored_but_odata_type_is() {
    let graph = FakeGraph::new();
    let mut sent: serde_json::Value = serde_json::from_str(&image_json("a")).unwrap();
    sent["@odata.context"] = json!("https://graph.microsoft.com/beta/$metadata#x/$entity");
    sent["@odata.etag"] = json!("W/\"1\"");
    let resp = post(&graph, &sent);
    assert_eq!(resp.status(), StatusCode::CREATED);
    let stored = graph.image("a").unwrap();
    assert!(stored.get("@odata.context").is_none());
    assert!(stored.get("@odata.etag").is_none());
    assert_eq!(
        stored["@odata.type"],
        "#microsoft.graph.managedDeviceWindowsOperatingSystemImage"
    );
}

#[test]
fn query_options_on_a_create_are_refused() {
    let graph = FakeGraph::new();
    let resp = graph.handle_sync(&json_req(
        Method::POST,
        &format!("{SET}?$select=id"),
        &image_json("a"),
    ));
    let message = expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest");
    assert!(message.contains("$select"), "{message}");
    assert!(graph.is_empty());
}
