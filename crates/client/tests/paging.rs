//! Paging across `@odata.nextLink`: through the same stack, only to the configured origin, stopping on a repeat.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use futures::{StreamExt, TryStreamExt};
use intune_osimages::Error;
use intune_osimages::transport::TransportErrorKind;
use intune_osimages::transport::{ManualClock, RetryPolicy};
use serde_json::json;
use support::{
    COLLECTION, TOKEN, bounded, client, client_with_policy, header, image_body, json_response,
    received, request_count, resource, streamed_ids,
};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A page fixture with its `@odata.nextLink` pointing at `next`.
fn page(name: &str, next: &str) -> String {
    resource(name).replace("{{next}}", next)
}

/// Mounts the first page (asked for with `$top=2`, no skip token) answering with `body`.
async fn mount_first_page(server: &MockServer, body: String) {
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(query_param("$top", "2"))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(json_response(200, &body, "req-page-1"))
        .mount(server)
        .await;
}

/// Mounts a page asked for with `$skiptoken={token}`.
async fn mount_page(server: &MockServer, token: &str, body: String) {
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(query_param("$skiptoken", token))
        .respond_with(json_response(200, &body, "req-page-n"))
        .mount(server)
        .await;
}

/// A server with three pages of `$top=2`: p1 links to p2, p2 to p3, p3 to nothing.
async fn three_pages() -> MockServer {
    let server = MockServer::start().await;
    mount_first_page(&server, page("page_1.json", &link(&server, "p2"))).await;
    mount_page(&server, "p2", page("page_2.json", &link(&server, "p3"))).await;
    mount_page(&server, "p3", page("page_3.json", "")).await;
    server
}

fn link(server: &MockServer, token: &str) -> String {
    format!("{}{COLLECTION}?$top=2&$skiptoken={token}", server.uri())
}

#[tokio::test]
async fn three_pages_are_followed_through_the_same_stack() {
    let server = three_pages().await;

    let ids = streamed_ids(client(&server).os_images().list().top(2)).await;

    assert_eq!(
        ids,
        [
            "Windows 10 22H2",
            "Windows 11 22H2",
            "Windows 11 23H2",
            "Windows 11 24H2",
            "Windows 11 25H2",
        ]
    );
    let requests = received(&server).await;
    let queries: Vec<Option<&str>> = requests.iter().map(|r| r.url.query()).collect();
    assert_eq!(
        queries,
        [
            Some("$top=2"),
            Some("$top=2&$skiptoken=p2"),
            Some("$top=2&$skiptoken=p3")
        ]
    );
    let bearer = format!("Bearer {TOKEN}");
    for request in &requests {
        assert_eq!(
            header(request, "authorization"),
            Some(bearer.as_str()),
            "every page is authorized"
        );
        assert!(
            header(request, "client-request-id").is_some(),
            "every page goes through telemetry"
        );
    }
}

#[tokio::test]
async fn pages_and_next_page_expose_the_links() {
    let server = three_pages().await;
    let images = client(&server).os_images();

    let first = images.list().top(2).page().await.unwrap();
    assert_eq!(
        first.next_link.as_deref(),
        Some(link(&server, "p2").as_str())
    );
    let second = images
        .next_page(&first)
        .await
        .unwrap()
        .expect("a second page");
    assert_eq!(second.value[0].id_str(), "Windows 11 23H2");
    let third = images
        .next_page(&second)
        .await
        .unwrap()
        .expect("a third page");
    assert_eq!(third.next_link, None);
    assert!(images.next_page(&third).await.unwrap().is_none());

    let sizes: Vec<usize> = images
        .list()
        .top(2)
        .pages()
        .map_ok(|p| p.value.len())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(sizes, [2, 2, 1]);

    let merged = images.list().top(2).all_as_page().await.unwrap();
    assert_eq!(merged.value.len(), 5);
    assert_eq!(merged.next_link, None);
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_refused_and_never_requested() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    mount_first_page(&server, page("page_1.json", &link(&elsewhere, "p2"))).await;
    Mock::given(method("GET"))
        .respond_with(json_response(200, &page("page_3.json", ""), "stolen"))
        .mount(&elsewhere)
        .await;

    let mut stream = Box::pin(client(&server).os_images().list().top(2).stream());
    // The first page's items still arrive; the refusal comes where the next page would.
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.id_str(), "Windows 10 22H2");
    let second = stream.next().await.unwrap().unwrap();
    assert_eq!(second.id_str(), "Windows 11 22H2");
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(
        stream.next().await.is_none(),
        "the stream ends after the refusal"
    );

    let Error::Transport(transport) = &error else {
        panic!("expected a refusal, got {error:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::InvalidRequest);
    assert!(!error.may_have_been_sent());
    let message = error.to_string();
    assert!(
        message.contains(&elsewhere.uri()),
        "the refused origin is named: {message}"
    );
    assert!(!message.contains(TOKEN));

    assert!(
        received(&elsewhere).await.is_empty(),
        "the other origin receives no request, so never the token"
    );
    assert_eq!(received(&server).await.len(), 1);

    // next_page refuses the same link.
    let images = client(&server).os_images();
    let first_page = images.list().top(2).page().await.unwrap();
    assert!(images.next_page(&first_page).await.is_err());
    assert!(received(&elsewhere).await.is_empty());
}

#[tokio::test]
async fn a_next_link_with_another_scheme_or_host_is_refused_too() {
    let server = MockServer::start().await;
    let same_port = server.address().port();
    for next in [
        link(&server, "p2").replacen("http://", "https://", 1),
        format!("http://localhost:{same_port}{COLLECTION}?$skiptoken=p2"),
        format!("{COLLECTION}?$skiptoken=p2"),
    ] {
        server.reset().await;
        mount_first_page(&server, page("page_1.json", &next)).await;
        let error = client(&server)
            .os_images()
            .list()
            .top(2)
            .all()
            .await
            .unwrap_err();
        let Error::Transport(transport) = &error else {
            panic!("{next}: expected a refusal, got {error:?}");
        };
        assert_eq!(
            transport.kind(),
            TransportErrorKind::InvalidRequest,
            "{next}: {error}"
        );
        assert!(
            error.to_string().contains("@odata.nextLink"),
            "{next}: {error}"
        );
        assert_eq!(
            received(&server).await.len(),
            1,
            "{next} is never requested"
        );
    }
}

#[tokio::test]
async fn a_repeated_link_stops_the_stream() {
    let server = MockServer::start().await;
    mount_first_page(&server, page("page_1.json", &link(&server, "p2"))).await;
    // Page 2 points at itself: a server bug that would otherwise loop for ever.
    mount_page(&server, "p2", page("page_2.json", &link(&server, "p2"))).await;

    let ids = streamed_ids(client(&server).os_images().list().top(2)).await;

    assert_eq!(ids.len(), 4, "each page's items once: {ids:?}");
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn a_link_back_to_the_first_page_stops_the_stream() {
    let server = MockServer::start().await;
    let first_url = format!("{}{COLLECTION}?$top=2", server.uri());
    mount_first_page(&server, page("page_1.json", &link(&server, "p2"))).await;
    mount_page(&server, "p2", page("page_2.json", &first_url)).await;

    let all = client(&server)
        .os_images()
        .list()
        .top(2)
        .all()
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(received(&server).await.len(), 2);
}

// ---------------------------------------------------------------- a looping next link through the real HTTP transport

#[tokio::test]
async fn a_next_link_that_loops_ends_the_stream_with_each_item_once() {
    let server = MockServer::start().await;
    let first = format!("{}{COLLECTION}", server.uri());
    let second = format!("{}{COLLECTION}?page=2", server.uri());
    let third = format!("{}{COLLECTION}?page=3", server.uri());
    // 1 -> 2 -> 3 -> 2: the link back to a page already read ends the listing.
    let pages = [
        (
            None,
            json!({"value": [image_body("a"), image_body("b")], "@odata.nextLink": second}),
        ),
        (
            Some("2"),
            json!({"value": [image_body("c")], "@odata.nextLink": third}),
        ),
        (
            Some("3"),
            json!({"value": [image_body("d")], "@odata.nextLink": second}),
        ),
    ];
    for (page, body) in pages {
        let mock = Mock::given(method("GET")).and(path(COLLECTION));
        let mock = match page {
            Some(n) => mock.and(wiremock::matchers::query_param("page", n)),
            None => mock.and(wiremock::matchers::query_param_is_missing("page")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    let client = client_with_policy(&server.uri(), &ManualClock::new(), RetryPolicy::default());

    let ids: Vec<String> = bounded(client.os_images().list().stream().try_collect::<Vec<_>>())
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.id.unwrap())
        .collect();

    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert_eq!(request_count(&server).await, 3, "each page read once");
    assert!(first.ends_with(COLLECTION));
}

#[tokio::test]
async fn a_next_link_to_itself_ends_the_stream() {
    let server = MockServer::start().await;
    let first = format!("{}{COLLECTION}", server.uri());
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [image_body("a")], "@odata.nextLink": first})),
        )
        .mount(&server)
        .await;
    let client = client_with_policy(&server.uri(), &ManualClock::new(), RetryPolicy::default());

    let all = bounded(client.os_images().list().all()).await.unwrap();

    assert_eq!(all.len(), 1);
    assert_eq!(request_count(&server).await, 1);
}
