//! The local authority: Entra ID's token and devicecode endpoints, the tokens it issues being exactly those Graph
//! then accepts, scripted faults at its endpoints, and no secret in the request log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use bytes::Bytes;
use http::{Method, StatusCode};
use intune_osimages_fake::{FakeGraph, Fault, LocalAuthority};
use serde_json::Value;

const GRAPH: &str = "http://graph.test/beta/deviceManagement/managedDeviceWindowsOSImages";
const SCOPE: &str = "https://graph.microsoft.com/.default";

fn fake() -> FakeGraph {
    FakeGraph::builder()
        .catalog(intune_osimages_fake::sample_catalog())
        .local_authority(LocalAuthority::default().token_lifetime(Duration::from_secs(60)))
        .build()
}

fn form(path: &str, pairs: &[(&str, &str)]) -> http::Request<Bytes> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    http::Request::builder()
        .method(Method::POST)
        .uri(format!("http://login.test{path}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Bytes::from(body))
        .unwrap()
}

async fn post(fake: &FakeGraph, path: &str, pairs: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = fake.handle(form(path, pairs)).await.unwrap();
    let status = response.status();
    (status, serde_json::from_slice(response.body()).unwrap())
}

async fn graph_status(fake: &FakeGraph, token: Option<&str>) -> StatusCode {
    let mut request = http::Request::builder().uri(GRAPH);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    fake.handle(request.body(Bytes::new()).unwrap())
        .await
        .unwrap()
        .status()
}

async fn client_credentials(fake: &FakeGraph) -> (StatusCode, Value) {
    post(
        fake,
        "/tenant-1/oauth2/v2.0/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "app-1"),
            ("client_secret", "cs-LOCAL-secret"),
            ("scope", SCOPE),
        ],
    )
    .await
}

#[tokio::test(start_paused = true)]
async fn graph_accepts_exactly_the_tokens_it_issued_until_they_expire() {
    let fake = fake();
    assert_eq!(graph_status(&fake, None).await, StatusCode::UNAUTHORIZED);

    let (status, answer) = client_credentials(&fake).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["token_type"], "Bearer");
    assert_eq!(answer["expires_in"], 60);
    assert!(answer.get("refresh_token").is_none(), "{answer}");
    let token = answer["access_token"].as_str().unwrap();

    assert_eq!(graph_status(&fake, Some(token)).await, StatusCode::OK);
    assert_eq!(
        graph_status(&fake, Some("made-up")).await,
        StatusCode::UNAUTHORIZED
    );
    tokio::time::advance(Duration::from_secs(61)).await;
    let response = fake
        .handle(
            http::Request::builder()
                .uri(GRAPH)
                .header("authorization", format!("Bearer {token}"))
                .body(Bytes::new())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = serde_json::from_slice(response.body()).unwrap();
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
}

#[tokio::test]
async fn client_credentials_refusals_are_entra_shaped() {
    let fake = fake();
    let (status, answer) = post(
        &fake,
        "/t/oauth2/v2.0/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "app"),
            ("scope", SCOPE),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer["error"], "invalid_client");
    assert_eq!(answer["error_codes"][0], 7000218);
    assert!(
        answer["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS7000218:")
    );

    let (status, answer) = post(
        &fake,
        "/t/oauth2/v2.0/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "app"),
            ("client_secret", "s"),
            ("scope", "DeviceManagementConfiguration.Read.All"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"], "invalid_scope");

    let (_, answer) = post(
        &fake,
        "/t/oauth2/v2.0/token",
        &[("grant_type", "password"), ("client_id", "app")],
    )
    .await;
    assert_eq!(answer["error"], "unsupported_grant_type");

    // A federated assertion (workload identity) is a client credential too.
    let (status, answer) = post(
        &fake,
        "/t/oauth2/v2.0/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "app"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", "eyJ.federated.jwt"),
            ("scope", SCOPE),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

#[tokio::test(start_paused = true)]
async fn a_device_code_is_redeemed_once_and_its_refresh_token_renews_the_access_token() {
    let fake = FakeGraph::builder()
        .local_authority(
            LocalAuthority::default()
                .device_code_interval(0)
                .device_code_lifetime(Duration::from_secs(30)),
        )
        .build();
    let scope = "https://graph.microsoft.com/DeviceManagementConfiguration.Read.All offline_access";
    let (status, code) = post(
        &fake,
        "/contoso.onmicrosoft.com/oauth2/v2.0/devicecode",
        &[("client_id", "public-app"), ("scope", scope)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{code}");
    assert_eq!(code["interval"], 0);
    assert_eq!(code["expires_in"], 30);
    assert_eq!(code["user_code"].as_str().unwrap().len(), 9);
    assert!(
        code["verification_uri"]
            .as_str()
            .unwrap()
            .starts_with("http://login.test/")
    );
    let device_code = code["device_code"].as_str().unwrap();
    let grant = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", "public-app"),
        ("device_code", device_code),
    ];

    let (status, tokens) = post(&fake, "/contoso.onmicrosoft.com/oauth2/v2.0/token", &grant).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(
        tokens["scope"],
        "https://graph.microsoft.com/DeviceManagementConfiguration.Read.All"
    );
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(
        graph_status(&fake, tokens["access_token"].as_str()).await,
        StatusCode::OK
    );

    let (_, again) = post(&fake, "/contoso.onmicrosoft.com/oauth2/v2.0/token", &grant).await;
    assert_eq!(again["error"], "bad_verification_code");

    let (status, renewed) = post(
        &fake,
        "/contoso.onmicrosoft.com/oauth2/v2.0/token",
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "public-app"),
            ("refresh_token", &refresh),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    assert_ne!(renewed["access_token"], tokens["access_token"]);
    assert!(renewed["refresh_token"].is_string());
    assert_eq!(
        graph_status(&fake, renewed["access_token"].as_str()).await,
        StatusCode::OK
    );

    // Another client cannot use the refresh token; a device code left too long expires.
    let (_, stolen) = post(
        &fake,
        "/contoso.onmicrosoft.com/oauth2/v2.0/token",
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "other-app"),
            ("refresh_token", &refresh),
        ],
    )
    .await;
    assert_eq!(stolen["error"], "invalid_grant");
    let (_, code) = post(
        &fake,
        "/contoso.onmicrosoft.com/oauth2/v2.0/devicecode",
        &[("client_id", "public-app"), ("scope", scope)],
    )
    .await;
    tokio::time::advance(Duration::from_secs(31)).await;
    let (_, expired) = post(
        &fake,
        "/contoso.onmicrosoft.com/oauth2/v2.0/token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", "public-app"),
            ("device_code", code["device_code"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(expired["error"], "expired_token");

    // Each redeeming grant names the field it misses, and refuses a value it never issued in its own words.
    for (grant, field, unknown) in [
        ("refresh_token", "refresh_token", "invalid_grant"),
        (
            "urn:ietf:params:oauth:grant-type:device_code",
            "device_code",
            "bad_verification_code",
        ),
    ] {
        let path = "/contoso.onmicrosoft.com/oauth2/v2.0/token";
        let (status, missing) = post(
            &fake,
            path,
            &[("grant_type", grant), ("client_id", "public-app")],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(missing["error"], "invalid_request");
        assert!(
            missing["error_description"]
                .as_str()
                .unwrap()
                .contains(&format!("'{field}'")),
            "{missing}"
        );
        let (_, made_up) = post(
            &fake,
            path,
            &[
                ("grant_type", grant),
                ("client_id", "public-app"),
                (field, "made-up-value"),
            ],
        )
        .await;
        assert_eq!(made_up["error"], unknown, "{made_up}");
    }
}

#[tokio::test]
async fn scripted_faults_answer_at_the_authority_in_its_shape() {
    let fake = fake();
    fake.push_fault(Fault::Authority {
        error: "authorization_pending".into(),
        times: 1,
    });
    fake.push_fault(Fault::Authority {
        error: "slow_down".into(),
        times: 1,
    });
    // The devicecode endpoint is not answered by authority faults.
    let (status, _) = post(
        &fake,
        "/t/oauth2/v2.0/devicecode",
        &[("client_id", "app"), ("scope", "openid")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, first) = client_credentials(&fake).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(first["error"], "authorization_pending");
    assert_eq!(first["error_codes"][0], 70016);
    let (_, second) = client_credentials(&fake).await;
    assert_eq!(second["error"], "slow_down");
    let (status, _) = client_credentials(&fake).await;
    assert_eq!(status, StatusCode::OK);

    fake.push_fault(Fault::Status {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        retry_after: None,
        times: 1,
    });
    let (status, answer) = client_credentials(&fake).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(answer["error"], "server_error");
    assert!(fake.faults().pending().is_empty());
}

#[tokio::test]
async fn the_request_log_keeps_no_secret_of_a_sign_in() {
    let fake = fake();
    let (_, answer) = client_credentials(&fake).await;
    let token = answer["access_token"].as_str().unwrap();
    graph_status(&fake, Some(token)).await;
    let log = format!("{:?}", fake.requests());
    assert!(!log.contains("cs-LOCAL-secret"), "{log}");
    assert!(!log.contains(token), "{log}");
    assert!(
        fake.requests()[0]
            .path()
            .ends_with("/tenant-1/oauth2/v2.0/token")
    );
}

#[tokio::test]
async fn without_the_authority_its_paths_are_not_found_and_tokens_are_not_checked() {
    let fake = FakeGraph::with_sample_catalog();
    let (status, _) = client_credentials(&fake).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(graph_status(&fake, None).await, StatusCode::OK);
}

async fn get(fake: &FakeGraph, path: &str) -> (StatusCode, Value) {
    let request = http::Request::builder()
        .uri(format!("http://login.test{path}"))
        .body(Bytes::new())
        .unwrap();
    let response = fake.handle(request).await.unwrap();
    let status = response.status();
    (status, serde_json::from_slice(response.body()).unwrap())
}

/// The claims of a JWT, read without checking it (as MSAL reads an `id_token`).
fn jwt_part(token: &str, part: usize) -> Value {
    use base64::Engine;
    let text = token.split('.').nth(part).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn the_openid_configuration_leads_msal_to_this_authority() {
    let fake = fake();
    let (status, doc) = get(
        &fake,
        "/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    let base = "http://login.test/contoso.onmicrosoft.com";
    assert_eq!(doc["token_endpoint"], format!("{base}/oauth2/v2.0/token"));
    assert_eq!(
        doc["device_authorization_endpoint"],
        format!("{base}/oauth2/v2.0/devicecode")
    );
    assert_eq!(
        doc["authorization_endpoint"],
        format!("{base}/oauth2/v2.0/authorize")
    );
    // MSAL accepts an issuer at the authority's own scheme and host; it names the tenant by its id, as the tokens'
    // `iss` does (a tenant named by domain gets the local tenant id).
    let issuer = doc["issuer"].as_str().unwrap();
    let tid = issuer
        .strip_prefix("http://login.test/")
        .and_then(|rest| rest.strip_suffix("/v2.0"))
        .unwrap();
    assert!(uuid::Uuid::try_parse(tid).is_ok(), "{issuer}");
    let guid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    let (_, by_id) = get(
        &fake,
        &format!("/{guid}/v2.0/.well-known/openid-configuration"),
    )
    .await;
    assert_eq!(by_id["issuer"], format!("http://login.test/{guid}/v2.0"));
    // The path's segments ignore case, as Entra's do; other methods are refused in Entra's shape.
    let (status, _) = get(&fake, "/t/V2.0/.Well-Known/OpenID-Configuration").await;
    assert_eq!(status, StatusCode::OK);
    let (status, refused) = post(
        &fake,
        "/t/v2.0/.well-known/openid-configuration",
        &[("client_id", "app")],
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        refused["error_description"]
            .as_str()
            .unwrap()
            .contains("only accepts GET requests"),
        "{refused}"
    );
    let (status, _) = get(
        &FakeGraph::with_sample_catalog(),
        "/t/v2.0/.well-known/openid-configuration",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn delegated_grants_asking_for_openid_get_an_id_token_and_client_info_as_entra_gives() {
    let fake = FakeGraph::builder()
        .local_authority(LocalAuthority::default().device_code_interval(0))
        .build();
    // As MSAL asks: openid, profile and offline_access beside the resource, and client_info=1.
    let scope = "https://graph.microsoft.com/.default openid profile offline_access";
    let (_, code) = post(
        &fake,
        "/contoso/oauth2/v2.0/devicecode",
        &[("client_id", "public-app"), ("scope", scope)],
    )
    .await;
    let (status, tokens) = post(
        &fake,
        "/contoso/oauth2/v2.0/token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", "public-app"),
            ("client_info", "1"),
            ("device_code", code["device_code"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let id_token = tokens["id_token"].as_str().unwrap();
    assert_eq!(jwt_part(id_token, 0)["alg"], "none");
    let claims = jwt_part(id_token, 1);
    assert_eq!(claims["aud"], "public-app");
    let tid = claims["tid"].as_str().unwrap();
    assert!(uuid::Uuid::try_parse(tid).is_ok(), "{claims}");
    assert_eq!(claims["iss"], format!("http://login.test/{tid}/v2.0"));
    assert!(claims["preferred_username"].as_str().unwrap().contains('@'));
    assert!(claims["exp"].as_u64().unwrap() > claims["iat"].as_u64().unwrap());
    let info: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            tokens["client_info"].as_str().unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(info["uid"], claims["oid"]);
    assert_eq!(info["utid"], tid);

    // The grant's short name, as MSAL for JavaScript sends it, redeems a code too.
    let (_, code) = post(
        &fake,
        "/contoso/oauth2/v2.0/devicecode",
        &[("client_id", "public-app"), ("scope", scope)],
    )
    .await;
    let (status, short) = post(
        &fake,
        "/contoso/oauth2/v2.0/token",
        &[
            ("grant_type", "device_code"),
            ("client_id", "public-app"),
            ("device_code", code["device_code"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{short}");
    assert!(short["access_token"].is_string());

    // A refresh keeps the account; a GUID tenant is the tenant id itself.
    let guid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    let (_, code) = post(
        &fake,
        &format!("/{guid}/oauth2/v2.0/devicecode"),
        &[("client_id", "public-app"), ("scope", scope)],
    )
    .await;
    let (_, tokens) = post(
        &fake,
        &format!("/{guid}/oauth2/v2.0/token"),
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", "public-app"),
            ("device_code", code["device_code"].as_str().unwrap()),
        ],
    )
    .await;
    assert!(
        tokens.get("client_info").is_none(),
        "not asked for: {tokens}"
    );
    let (status, renewed) = post(
        &fake,
        &format!("/{guid}/oauth2/v2.0/token"),
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "public-app"),
            ("client_info", "1"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    let claims = jwt_part(renewed["id_token"].as_str().unwrap(), 1);
    assert_eq!(claims["tid"], guid);
    assert_eq!(claims["iss"], format!("http://login.test/{guid}/v2.0"));

    // An app's own sign-in has no user: no id_token, no client_info, even when asked.
    let (status, app) = post(
        &fake,
        "/contoso/oauth2/v2.0/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "app-1"),
            ("client_secret", "s"),
            ("client_info", "1"),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{app}");
    assert!(
        app.get("id_token").is_none() && app.get("client_info").is_none(),
        "{app}"
    );
}

async fn get_with(fake: &FakeGraph, target: &str, headers: &[(&str, &str)]) -> (StatusCode, Value) {
    let mut request = http::Request::builder().uri(format!("http://127.0.0.1:41741{target}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = fake
        .handle(request.body(Bytes::new()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    (status, serde_json::from_slice(response.body()).unwrap())
}

type Refusal = (
    &'static str,
    &'static [(&'static str, &'static str)],
    StatusCode,
    &'static str,
);

#[tokio::test]
async fn managed_identity_endpoints_issue_tokens_graph_accepts_as_app_service_and_imds_answer() {
    let fake = fake();
    let resource = "resource=https%3A%2F%2Fgraph.microsoft.com";
    const SECRET: &[(&str, &str)] = &[("X-IDENTITY-HEADER", "identity-header-secret")];
    let (status, app_service) = get_with(
        &fake,
        &format!("/msi/token?api-version=2019-08-01&{resource}"),
        SECRET,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{app_service}");
    assert_eq!(app_service["resource"], "https://graph.microsoft.com");
    assert_eq!(app_service["token_type"], "Bearer");
    // As App Service writes it: Unix seconds as a string, a minute's lifetime here.
    let expires_on: u64 = app_service["expires_on"].as_str().unwrap().parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        (now + 55..=now + 65).contains(&expires_on),
        "{expires_on} vs {now}"
    );
    assert_eq!(
        graph_status(&fake, app_service["access_token"].as_str()).await,
        StatusCode::OK
    );

    let (status, imds) = get_with(
        &fake,
        &format!("/metadata/identity/oauth2/token?api-version=2018-02-01&{resource}&client_id=user-assigned-1"),
        &[("Metadata", "true")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{imds}");
    assert_eq!(imds["client_id"], "user-assigned-1");
    assert_eq!(imds["expires_in"], "60");
    assert!(imds["not_before"].as_str().unwrap().parse::<u64>().is_ok());
    assert_eq!(
        graph_status(&fake, imds["access_token"].as_str()).await,
        StatusCode::OK
    );

    // What each service refuses, and says why.
    // (target, headers, status, what the description names)
    let cases: [Refusal; 7] = [
        (
            "/msi/token?api-version=2019-08-01&resource=r",
            &[],
            StatusCode::UNAUTHORIZED,
            "X-IDENTITY-HEADER",
        ),
        (
            "/msi/token?api-version=2017-09-01&resource=r",
            SECRET,
            StatusCode::BAD_REQUEST,
            "2017-09-01",
        ),
        (
            "/msi/token?api-version=2019-08-01",
            SECRET,
            StatusCode::BAD_REQUEST,
            "resource",
        ),
        (
            "/MSI/token/?resource=r",
            SECRET,
            StatusCode::BAD_REQUEST,
            "api-version",
        ),
        (
            "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=r",
            &[],
            StatusCode::BAD_REQUEST,
            "metadata header",
        ),
        (
            "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=r",
            &[("Metadata", "true"), ("X-Forwarded-For", "10.0.0.9")],
            StatusCode::BAD_REQUEST,
            "X-Forwarded-For",
        ),
        (
            "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=r&client_id=a&object_id=b",
            &[("Metadata", "true")],
            StatusCode::BAD_REQUEST,
            "client_id and object_id",
        ),
    ];
    for (target, headers, expected, says) in cases {
        let (status, body) = get_with(&fake, target, headers).await;
        assert_eq!(status, expected, "{target}: {body}");
        assert_eq!(body["error"], "invalid_request", "{target}");
        let description = body["error_description"].as_str().unwrap();
        assert!(description.contains(says), "{target}: {description}");
    }
    // The identity header is a secret: the request log never keeps it.
    let log = format!("{:?}", fake.requests());
    assert!(!log.contains("identity-header-secret"), "{log}");
}
