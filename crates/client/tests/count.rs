//! `GET /deviceManagement/managedDeviceWindowsOSImages/$count`: a `text/plain` integer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use intune_osimages::Error;
use support::{COLLECTION, assert_graph_headers, client, only_request};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// What Microsoft's generated SDKs send for `$count`.
const COUNT_ACCEPT: &str = "text/plain;q=0.9";

async fn server_answering_count(body: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{COLLECTION}/$count")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "req-count-1")
                .set_body_raw(body.to_owned(), "text/plain"),
        )
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn count_reads_the_plain_text_integer() {
    let server = server_answering_count("5").await;
    let count = client(&server).os_images().count().await.unwrap();
    assert_eq!(count, 5);

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), format!("{COLLECTION}/$count"));
    assert_eq!(request.url.query(), None);
    assert_graph_headers(&request, COUNT_ACCEPT, false);
}

#[tokio::test]
async fn count_with_a_filter_sends_it_encoded() {
    let server = server_answering_count("\u{feff}3\r\n").await;
    let count = client(&server)
        .os_images()
        .count()
        .filter("startswith(id,'Windows 11')")
        .await
        .unwrap();
    assert_eq!(
        count, 3,
        "a byte-order mark and white space around the number are tolerated"
    );

    let request = only_request(&server).await;
    assert_eq!(
        request.url.query(),
        Some("$filter=startswith%28id%2C%27Windows%2011%27%29")
    );
    assert_graph_headers(&request, COUNT_ACCEPT, false);
}

#[tokio::test]
async fn a_count_that_is_not_a_number_is_a_decode_error() {
    let server = server_answering_count("five").await;
    let error = client(&server).os_images().count().await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert!(decode.message.contains("\"five\""), "{}", decode.message);
    assert_eq!(decode.status, 200);
    assert_eq!(error.request_id(), Some("req-count-1"));
}
