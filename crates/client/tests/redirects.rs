//! With every transport a client can be built with, a redirect never carries the client secret, a write or a body
//! to another origin, while a same-origin redirect of a GET still works.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use intune_osimages::transport::{ManualClock, TransportErrorKind};
use intune_osimages::{Client, ClientBuilder, Cloud, Error, OsImagePatch};
use intune_osimages_http::HttpTransport;
use serde_json::json;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TENANT: &str = "contoso";
const CLIENT_ID: &str = "app-id";
const CLIENT_SECRET: &str = "cs-SECRET-redirect-7777";
const TOKEN: &str = "tok-SECRET-redirect-8888";
const COLLECTION: &str = "/beta/deviceManagement/managedDeviceWindowsOSImages";

/// The ways to build a client's transport: the builder's default, an explicit `HttpTransport` (the only way to pick
/// a proxy or native TLS), and, where built, native TLS.
fn transports() -> Vec<(&'static str, Option<HttpTransport>)> {
    let all = vec![
        ("the default transport", None),
        (
            "an explicit HttpTransport::new()",
            Some(HttpTransport::new().unwrap()),
        ),
    ];
    #[cfg(feature = "native-tls")]
    let all = {
        let mut all = all;
        all.push((
            "HttpTransport with native-tls",
            Some(HttpTransport::builder().native_tls().build().unwrap()),
        ));
        all
    };
    all
}

fn with_transport(builder: ClientBuilder, transport: Option<HttpTransport>) -> ClientBuilder {
    let builder = builder.clock(Arc::new(ManualClock::new()));
    match transport {
        Some(transport) => builder.transport(transport),
        None => builder,
    }
}

/// A client for `graph` with a static token, over `transport` (or the builder's default).
fn graph_client(graph: &MockServer, transport: Option<HttpTransport>) -> Client {
    with_transport(
        Client::builder()
            .base_url(format!("{}/beta", graph.uri()))
            .token(TOKEN),
        transport,
    )
    .build()
    .unwrap()
}

fn image(id: &str) -> serde_json::Value {
    json!({"id": id, "supportedEditions": [], "supportedArchitectures": ["x64"], "availableUpdates": []})
}

async fn catch_all(status: u16, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path_regex(".*"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_redirected_token_request_never_delivers_the_client_secret_elsewhere() {
    for (name, transport) in transports() {
        for status in [307, 308, 301, 302] {
            let graph = catch_all(200, image("a")).await;
            let elsewhere = catch_all(
                200,
                json!({"access_token": "stolen", "expires_in": 3600, "token_type": "Bearer"}),
            )
            .await;
            let authority = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(ResponseTemplate::new(status).insert_header(
                    "location",
                    format!("{}/{TENANT}/oauth2/v2.0/token", elsewhere.uri()),
                ))
                .mount(&authority)
                .await;
            let client = with_transport(
                Client::builder()
                    .cloud(Cloud::Custom {
                        base_url: format!("{}/beta", graph.uri()),
                        authority: Some(authority.uri()),
                        scope: Some("https://graph.example/.default".into()),
                    })
                    .client_credentials(TENANT, CLIENT_ID, CLIENT_SECRET),
                transport.clone(),
            )
            .build()
            .unwrap();

            let error = client.os_images().get("a").await.unwrap_err();

            assert!(
                elsewhere.received_requests().await.unwrap().is_empty(),
                "{name}, {status}: the token request reached another origin"
            );
            assert!(
                graph.received_requests().await.unwrap().is_empty(),
                "{name}, {status}: no token, no Graph call"
            );
            let text = format!("{error} {error:?}");
            assert!(text.contains("redirect"), "{name}, {status}: {text}");
            assert!(text.contains(&status.to_string()), "{name}: {text}");
            assert!(!text.contains(CLIENT_SECRET), "{name}: {text}");
        }
    }
}

#[tokio::test]
async fn a_delete_or_patch_redirected_to_another_origin_is_not_re_sent() {
    for (name, transport) in transports() {
        for status in [301, 302, 303, 307, 308] {
            let elsewhere = catch_all(200, image("a")).await;
            let graph = MockServer::start().await;
            Mock::given(path_regex(".*"))
                .respond_with(
                    ResponseTemplate::new(status)
                        .insert_header("location", format!("{}{COLLECTION}/a", elsewhere.uri())),
                )
                .mount(&graph)
                .await;
            let client = graph_client(&graph, transport.clone());

            let deleted = client.os_images().delete("a").await.unwrap_err();
            let patched = client
                .os_images()
                .update(
                    "a",
                    &OsImagePatch::new().property("displayName", json!("x")),
                )
                .await
                .unwrap_err();

            for error in [&deleted, &patched] {
                let Error::Transport(transport_error) = error else {
                    panic!("{name}, {status}: not a transport error: {error}");
                };
                assert_eq!(
                    transport_error.kind(),
                    TransportErrorKind::Redirect,
                    "{error}"
                );
                assert!(error.to_string().contains(&status.to_string()), "{error}");
                assert!(error.to_string().contains(&elsewhere.uri()), "{error}");
                assert!(!format!("{error:?}").contains(TOKEN), "{error:?}");
            }
            assert!(
                elsewhere.received_requests().await.unwrap().is_empty(),
                "{name}, {status}: a write reached another origin"
            );
            assert_eq!(
                graph.received_requests().await.unwrap().len(),
                2,
                "{name}, {status}: each write sent once and not retried"
            );
        }
    }
}

#[tokio::test]
async fn a_same_origin_redirect_of_a_get_still_works() {
    for (name, transport) in transports() {
        for status in [301, 302, 307, 308] {
            let graph = MockServer::start().await;
            Mock::given(path(format!("{COLLECTION}/old")))
                .respond_with(
                    ResponseTemplate::new(status)
                        .insert_header("location", format!("{COLLECTION}/a")),
                )
                .mount(&graph)
                .await;
            Mock::given(path(format!("{COLLECTION}/a")))
                .respond_with(ResponseTemplate::new(200).set_body_json(image("a")))
                .mount(&graph)
                .await;
            let client = graph_client(&graph, transport.clone());

            let image = client.os_images().get("old").await.unwrap();

            assert_eq!(image.id.as_deref(), Some("a"), "{name}, {status}");
            let received = graph.received_requests().await.unwrap();
            assert_eq!(received.len(), 2);
            assert_eq!(
                received[1].headers["authorization"],
                format!("Bearer {TOKEN}"),
                "{name}: the same origin keeps the token"
            );
        }
    }
}
