//! `DELETE /deviceManagement/managedDeviceWindowsOSImages/{id}`: 204, no body either way.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use intune_osimages::Error;
use support::{COLLECTION, assert_graph_headers, client, json_response, only_request, resource};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn delete_sends_no_body_and_accepts_204() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("{COLLECTION}/Windows%2011%2022H2")))
        .respond_with(ResponseTemplate::new(204).insert_header("request-id", "req-delete-1"))
        .expect(1)
        .mount(&server)
        .await;

    client(&server)
        .os_images()
        .delete("Windows 11 22H2")
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "DELETE");
    assert_eq!(
        request.url.path(),
        format!("{COLLECTION}/Windows%2011%2022H2")
    );
    assert_eq!(request.url.query(), None);
    assert_graph_headers(&request, "application/json", false);
}

#[tokio::test]
async fn deleting_a_missing_image_is_a_not_found_graph_error() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(json_response(
            404,
            &resource("error_not_found.json"),
            "header-id",
        ))
        .mount(&server)
        .await;

    let error = client(&server)
        .os_images()
        .delete("Windows 12 99H9")
        .await
        .unwrap_err();
    let Error::Graph(graph) = &error else {
        panic!("expected a Graph error, got {error:?}");
    };
    assert_eq!((graph.status, graph.code.as_str()), (404, "NotFound"));
    // The body's innerError wins over the header: it is what Microsoft support asks for.
    assert_eq!(
        error.request_id(),
        Some("0f1e2d3c-0000-4000-8000-00000000a404")
    );
    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        format!("{COLLECTION}/Windows%2012%2099H9")
    );
}
