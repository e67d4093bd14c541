//! The local authority over HTTP (`--authority`): the OpenID Connect discovery document MSAL-based clients (Azure's
//! Python, .NET, Java and JavaScript identity libraries) read first is served, its endpoints at the address the
//! client used, and a token request reaches the authority at the endpoint it names.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_emulator::ServeOptions;
use intune_osimages_emulator::test_util::{Running, request, send};
use intune_osimages_fake::LocalAuthority;

#[tokio::test]
async fn msal_finds_the_token_endpoint_through_the_discovery_document() {
    let emulator = Running::start(ServeOptions {
        authority: Some(LocalAuthority::default()),
        ..ServeOptions::local()
    })
    .await;
    // As clients send it: the Host with the port they connected to.
    let host = emulator.addr.to_string();
    let answer = send(
        emulator.addr,
        &request(
            "GET",
            "/contoso/v2.0/.well-known/openid-configuration",
            &[("Host", &host)],
            b"",
        ),
    )
    .await;
    answer.assert_status(200);
    let doc = answer.json();
    let origin = format!("http://{}", emulator.addr);
    let issuer = doc["issuer"].as_str().unwrap();
    assert!(
        issuer.starts_with(&format!("{origin}/")) && issuer.ends_with("/v2.0"),
        "{issuer}"
    );
    let token_endpoint = doc["token_endpoint"].as_str().unwrap();
    let path = token_endpoint.strip_prefix(&origin).unwrap();

    let form = "grant_type=client_credentials&client_id=app&client_secret=s&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default";
    let token = send(
        emulator.addr,
        &request(
            "POST",
            path,
            &[
                ("Host", &host),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            form.as_bytes(),
        ),
    )
    .await;
    token.assert_status(200);
    assert!(token.json()["access_token"].is_string());
    emulator.stop().await;
}

#[tokio::test]
async fn without_the_authority_the_discovery_document_is_not_found() {
    let emulator = Running::start(ServeOptions::local()).await;
    emulator
        .call("GET", "/contoso/v2.0/.well-known/openid-configuration", b"")
        .await
        .assert_graph_error("NotFound");
    emulator.stop().await;
}
