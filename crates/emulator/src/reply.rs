//! The emulator's own answers (401, 404 outside the resource, 413, 503...), in Graph's error shape as the fake
//! writes it (`intune_osimages_fake::shell`), turned into axum responses.

use axum::body::Body;
use axum::response::Response;
use http::{HeaderMap, StatusCode};

/// A Graph error answer to a request with `request_headers`.
pub(crate) fn graph_error(
    request_headers: &HeaderMap,
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
) -> Response {
    let (parts, bytes) =
        intune_osimages_fake::shell::error_response(request_headers, status, code, message)
            .into_parts();
    Response::from_parts(parts, Body::from(bytes))
}
