//! `GET /deviceManagement/managedDeviceWindowsOSImages`: the request the list builder sends and the page it reads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use intune_osimages::{Architecture, EditionType, odata_string};
use support::{
    COLLECTION, assert_graph_headers, client, json_response, only_request, resource, streamed_ids,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

async fn server_answering_list() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .respond_with(json_response(200, &resource("list.json"), "req-list-1"))
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn list_without_options_sends_no_query_and_reads_the_page() {
    let server = server_answering_list().await;
    let page = client(&server).os_images().list().page().await.unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), COLLECTION);
    assert_eq!(request.url.query(), None);
    assert_graph_headers(&request, "application/json", false);

    assert_eq!(page.count, Some(2));
    assert_eq!(page.next_link, None);
    assert_eq!(
        page.context.as_deref(),
        Some(
            "https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDeviceWindowsOSImages"
        )
    );
    let ids: Vec<&str> = page.value.iter().map(|i| i.id_str()).collect();
    assert_eq!(ids, ["Windows 11 24H2", "Windows 11 25H2"]);

    let first = &page.value[0];
    assert_eq!(
        first.architectures(),
        [Architecture::X64, Architecture::Arm64]
    );
    assert_eq!(
        first.editions()[1].edition_type,
        Some(EditionType::Enterprise)
    );
    assert_eq!(
        first.editions()[1].support_end_date,
        Some(chrono::NaiveDate::from_ymd_opt(2027, 10, 12).unwrap())
    );
    assert_eq!(
        first.updates()[0].build_version.as_deref(),
        Some("10.0.26100.6899")
    );

    // Values and properties this version does not know are kept, not dropped.
    let second = &page.value[1];
    assert_eq!(
        second.architectures()[1],
        Architecture::Other("riscV64".into())
    );
    assert_eq!(
        second.editions()[1].edition_type,
        Some(EditionType::Other("enterpriseLtsc".into()))
    );
    assert_eq!(
        second.extra.get("imageFamily"),
        Some(serde_json::json!("client"))
    );
    assert_eq!(second.available_updates, Some(Vec::new()));
}

#[tokio::test]
async fn every_odata_option_is_encoded_in_a_fixed_order() {
    let server = server_answering_list().await;
    let filter = format!(
        "supportedArchitectures/any(a: a eq 'arM64') and startswith(id,{})",
        odata_string("Windows 11")
    );
    let page = client(&server)
        .os_images()
        .list()
        .filter(filter)
        .select(["id", "supportedArchitectures"])
        .top(10)
        .skip(5)
        .orderby("id desc")
        .orderby("supportedArchitectures")
        .count(true)
        .page()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.url.path(), COLLECTION);
    assert_eq!(
        request.url.query(),
        Some(
            "$filter=supportedArchitectures%2Fany%28a%3A%20a%20eq%20%27arM64%27%29%20and%20startswith%28id%2C%27Windows%2011%27%29\
             &$select=id%2CsupportedArchitectures\
             &$top=10\
             &$skip=5\
             &$orderby=id%20desc%2CsupportedArchitectures\
             &$count=true"
        )
    );
    assert_graph_headers(&request, "application/json", false);
    assert_eq!(page.value.len(), 2);
}

#[tokio::test]
async fn a_quote_in_a_literal_is_doubled_and_cannot_end_the_filter() {
    let server = server_answering_list().await;
    client(&server)
        .os_images()
        .list()
        .filter(format!("id eq {}", odata_string("it's & $top=1")))
        .page()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        request.url.query(),
        Some("$filter=id%20eq%20%27it%27%27s%20%26%20%24top%3D1%27")
    );
    let filters: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        filters,
        [("$filter".to_owned(), "id eq 'it''s & $top=1'".to_owned())]
    );
}

#[tokio::test]
async fn all_collects_the_items_and_stream_yields_them_in_order() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .respond_with(json_response(200, &resource("list.json"), "req-list-2"))
        .expect(2)
        .mount(&server)
        .await;
    let images = client(&server).os_images();

    let all = images.list().top(2).all().await.unwrap();
    assert_eq!(all.len(), 2);

    let streamed = streamed_ids(images.list().top(2)).await;
    assert_eq!(streamed, ["Windows 11 24H2", "Windows 11 25H2"]);
}
