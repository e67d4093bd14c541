//! Sending a request through the decorated transport and turning the answer into a value or an [`Error`].

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, HeaderMap, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{Method, StatusCode};
use intune_osimages_model::GraphErrorBody;
use intune_osimages_transport::{Clock, Response, RetryPolicy, Transport, TransportError};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::Error;
use crate::error::{DecodeError, GraphError};

/// The transport stack and where it points.
#[derive(Debug)]
pub(crate) struct Pipeline {
    pub(crate) transport: Arc<dyn Transport>,
    /// The base URL without a trailing slash, such as `https://graph.microsoft.com/beta`.
    pub(crate) base_url: String,
    /// The base URL's origin, the only one next links may point to.
    pub(crate) origin: url::Origin,
    /// The retry policy the stack applies, which batching also follows for items answered 429, 503 or 504.
    pub(crate) retry: RetryPolicy,
    /// The clock retries wait on.
    pub(crate) clock: Arc<dyn Clock>,
}

impl Pipeline {
    /// Sends one request and returns the answer when its status is a success; an error status becomes
    /// [`Error::Graph`].
    pub(crate) async fn execute(
        &self,
        operation: &'static str,
        id: Option<&str>,
        method: Method,
        url: &str,
        body: Option<Bytes>,
    ) -> Result<Response, Error> {
        self.execute_accepting(operation, id, method, url, body, JSON)
            .await
    }

    /// [`Pipeline::execute`] with another `Accept` header, for answers that are not JSON (`$count` is `text/plain`).
    pub(crate) async fn execute_accepting(
        &self,
        operation: &'static str,
        id: Option<&str>,
        method: Method,
        url: &str,
        body: Option<Bytes>,
        accept: &'static str,
    ) -> Result<Response, Error> {
        let span = tracing::info_span!(
            "osimages.operation",
            operation,
            id,
            method = %method,
            url,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let request = build_request(method, url, body, accept)?;
        async {
            let result = self.transport.send(request).await;
            let span = tracing::Span::current();
            match result {
                Ok(response) => {
                    span.record("status", response.status().as_u16());
                    if let Some(id) = header_str(response.headers(), "request-id") {
                        span.record("request_id", id);
                    }
                    if response.status().is_success() {
                        Ok(response)
                    } else {
                        let error = graph_error(&response);
                        tracing::debug!(code = %error.code, "Graph answered with an error");
                        Err(Error::Graph(Box::new(error)))
                    }
                }
                Err(e) => {
                    tracing::debug!(error = %e, "transport failure");
                    Err(Error::Transport(e))
                }
            }
        }
        .instrument(span)
        .await
    }

    /// The full URL of a path under the base URL.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Checks that a next link stays on the configured origin, so the token is never sent elsewhere.
    pub(crate) fn check_next_link(&self, link: &str) -> Result<(), Error> {
        let parsed = url::Url::parse(link).map_err(|e| {
            Error::Transport(TransportError::invalid_request(format!(
                "@odata.nextLink {link:?} is not an absolute URL: {e}"
            )))
        })?;
        if parsed.origin() != self.origin {
            return Err(Error::Transport(TransportError::invalid_request(format!(
                "refused to follow @odata.nextLink to {}: not the configured origin {}",
                parsed.origin().ascii_serialization(),
                self.origin.ascii_serialization()
            ))));
        }
        Ok(())
    }
}

/// The media type of every JSON body and of the answers the JSON operations accept.
const JSON: &str = "application/json";

/// What `$count` accepts, as Microsoft's generated SDKs send it: Graph answers `$count` with `text/plain`.
pub(crate) const TEXT_PLAIN: &str = "text/plain;q=0.9";

fn build_request(
    method: Method,
    url: &str,
    body: Option<Bytes>,
    accept: &'static str,
) -> Result<intune_osimages_transport::Request, Error> {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(url)
        .header(ACCEPT, accept);
    if body.is_some() {
        builder = builder.header(CONTENT_TYPE, JSON);
    }
    builder
        .body(body.unwrap_or_default())
        .map_err(|e| Error::configuration(format!("cannot build a request for {url:?}: {e}")))
}

pub(crate) fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Decodes a JSON answer into `T`, naming the JSON path of the first value that does not fit.
pub(crate) fn decode<T: DeserializeOwned>(response: &Response) -> Result<T, Error> {
    // Tracking the path costs about as much as decoding itself, so the common case decodes directly and only a
    // failure is decoded again, with tracking, to name where it went wrong.
    match serde_json::from_slice(response.body()) {
        Ok(value) => Ok(value),
        Err(plain) => Err(locate_decode_error::<T>(response, &plain)),
    }
}

fn locate_decode_error<T: DeserializeOwned>(
    response: &Response,
    plain: &serde_json::Error,
) -> Error {
    let mut de = serde_json::Deserializer::from_slice(response.body());
    let tracked: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    match tracked {
        Err(e) => decode_error(response, e.path().to_string(), e.inner()),
        // Only trailing characters fail after a successful value.
        Ok(_) => decode_error(response, ".".to_owned(), plain),
    }
}

fn decode_error(response: &Response, path: String, e: &serde_json::Error) -> Error {
    // A proxy's sign-in page or a gateway's HTML answers 200 too; say so rather than only "expected value".
    let content_type = header_str(response.headers(), CONTENT_TYPE.as_str()).unwrap_or("");
    let message = if content_type.is_empty() || content_type.to_ascii_lowercase().contains("json") {
        e.to_string()
    } else {
        format!("the answer is not JSON (Content-Type {content_type}): {e}")
    };
    Error::Decode(DecodeError {
        path,
        message,
        status: response.status().as_u16(),
        request_id: header_str(response.headers(), "request-id").map(str::to_owned),
    })
}

/// Turns an error answer into a [`GraphError`], keeping the body as text when it is not Graph's JSON.
pub(crate) fn graph_error(response: &Response) -> GraphError {
    let headers = response.headers();
    let body_text = String::from_utf8_lossy(response.body()).into_owned();
    let parsed: Option<GraphErrorBody> = serde_json::from_slice(response.body()).ok();
    let retry_after = headers
        .get(RETRY_AFTER)
        .and_then(|v| retry_after(v, SystemTime::now()));
    let claims = headers
        .get(WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .and_then(claims_challenge);
    let header_request_id = header_str(headers, "request-id").map(str::to_owned);
    let header_client_request_id = header_str(headers, "client-request-id").map(str::to_owned);
    match parsed {
        Some(GraphErrorBody { error, .. }) => GraphError {
            status: response.status().as_u16(),
            request_id: error.request_id().map(str::to_owned).or(header_request_id),
            client_request_id: error
                .client_request_id()
                .map(str::to_owned)
                .or(header_client_request_id),
            date: error.inner_error.as_ref().and_then(|i| i.date.clone()),
            code: if error.code.is_empty() {
                fallback_code(response.status())
            } else {
                error.code
            },
            message: error.message,
            target: error.target,
            details: error.details,
            retry_after,
            claims,
            body: body_text,
        },
        None => GraphError {
            status: response.status().as_u16(),
            code: String::new(),
            message: String::new(),
            target: None,
            details: Vec::new(),
            request_id: header_request_id,
            client_request_id: header_client_request_id,
            date: None,
            retry_after,
            claims,
            body: body_text,
        },
    }
}

fn fallback_code(status: StatusCode) -> String {
    status
        .canonical_reason()
        .unwrap_or("UnknownError")
        .replace(' ', "")
}

fn retry_after(value: &http::HeaderValue, now: SystemTime) -> Option<Duration> {
    intune_osimages_transport::parse_retry_after(value, now)
}

/// The `claims="..."` parameter of a `WWW-Authenticate: Bearer` challenge.
fn claims_challenge(header: &str) -> Option<String> {
    let start = header.find("claims=\"")? + "claims=\"".len();
    let rest = header.get(start..)?;
    let end = rest.find('"')?;
    rest.get(..end).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_read_from_the_challenge() {
        let h = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3MiOnt9fQ==""#;
        assert_eq!(claims_challenge(h).as_deref(), Some("eyJhY2Nlc3MiOnt9fQ=="));
        assert_eq!(claims_challenge("Bearer realm=\"\""), None);
    }
}
