//! `GET .../{id}/getAllManagedDeviceWindowsOSImages()`: the bound function answers a collection like list.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use intune_osimages::Architecture;
use support::{COLLECTION, assert_graph_headers, client, json_response, only_request, resource};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

const FUNCTION_PATH: &str = "/Windows%2011%2024H2/getAllManagedDeviceWindowsOSImages()";

async fn server_answering_get_all() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{COLLECTION}{FUNCTION_PATH}")))
        .respond_with(json_response(
            200,
            &resource("get_all.json"),
            "req-get-all-1",
        ))
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn get_all_calls_the_bound_function_and_reads_the_collection() {
    let server = server_answering_get_all().await;
    let images = client(&server)
        .os_images()
        .get_all("Windows 11 24H2")
        .all()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), format!("{COLLECTION}{FUNCTION_PATH}"));
    assert_eq!(request.url.query(), None);
    assert_graph_headers(&request, "application/json", false);

    let ids: Vec<&str> = images.iter().map(|i| i.id_str()).collect();
    assert_eq!(ids, ["Windows 11 23H2", "Windows 11 24H2"]);
    assert_eq!(
        images[1].architectures(),
        [Architecture::X64, Architecture::Arm64]
    );
}

#[tokio::test]
async fn get_all_takes_the_list_options() {
    let server = server_answering_get_all().await;
    let page = client(&server)
        .os_images()
        .get_all("Windows 11 24H2")
        .select(["id"])
        .top(5)
        .page()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some("$select=id&$top=5"));
    assert_eq!(
        page.context.as_deref(),
        Some(
            "https://graph.microsoft.com/beta/$metadata#Collection(microsoft.graph.managedDeviceWindowsOperatingSystemImage)"
        )
    );
    assert_eq!(page.value.len(), 2);
}
