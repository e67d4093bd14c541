//! `/_emulator/...`: the emulator's test hooks over HTTP, so a test suite in any language can do what Rust tests do
//! with `FakeGraph::push_fault` and `FakeGraph::requests`.
//!
//! `/_emulator/requests`: `GET` lists the requests received (credentials redacted) when the emulator records them
//! (`--record-requests N`), `DELETE` empties the list.
//!
//! `/_emulator/reset`: `POST` restores the catalog the emulator started with, for test isolation without a restart.
//!
//! `/_emulator/faults`: scripted faults: throttle, fail, drop connections, slow down or answer a PATCH with 204.
//! `POST` adds one fault object or an array of them, `GET` lists what is still to come, `DELETE` clears them all.
//! The wire shape is the fake's (`intune_osimages_fake::faults_from_json`): camelCase, a `kind` per fault, such as
//! `{"kind": "status", "status": 429, "retryAfter": 5, "times": 2}`.

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{HeaderMap, Method, StatusCode};
use intune_osimages_fake::{RecordedRequest, fault_to_json, faults_from_json};
use serde_json::{Value, json};

use crate::handler::Shared;
use crate::reply::graph_error;

/// The path of the fault script.
pub(crate) const FAULTS_PATH: &str = "/_emulator/faults";

/// The path of the request log.
pub(crate) const REQUESTS_PATH: &str = "/_emulator/requests";

/// The path that restores the catalog the emulator started with.
pub(crate) const RESET_PATH: &str = "/_emulator/reset";

/// Answers a request under `/_emulator/`.
pub(crate) fn answer(
    shared: &Shared,
    headers: &HeaderMap,
    method: &Method,
    path: &str,
    body: &Bytes,
) -> Response {
    match path {
        FAULTS_PATH => faults(shared, headers, method, body),
        REQUESTS_PATH => requests(shared, headers, method),
        RESET_PATH => reset(shared, headers, method),
        _ => graph_error(
            headers,
            StatusCode::NOT_FOUND,
            "NotFound",
            format!(
                "No emulator control at '{path}'; the controls are {FAULTS_PATH}, {REQUESTS_PATH} and {RESET_PATH}"
            ),
        ),
    }
}

/// `POST /_emulator/reset`: the catalog the emulator started with (seed, sample or data file), as one write (so it
/// is stored in the data file too); faults and the request log are left alone.
fn reset(shared: &Shared, headers: &HeaderMap, method: &Method) -> Response {
    if *method != Method::POST {
        return not_allowed(headers, method, RESET_PATH, "POST");
    }
    match shared.graph.replace_catalog(shared.initial.clone()) {
        Ok(()) => empty(StatusCode::NO_CONTENT),
        Err(e) => graph_error(
            headers,
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            format!("The catalog could not be reset: {e}"),
        ),
    }
}

fn requests(shared: &Shared, headers: &HeaderMap, method: &Method) -> Response {
    if !shared.recording {
        return graph_error(
            headers,
            StatusCode::NOT_FOUND,
            "NotFound",
            "This emulator keeps no request log; start it with --record-requests N",
        );
    }
    match *method {
        Method::GET => {
            let requests: Vec<Value> = shared
                .graph
                .requests()
                .iter()
                .map(request_to_wire)
                .collect();
            json_response(StatusCode::OK, &json!({ "requests": requests }))
        }
        Method::DELETE => {
            shared.graph.clear_requests();
            empty(StatusCode::NO_CONTENT)
        }
        _ => not_allowed(headers, method, REQUESTS_PATH, "GET, DELETE"),
    }
}

/// `{"method","url","headers":{name: value},"body"}`; a repeated header's values are joined with `, `; the body is
/// text (a JSON body stays readable as JSON text).
fn request_to_wire(request: &RecordedRequest) -> Value {
    let mut headers = serde_json::Map::new();
    for name in request.headers.keys() {
        let values: Vec<String> = request
            .headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        headers.insert(name.as_str().to_owned(), Value::String(values.join(", ")));
    }
    json!({
        "method": request.method.as_str(),
        "url": request.uri.to_string(),
        "headers": headers,
        "body": String::from_utf8_lossy(&request.body),
    })
}

fn not_allowed(headers: &HeaderMap, method: &Method, path: &str, allow: &'static str) -> Response {
    let mut response = graph_error(
        headers,
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        format!("{method} is not supported on {path}; use {allow}"),
    );
    response
        .headers_mut()
        .insert(http::header::ALLOW, HeaderValue::from_static(allow));
    response
}

fn faults(shared: &Shared, headers: &HeaderMap, method: &Method, body: &Bytes) -> Response {
    let graph = &shared.graph;
    match *method {
        Method::GET => json_response(
            StatusCode::OK,
            &json!({ "faults": graph.faults().pending().iter().map(fault_to_json).collect::<Vec<_>>() }),
        ),
        Method::DELETE => {
            graph.faults().clear();
            empty(StatusCode::NO_CONTENT)
        }
        Method::POST => match faults_from_json(body) {
            Ok(faults) => {
                for fault in faults {
                    graph.push_fault(fault);
                }
                empty(StatusCode::NO_CONTENT)
            }
            Err(message) => graph_error(headers, StatusCode::BAD_REQUEST, "BadRequest", message),
        },
        _ => not_allowed(headers, method, FAULTS_PATH, "GET, POST, DELETE"),
    }
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    let mut response = Response::new(Body::from(value.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn empty(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}
