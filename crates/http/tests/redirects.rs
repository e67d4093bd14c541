#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The transport's own redirect policy, against real servers.

use bytes::Bytes;
use http::StatusCode;
use intune_osimages_http::HttpTransport;
use intune_osimages_transport::{Transport, TransportErrorKind};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "Bearer secret-token-value";

fn redirect(status: u16, location: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).insert_header("location", location)
}

fn authorized(method: http::Method, url: &str, body: &'static [u8]) -> http::Request<Bytes> {
    http::Request::builder()
        .method(method)
        .uri(url)
        .header("authorization", TOKEN)
        .header("cookie", "session=abc")
        .header("content-type", "application/json")
        .header("x-keep", "yes")
        .body(Bytes::from_static(body))
        .unwrap()
}

#[tokio::test]
async fn redirect_to_another_port_drops_authorization_and_cookie() {
    let first = MockServer::start().await;
    let second = MockServer::start().await;
    Mock::given(path("/start"))
        .respond_with(redirect(302, &format!("{}/end", second.uri())))
        .mount(&first)
        .await;
    Mock::given(path("/end"))
        .respond_with(ResponseTemplate::new(200).set_body_string("arrived"))
        .mount(&second)
        .await;

    let transport = HttpTransport::new().unwrap();
    let answer = transport
        .send(authorized(
            http::Method::GET,
            &format!("{}/start", first.uri()),
            b"",
        ))
        .await
        .unwrap();

    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.body().as_ref(), b"arrived");
    let at_first = &first.received_requests().await.unwrap()[0];
    assert_eq!(at_first.headers["authorization"], TOKEN);
    let at_second = second.received_requests().await.unwrap();
    assert_eq!(at_second.len(), 1);
    assert!(at_second[0].headers.get("authorization").is_none());
    assert!(at_second[0].headers.get("cookie").is_none());
    assert_eq!(at_second[0].headers["x-keep"], "yes");
}

#[tokio::test]
async fn same_origin_redirect_keeps_authorization_method_and_body() {
    let server = MockServer::start().await;
    Mock::given(path("/start"))
        .respond_with(redirect(307, "/end"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/end"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;

    let transport = HttpTransport::new().unwrap();
    let answer = transport
        .send(authorized(
            http::Method::POST,
            &format!("{}/start", server.uri()),
            br#"{"id":"a"}"#,
        ))
        .await
        .unwrap();

    assert_eq!(answer.status(), StatusCode::CREATED);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    let end = &received[1];
    assert_eq!(end.url.path(), "/end");
    assert_eq!(end.method.as_str(), "POST");
    assert_eq!(end.headers["authorization"], TOKEN);
    assert_eq!(end.headers["cookie"], "session=abc");
    assert_eq!(end.body, br#"{"id":"a"}"#);
}

#[tokio::test]
async fn credentials_stay_dropped_when_a_later_hop_comes_back() {
    let first = MockServer::start().await;
    let second = MockServer::start().await;
    Mock::given(path("/start"))
        .respond_with(redirect(302, &format!("{}/bounce", second.uri())))
        .mount(&first)
        .await;
    Mock::given(path("/bounce"))
        .respond_with(redirect(302, &format!("{}/back", first.uri())))
        .mount(&second)
        .await;
    Mock::given(path("/back"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&first)
        .await;

    let transport = HttpTransport::new().unwrap();
    transport
        .send(authorized(
            http::Method::GET,
            &format!("{}/start", first.uri()),
            b"",
        ))
        .await
        .unwrap();

    let at_first = first.received_requests().await.unwrap();
    assert_eq!(at_first.len(), 2);
    assert!(at_first[1].headers.get("authorization").is_none());
}

#[tokio::test]
async fn see_other_turns_a_post_into_a_bodiless_get() {
    let server = MockServer::start().await;
    Mock::given(path("/create"))
        .respond_with(redirect(303, "/result"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/result"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;

    let transport = HttpTransport::new().unwrap();
    let answer = transport
        .send(authorized(
            http::Method::POST,
            &format!("{}/create", server.uri()),
            br#"{"id":"a"}"#,
        ))
        .await
        .unwrap();

    assert_eq!(answer.status(), StatusCode::OK);
    let result = &server.received_requests().await.unwrap()[1];
    assert_eq!(result.method.as_str(), "GET");
    assert!(result.body.is_empty());
    assert!(result.headers.get("content-type").is_none());
    assert!(result.headers.get("content-length").is_none());
    assert_eq!(result.headers["authorization"], TOKEN, "same origin");
}

#[tokio::test]
async fn moved_keeps_patch_and_permanent_redirect_keeps_the_body() {
    let server = MockServer::start().await;
    Mock::given(path("/a"))
        .respond_with(redirect(301, "/b"))
        .mount(&server)
        .await;
    Mock::given(path("/b"))
        .respond_with(redirect(308, "/c"))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/c"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;

    let transport = HttpTransport::new().unwrap();
    let answer = transport
        .send(authorized(
            http::Method::PATCH,
            &format!("{}/a", server.uri()),
            br#"{"description":"x"}"#,
        ))
        .await
        .unwrap();

    assert_eq!(answer.status(), StatusCode::OK);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3);
    for hop in &received {
        assert_eq!(hop.method.as_str(), "PATCH");
        assert_eq!(hop.body, br#"{"description":"x"}"#);
    }
}

/// A server where `/r/n` redirects to `/r/n+1` and `/r/{last}` answers 200.
async fn chain(last: usize) -> MockServer {
    let server = MockServer::start().await;
    for n in 0..last {
        Mock::given(path(format!("/r/{n}")))
            .respond_with(redirect(302, &format!("/r/{}", n + 1)))
            .mount(&server)
            .await;
    }
    Mock::given(path(format!("/r/{last}")))
        .respond_with(ResponseTemplate::new(200).set_body_string("end of chain"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn five_redirects_are_followed() {
    let server = chain(5).await;
    let transport = HttpTransport::new().unwrap();
    let answer = transport
        .send(authorized(
            http::Method::GET,
            &format!("{}/r/0", server.uri()),
            b"",
        ))
        .await
        .unwrap();
    assert_eq!(answer.body().as_ref(), b"end of chain");
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
}

#[tokio::test]
async fn a_sixth_redirect_fails() {
    let server = chain(6).await;
    let transport = HttpTransport::new().unwrap();
    let error = transport
        .send(authorized(
            http::Method::GET,
            &format!("{}/r/0", server.uri()),
            b"",
        ))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Redirect, "{error}");
    assert!(error.may_have_been_sent());
    assert!(
        error.message().contains("stopped after 5 redirects"),
        "{error}"
    );
    assert!(error.message().contains("/r/6"), "{error}");
    // The sixth Location is never requested.
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
}

#[tokio::test]
async fn the_redirect_limit_is_configurable() {
    let server = chain(2).await;
    let transport = HttpTransport::builder().max_redirects(1).build().unwrap();
    let error = transport
        .send(authorized(
            http::Method::GET,
            &format!("{}/r/0", server.uri()),
            b"",
        ))
        .await
        .unwrap_err();
    assert!(
        error.message().contains("stopped after 1 redirects"),
        "{error}"
    );

    let transport = HttpTransport::builder().max_redirects(0).build().unwrap();
    let error = transport
        .send(authorized(
            http::Method::GET,
            &format!("{}/r/0", server.uri()),
            b"",
        ))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Redirect);
}

#[tokio::test]
async fn a_redirect_to_plain_http_on_a_remote_host_is_refused() {
    let server = MockServer::start().await;
    Mock::given(path("/start"))
        .respond_with(redirect(302, "http://graph.example.com/steal"))
        .mount(&server)
        .await;
    let transport = HttpTransport::new().unwrap();
    let error = transport
        .send(authorized(
            http::Method::GET,
            &format!("{}/start", server.uri()),
            b"",
        ))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Redirect, "{error}");
    assert!(error.message().contains("graph.example.com"), "{error}");
    assert!(error.message().contains("plain http"), "{error}");
}

#[tokio::test]
async fn an_upgrade_to_https_is_followed() {
    // The target speaks plain HTTP, so the TLS handshake fails: a connect error, which shows the redirect itself
    // was allowed (a refused redirect is a Redirect error and nothing is attempted).
    let plain = MockServer::start().await;
    let port = plain.address().port();
    let server = MockServer::start().await;
    Mock::given(path("/start"))
        .respond_with(redirect(301, &format!("https://127.0.0.1:{port}/secure")))
        .mount(&server)
        .await;
    let transport = HttpTransport::new().unwrap();
    let error = transport
        .send(authorized(
            http::Method::GET,
            &format!("{}/start", server.uri()),
            b"",
        ))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect, "{error}");
}

#[tokio::test]
async fn a_redirect_without_location_is_returned_as_is() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(302).set_body_string("nowhere to go"))
        .mount(&server)
        .await;
    let transport = HttpTransport::new().unwrap();
    let answer = transport
        .send(authorized(
            http::Method::GET,
            &format!("{}/x", server.uri()),
            b"",
        ))
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::FOUND);
    assert_eq!(answer.body().as_ref(), b"nowhere to go");
}

#[tokio::test]
async fn not_modified_is_not_a_redirect() {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(redirect(304, "/elsewhere"))
        .mount(&server)
        .await;
    let transport = HttpTransport::new().unwrap();
    let answer = transport
        .send(authorized(
            http::Method::GET,
            &format!("{}/x", server.uri()),
            b"",
        ))
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
