#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The bearer-auth decorator.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use intune_osimages_transport::test_util::CaptureTransport;
use intune_osimages_transport::{
    AccessToken, BearerAuth, ManualClock, Retry, RetryPolicy, StaticToken, TokenError,
    TokenProvider, Transport, TransportErrorKind,
};

const SECRET: &str = "eyJ0eXAiOiJKV1Qi.secret-part.signature";

fn request() -> http::Request<Bytes> {
    http::Request::get("https://graph.microsoft.com/beta/x")
        .header("authorization", "Basic caller-set")
        .body(Bytes::new())
        .unwrap()
}

/// Hands out `token-1`, `token-2`, ... so a test can see a fresh token per attempt.
#[derive(Debug, Default)]
struct Counting(AtomicUsize);

#[async_trait::async_trait]
impl TokenProvider for Counting {
    async fn token(&self) -> Result<AccessToken, TokenError> {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(AccessToken::new(format!("token-{n}"), None))
    }
}

#[derive(Debug)]
struct Failing;

#[async_trait::async_trait]
impl TokenProvider for Failing {
    async fn token(&self) -> Result<AccessToken, TokenError> {
        Err(TokenError::new("AADSTS7000215: invalid client secret"))
    }
}

#[derive(Debug)]
struct BadCharacters;

#[async_trait::async_trait]
impl TokenProvider for BadCharacters {
    async fn token(&self) -> Result<AccessToken, TokenError> {
        Ok(AccessToken::new("line\nbreak-secret", None))
    }
}

#[tokio::test]
async fn sets_the_bearer_header_replacing_any_other() {
    let inner = Arc::new(CaptureTransport::new());
    let auth = BearerAuth::new(inner.clone(), Arc::new(StaticToken::new(SECRET)));
    auth.send(request()).await.unwrap();
    let sent = inner.last_request().unwrap();
    let values: Vec<_> = sent.headers().get_all("authorization").iter().collect();
    assert_eq!(values.len(), 1);
    assert_eq!(values[0], format!("Bearer {SECRET}").as_str());
    assert!(values[0].is_sensitive());
    assert!(
        !format!("{sent:?}").contains(SECRET),
        "http's Debug hides sensitive values"
    );
}

#[tokio::test]
async fn provider_failure_is_a_credential_error_and_nothing_is_sent() {
    let inner = Arc::new(CaptureTransport::new());
    let auth = BearerAuth::new(inner.clone(), Arc::new(Failing));
    let error = auth.send(request()).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Credential);
    assert!(!error.may_have_been_sent());
    assert!(
        error.message().contains("AADSTS7000215"),
        "{}",
        error.message()
    );
    assert_eq!(inner.request_count(), 0);
}

#[tokio::test]
async fn a_token_that_cannot_be_a_header_is_a_credential_error_without_the_token() {
    let inner = Arc::new(CaptureTransport::new());
    let auth = BearerAuth::new(inner.clone(), Arc::new(BadCharacters));
    let error = auth.send(request()).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Credential);
    assert!(!error.to_string().contains("break-secret"));
    assert_eq!(inner.request_count(), 0);
}

#[tokio::test]
async fn each_retry_asks_for_a_token_again() {
    let inner = Arc::new(
        intune_osimages_transport::test_util::ScriptedTransport::new()
            .reply(intune_osimages_transport::test_util::response(
                http::StatusCode::SERVICE_UNAVAILABLE,
                &[("retry-after", "0")],
                "",
            ))
            .reply(http::Response::new(Bytes::new())),
    );
    let stack = Retry::new(
        BearerAuth::new(inner.clone(), Arc::new(Counting::default())),
        RetryPolicy::default(),
    )
    .with_clock(Arc::new(ManualClock::new()));
    stack.send(request()).await.unwrap();
    let tokens: Vec<_> = inner
        .requests()
        .iter()
        .map(|r| r.headers()["authorization"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(tokens, ["Bearer token-1", "Bearer token-2"]);
}

#[test]
fn debug_never_shows_the_token() {
    let token = StaticToken::new(SECRET);
    let auth = BearerAuth::new(CaptureTransport::new(), Arc::new(token.clone()));
    for text in [
        format!("{auth:?}"),
        format!("{auth:#?}"),
        format!("{token:?}"),
        format!("{:?}", AccessToken::new(SECRET, None)),
    ] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains("secret-part"), "{text}");
    }
    assert!(format!("{auth:?}").contains("BearerAuth"));
}

#[tokio::test]
async fn an_error_answer_echoing_the_token_has_it_masked_and_a_success_is_untouched() {
    use http::StatusCode;
    use intune_osimages_transport::test_util::{ScriptedTransport, response};
    let echo = format!(
        r#"{{"error":{{"code":"Unauthorized","message":"got Authorization: Bearer {SECRET}"}}}}"#
    );
    let inner = ScriptedTransport::new()
        .reply(response(StatusCode::UNAUTHORIZED, &[], echo.clone()))
        .reply(response(StatusCode::OK, &[], echo.clone()));
    let auth = BearerAuth::new(inner, Arc::new(StaticToken::new(SECRET)));

    let refused = auth.send(request()).await.unwrap();
    let body = String::from_utf8_lossy(refused.body()).into_owned();
    assert!(!body.contains(SECRET), "{body}");
    assert!(body.contains("Bearer <redacted>"), "{body}");

    let data = auth.send(request()).await.unwrap();
    assert_eq!(
        data.body().as_ref(),
        echo.as_bytes(),
        "data is not rewritten"
    );
}

/// Alternates between two tokens on every call, so a cached header must follow each change.
#[derive(Debug, Default)]
struct Alternating(AtomicUsize);

#[async_trait::async_trait]
impl TokenProvider for Alternating {
    async fn token(&self) -> Result<AccessToken, TokenError> {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        Ok(AccessToken::new(
            if n % 4 < 2 { "first" } else { "second" },
            None,
        ))
    }
}

#[tokio::test]
async fn the_header_follows_every_change_of_token_and_stays_sensitive() {
    let inner = Arc::new(CaptureTransport::new());
    let auth = BearerAuth::new(inner.clone(), Arc::new(Alternating::default()));
    let mut seen = Vec::new();
    for _ in 0..6 {
        auth.send(request()).await.unwrap();
        let sent = inner.last_request().unwrap();
        let value = sent.headers().get("authorization").unwrap();
        assert!(value.is_sensitive());
        seen.push(value.to_str().unwrap().to_owned());
    }
    assert_eq!(
        seen,
        [
            "Bearer first",
            "Bearer first",
            "Bearer second",
            "Bearer second",
            "Bearer first",
            "Bearer first"
        ]
    );
}
