//! Client credentials from the environment, against a local token authority (`AZURE_AUTHORITY_HOST`) and the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use support::{Emulator, with_client_secret};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "cli-secret-SHOULD-NOT-LEAK-42";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn client_credentials_fetch_a_token_from_the_authority_and_use_it() {
    let rt = runtime();
    let authority = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("POST"))
            .and(path("/contoso-tenant/oauth2/v2.0/token"))
            .and(body_string_contains("grant_type=client_credentials"))
            .and(body_string_contains("client_id=app-123"))
            .and(body_string_contains(
                "scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "access_token": "issued-token", "expires_in": 3599, "token_type": "Bearer"
            })))
            .expect(1)
            .mount(&authority),
    );
    let emulator = Emulator::start(&["--token", "issued-token"]);
    with_client_secret(&authority.uri(), SECRET)
        .env("RUST_LOG", "trace")
        .args(["--base-url", &emulator.base_url, "count"])
        .assert()
        .success()
        .stdout("7\n")
        .stderr(contains(SECRET).not())
        .stderr(contains("issued-token").not());
    let requests = rt.block_on(authority.received_requests()).unwrap();
    let form = String::from_utf8_lossy(&requests[0].body).into_owned();
    assert!(form.contains(&format!("client_secret={SECRET}")), "{form}");
}

#[test]
fn a_refusing_authority_is_a_configuration_failure_that_never_shows_the_secret() {
    let rt = runtime();
    let authority = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided."
            })))
            .mount(&authority),
    );
    let emulator = Emulator::start(&["--token", "issued-token"]);
    with_client_secret(&authority.uri(), SECRET)
        .args(["--base-url", &emulator.base_url, "list"])
        .assert()
        // A refused credential is a configuration to fix (exit 2), not a network failure (5).
        .code(2)
        .stderr(contains("invalid_client"))
        .stderr(contains(SECRET).not());
}

#[test]
fn an_unreachable_authority_is_a_network_failure_exit_5() {
    let port = support::closed_port();
    with_client_secret(&format!("http://127.0.0.1:{port}"), SECRET)
        .args([
            "--base-url",
            &format!("http://127.0.0.1:{port}/beta"),
            "list",
        ])
        .assert()
        .code(5)
        .stderr(contains(SECRET).not());
}
