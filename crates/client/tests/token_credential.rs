//! `ClientBuilder::credential`: any `azure_core` token credential, asked for the cloud's default scope, cached until
//! shortly before expiry, and failing as a credential error that carries the credential's reason and no secret.
#![cfg(feature = "azure-identity")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::time::{Duration, OffsetDateTime};
use intune_osimages::{Client, Cloud, Error};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SCOPE: &str = "https://graph.example/.default";

/// A credential that hands out `tok-1`, `tok-2`, ... valid for `lifetime`, or fails, and records the scopes asked.
#[derive(Debug)]
struct StandIn {
    issued: AtomicUsize,
    lifetime: Duration,
    fail: bool,
    scopes: Mutex<Vec<String>>,
}

impl StandIn {
    fn new(lifetime: Duration, fail: bool) -> Arc<Self> {
        Arc::new(StandIn {
            issued: AtomicUsize::new(0),
            lifetime,
            fail,
            scopes: Mutex::new(Vec::new()),
        })
    }
}

#[async_trait::async_trait]
impl TokenCredential for StandIn {
    async fn get_token(
        &self,
        scopes: &[&str],
        _: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        self.scopes.lock().unwrap().push(scopes.join(" "));
        if self.fail {
            return Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Credential,
                "ManagedIdentityCredential: no identity endpoint answered",
            ));
        }
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(AccessToken::new(
            format!("tok-{n}"),
            OffsetDateTime::now_utc() + self.lifetime,
        ))
    }
}

async fn graph() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "a"})))
        .mount(&server)
        .await;
    server
}

fn client(graph: &MockServer, credential: Arc<StandIn>) -> Client {
    Client::builder()
        .cloud(Cloud::Custom {
            base_url: format!("{}/beta", graph.uri()),
            authority: None,
            scope: Some(SCOPE.into()),
        })
        .credential(credential)
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_cloud_scope_is_asked_once_and_the_token_is_cached() {
    let graph = graph().await;
    let credential = StandIn::new(Duration::hours(1), false);
    let client = client(&graph, credential.clone());

    for _ in 0..3 {
        client.os_images().get("a").await.unwrap();
    }

    assert_eq!(*credential.scopes.lock().unwrap(), [SCOPE]);
    for request in graph.received_requests().await.unwrap() {
        assert_eq!(request.headers["authorization"], "Bearer tok-1");
    }
}

#[tokio::test]
async fn a_token_near_its_expiry_is_replaced() {
    let graph = graph().await;
    // Ten seconds of life: the refresh margin (a tenth) has it replaced after nine, and `expires_on` is read in
    // whole seconds, so a token this short is already due.
    let credential = StandIn::new(Duration::seconds(0), false);
    let client = client(&graph, credential.clone());

    client.os_images().get("a").await.unwrap();
    client.os_images().get("a").await.unwrap();

    assert_eq!(credential.issued.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_failing_credential_is_a_credential_error_naming_its_reason() {
    let graph = graph().await;
    let client = client(&graph, StandIn::new(Duration::hours(1), true));

    let error = client.os_images().get("a").await.unwrap_err();

    let Error::Credential(credential) = &error else {
        panic!("{error}");
    };
    assert!(credential.message().contains(SCOPE), "{error}");
    assert!(
        std::error::Error::source(credential).is_some(),
        "the credential's own error stays the cause"
    );
    assert!(
        error.to_string().contains("ManagedIdentityCredential"),
        "{error}"
    );
    assert!(error.to_string().contains(SCOPE), "{error}");
    assert!(graph.received_requests().await.unwrap().is_empty());
}

#[test]
fn a_credential_without_a_scope_is_a_configuration_error() {
    let error = Client::builder()
        .base_url("http://127.0.0.1:1/beta")
        .credential(StandIn::new(Duration::hours(1), false))
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Configuration(_)), "{error}");
    assert!(error.to_string().contains("scope"), "{error}");
}
