//! `POST /beta/$batch`: items through the same handlers, `dependsOn`, 424, per-item faults, malformed batches.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use http::{Method, StatusCode};
use intune_osimages_fake::{BatchItem, FakeGraph, FakeTransport, Fault};
use intune_osimages_transport::Transport;
use serde_json::{Value, json};
use support::*;

const BATCH: &str = "http://127.0.0.1:1/beta/$batch";
const SET_REL: &str = "/deviceManagement/managedDeviceWindowsOSImages";

fn batch(graph: &FakeGraph, body: &Value) -> http::Response<bytes::Bytes> {
    graph.handle_sync(&json_req(Method::POST, BATCH, &body.to_string()))
}

/// The `responses` of a 200 batch answer, in order.
fn responses(resp: &http::Response<bytes::Bytes>) -> Vec<Value> {
    assert_status(resp, StatusCode::OK);
    body(resp)["responses"].as_array().unwrap().clone()
}

fn statuses(items: &[Value]) -> Vec<(String, u64)> {
    items
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["status"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn image(id: &str) -> Value {
    serde_json::from_str(&image_json(id)).unwrap()
}

fn json_headers() -> Value {
    json!({"Content-Type": "application/json"})
}

#[test]
fn mixed_items_run_through_the_same_handlers_as_single_requests() {
    let graph = FakeGraph::with_sample_catalog();
    let resp = batch(
        &graph,
        &json!({"requests": [
            {"id": "get", "method": "GET", "url": format!("{SET_REL}/Windows%2011%2024H2")},
            {"id": "patch", "method": "PATCH", "url": format!("{SET_REL}/Windows 11 23H2"),
             "body": {"supportedArchitectures": ["x64"]}, "headers": json_headers()},
            {"id": "delete", "method": "DELETE", "url": format!("{SET_REL}/Windows%2010%2022H2")},
            {"id": "create", "method": "POST", "url": SET_REL.trim_start_matches('/'),
             "body": image("Windows 12"),
             "headers": {"content-type": "application/json; charset=utf-8"}},
            {"id": "missing", "method": "GET", "url": format!("{SET_REL}/nope")},
            {"id": "count", "method": "GET", "url": format!("{SET_REL}/$count")},
            {"id": "list", "method": "GET", "url": format!("{SET_REL}?$top=2&$filter=startswith(id, 'Windows 11')")}
        ]}),
    );
    let items = responses(&resp);
    assert_eq!(
        statuses(&items),
        [
            ("get", 200),
            ("patch", 200),
            ("delete", 204),
            ("create", 201),
            ("missing", 404),
            ("count", 200),
            ("list", 200)
        ]
        .map(|(id, s)| (id.to_owned(), s))
    );
    assert_eq!(items[0]["body"]["id"], "Windows 11 24H2");
    assert_eq!(
        items[0]["headers"]["content-type"],
        "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
    );
    assert_eq!(
        graph.image("Windows 11 23H2").unwrap()["supportedArchitectures"],
        json!(["x64"])
    );
    assert!(graph.image("Windows 10 22H2").is_none());
    assert_eq!(graph.image("Windows 12").unwrap()["id"], "Windows 12");
    assert!(items[2].get("body").is_none());
    assert_eq!(items[4]["body"]["error"]["code"], "NotFound");
    assert!(items[4]["body"]["error"]["innerError"]["request-id"].is_string());
    // `$count` is text/plain, which a batch carries base64-encoded: "7" after one delete and one create.
    assert_eq!(items[5]["headers"]["content-type"], "text/plain");
    assert_eq!(items[5]["body"], "Nw==");
    let list = &items[6]["body"];
    assert_eq!(list["value"].as_array().unwrap().len(), 2);
    assert!(
        list["@odata.nextLink"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:1/beta/deviceManagement/managedDeviceWindowsOSImages?")
    );
    // One request was received: the batch.
    assert_eq!(graph.requests().len(), 1);
}

#[test]
fn a_failed_dependency_answers_424_down_the_chain_and_nothing_runs() {
    let graph = FakeGraph::with_sample_catalog();
    let resp = batch(
        &graph,
        &json!({"requests": [
            {"id": "1", "method": "GET", "url": format!("{SET_REL}/nope")},
            {"id": "2", "method": "DELETE", "url": format!("{SET_REL}/Windows%2011%2024H2"), "dependsOn": ["1"]},
            {"id": "3", "method": "DELETE", "url": format!("{SET_REL}/Windows%2011%2023H2"), "dependsOn": ["2"]},
            {"id": "4", "method": "DELETE", "url": format!("{SET_REL}/Windows%2011%2022H2")}
        ]}),
    );
    let items = responses(&resp);
    assert_eq!(
        statuses(&items),
        [("1", 404), ("2", 424), ("3", 424), ("4", 204)].map(|(id, s)| (id.to_owned(), s))
    );
    assert_eq!(items[1]["body"]["error"]["code"], "FailedDependency");
    assert!(
        items[2]["body"]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("\"2\"")
    );
    assert!(graph.image("Windows 11 24H2").is_some());
    assert!(graph.image("Windows 11 23H2").is_some());
    assert!(graph.image("Windows 11 22H2").is_none());
}

#[test]
fn depends_on_orders_a_create_before_its_update() {
    let graph = FakeGraph::new();
    let resp = batch(
        &graph,
        &json!({"requests": [
            {"id": "a", "method": "POST", "url": SET_REL, "headers": json_headers(),
             "body": image("x")},
            {"id": "b", "method": "PATCH", "url": format!("{SET_REL}/x"), "dependsOn": ["A"],
             "headers": json_headers(), "body": {"supportedArchitectures": ["arM64"]}}
        ]}),
    );
    let items = responses(&resp);
    assert_eq!(
        statuses(&items),
        [("a", 201), ("b", 200)].map(|(id, s)| (id.to_owned(), s))
    );
    assert_eq!(
        graph.image("x").unwrap()["supportedArchitectures"],
        json!(["arM64"])
    );
}

#[tokio::test]
async fn the_third_item_can_be_throttled_inside_a_200_batch() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::throttled_item(3, 1, 1));
    let transport = FakeTransport::new(graph.clone());
    let body = json!({"requests": (1..=4).map(|i| json!({
        "id": i.to_string(), "method": "GET", "url": format!("{SET_REL}/$count")
    })).collect::<Vec<_>>()});
    let send = || json_req(Method::POST, BATCH, &body.to_string());
    let first = transport.send(send()).await.unwrap();
    let items = responses(&first);
    assert_eq!(
        statuses(&items),
        [("1", 200), ("2", 200), ("3", 429), ("4", 200)].map(|(id, s)| (id.to_owned(), s))
    );
    assert_eq!(items[2]["headers"]["retry-after"], "1");
    assert_eq!(items[2]["body"]["error"]["code"], "TooManyRequests");
    // Used up: the next batch runs every item.
    let again = transport.send(send()).await.unwrap();
    assert!(responses(&again).iter().all(|r| r["status"] == 200));
    // By id, ignoring case; single requests are never affected.
    graph.push_fault(Fault::BatchItem {
        item: BatchItem::Id("ABC".into()),
        status: StatusCode::SERVICE_UNAVAILABLE,
        retry_after: None,
        times: 1,
    });
    let single = transport
        .send(req(Method::GET, &format!("http://h/beta{SET_REL}/$count")))
        .await
        .unwrap();
    assert_eq!(single.status(), 200);
    let by_id =
        json!({"requests": [{"id": "abc", "method": "GET", "url": format!("{SET_REL}/$count")}]});
    let answer = transport
        .send(json_req(Method::POST, BATCH, &by_id.to_string()))
        .await
        .unwrap();
    assert_eq!(responses(&answer)[0]["status"], 503);
    assert!(graph.faults().pending().is_empty());
}

#[tokio::test]
async fn the_batch_request_itself_can_be_throttled() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::throttled(1, 2));
    let transport = FakeTransport::new(graph.clone());
    let body = json!({"requests": [{"id": "1", "method": "DELETE", "url": format!("{SET_REL}/Windows%2011%2024H2")}]});
    let resp = transport
        .send(json_req(Method::POST, BATCH, &body.to_string()))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(resp.headers()["retry-after"], "2");
    assert!(
        graph.image("Windows 11 24H2").is_some(),
        "a throttled batch runs nothing"
    );
}

#[test]
fn malformed_batches_are_refused_whole_naming_each_problem() {
    let get = |id: &str| json!({"id": id, "method": "GET", "url": format!("{SET_REL}/$count")});
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"requests": (0..21).map(|i| get(&i.to_string())).collect::<Vec<_>>()}),
            "at most 20",
        ),
        (
            json!({"requests": [get("a"), get("A")]}),
            "/requests/1/id: the id \"A\" repeats the id of /requests/0",
        ),
        (
            json!({"requests": [{"id": "1", "url": SET_REL}]}),
            "/requests/0/method: missing",
        ),
        (
            json!({"requests": [{"id": "1", "method": "GET"}]}),
            "/requests/0/url: missing",
        ),
        (
            json!({"requests": [{"method": "GET", "url": SET_REL}]}),
            "/requests/0/id: missing",
        ),
        (
            json!({"requests": [{"id": "1", "method": "POST", "url": SET_REL, "body": {"id": "x"}}]}),
            "/requests/0/headers: a request with a body must give its Content-Type",
        ),
        (
            json!({"requests": [{"id": "1", "method": "GET", "url": SET_REL, "dependsOn": ["9"]}]}),
            "/requests/0/dependsOn/0: no request in this batch has the id \"9\"",
        ),
        (
            json!({"requests": [
                {"id": "1", "method": "GET", "url": SET_REL, "dependsOn": ["2"]},
                {"id": "2", "method": "GET", "url": SET_REL}
            ]}),
            "/requests/0/dependsOn/0: \"2\" comes later in the batch",
        ),
        (
            json!({"requests": [
                {"id": "1", "method": "GET", "url": SET_REL, "dependsOn": ["2"]},
                {"id": "2", "method": "GET", "url": SET_REL, "dependsOn": ["1"]}
            ]}),
            "/requests/1/dependsOn/0: depending on \"1\" makes a cycle",
        ),
        (
            json!({"requests": [{"id": "1", "method": "GET", "url": SET_REL, "dependsOn": ["1"]}]}),
            "makes a cycle",
        ),
        (
            json!({"requests": [{"id": "1", "method": "GET", "url": format!("https://graph.microsoft.com/beta{SET_REL}")}]}),
            "/requests/0/url: \"https://graph.microsoft.com/beta/deviceManagement/managedDeviceWindowsOSImages\" is absolute",
        ),
        (json!({"value": []}), "/requests: expected an array"),
        (json!({"requests": []}), "no requests"),
        (
            json!({"requests": [{"id": "1", "method": "FETCH", "url": SET_REL}]}),
            "/requests/0/method: expected one of",
        ),
    ];
    for (body, expected) in cases {
        let graph = FakeGraph::with_sample_catalog();
        let before = graph.snapshot();
        let resp = batch(&graph, &body);
        let message = expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest");
        assert!(
            message.contains(expected),
            "{message:?} should contain {expected:?}"
        );
        assert_eq!(graph.snapshot(), before, "nothing runs in a refused batch");
    }
}

#[test]
fn every_problem_of_a_batch_is_named_at_once_with_details() {
    let graph = FakeGraph::new();
    let resp = batch(
        &graph,
        &json!({"requests": [{"id": "1"}, {"id": "1", "method": "GET", "url": SET_REL}]}),
    );
    expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest");
    let details = body(&resp)["error"]["details"].clone();
    let targets: Vec<&str> = details
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        ["/requests/0/method", "/requests/0/url", "/requests/1/id"]
    );
}

#[test]
fn not_json_and_other_methods_are_refused() {
    let graph = FakeGraph::new();
    let resp = graph.handle_sync(&json_req(Method::POST, BATCH, "{\"requests\": ["));
    assert!(expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest").contains("not valid JSON"));
    let resp = graph.handle_sync(&req(Method::GET, BATCH));
    expect_error(&resp, StatusCode::METHOD_NOT_ALLOWED, "MethodNotAllowed");
    let resp = graph.handle_sync(
        &http::Request::post(BATCH)
            .header("content-type", "text/plain")
            .body(bytes::Bytes::from_static(b"{}"))
            .unwrap(),
    );
    expect_error(
        &resp,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UnsupportedMediaType",
    );
    // `%24batch` and `/BETA/$BATCH` are batches too (segments ignore case); a deeper path, another version or none
    // is not (this resource is beta only).
    let ok =
        json!({"requests": [{"id": "1", "method": "GET", "url": format!("{SET_REL}/$count")}]})
            .to_string();
    for uri in ["http://h/beta/%24batch", "http://h/BETA/$BATCH"] {
        let resp = graph.handle_sync(&json_req(Method::POST, uri, &ok));
        assert_eq!(responses(&resp)[0]["status"], 200, "{uri}");
    }
    for uri in [
        "http://h/beta/x/$batch",
        "http://h/v1.0/$batch",
        "http://h/$batch",
    ] {
        let resp = graph.handle_sync(&json_req(Method::POST, uri, &ok));
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{uri}");
    }
}

#[test]
fn the_docs_request_shapes_are_accepted() {
    let graph = FakeGraph::with_sample_catalog();
    // Microsoft's SDKs: relative URLs with and without `/`, Content-Type with charset, unknown headers kept.
    let resp = batch(
        &graph,
        &json!({"requests": [
            {"id": "1", "method": "GET", "url": "deviceManagement/managedDeviceWindowsOSImages?$select=id&$filter=id eq 'Windows 11 24H2'"},
            {"id": "2", "url": "/deviceManagement/managedDeviceWindowsOSImages/Windows 11 24H2", "method": "PATCH",
             "body": {"supportedArchitectures": ["x64", "arM64"]},
             "headers": {"Content-Type": "application/json; charset=utf-8", "ConsistencyLevel": "eventual"}},
            {"id": "3", "method": "GET", "url": "/deviceManagement/managedDeviceWindowsOSImages/$count", "dependsOn": ["2"],
             "headers": {"Accept": "text/plain"}}
        ]}),
    );
    let items = responses(&resp);
    assert_eq!(
        statuses(&items),
        [("1", 200), ("2", 200), ("3", 200)].map(|(id, s)| (id.to_owned(), s))
    );
    let listed = items[0]["body"]["value"].as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], "Windows 11 24H2");
    assert!(listed[0].get("supportedEditions").is_none());
}
