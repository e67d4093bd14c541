//! OAuth2 client credentials against a mock token authority: the token request, caching, refresh, one fetch under
//! concurrency, failures, and secrets kept out of `Debug` and errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use intune_osimages::{Client, Cloud, Error, ErrorKind};
use support::{COLLECTION, header, json_response, received, resource};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TENANT: &str = "contoso-tenant-1";
const CLIENT_ID: &str = "app-5d2e";
const SECRET: &str = "very-secret-Q8~value";
const SCOPE: &str = "https://graph.example.test/.default";

/// Answers each token request with a new token, `token-1`, `token-2`, ..., valid for `expires_in` seconds.
struct Tokens {
    issued: AtomicUsize,
    expires_in: u64,
    delay: Duration,
}

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({
                "token_type": "Bearer",
                "expires_in": self.expires_in,
                "ext_expires_in": self.expires_in,
                "access_token": format!("token-{n}"),
            }))
            .set_delay(self.delay)
    }
}

async fn authority(expires_in: u64, delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .respond_with(Tokens {
            issued: AtomicUsize::new(0),
            expires_in,
            delay,
        })
        .mount(&server)
        .await;
    server
}

async fn graph() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{COLLECTION}/Windows%2011%2022H2")))
        .respond_with(json_response(200, &resource("image.json"), "req-cc"))
        .mount(&server)
        .await;
    server
}

fn client(graph: &MockServer, authority: &MockServer) -> Client {
    Client::builder()
        .cloud(Cloud::Custom {
            base_url: format!("{}/beta", graph.uri()),
            authority: Some(authority.uri()),
            scope: Some(SCOPE.to_owned()),
        })
        .client_credentials(TENANT, CLIENT_ID, SECRET)
        .build()
        .unwrap()
}

fn bearers(requests: &[Request]) -> Vec<&str> {
    requests
        .iter()
        .map(|r| header(r, "authorization").unwrap_or(""))
        .collect()
}

#[tokio::test]
async fn the_token_request_carries_the_client_credentials_form() {
    let (graph, authority) = (graph().await, authority(3599, Duration::ZERO).await);
    client(&graph, &authority)
        .os_images()
        .get("Windows 11 22H2")
        .await
        .unwrap();

    let token_requests = received(&authority).await;
    assert_eq!(token_requests.len(), 1);
    let request = &token_requests[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), format!("/{TENANT}/oauth2/v2.0/token"));
    assert_eq!(
        header(request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        header(request, "authorization"),
        None,
        "the token request carries no bearer token"
    );
    let mut form: Vec<(String, String)> = url::form_urlencoded::parse(&request.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    form.sort();
    assert_eq!(
        form,
        [
            ("client_id".to_owned(), CLIENT_ID.to_owned()),
            ("client_secret".to_owned(), SECRET.to_owned()),
            ("grant_type".to_owned(), "client_credentials".to_owned()),
            ("scope".to_owned(), SCOPE.to_owned()),
        ]
    );

    assert_eq!(bearers(&received(&graph).await), ["Bearer token-1"]);
}

#[tokio::test]
async fn ten_calls_share_one_token() {
    let (graph, authority) = (graph().await, authority(3599, Duration::ZERO).await);
    let client = client(&graph, &authority);
    for _ in 0..10 {
        client.os_images().get("Windows 11 22H2").await.unwrap();
    }
    assert_eq!(received(&authority).await.len(), 1);
    assert_eq!(bearers(&received(&graph).await), ["Bearer token-1"; 10]);
}

#[tokio::test]
async fn a_token_is_refreshed_once_it_nears_expiry() {
    // expires_in 1 s: the token is replaced a tenth of its lifetime before it runs out.
    let (graph, authority) = (graph().await, authority(1, Duration::ZERO).await);
    let client = client(&graph, &authority);
    client.os_images().get("Windows 11 22H2").await.unwrap();
    client.os_images().get("Windows 11 22H2").await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.os_images().get("Windows 11 22H2").await.unwrap();

    assert_eq!(received(&authority).await.len(), 2);
    assert_eq!(
        bearers(&received(&graph).await),
        ["Bearer token-1", "Bearer token-1", "Bearer token-2"]
    );
}

#[tokio::test]
async fn concurrent_first_calls_wait_for_one_token_request() {
    let (graph, authority) = (
        graph().await,
        authority(3599, Duration::from_millis(200)).await,
    );
    let client = client(&graph, &authority);
    let images = client.os_images();
    let calls = (0..10).map(|_| images.get("Windows 11 22H2").into_future());
    let results = futures::future::join_all(calls).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");

    assert_eq!(received(&authority).await.len(), 1);
    assert_eq!(bearers(&received(&graph).await), ["Bearer token-1"; 10]);
}

#[tokio::test]
async fn a_failing_authority_is_a_credential_error_without_the_secret() {
    let graph = graph().await;
    let authority = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": "invalid_client",
            "error_description": "AADSTS7000215: Invalid client secret provided.",
            "error_codes": [7000215],
        })))
        .mount(&authority)
        .await;

    let client = client(&graph, &authority);
    let error = client.os_images().get("Windows 11 22H2").await.unwrap_err();

    let Error::Credential(credential) = &error else {
        panic!("expected a credential error, got {error:?}");
    };
    assert_eq!(error.kind(), ErrorKind::Credential);
    assert!(!error.may_have_been_sent());
    // The provider's token error is kept as the cause.
    let cause = std::error::Error::source(credential)
        .and_then(|s| s.downcast_ref::<intune_osimages::transport::TokenError>());
    assert!(cause.is_some(), "the token error is the source: {error:?}");
    let shown = format!("{error} {error:?}");
    assert!(
        shown.contains("invalid_client"),
        "the authority's reason is kept: {shown}"
    );
    assert!(shown.contains("401"), "{shown}");
    assert!(!shown.contains(SECRET), "the secret never appears: {shown}");
    assert!(
        received(&graph).await.is_empty(),
        "Graph is not called without a token"
    );
    assert_eq!(
        received(&authority).await.len(),
        1,
        "a refused credential is not retried"
    );
}

#[tokio::test]
async fn an_unreachable_authority_is_a_credential_error() {
    let graph = graph().await;
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .cloud(Cloud::Custom {
            base_url: format!("{}/beta", graph.uri()),
            authority: Some(format!("http://127.0.0.1:{port}")),
            scope: Some(SCOPE.to_owned()),
        })
        .client_credentials(TENANT, CLIENT_ID, SECRET)
        .retry_policy(intune_osimages::transport::RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.os_images().get("Windows 11 22H2").await.unwrap_err();
    let Error::Credential(_) = &error else {
        panic!("expected a credential error, got {error:?}");
    };
    assert_eq!(error.kind(), ErrorKind::Credential);
    assert!(!format!("{error} {error:?}").contains(SECRET));
    assert!(received(&graph).await.is_empty());
}

#[tokio::test]
async fn debug_output_and_errors_never_show_the_token_or_the_secret() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_response(404, &resource("error_not_found.json"), "h"))
        .mount(&graph)
        .await;
    let authority = authority(3599, Duration::ZERO).await;
    let client = client(&graph, &authority);

    let before = format!("{client:?}");
    let error = client.os_images().get("Windows 12 99H9").await.unwrap_err();
    let after = format!("{client:?} {:?} {error:?} {error}", client.os_images());

    for text in [&before, &after] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains("token-1"), "{text}");
    }
    assert!(
        before.contains(CLIENT_ID),
        "Debug still says which app it is: {before}"
    );

    let static_client = Client::builder()
        .base_url(format!("{}/beta", graph.uri()))
        .token("static-token-do-not-print")
        .build()
        .unwrap();
    assert!(!format!("{static_client:?}").contains("static-token-do-not-print"));
}

#[test]
fn client_credentials_without_an_authority_are_a_configuration_error() {
    let error = Client::builder()
        .base_url("http://127.0.0.1:9/beta")
        .client_credentials(TENANT, CLIENT_ID, SECRET)
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Configuration(_)), "{error:?}");
    assert!(!format!("{error} {error:?}").contains(SECRET));
}

#[test]
fn national_clouds_use_their_authority_and_scope() {
    let cases = [
        (
            Cloud::Global,
            "https://graph.microsoft.com/beta",
            "https://login.microsoftonline.com",
            "https://graph.microsoft.com/.default",
        ),
        (
            Cloud::UsGovL4,
            "https://graph.microsoft.us/beta",
            "https://login.microsoftonline.us",
            "https://graph.microsoft.us/.default",
        ),
        (
            Cloud::UsGovDod,
            "https://dod-graph.microsoft.us/beta",
            "https://login.microsoftonline.us",
            "https://dod-graph.microsoft.us/.default",
        ),
        (
            Cloud::China,
            "https://microsoftgraph.chinacloudapi.cn/beta",
            "https://login.chinacloudapi.cn",
            "https://microsoftgraph.chinacloudapi.cn/.default",
        ),
    ];
    for (cloud, base, authority, scope) in cases {
        assert_eq!(cloud.base_url(), base);
        assert_eq!(cloud.authority().as_deref(), Some(authority));
        assert_eq!(cloud.default_scope().as_deref(), Some(scope));
        let client = Client::builder()
            .cloud(cloud)
            .client_credentials(TENANT, CLIENT_ID, SECRET)
            .build()
            .unwrap();
        assert_eq!(client.base_url(), base);
        let shown = format!("{client:?}");
        assert!(
            shown.contains(&format!("{authority}/{TENANT}/oauth2/v2.0/token")),
            "{shown}"
        );
        assert!(!shown.contains(SECRET));
    }
}
