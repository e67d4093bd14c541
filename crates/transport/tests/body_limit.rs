#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The response body limit.

use std::sync::Arc;

use bytes::Bytes;
use http::StatusCode;
use intune_osimages_transport::test_util::{ScriptedTransport, response};
use intune_osimages_transport::{
    BodyLimit, ResponseBodyLimit, Retry, RetryPolicy, Transport, TransportErrorKind,
};

fn get() -> http::Request<Bytes> {
    http::Request::get("https://graph.microsoft.com/beta/x")
        .body(Bytes::new())
        .unwrap()
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_and_not_retried() {
    let script = Arc::new(
        ScriptedTransport::new()
            .reply(response(StatusCode::OK, &[], "x".repeat(11)))
            .reply(response(StatusCode::OK, &[], "{}")),
    );
    let stack = Retry::new(BodyLimit::new(script.clone(), 10), RetryPolicy::default());

    let error = stack.send(get()).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::LimitExceeded);
    assert!(error.may_have_been_sent());
    assert!(error.message().contains("limit of 10 bytes"), "{error}");
    assert_eq!(
        script.request_count(),
        1,
        "the same answer would come again"
    );
}

/// Answers with the limit it was asked to enforce, as the HTTP transport reads it.
#[derive(Debug)]
struct EchoLimit;

#[async_trait::async_trait]
impl Transport for EchoLimit {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, intune_osimages_transport::TransportError> {
        let limit = ResponseBodyLimit::of(&request).map_or(0, |l| l.0);
        Ok(http::Response::new(Bytes::from(limit.to_string())))
    }
}

#[tokio::test]
async fn the_limit_travels_with_the_request_for_the_transport_to_enforce_while_reading() {
    let answer = BodyLimit::new(EchoLimit, 10).send(get()).await.unwrap();
    assert_eq!(answer.body(), "10");

    // A request that carries its own limit keeps it.
    let mut own = get();
    own.extensions_mut().insert(ResponseBodyLimit(3));
    let answer = BodyLimit::new(EchoLimit, 10).send(own).await.unwrap();
    assert_eq!(answer.body(), "3");

    let script =
        Arc::new(ScriptedTransport::new().reply(response(StatusCode::OK, &[], "0123456789")));
    let at_limit = BodyLimit::new(script, 10).send(get()).await.unwrap();
    assert_eq!(at_limit.body().len(), 10, "at the limit is fine");
}
