#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Failures below HTTP map to transport errors that say whether the request may have been sent.

use std::time::Duration;

use bytes::Bytes;
use intune_osimages_http::{HttpTransport, MAX_REDIRECTS_LIMIT};
use intune_osimages_transport::{Transport, TransportErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn get(url: &str) -> http::Request<Bytes> {
    http::Request::get(url).body(Bytes::new()).unwrap()
}

#[tokio::test]
async fn a_slow_server_is_a_timeout_that_may_have_been_sent() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let transport = HttpTransport::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = transport
        .send(get(&format!("{}/slow", server.uri())))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Timeout, "{error}");
    assert!(error.may_have_been_sent());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_timeout_left_to_the_caller_lets_a_slow_answer_arrive() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(600)))
        .mount(&server)
        .await;
    // The later setting wins: no timeout of the transport's own, where 200 ms would have ended the request.
    let transport = HttpTransport::builder()
        .timeout(Duration::from_millis(200))
        .timeout_left_to_caller()
        .build()
        .unwrap();
    let answer = transport
        .send(get(&format!("{}/slow", server.uri())))
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
}

#[tokio::test]
async fn connection_refused_is_a_connect_error_never_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let transport = HttpTransport::new().unwrap();
    let error = transport
        .send(get(&format!("http://127.0.0.1:{port}/x")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Connect, "{error}");
    assert!(!error.may_have_been_sent());
    assert!(error.message().contains(&port.to_string()), "{error}");
    assert!(error.to_string().contains("was not sent"), "{error}");
}

/// A server that reads one request, writes `reply` and closes the connection.
async fn raw_server(reply: &'static [u8]) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buffer = [0_u8; 4096];
        let _ = socket.read(&mut buffer).await;
        let _ = socket.write_all(reply).await;
        let _ = socket.shutdown().await;
    });
    port
}

#[tokio::test]
async fn a_truncated_body_is_an_io_error_that_was_sent() {
    let port = raw_server(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly ten b").await;
    let transport = HttpTransport::new().unwrap();
    let error = transport
        .send(get(&format!("http://127.0.0.1:{port}/x")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Io, "{error}");
    assert!(error.may_have_been_sent());
    assert!(error.message().contains("response body"), "{error}");
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_an_io_error_that_may_have_been_sent() {
    let port = raw_server(b"").await;
    let transport = HttpTransport::new().unwrap();
    let request = http::Request::post(format!("http://127.0.0.1:{port}/x"))
        .body(Bytes::from_static(b"{}"))
        .unwrap();
    let error = transport.send(request).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Io, "{error}");
    assert!(error.may_have_been_sent());
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused_before_sending() {
    let transport = HttpTransport::new().unwrap();
    for (url, host) in [
        ("http://graph.microsoft.com/beta/x", "graph.microsoft.com"),
        ("http://10.1.2.3:8080/x", "10.1.2.3"),
        ("http://[2001:db8::7]/x", "[2001:db8::7]"),
    ] {
        let error = transport.send(get(url)).await.unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::InvalidRequest, "{url}");
        assert!(!error.may_have_been_sent());
        assert!(error.message().contains("plain http"), "{error}");
        assert!(error.message().contains(host), "{error}");
    }
}

#[tokio::test]
async fn other_schemes_and_relative_uris_are_refused() {
    let transport = HttpTransport::new().unwrap();
    let error = transport.send(get("ftp://127.0.0.1/x")).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::InvalidRequest);
    assert!(error.message().contains("`ftp`"), "{error}");

    let error = transport.send(get("/beta/x")).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::InvalidRequest);
    assert!(error.message().contains("`/beta/x`"), "{error}");
    assert!(!error.may_have_been_sent());
}

#[test]
fn builder_refuses_bad_settings_naming_them() {
    let error = HttpTransport::builder()
        .max_redirects(MAX_REDIRECTS_LIMIT + 1)
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::InvalidRequest);
    assert!(error.message().contains("max_redirects is 11"), "{error}");

    let error = HttpTransport::builder()
        .timeout(Duration::ZERO)
        .build()
        .unwrap_err();
    assert!(error.message().contains("timeout"), "{error}");
    assert!(
        HttpTransport::builder()
            .max_redirects(MAX_REDIRECTS_LIMIT)
            .build()
            .is_ok()
    );
}
