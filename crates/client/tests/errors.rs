//! How Graph's error answers and transport failures become [`Error`]s: the kind, Graph's code, the ids to quote to
//! support, `Retry-After`, bodies that are not JSON, the JSON path of a value that does not fit, claims challenges.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use intune_osimages::transport::{ManualClock, RetryPolicy, TransportErrorKind};
use intune_osimages::{Client, Error, ErrorKind, GraphErrorCode};
use serde_json::json;
use support::{
    COLLECTION, bounded, client, client_with_clock, client_with_policy, header, image_body,
    json_response, received, request_count, resource,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn not_found_is_a_graph_error_with_code_and_ids() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{COLLECTION}/Windows%2012%2099H9")))
        .respond_with(json_response(
            404,
            &resource("error_not_found.json"),
            "header-request-id",
        ))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .os_images()
        .get("Windows 12 99H9")
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Graph);
    assert_eq!(error.status(), Some(404));
    assert_eq!(
        error.request_id(),
        Some("0f1e2d3c-0000-4000-8000-00000000a404")
    );
    let graph = error.as_graph().unwrap();
    assert_eq!(graph.code, "NotFound");
    assert_eq!(graph.error_code(), GraphErrorCode::NotFound);
    assert!(error.as_transport().is_none() && error.as_decode().is_none());
    assert_eq!(
        graph.message,
        "Resource not found: managedDeviceWindowsOperatingSystemImage 'Windows 12 99H9'"
    );
    assert_eq!(
        graph.client_request_id.as_deref(),
        Some("11111111-2222-4333-8444-555555555555")
    );
    assert_eq!(graph.date.as_deref(), Some("2026-02-03T10:11:12"));
    assert_eq!(graph.retry_after, None);
    assert!(graph.is_graph_body());
    let shown = error.to_string();
    assert!(
        shown.contains("404") && shown.contains("NotFound"),
        "{shown}"
    );
    assert!(
        shown.contains("0f1e2d3c-0000-4000-8000-00000000a404"),
        "{shown}"
    );
}

#[tokio::test]
async fn forbidden_is_a_graph_error_and_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .respond_with(json_response(
            403,
            &resource("error_forbidden.json"),
            "header-request-id",
        ))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server).os_images().list().page().await.unwrap_err();

    let graph = error.as_graph().expect("a Graph error");
    assert_eq!((graph.status, graph.code.as_str()), (403, "Forbidden"));
    assert_eq!(
        error.request_id(),
        Some("0f1e2d3c-0000-4000-8000-00000000a403")
    );
    assert!(
        graph
            .message
            .contains("DeviceManagementConfiguration.Read.All")
    );
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn throttling_after_every_retry_keeps_retry_after_and_takes_no_real_time() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .respond_with(
            json_response(429, &resource("error_throttled.json"), "header-request-id")
                .insert_header("retry-after", "7"),
        )
        .expect(4)
        .mount(&server)
        .await;
    let clock = ManualClock::new();

    let started = std::time::Instant::now();
    let error = client_with_clock(&server, &clock)
        .os_images()
        .list()
        .page()
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(7),
        "the manual clock does the waiting"
    );

    let graph = error.as_graph().expect("a Graph error");
    assert_eq!(
        (graph.status, graph.code.as_str()),
        (429, "TooManyRequests")
    );
    assert_eq!(
        error.request_id(),
        Some("0f1e2d3c-0000-4000-8000-00000000a429")
    );
    assert_eq!(graph.retry_after, Some(Duration::from_secs(7)));
    assert!(error.to_string().contains("retry after 7 s"), "{error}");
    assert_eq!(
        clock.slept(),
        [Duration::from_secs(7); 3],
        "three retries, each waiting Retry-After"
    );

    let requests = received(&server).await;
    assert_eq!(
        requests.len(),
        4,
        "the first attempt and the default three retries"
    );
    let attempts: Vec<Option<&str>> = requests
        .iter()
        .map(|r| header(r, "retry-attempt"))
        .collect();
    assert_eq!(attempts, [None, Some("1"), Some("2"), Some("3")]);
    let ids: Vec<Option<&str>> = requests
        .iter()
        .map(|r| header(r, "client-request-id"))
        .collect();
    assert!(
        ids.iter().all(|id| id.is_some() && *id == ids[0]),
        "one client-request-id per call: {ids:?}"
    );
}

#[tokio::test]
async fn a_gateway_page_that_is_not_json_keeps_its_text() {
    let server = MockServer::start().await;
    let html = resource("bad_gateway.html");
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(502)
                .insert_header("request-id", "edge-7")
                .set_body_raw(html.clone(), "text/html"),
        )
        .mount(&server)
        .await;

    let error = client(&server)
        .os_images()
        .get("Windows 11 24H2")
        .await
        .unwrap_err();

    let graph = error.as_graph().expect("a Graph error");
    assert_eq!(graph.status, 502);
    assert_eq!(graph.body, html, "the whole body is kept");
    assert!(!graph.is_graph_body());
    assert_eq!(graph.code, "");
    assert_eq!(
        error.request_id(),
        Some("edge-7"),
        "the header's request-id when the body has none"
    );
    let shown = error.to_string();
    assert!(shown.contains("502 Bad Gateway"), "{shown}");
}

#[tokio::test]
async fn a_value_of_the_wrong_type_names_its_json_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_response(
            200,
            &resource("list_wrong_type.json"),
            "req-decode-1",
        ))
        .mount(&server)
        .await;

    let error = client(&server).os_images().list().page().await.unwrap_err();

    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.path, "value[1].supportedEditions[0].supportEndDate");
    assert_eq!(decode.status, 200);
    assert_eq!(error.request_id(), Some("req-decode-1"));
    assert!(
        error
            .to_string()
            .contains("value[1].supportedEditions[0].supportEndDate"),
        "{error}"
    );
}

#[tokio::test]
async fn a_bad_date_names_its_path_and_the_value() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_response(
            200,
            r#"{"id":"x","supportedEditions":[{"editionType":"enterprise","supportEndDate":"2027-10-12T00:00:00Z"}]}"#,
            "req-decode-2",
        ))
        .mount(&server)
        .await;
    let error = client(&server).os_images().get("x").await.unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.path, "supportedEditions[0].supportEndDate");
    assert!(
        decode.message.contains("2027-10-12T00:00:00Z"),
        "{}",
        decode.message
    );
}

#[tokio::test]
async fn a_claims_challenge_is_exposed() {
    let server = MockServer::start().await;
    let challenge = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZX19fQ==""#;
    Mock::given(method("GET"))
        .respond_with(
            json_response(
                401,
                &resource("error_unauthorized.json"),
                "header-request-id",
            )
            .insert_header("www-authenticate", challenge),
        )
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server).os_images().count().await.unwrap_err();

    let graph = error.as_graph().expect("a Graph error");
    assert_eq!(
        (graph.status, graph.code.as_str()),
        (401, "InvalidAuthenticationToken")
    );
    assert_eq!(
        graph.claims.as_deref(),
        Some("eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZX19fQ==")
    );
    assert_eq!(
        error.request_id(),
        Some("0f1e2d3c-0000-4000-8000-00000000a401")
    );
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_that_was_never_sent() {
    // A port that was free a moment ago and has nothing listening now.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let clock = ManualClock::new();
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}/beta"))
        .token(support::TOKEN)
        .clock(std::sync::Arc::new(clock.clone()))
        .build()
        .unwrap();

    let error = client.os_images().get("Windows 11 24H2").await.unwrap_err();

    let Error::Transport(transport) = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::Connect);
    assert!(!transport.may_have_been_sent());
    assert!(!error.may_have_been_sent());
    assert_eq!(error.request_id(), None);
    assert_eq!(
        clock.slept().len(),
        3,
        "connect failures are retried, on the manual clock"
    );
    assert!(!format!("{error:?} {error}").contains(support::TOKEN));
}

#[tokio::test]
async fn a_slow_server_behind_the_default_transport_is_the_per_attempt_timeout() {
    // The built-in HTTP transport has no timeout of its own (the per-attempt timeout bounds it), so the error a
    // caller sees is the stage's, naming the client's setting.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let mut builder = Client::builder().timeout(Duration::from_millis(300));
    builder = builder
        .retry_policy(RetryPolicy::none())
        .token(support::TOKEN);
    let client = builder.base_url(format!("{}/beta", server.uri())).build();

    let error = client.unwrap().os_images().list().page().await.unwrap_err();

    let Error::Transport(transport) = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(
        (
            transport.kind(),
            transport.may_have_been_sent(),
            transport.message()
        ),
        (
            TransportErrorKind::Timeout,
            true,
            "no answer within the per-attempt timeout of 0.3 s"
        )
    );
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn with_retries_off_a_throttled_call_is_sent_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            json_response(429, &resource("error_throttled.json"), "h")
                .insert_header("retry-after", "1"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/beta", server.uri()))
        .token(support::TOKEN)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.os_images().list().page().await.unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(
        error.as_graph().unwrap().retry_after,
        Some(Duration::from_secs(1))
    );
}

// ---------------------------------------------------------------- bodies that are not what they claim, through the real HTTP transport

#[tokio::test]
async fn truncated_json_is_a_decode_error_naming_where_it_stopped() {
    let server = MockServer::start().await;
    let full = serde_json::to_string(&image_body("Windows 11 24H2")).unwrap();
    // Cut at several places, including inside a string and between tokens.
    let cuts = [1, 7, full.len() / 2, full.len() - 1];
    for cut in cuts {
        server.reset().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(full[..cut].to_owned(), "application/json"),
            )
            .mount(&server)
            .await;
        let client = client_with_policy(&server.uri(), &ManualClock::new(), RetryPolicy::default());

        let error = bounded(client.os_images().get("Windows 11 24H2"))
            .await
            .unwrap_err();

        let Error::Decode(decode) = &error else {
            panic!("cut at {cut}: expected a decode error, got {error:?}");
        };
        assert_eq!(decode.status, 200);
        assert!(
            decode.message.contains("EOF") || decode.message.contains("end of"),
            "cut at {cut}: {error}"
        );
        assert!(
            error.to_string().contains("could not read Graph's answer"),
            "{error}"
        );
        assert_eq!(
            request_count(&server).await,
            1,
            "a decode failure is not retried"
        );
    }
}

#[tokio::test]
async fn a_truncated_page_is_a_decode_error_not_a_short_list() {
    let server = MockServer::start().await;
    let page = json!({"value": [image_body("a"), image_body("b")]}).to_string();
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(page[..page.len() - 10].to_owned(), "application/json"),
        )
        .mount(&server)
        .await;
    let client = client_with_policy(&server.uri(), &ManualClock::new(), RetryPolicy::default());

    let result: Result<Vec<_>, _> = bounded(client.os_images().list().all()).await;

    assert!(matches!(result, Err(Error::Decode(_))), "{result:?}");
}

#[tokio::test]
async fn a_200_with_an_html_body_is_a_decode_error_that_says_so() {
    let server = MockServer::start().await;
    let html = "<!DOCTYPE html><html><body><h1>Sign in to your proxy</h1></body></html>";
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-id", "html-rid")
                .set_body_raw(html, "text/html; charset=utf-8"),
        )
        .mount(&server)
        .await;
    let client = client_with_policy(&server.uri(), &ManualClock::new(), RetryPolicy::default());

    for result in [
        bounded(client.os_images().get("a")).await.map(|_| ()),
        bounded(client.os_images().list().page()).await.map(|_| ()),
    ] {
        let error = result.unwrap_err();
        let Error::Decode(decode) = &error else {
            panic!("expected a decode error, got {error:?}");
        };
        assert_eq!(decode.status, 200);
        assert_eq!(error.request_id(), Some("html-rid"));
        let text = error.to_string();
        assert!(text.contains("text/html"), "names the content type: {text}");
        assert!(text.contains("not JSON"), "says it is not JSON: {text}");
    }
}
