#![allow(clippy::unwrap_used, clippy::expect_used)]
//! No request body, no write and no token request ever leaves for an origin the caller did not address, on every
//! redirect status and with every way of building the transport.

use bytes::Bytes;
use http::{Method, StatusCode};
use intune_osimages_http::HttpTransport;
use intune_osimages_transport::{Transport, TransportErrorKind};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "cs-SECRET-42";
const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];

/// Every way a caller can build this transport.
fn transports() -> Vec<(&'static str, HttpTransport)> {
    let all = vec![
        ("HttpTransport::new", HttpTransport::new().unwrap()),
        (
            "HttpTransport::builder with 10 redirects",
            HttpTransport::builder().max_redirects(10).build().unwrap(),
        ),
    ];
    #[cfg(feature = "native-tls")]
    let all = {
        let mut all = all;
        all.push((
            "HttpTransport::builder().native_tls()",
            HttpTransport::builder().native_tls().build().unwrap(),
        ));
        all
    };
    all
}

/// A server that redirects `/start` with `status` to `target`, and a catch-all at the target.
async fn redirecting(status: u16, target: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/start"))
        .respond_with(ResponseTemplate::new(status).insert_header("location", target))
        .mount(&server)
        .await;
    Mock::given(path("/end"))
        .respond_with(ResponseTemplate::new(200).set_body_string("arrived"))
        .mount(&server)
        .await;
    server
}

async fn elsewhere() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/end"))
        .respond_with(ResponseTemplate::new(200).set_body_string("stolen"))
        .mount(&server)
        .await;
    server
}

fn request(method: Method, url: &str, content_type: &str, body: &str) -> http::Request<Bytes> {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(url)
        .header("authorization", format!("Bearer {SECRET}"))
        .header("x-api-key", SECRET);
    if !content_type.is_empty() {
        builder = builder.header("content-type", content_type);
    }
    builder.body(Bytes::from(body.to_owned())).unwrap()
}

fn token_form() -> String {
    format!("grant_type=client_credentials&client_id=app&client_secret={SECRET}&scope=s")
}

#[tokio::test]
async fn a_write_redirected_to_another_origin_is_not_re_sent_on_any_status() {
    let other = elsewhere().await;
    let target = format!("{}/end", other.uri());
    for (name, transport) in transports() {
        for status in REDIRECTS {
            for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
                let body = if method == Method::DELETE {
                    ""
                } else {
                    r#"{"a":1}"#
                };
                let server = redirecting(status, &target).await;
                let error = transport
                    .send(request(
                        method.clone(),
                        &format!("{}/start", server.uri()),
                        "application/json",
                        body,
                    ))
                    .await
                    .expect_err(&format!("{name}: {method} after {status}"));
                assert_eq!(
                    error.kind(),
                    TransportErrorKind::Redirect,
                    "{name}: {error}"
                );
                let message = error.to_string();
                assert!(message.contains(&status.to_string()), "{name}: {message}");
                assert!(message.contains(&target), "{name}: {message}");
                assert!(!message.contains(SECRET), "{name}: {message}");
            }
        }
        assert!(
            other.received_requests().await.unwrap().is_empty(),
            "{name}: a write reached another origin"
        );
    }
}

#[tokio::test]
async fn a_get_with_a_body_is_not_carried_to_another_origin() {
    let other = elsewhere().await;
    let target = format!("{}/end", other.uri());
    for (name, transport) in transports() {
        for status in [307, 308] {
            let server = redirecting(status, &target).await;
            let error = transport
                .send(request(
                    Method::GET,
                    &format!("{}/start", server.uri()),
                    "text/plain",
                    SECRET,
                ))
                .await
                .expect_err(name);
            assert_eq!(
                error.kind(),
                TransportErrorKind::Redirect,
                "{name}: {error}"
            );
        }
    }
    assert!(other.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_token_request_follows_no_redirect_even_on_the_same_origin() {
    let other = elsewhere().await;
    for (name, transport) in transports() {
        for status in REDIRECTS {
            for same_origin in [true, false] {
                let server = MockServer::start().await;
                let target = if same_origin {
                    format!("{}/end", server.uri())
                } else {
                    format!("{}/end", other.uri())
                };
                Mock::given(path("/start"))
                    .respond_with(ResponseTemplate::new(status).insert_header("location", &*target))
                    .mount(&server)
                    .await;
                let error = transport
                    .send(request(
                        Method::POST,
                        &format!("{}/start", server.uri()),
                        "application/x-www-form-urlencoded",
                        &token_form(),
                    ))
                    .await
                    .expect_err(&format!("{name}: {status}"));
                assert_eq!(
                    error.kind(),
                    TransportErrorKind::Redirect,
                    "{name}: {error}"
                );
                let message = error.to_string();
                assert!(message.contains("token request"), "{message}");
                assert!(message.contains(&status.to_string()), "{message}");
                assert!(message.contains(&target), "{message}");
                assert!(!message.contains(SECRET), "{message}");
                assert_eq!(
                    server.received_requests().await.unwrap().len(),
                    1,
                    "{name}: {status}: only the first request was sent"
                );
            }
        }
    }
    assert!(other.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_managed_identity_request_follows_no_redirect() {
    let other = elsewhere().await;
    let target = format!("{}/end", other.uri());
    for (name, transport) in transports() {
        let server = redirecting(302, &target).await;
        let request = http::Request::builder()
            .uri(format!("{}/start?resource=x", server.uri()))
            .header("x-identity-header", SECRET)
            .body(Bytes::new())
            .unwrap();
        let error = transport.send(request).await.expect_err(name);
        assert_eq!(
            error.kind(),
            TransportErrorKind::Redirect,
            "{name}: {error}"
        );
    }
    assert!(other.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_get_is_still_followed_on_the_same_origin_and_across_without_credentials() {
    let other = elsewhere().await;
    for (name, transport) in transports() {
        for status in REDIRECTS {
            let server = redirecting(status, "/end").await;
            let answer = transport
                .send(request(
                    Method::GET,
                    &format!("{}/start", server.uri()),
                    "",
                    "",
                ))
                .await
                .unwrap();
            assert_eq!(answer.status(), StatusCode::OK, "{name}: {status}");
            assert_eq!(answer.body().as_ref(), b"arrived");
            let received = server.received_requests().await.unwrap();
            assert_eq!(received.len(), 2);
            assert_eq!(
                received[1].headers["authorization"],
                format!("Bearer {SECRET}"),
                "same origin keeps the token"
            );

            let server = redirecting(status, &format!("{}/end", other.uri())).await;
            let answer = transport
                .send(request(
                    Method::GET,
                    &format!("{}/start", server.uri()),
                    "",
                    "",
                ))
                .await
                .unwrap();
            assert_eq!(answer.body().as_ref(), b"stolen", "{name}: {status}");
        }
    }
    for received in other.received_requests().await.unwrap() {
        for (header, value) in &received.headers {
            assert!(
                !value.to_str().unwrap_or("").contains(SECRET),
                "{header} carried the secret to another origin"
            );
        }
    }
}
