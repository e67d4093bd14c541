//! Helpers shared by the fake's integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use http::{Method, StatusCode};
use intune_osimages_fake::FakeGraph;
use intune_osimages_transport::{Request, Response};
use serde_json::Value;

/// The collection path under `/beta`.
pub const SET: &str = "/beta/deviceManagement/managedDeviceWindowsOSImages";

/// A request with no body.
pub fn req(method: Method, uri: &str) -> Request {
    http::Request::builder()
        .method(method)
        .uri(uri)
        .body(Bytes::new())
        .unwrap()
}

/// A request with a JSON body and `Content-Type: application/json`.
pub fn json_req(method: Method, uri: &str, body: &str) -> Request {
    http::Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(Bytes::from(body.to_owned()))
        .unwrap()
}

/// `GET uri` against `graph`.
pub fn get(graph: &FakeGraph, uri: &str) -> Response {
    graph.handle_sync(&req(Method::GET, uri))
}

/// `POST` of `sent` to the collection of `graph`.
pub fn post(graph: &FakeGraph, sent: &Value) -> Response {
    graph.handle_sync(&json_req(Method::POST, SET, &sent.to_string()))
}

/// Asserts the answer's status, showing its body when it differs.
pub fn assert_status(resp: &Response, status: StatusCode) {
    assert_eq!(
        resp.status(),
        status,
        "{}",
        String::from_utf8_lossy(resp.body())
    );
}

/// The body as JSON.
pub fn body(resp: &Response) -> Value {
    serde_json::from_slice(resp.body()).unwrap_or_else(|e| {
        panic!(
            "body is not JSON ({e}): {}",
            String::from_utf8_lossy(resp.body())
        )
    })
}

/// The ids in a collection body's `value`.
pub fn ids(resp: &Response) -> Vec<String> {
    body(resp)["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Asserts a Graph error answer with this status and code, checks the body's shape, and returns the message.
pub fn expect_error(resp: &Response, status: StatusCode, code: &str) -> String {
    assert_eq!(
        resp.status(),
        status,
        "body: {}",
        String::from_utf8_lossy(resp.body())
    );
    assert_eq!(resp.headers()["content-type"], "application/json");
    let b = body(resp);
    assert_eq!(b["error"]["code"], code, "body: {b}");
    let inner = &b["error"]["innerError"];
    let request_id = inner["request-id"].as_str().unwrap();
    assert_eq!(resp.headers()["request-id"], request_id);
    uuid::Uuid::parse_str(request_id).unwrap();
    let date = inner["date"].as_str().unwrap();
    chrono::NaiveDateTime::parse_from_str(date, "%Y-%m-%dT%H:%M:%S").unwrap();
    b["error"]["message"].as_str().unwrap().to_owned()
}

/// An image with this id and valid content, as a JSON string.
pub fn image_json(id: &str) -> String {
    serde_json::json!({
        "@odata.type": "#microsoft.graph.managedDeviceWindowsOperatingSystemImage",
        "id": id,
        "supportedEditions": [{"editionType": "enterprise", "supportEndDate": "2027-10-12"}],
        "supportedArchitectures": ["x64"],
        "availableUpdates": [{"buildVersion": "10.0.26100.8655", "releaseMonth": 11, "releaseYear": 2026}]
    })
    .to_string()
}

/// A catalog of `n` images with ids `img-000`, `img-001`, ...
pub fn numbered(n: usize) -> FakeGraph {
    let images: Vec<Value> = (0..n)
        .map(|i| serde_json::from_str(&image_json(&format!("img-{i:03}"))).unwrap())
        .collect();
    FakeGraph::builder().catalog(images).build()
}

/// Percent-encodes a string for a path segment or query value (everything but unreserved characters).
pub fn enc(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}
