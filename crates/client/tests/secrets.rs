//! Secrets stay secret: a recognisable bearer token and a recognisable client secret go through every operation (and
//! through error paths, retries and redirects) with every log at TRACE captured, and appear in no log line, no
//! `Debug` output and no error message. Credentials never reach a host other than the configured Graph and authority
//! hosts: a redirect to another origin carries no `Authorization` (nor the client secret), a write is not re-sent
//! there, and a next link to another origin is not followed at all.
//!
//! A secret the client holds is never printed, even when a server echoes it back: an authority that quotes the form
//! body, a Graph (or gateway) that quotes the `Authorization` header.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, OnceLock};

use futures::StreamExt;
use intune_osimages::transport::{ManualClock, RetryPolicy};
use intune_osimages::{Client, Cloud, Error, OsImagePatch};
use intune_osimages_transport::test_util::LogCapture;
use serde_json::json;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "tok-SECRET-1234567890";
const CLIENT_SECRET: &str = "cs-SECRET-0987654321";
const ISSUED_TOKEN: &str = "tok-ISSUED-SECRET-5555";
const SECRETS: [&str; 3] = [TOKEN, CLIENT_SECRET, ISSUED_TOKEN];
const TENANT: &str = "contoso-tenant";
const CLIENT_ID: &str = "app-client-id";
const COLLECTION: &str = "/beta/deviceManagement/managedDeviceWindowsOSImages";

/// Everything any subscriber-visible code logged in this test process, at every level.
fn logs() -> &'static LogCapture {
    static LOGS: OnceLock<LogCapture> = OnceLock::new();
    LOGS.get_or_init(|| {
        let capture = LogCapture::new();
        // `try_init` also routes the `log` crate's records (reqwest, hyper) into the same buffer.
        tracing_subscriber::fmt()
            // Everything at TRACE except the mock servers' own logs: they print whole requests, as a test
            // server may, and they are not the code under test.
            .with_env_filter(tracing_subscriber::EnvFilter::new("trace,wiremock=off"))
            .with_ansi(false)
            .with_writer(capture.clone())
            .try_init()
            .expect("the only subscriber in this test binary");
        capture
    })
}

fn logged() -> String {
    logs().text()
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(
            !text.contains(secret),
            "{what} contains the secret {secret:?}:\n{text}"
        );
    }
}

fn image(id: &str) -> serde_json::Value {
    json!({"id": id, "supportedEditions": [{"editionType": "enterprise", "supportEndDate": "2027-10-12"}],
        "supportedArchitectures": ["x64"], "availableUpdates": []})
}

fn error_body(code: &str) -> serde_json::Value {
    json!({"error": {"code": code, "message": code, "innerError": {"request-id": "r", "client-request-id": "c"}}})
}

/// A Graph stand-in answering every operation, a second page, and a few errors.
async fn graph() -> MockServer {
    let server = MockServer::start().await;
    let second = format!("{}{COLLECTION}?page=2", server.uri());
    let routes: Vec<(&str, String, ResponseTemplate)> = vec![
        (
            "GET",
            format!("{COLLECTION}/$count"),
            ResponseTemplate::new(200).set_body_raw("2", "text/plain"),
        ),
        (
            "GET",
            format!("{COLLECTION}/a/getAllManagedDeviceWindowsOSImages()"),
            ResponseTemplate::new(200).set_body_json(json!({"value": [image("a"), image("b")]})),
        ),
        (
            "GET",
            format!("{COLLECTION}/a"),
            ResponseTemplate::new(200).set_body_json(image("a")),
        ),
        (
            "GET",
            format!("{COLLECTION}/missing"),
            ResponseTemplate::new(404).set_body_json(error_body("NotFound")),
        ),
        (
            "GET",
            format!("{COLLECTION}/throttled"),
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(error_body("TooManyRequests")),
        ),
        (
            "GET",
            format!("{COLLECTION}/denied"),
            ResponseTemplate::new(401)
                .insert_header(
                    "www-authenticate",
                    r#"Bearer realm="", error="insufficient_claims", claims="eyJ9""#,
                )
                .set_body_json(error_body("InvalidAuthenticationToken")),
        ),
        (
            "POST",
            COLLECTION.to_owned(),
            ResponseTemplate::new(201).set_body_json(image("new")),
        ),
        (
            "PATCH",
            format!("{COLLECTION}/a"),
            ResponseTemplate::new(200).set_body_json(image("a")),
        ),
        (
            "DELETE",
            format!("{COLLECTION}/a"),
            ResponseTemplate::new(204),
        ),
    ];
    for (verb, route, answer) in routes {
        Mock::given(method(verb))
            .and(path(route))
            .respond_with(answer)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(wiremock::matchers::query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [image("b")]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(wiremock::matchers::query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [image("a")], "@odata.nextLink": second})),
        )
        .mount(&server)
        .await;
    server
}

/// Runs every operation and a few failures; returns the `Debug` and `Display` text of every result.
async fn every_operation(client: &Client) -> Vec<String> {
    let images = client.os_images();
    let mut seen = Vec::new();
    let listed: Vec<_> = images.list().stream().collect().await;
    assert_eq!(listed.len(), 2, "both pages were read: {listed:?}");
    seen.push(format!("{listed:?}"));
    seen.push(format!("{:?}", images.get("a").await.unwrap()));
    let created = images.create_json(image("new")).allow_read_only().await;
    seen.push(format!("{:?}", created.unwrap()));
    let patch = OsImagePatch::new().property("displayName", json!("x"));
    seen.push(format!("{:?}", images.update("a", &patch).await.unwrap()));
    seen.push(format!("{:?}", images.get_all("a").all().await.unwrap()));
    assert_eq!(images.count().await.unwrap(), 2);
    images.delete("a").await.unwrap();
    let mut failures: Vec<Error> = Vec::new();
    for failing in ["missing", "throttled", "denied"] {
        failures.push(images.get(failing).await.unwrap_err());
    }
    // A validation failure (a read-only property under the default policy) too.
    let refused = OsImagePatch::new().supported_architectures([]);
    failures.push(images.update("a", &refused).await.unwrap_err());
    for error in failures {
        seen.push(format!("{error:?}"));
        seen.push(error.to_string());
    }
    seen.push(format!("{client:?}"));
    seen.push(format!("{images:?}"));
    seen
}

fn authorizations(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .filter_map(|r| r.headers.get("authorization"))
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_static_token_appears_in_no_log_debug_output_or_error() {
    logs();
    let server = graph().await;
    let client = Client::builder()
        .base_url(format!("{}/beta", server.uri()))
        .token(TOKEN)
        .clock(Arc::new(ManualClock::new()))
        .build()
        .unwrap();

    let texts = every_operation(&client).await;

    let requests = server.received_requests().await.unwrap();
    assert!(requests.len() >= 10);
    let expected = format!("Bearer {TOKEN}");
    assert!(
        authorizations(&requests).iter().all(|a| *a == expected),
        "the token was really used"
    );
    for text in &texts {
        assert_no_secret("Debug or Display output", text);
    }
    let logs = logged();
    assert!(
        logs.contains("osimages.operation") && logs.contains("retrying"),
        "the capture works"
    );
    assert_no_secret("the TRACE log", &logs);
}

async fn authority() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": ISSUED_TOKEN, "expires_in": 3600, "token_type": "Bearer"}),
        ))
        .mount(&server)
        .await;
    server
}

fn credentials_client(graph_base: &str, authority: &str) -> Client {
    Client::builder()
        .cloud(Cloud::Custom {
            base_url: format!("{graph_base}/beta"),
            authority: Some(authority.to_owned()),
            scope: Some("https://graph.example/.default".to_owned()),
        })
        .client_credentials(TENANT, CLIENT_ID, CLIENT_SECRET)
        .clock(Arc::new(ManualClock::new()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_client_secret_and_the_token_it_buys_appear_in_no_log_debug_output_or_error() {
    logs();
    let graph = graph().await;
    let authority = authority().await;
    let client = credentials_client(&graph.uri(), &authority.uri());

    let texts = every_operation(&client).await;

    let token_requests = authority.received_requests().await.unwrap();
    assert_eq!(token_requests.len(), 1, "one token, cached");
    assert!(
        String::from_utf8_lossy(&token_requests[0].body).contains(CLIENT_SECRET),
        "the secret really went to the authority"
    );
    let expected = format!("Bearer {ISSUED_TOKEN}");
    let graph_requests = graph.received_requests().await.unwrap();
    assert!(
        authorizations(&graph_requests)
            .iter()
            .all(|a| *a == expected)
    );
    for request in &graph_requests {
        assert!(
            !String::from_utf8_lossy(&request.body).contains(CLIENT_SECRET),
            "the client secret never goes to Graph"
        );
    }
    for text in &texts {
        assert_no_secret("Debug or Display output", text);
    }
    assert_no_secret("the TRACE log", &logged());
}

#[tokio::test]
async fn a_failing_authority_error_names_no_secret() {
    logs();
    let graph = graph().await;
    let authority = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": "AADSTS7000215: Invalid client secret provided."
        })))
        .mount(&authority)
        .await;
    let client = credentials_client(&graph.uri(), &authority.uri());

    let error = client.os_images().get("a").await.unwrap_err();

    assert!(error.to_string().contains("invalid_client"), "{error}");
    assert_no_secret("the error", &format!("{error} {error:?}"));
    assert!(
        graph.received_requests().await.unwrap().is_empty(),
        "nothing went to Graph without a token"
    );
    assert_no_secret("the TRACE log", &logged());
}

#[tokio::test]
async fn a_redirect_to_another_origin_carries_no_authorization() {
    logs();
    let first = MockServer::start().await;
    let second = MockServer::start().await;
    Mock::given(path_regex(".*"))
        .respond_with(ResponseTemplate::new(200).set_body_json(image("a")))
        .mount(&second)
        .await;
    for verb in ["GET", "PATCH"] {
        Mock::given(method(verb))
            .respond_with(
                ResponseTemplate::new(307)
                    .insert_header("location", format!("{}{COLLECTION}/a", second.uri())),
            )
            .mount(&first)
            .await;
    }
    let client = Client::builder()
        .base_url(format!("{}/beta", first.uri()))
        .token(TOKEN)
        .build()
        .unwrap();

    client.os_images().get("a").await.unwrap();
    // A write is never re-sent to another origin (nor, so, its body): the redirect is an error naming its target.
    let refused = client
        .os_images()
        .update(
            "a",
            &OsImagePatch::new().property("displayName", json!("x")),
        )
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("307"), "{refused}");
    assert!(refused.to_string().contains(&second.uri()), "{refused}");
    assert_no_secret("the error", &format!("{refused} {refused:?}"));

    assert_eq!(
        authorizations(&first.received_requests().await.unwrap()),
        [format!("Bearer {TOKEN}"), format!("Bearer {TOKEN}")]
    );
    let moved = second.received_requests().await.unwrap();
    assert_eq!(moved.len(), 1, "only the GET's redirect was followed");
    assert_eq!(moved[0].method.as_str(), "GET");
    for request in &moved {
        assert!(
            request.headers.get("authorization").is_none(),
            "{request:?}"
        );
        for (name, value) in &request.headers {
            assert_no_secret(name.as_str(), value.to_str().unwrap_or(""));
        }
    }
}

#[tokio::test]
async fn a_token_request_redirected_to_another_origin_does_not_carry_the_secret_there() {
    logs();
    let graph = graph().await;
    let authority = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(307).insert_header(
            "location",
            format!("{}/{TENANT}/oauth2/v2.0/token", elsewhere.uri()),
        ))
        .mount(&authority)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": ISSUED_TOKEN, "expires_in": 3600, "token_type": "Bearer"}),
        ))
        .mount(&elsewhere)
        .await;
    let client = credentials_client(&graph.uri(), &authority.uri());

    let result = client.os_images().get("a").await;

    for request in elsewhere.received_requests().await.unwrap() {
        let body = String::from_utf8_lossy(&request.body);
        assert!(
            !body.contains(CLIENT_SECRET),
            "the client secret was sent to another origin: {body}"
        );
    }
    assert!(
        elsewhere.received_requests().await.unwrap().is_empty(),
        "a token request follows no redirect"
    );
    let error = result.expect_err("no token could be had from the configured authority");
    assert!(error.to_string().contains("redirect"), "{error}");
    assert_no_secret("the error", &format!("{error} {error:?}"));
    assert!(graph.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_never_requested() {
    logs();
    let first = MockServer::start().await;
    let second = MockServer::start().await;
    Mock::given(path_regex(".*"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [image("b")]})))
        .mount(&second)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [image("a")],
            "@odata.nextLink": format!("{}{COLLECTION}?$skiptoken=2", second.uri())
        })))
        .mount(&first)
        .await;
    let client = Client::builder()
        .base_url(format!("{}/beta", first.uri()))
        .token(TOKEN)
        .retry_policy(RetryPolicy::default())
        .build()
        .unwrap();

    let items: Vec<_> = client.os_images().list().stream().collect().await;

    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(
        items[0].as_ref().unwrap().id.as_deref(),
        Some("a"),
        "the page is handed out first"
    );
    let error = items[1].as_ref().unwrap_err();
    assert!(error.to_string().contains("refused to follow"), "{error}");
    assert!(!error.may_have_been_sent());
    assert_no_secret("the error", &format!("{error} {error:?}"));
    assert!(
        second.received_requests().await.unwrap().is_empty(),
        "no request at all went to the other origin"
    );
}

// ---------------------------------------------------------------- servers that echo a secret back

// `~` and `/` are form-encoded as `%7E` and `%2F`, as a real echo would quote them.
const ECHO_CLIENT_SECRET: &str = "cs-ECHO~secret/4242";
const ECHO_TOKEN: &str = "tok-ECHO-secret-9999";

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
    assert!(!text.contains(ECHO_CLIENT_SECRET), "{text}");
    assert!(!text.contains("cs-ECHO%7Esecret%2F4242"), "{text}");
    assert!(!text.contains(ECHO_TOKEN), "{text}");
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
        .client_credentials("tenant", "app", ECHO_CLIENT_SECRET)
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
        .token(ECHO_TOKEN)
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
