//! Helpers shared by the wiremock tests: a client pointed at a mock server, fixtures, and request assertions.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use intune_osimages::transport::{ManualClock, RetryPolicy};
use intune_osimages::{Client, ListRequest, SDK_VERSION};
use serde_json::Value;
use wiremock::{MockServer, Request};

/// The bearer token every wiremock test client sends.
pub const TOKEN: &str = "test-token-4f1c9a";

/// The collection's path on the mock server.
pub const COLLECTION: &str = "/beta/deviceManagement/managedDeviceWindowsOSImages";

/// The text of `tests/resources/{name}`.
pub fn resource(name: &str) -> String {
    let path = format!("{}/tests/resources/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// `tests/resources/{name}` as JSON.
pub fn resource_json(name: &str) -> Value {
    serde_json::from_str(&resource(name)).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

/// The seed's bodies: this package's copy of the repository's `fixtures/seed/`, so the published crate tests too.
pub fn seed(name: &str) -> String {
    let path = format!("{}/fixtures/seed/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// The seed's body `name` as JSON.
pub fn seed_json(name: &str) -> Value {
    serde_json::from_str(&seed(name)).unwrap()
}

/// A client for the mock server with a static token and the default retry policy.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(format!("{}/beta", server.uri()))
        .token(TOKEN)
        .build()
        .unwrap()
}

/// A client whose retries wait on `clock`, so a test of retries takes no real time.
pub fn client_with_clock(server: &MockServer, clock: &ManualClock) -> Client {
    Client::builder()
        .base_url(format!("{}/beta", server.uri()))
        .token(TOKEN)
        .retry_policy(RetryPolicy::default())
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap()
}

/// Every request the server received.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// The one request the server received; fails the test when there were more or none.
pub async fn only_request(server: &MockServer) -> Request {
    let mut requests = received(server).await;
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request, got {requests:#?}"
    );
    requests.remove(0)
}

/// A header's value as text.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().unwrap())
}

/// Checks the headers every Graph call carries: the bearer token, `Accept`, a UUID `client-request-id`, `SdkVersion`
/// and `User-Agent`; `Content-Type: application/json` exactly when there is a body; no `Retry-Attempt` on a first try.
pub fn assert_graph_headers(request: &Request, accept: &str, has_body: bool) {
    let authorization = format!("Bearer {TOKEN}");
    assert_eq!(
        header(request, "authorization"),
        Some(authorization.as_str())
    );
    assert_eq!(header(request, "accept"), Some(accept));
    let id = header(request, "client-request-id").expect("client-request-id is sent");
    let uuid = uuid::Uuid::parse_str(id).expect("client-request-id is a UUID");
    assert_eq!(
        uuid.get_version_num(),
        4,
        "client-request-id is a random UUID"
    );
    assert_eq!(header(request, "sdkversion"), Some(SDK_VERSION));
    assert_eq!(header(request, "user-agent"), Some(SDK_VERSION));
    assert!(
        header(request, "retry-attempt").is_none(),
        "a first attempt carries no Retry-Attempt"
    );
    if has_body {
        assert_eq!(header(request, "content-type"), Some("application/json"));
    } else {
        assert_eq!(header(request, "content-type"), None);
        assert!(
            request.body.is_empty(),
            "no body expected, got {:?}",
            String::from_utf8_lossy(&request.body)
        );
    }
}

/// The request body as JSON.
pub fn body_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("the request body is JSON")
}

/// A Graph JSON response with a `request-id` header.
pub fn json_response(status: u16, body: &str, request_id: &str) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(status)
        .insert_header("request-id", request_id)
        .set_body_raw(body.to_owned(), "application/json")
}

/// No fault test may take longer than this to come back: a hang is a failure, not a slow pass.
pub const LIVENESS: std::time::Duration = std::time::Duration::from_secs(15);

/// A client over the real HTTP transport with this retry policy and short timeouts (500 ms per attempt and to
/// connect), so a server that misbehaves is seen quickly.
pub fn client_with_policy(base: &str, clock: &ManualClock, policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(format!("{base}/beta"))
        .token(TOKEN)
        .retry_policy(policy)
        .clock(Arc::new(clock.clone()))
        .timeout(std::time::Duration::from_millis(500))
        .connect_timeout(std::time::Duration::from_millis(500))
        .build()
        .unwrap()
}

/// Awaits `future`, failing the test if it does not come back within [`LIVENESS`].
pub async fn bounded<F: std::future::IntoFuture>(future: F) -> F::Output {
    tokio::time::timeout(LIVENESS, future.into_future())
        .await
        .expect("the call came back within the liveness bound")
}

/// Graph's error body with this code.
pub fn graph_error_body(code: &str) -> String {
    serde_json::json!({"error": {"code": code, "message": format!("{code} from the test server"),
        "innerError": {"date": "2026-11-29T05:02:11", "request-id": "rid-1", "client-request-id": "cid-1"}}})
    .to_string()
}

/// A minimal image with this id.
pub fn image_body(id: &str) -> Value {
    serde_json::json!({"id": id, "supportedEditions": [], "supportedArchitectures": ["x64"], "availableUpdates": []})
}

/// How many requests the mock server has received.
pub async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// The ids of every image `list` streams, page after page, in order.
pub async fn streamed_ids(list: ListRequest) -> Vec<String> {
    use futures::TryStreamExt;

    list.stream()
        .map_ok(|image| image.id_str().to_owned())
        .try_collect()
        .await
        .unwrap()
}
