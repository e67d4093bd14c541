//! The emulator's own error answers (401, 404, 413, ...), shaped as Graph shapes them so any Graph client reads them:
//! `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}` with the same ids in the
//! `request-id` and `client-request-id` headers.

use axum::body::Body;
use axum::response::Response;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, StatusCode};
use intune_osimages_model::{GraphErrorBody, InnerError};

/// The ids of one request: a fresh `request-id`, and the caller's `client-request-id` (Graph echoes it, or repeats
/// the `request-id` when the caller sent none).
#[derive(Debug, Clone)]
pub(crate) struct RequestIds {
    pub(crate) request_id: String,
    pub(crate) client_request_id: String,
}

impl RequestIds {
    /// Fresh ids for a request with these headers.
    pub(crate) fn for_headers(headers: &HeaderMap) -> Self {
        let request_id = uuid::Uuid::new_v4().to_string();
        let client_request_id = headers
            .get("client-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .map_or_else(|| request_id.clone(), str::to_owned);
        RequestIds {
            request_id,
            client_request_id,
        }
    }
}

/// A Graph error response with this status, code and message.
pub(crate) fn error_response(
    ids: &RequestIds,
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
) -> Response {
    let mut body = GraphErrorBody::new(code, message);
    body.error.inner_error = Some(InnerError::new(
        chrono::Utc::now().naive_utc(),
        ids.request_id.clone(),
        Some(ids.client_request_id.clone()),
    ));
    let bytes = serde_json::to_vec(&body).unwrap_or_else(|_| {
        br#"{"error":{"code":"InternalServerError","message":"the error body could not be written"}}"#.to_vec()
    });
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (name, value) in [
        ("request-id", &ids.request_id),
        ("client-request-id", &ids.client_request_id),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    response
}
