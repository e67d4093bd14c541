//! A secret the client holds is never printed, even when a server echoes it back: an authority that quotes the form
//! body, a Graph (or gateway) that quotes the `Authorization` header.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use intune_osimages::transport::ManualClock;
use intune_osimages::{Client, Cloud};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

// `~` and `/` are form-encoded as `%7E` and `%2F`, as a real echo would quote them.
const CLIENT_SECRET: &str = "cs-ECHO~secret/4242";
const TOKEN: &str = "tok-ECHO-secret-9999";

/// Answers with a body that quotes the request: its form body, or its `Authorization` header.
struct Echo(u16, bool);

impl Respond for Echo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let Echo(status, graph_shape) = *self;
        let quoted = if graph_shape {
            let authorization = request
                .headers
                .get("authorization")
                .unwrap()
                .to_str()
                .unwrap();
            json!({"error": {"code": "Unauthorized", "message": format!("rejected Authorization: {authorization}")}})
        } else {
            let form = String::from_utf8_lossy(&request.body).into_owned();
            json!({"error": "invalid_request", "error_description": format!("AADSTS900144: bad body: {form}")})
        };
        ResponseTemplate::new(status).set_body_json(quoted)
    }
}

fn assert_masked(text: &str) {
    assert!(!text.contains(CLIENT_SECRET), "{text}");
    assert!(!text.contains("cs-ECHO%7Esecret%2F4242"), "{text}");
    assert!(!text.contains(TOKEN), "{text}");
}

#[tokio::test]
async fn an_authority_echoing_the_form_does_not_print_the_client_secret() {
    let authority = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(Echo(400, false))
        .mount(&authority)
        .await;
    let graph = MockServer::start().await;
    let client = Client::builder()
        .cloud(Cloud::Custom {
            base_url: format!("{}/beta", graph.uri()),
            authority: Some(authority.uri()),
            scope: Some("https://graph.example/.default".into()),
        })
        .client_credentials("tenant", "app", CLIENT_SECRET)
        .clock(Arc::new(ManualClock::new()))
        .build()
        .unwrap();

    let error = client.os_images().get("a").await.unwrap_err();

    let text = format!("{error} {error:?}");
    assert!(text.contains("AADSTS900144"), "the reason is kept: {text}");
    assert!(text.contains("client_secret=<redacted>"), "{text}");
    assert_masked(&text);
}

#[tokio::test]
async fn graph_echoing_the_authorization_header_does_not_print_the_token() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(Echo(401, true))
        .mount(&graph)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/beta", graph.uri()))
        .token(TOKEN)
        .build()
        .unwrap();

    let error = client.os_images().get("a").await.unwrap_err();

    let graph_error = error.as_graph().unwrap();
    assert_eq!(graph_error.status, 401);
    assert!(
        graph_error.message.contains("Bearer <redacted>"),
        "{}",
        graph_error.message
    );
    assert_masked(&format!("{error} {error:?} {}", graph_error.body));
}
