#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Requests and responses go through unchanged: methods, headers, bodies, statuses.

use bytes::Bytes;
use http::{Method, StatusCode};
use intune_osimages_http::HttpTransport;
use intune_osimages_transport::Transport;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request as Received, Respond, ResponseTemplate};

/// Answers with the method as a header and the request body as the response body.
struct Echo;

impl Respond for Echo {
    fn respond(&self, request: &Received) -> ResponseTemplate {
        ResponseTemplate::new(200)
            .insert_header("x-method", request.method.as_str())
            .set_body_bytes(request.body.clone())
    }
}

/// A server that echoes at `/echo`.
async fn echo_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/echo"))
        .respond_with(Echo)
        .mount(&server)
        .await;
    server
}

/// A server that answers `/x` with `status` and no body.
async fn answering(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/x"))
        .respond_with(ResponseTemplate::new(status))
        .mount(&server)
        .await;
    server
}

fn request(method: Method, url: &str, body: &'static [u8]) -> http::Request<Bytes> {
    http::Request::builder()
        .method(method)
        .uri(url)
        .body(Bytes::from_static(body))
        .unwrap()
}

#[tokio::test]
async fn every_method_arrives_with_its_body() {
    let server = echo_server().await;
    let transport = HttpTransport::new().unwrap();
    let url = format!("{}/echo", server.uri());

    for (verb, body) in [
        (Method::GET, &b""[..]),
        (Method::DELETE, b""),
        (Method::OPTIONS, b""),
        (Method::POST, br#"{"displayName":"Windows 11"}"#),
        (Method::PATCH, br#"{"description":null}"#),
        (Method::PUT, b"\x00\x01\xff binary"),
    ] {
        let answer = transport
            .send(request(verb.clone(), &url, body))
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "{verb}");
        assert_eq!(answer.headers()["x-method"], verb.as_str());
        assert_eq!(answer.body().as_ref(), body, "{verb}");
    }
    let head = transport
        .send(request(Method::HEAD, &url, b""))
        .await
        .unwrap();
    assert_eq!(head.headers()["x-method"], "HEAD");
    assert!(head.body().is_empty());

    let received = server.received_requests().await.unwrap();
    let methods: Vec<_> = received.iter().map(|r| r.method.to_string()).collect();
    assert_eq!(
        methods,
        ["GET", "DELETE", "OPTIONS", "POST", "PATCH", "PUT", "HEAD"]
    );
}

#[tokio::test]
async fn bodiless_get_sends_no_length_and_empty_post_says_zero() {
    let server = answering(204).await;
    let transport = HttpTransport::new().unwrap();
    let url = format!("{}/x", server.uri());
    transport
        .send(request(Method::GET, &url, b""))
        .await
        .unwrap();
    transport
        .send(request(Method::POST, &url, b""))
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert!(received[0].headers.get("content-length").is_none());
    assert_eq!(received[1].headers["content-length"], "0");
}

#[tokio::test]
async fn request_headers_arrive_and_response_headers_return() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/beta/deviceManagement/managedDeviceWindowsOSImages"))
        .and(header("consistencylevel", "eventual"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "5f0c0a1e-0000-4000-8000-000000000001")
                .append_header("x-multi", "one")
                .append_header("x-multi", "two")
                .set_body_raw(r#"{"value":[]}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let transport = HttpTransport::new().unwrap();
    let request = http::Request::get(format!(
        "{}/beta/deviceManagement/managedDeviceWindowsOSImages?$top=5&$filter=startswith(displayName,'Win')",
        server.uri()
    ))
    .header("consistencylevel", "eventual")
    .header("accept", "application/json")
    .header("x-list", "a")
    .header("x-list", "b")
    .body(Bytes::new())
    .unwrap();

    let answer = transport.send(request).await.unwrap();

    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(
        answer.headers()["request-id"],
        "5f0c0a1e-0000-4000-8000-000000000001"
    );
    assert_eq!(answer.headers()["content-type"], "application/json");
    let multi: Vec<_> = answer.headers().get_all("x-multi").iter().collect();
    assert_eq!(multi, ["one", "two"]);
    assert_eq!(answer.body().as_ref(), br#"{"value":[]}"#);

    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(received.headers["accept"], "application/json");
    let list: Vec<_> = received.headers.get_all("x-list").iter().collect();
    assert_eq!(list, ["a", "b"]);
    let query: Vec<_> = received.url.query_pairs().collect();
    assert_eq!(query[0], ("$top".into(), "5".into()));
    assert_eq!(
        query[1],
        ("$filter".into(), "startswith(displayName,'Win')".into())
    );
}

#[tokio::test]
async fn error_statuses_are_responses_not_errors() {
    const ERRORS: [(&str, u16); 4] = [
        ("/missing", 404),
        ("/conflict", 409),
        ("/broken", 500),
        ("/busy", 429),
    ];
    let server = MockServer::start().await;
    for (route, code) in ERRORS {
        Mock::given(path(route))
            .respond_with(
                ResponseTemplate::new(code)
                    .insert_header("retry-after", "7")
                    .set_body_string(format!(r#"{{"error":{{"code":"{code}"}}}}"#)),
            )
            .mount(&server)
            .await;
    }
    let transport = HttpTransport::new().unwrap();
    for (route, code) in ERRORS {
        let url = format!("{}{route}", server.uri());
        let answer = transport
            .send(request(Method::GET, &url, b""))
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), code);
        assert_eq!(answer.headers()["retry-after"], "7");
        assert!(String::from_utf8_lossy(answer.body()).contains(&code.to_string()));
    }
}

#[tokio::test]
async fn a_large_body_round_trips() {
    let server = echo_server().await;
    let transport = HttpTransport::new().unwrap();
    let body: Vec<u8> = (0..2_000_000_u32).map(|i| (i % 251) as u8).collect();
    let request = http::Request::post(format!("{}/echo", server.uri()))
        .body(Bytes::from(body.clone()))
        .unwrap();
    let answer = transport.send(request).await.unwrap();
    assert_eq!(answer.body().len(), body.len());
    assert!(answer.body().as_ref() == body.as_slice());
}

#[tokio::test]
async fn localhost_by_name_is_allowed() {
    let server = answering(200).await;
    let port = server.address().port();
    let transport = HttpTransport::new().unwrap();
    let answer = transport
        .send(request(
            Method::GET,
            &format!("http://localhost:{port}/x"),
            b"",
        ))
        .await;
    // `localhost` may resolve to ::1 first, where nothing listens; the policy let it through either way.
    match answer {
        Ok(answer) => assert_eq!(answer.status(), StatusCode::OK),
        Err(error) => assert_eq!(
            error.kind(),
            intune_osimages_transport::TransportErrorKind::Connect,
            "{error}"
        ),
    }
}

#[tokio::test]
async fn clones_share_one_transport_and_debug_is_plain() {
    let server = answering(200).await;
    let transport = HttpTransport::builder().max_redirects(2).build().unwrap();
    let copy = transport.clone();
    let url = format!("{}/x", server.uri());
    let (a, b) = tokio::join!(
        transport.send(request(Method::GET, &url, b"")),
        copy.send(request(Method::GET, &url, b""))
    );
    assert_eq!(a.unwrap().status(), 200);
    assert_eq!(b.unwrap().status(), 200);
    let debug = format!("{transport:?}");
    assert!(debug.contains("HttpTransport"), "{debug}");
    assert!(debug.contains("max_redirects: 2"), "{debug}");
}

/// A server on loopback that answers one request with `body` in chunked encoding, one chunk per part.
async fn chunked_server(parts: &'static [&'static [u8]]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = vec![0_u8; 4096];
        let mut read = 0;
        while !head[..read].windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut head[read..]).await.unwrap();
            assert!(n > 0, "the client closed before its request ended");
            read += n;
        }
        let mut answer = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        for part in parts {
            answer.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
            answer.extend_from_slice(part);
            answer.extend_from_slice(b"\r\n");
        }
        answer.extend_from_slice(b"0\r\n\r\n");
        socket.write_all(&answer).await.unwrap();
        socket.flush().await.unwrap();
    });
    format!("http://{addr}/x")
}

#[tokio::test]
async fn a_body_in_several_chunks_arrives_whole_and_in_order() {
    let url = chunked_server(&[b"{\"value\":", b"[1,2", b",3]}"]).await;
    let response = HttpTransport::new()
        .unwrap()
        .send(request(Method::GET, &url, b""))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(&response.body()[..], b"{\"value\":[1,2,3]}");
}

#[tokio::test]
async fn a_chunked_body_past_the_limit_is_refused_once_the_chunks_pass_it() {
    use intune_osimages_transport::{ResponseBodyLimit, TransportErrorKind};
    // Each chunk is within the limit; together they are not.
    let url = chunked_server(&[b"0123456789", b"0123456789", b"0123456789"]).await;
    let mut sent = request(Method::GET, &url, b"");
    sent.extensions_mut().insert(ResponseBodyLimit(25));
    let error = HttpTransport::new().unwrap().send(sent).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::LimitExceeded, "{error}");
}
