//! Reading Graph's answers: a success into a typed value, naming the JSON path of what does not fit; an error status
//! into a [`GraphError`].

use std::time::{Duration, SystemTime};

use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER, WWW_AUTHENTICATE};
use intune_osimages_model::{FastDecode, GraphErrorBody};
use intune_osimages_transport::Response;
use intune_osimages_transport::headers::{CLIENT_REQUEST_ID, REQUEST_ID};
use serde::de::DeserializeOwned;

use crate::Error;
use crate::error::{DecodeError, GraphError};

/// A header's value as text; `name` is best a `HeaderName` constant, which is not parsed again on each lookup.
pub(crate) fn header_str(
    headers: &HeaderMap,
    name: impl http::header::AsHeaderName,
) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Decodes a JSON answer into `T`, naming the JSON path of the first value that does not fit.
pub(crate) fn decode<T: DeserializeOwned>(response: &Response) -> Result<T, Error> {
    decode_with(response, |text| serde_json::from_str(text))
}

/// Decodes an answer holding one of the model's types (an image, a page of them) as [`decode`] does, by the model's
/// schema decoder ([`FastDecode`]) where the text allows; it gives the same value and, by leaving the text to
/// serde_json otherwise, the same errors and paths.
pub(crate) fn decode_model<T: FastDecode>(response: &Response) -> Result<T, Error> {
    decode_with(response, T::from_json_str)
}

fn decode_with<T: DeserializeOwned>(
    response: &Response,
    from_str: impl FnOnce(&str) -> serde_json::Result<T>,
) -> Result<T, Error> {
    // Tracking the path costs about as much as decoding itself, so the common case decodes directly and only a
    // failure is decoded again, with tracking, to name where it went wrong.
    // UTF-8 is checked once for the whole body; `from_slice` would check each string again as it reads it.
    let decoded = match std::str::from_utf8(response.body()) {
        Ok(text) => from_str(text),
        Err(_) => serde_json::from_slice(response.body()),
    };
    decoded.map_err(|plain| locate_decode_error::<T>(response, plain))
}

fn locate_decode_error<T: DeserializeOwned>(
    response: &Response,
    plain: serde_json::Error,
) -> Error {
    let mut de = serde_json::Deserializer::from_slice(response.body());
    let tracked: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    match tracked {
        Err(e) => {
            let path = e.path().to_string();
            decode_error(response, path, e.into_inner())
        }
        // Only trailing characters fail after a successful value.
        Ok(_) => decode_error(response, ".".to_owned(), plain),
    }
}

fn decode_error(response: &Response, path: String, e: serde_json::Error) -> Error {
    // A proxy's sign-in page or a gateway's HTML answers 200 too; say so rather than only "expected value".
    let content_type = header_str(response.headers(), CONTENT_TYPE).unwrap_or("");
    let message = if content_type.is_empty() || content_type.to_ascii_lowercase().contains("json") {
        e.to_string()
    } else {
        format!("the answer is not JSON (Content-Type {content_type}): {e}")
    };
    Error::Decode(
        DecodeError::new(
            path,
            message,
            response.status().as_u16(),
            header_str(response.headers(), REQUEST_ID).map(str::to_owned),
        )
        .with_source(e),
    )
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
    let header_request_id = header_str(headers, REQUEST_ID).map(str::to_owned);
    let header_client_request_id = header_str(headers, CLIENT_REQUEST_ID).map(str::to_owned);
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
