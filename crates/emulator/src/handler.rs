//! The one HTTP handler: check the token, the path and the body size, then hand the request to the fake Graph service
//! with its absolute URI rebuilt from `Host`, so the links it writes (`@odata.nextLink`) point back at the emulator.

use std::time::Instant;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::header::{CONTENT_LENGTH, EXPECT, HeaderValue, WWW_AUTHENTICATE};
use http::uri::{Authority, Scheme};
use http::{Method, Request, StatusCode};
use intune_osimages_fake::FakeGraph;

use crate::auth::{BearerToken, Refusal};
use crate::control;
use crate::limited_body::{BodyError, DRAIN_LIMIT_BYTES, MAX_BODY_BYTES, read_limited};
use crate::reply::graph_error;
use crate::request_uri::{LastHost, absolute_uri};

/// The path every Graph operation is served under, as `https://graph.microsoft.com/beta`.
pub(crate) const VERSION_PREFIX: &str = "/beta";

/// What the handler needs; shared by every connection.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) graph: FakeGraph,
    pub(crate) token: Option<BearerToken>,
    /// The bound address, for requests without a usable `Host` header (HTTP/1.0).
    pub(crate) fallback_authority: Authority,
    /// `https` when serving TLS: the scheme of the links the fake writes, unless a proxy says otherwise.
    pub(crate) scheme: Scheme,
    /// Writes go through the blocking pool when each one is written to disk, so an fsync never stalls a worker.
    pub(crate) writes_block: bool,
    /// Whether the fake keeps its request log (for `GET /_emulator/requests`).
    pub(crate) recording: bool,
    /// The catalog the emulator started with, which `POST /_emulator/reset` restores.
    pub(crate) initial: Vec<intune_osimages_fake::CatalogEntry>,
    /// Whether the fake answers the local authority's endpoints (`--authority`), which are then forwarded to it.
    pub(crate) authority: bool,
    /// How long a body may take after its headers (`--body-read-timeout`).
    pub(crate) body_read_timeout: std::time::Duration,
}

/// Answers one request of a connection whose last `Host` is `last_host`, logging it at debug level (method, path,
/// status, time; never a header value).
pub(crate) async fn handle(
    shared: &Shared,
    last_host: &LastHost,
    request: Request<Body>,
) -> Response {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return answer(shared, last_host, request).await;
    }
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = answer(shared, last_host, request).await;
    tracing::debug!(
        %method,
        path,
        status = response.status().as_u16(),
        micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "osimages serve: request"
    );
    response
}

async fn answer(shared: &Shared, last_host: &LastHost, request: Request<Body>) -> Response {
    if let Some(token) = &shared.token
        && let Err(refusal) = token.check(request.headers())
    {
        return unauthorized(request.headers(), refusal);
    }
    let path = request.uri().path();
    if path.starts_with("/_emulator/") {
        let (parts, body) = request.into_parts();
        return match read_body(&parts.headers, body, shared.body_read_timeout).await {
            Ok(body) => control::answer(
                shared,
                &parts.headers,
                &parts.method,
                parts.uri.path(),
                &body,
            ),
            Err(refusal) => refusal,
        };
    }
    // The version segment ignores case, as Graph's do; the fake checks the rest of the path.
    let version = path.get(1..).map(|p| p.split('/').next().unwrap_or(p));
    let at_authority = shared.authority && intune_osimages_fake::shell::is_authority_path(path);
    if !at_authority && !version.is_some_and(|v| v.eq_ignore_ascii_case(&VERSION_PREFIX[1..])) {
        return graph_error(
            request.headers(),
            StatusCode::NOT_FOUND,
            "NotFound",
            format!(
                "No resource at '{path}'; this emulator serves Microsoft Graph beta under {VERSION_PREFIX}/deviceManagement/managedDeviceWindowsOSImages"
            ),
        );
    }
    let (mut parts, body) = request.into_parts();
    let body = match read_body(&parts.headers, body, shared.body_read_timeout).await {
        Ok(body) => body,
        Err(refusal) => return refusal,
    };
    parts.uri = absolute_uri(
        std::mem::take(&mut parts.uri),
        &parts.headers,
        &shared.scheme,
        &shared.fallback_authority,
        last_host,
    );
    let is_write = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let forwarded = Request::from_parts(parts, body);
    let result = if is_write && shared.writes_block {
        let graph = shared.graph.clone();
        let runtime = tokio::runtime::Handle::current();
        match tokio::task::spawn_blocking(move || runtime.block_on(graph.handle(forwarded))).await {
            Ok(result) => result,
            Err(_) => {
                // Only if the fake panicked; the request's headers are gone by now, so the ids are fresh.
                return graph_error(
                    &http::HeaderMap::new(),
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalServerError",
                    "The write could not be completed",
                );
            }
        }
    } else {
        shared.graph.handle(forwarded).await
    };
    match result {
        Ok(response) => {
            let (parts, bytes) = response.into_parts();
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(error) => {
            tracing::debug!(reason = %error, "osimages serve: dropping the connection as scripted");
            dropped_connection()
        }
    }
}

/// The whole body, or the answer that refuses it: 413 over the limit, 400 when it breaks off.
async fn read_body(
    headers: &http::HeaderMap,
    body: Body,
    deadline: std::time::Duration,
) -> Result<Bytes, Response> {
    // A request without a body (every GET) has nothing to wait for: no timer, no reading.
    if axum::body::HttpBody::is_end_stream(&body) {
        return Ok(Bytes::new());
    }
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = declared.is_some_and(|n| n > MAX_BODY_BYTES as u64);
    // A client that asked `Expect: 100-continue` is waiting for leave to send: refuse before reading anything.
    let body = if too_large && headers.contains_key(EXPECT) {
        Err(BodyError::TooLarge)
    } else {
        read_limited(body, MAX_BODY_BYTES, DRAIN_LIMIT_BYTES, deadline).await
    };
    body.map_err(|e| match e {
        BodyError::TooLarge => payload_too_large(headers),
        BodyError::Broken => graph_error(
            headers,
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "The request body could not be read to its end",
        ),
        BodyError::TimedOut => {
            let mut answer = graph_error(
                headers,
                StatusCode::REQUEST_TIMEOUT,
                "RequestTimeout",
                format!(
                    "The request body did not arrive within {} s of its headers",
                    deadline.as_secs_f64()
                ),
            );
            // The rest of the body may still come: the connection cannot carry another request.
            answer.headers_mut().insert(
                http::header::CONNECTION,
                http::HeaderValue::from_static("close"),
            );
            answer
        }
    })
}

/// 401 with Graph's code and a `WWW-Authenticate` challenge (RFC 6750: `invalid_token` when one was sent).
fn unauthorized(headers: &http::HeaderMap, refusal: Refusal) -> Response {
    let (message, challenge) = match refusal {
        Refusal::Missing => (
            "Access token is empty: send 'Authorization: Bearer <token>' with the token given to --token",
            "Bearer",
        ),
        Refusal::Invalid => (
            "Access token validation failure: the bearer token is not the one given to --token",
            "Bearer error=\"invalid_token\"",
        ),
    };
    let mut response = graph_error(
        headers,
        StatusCode::UNAUTHORIZED,
        "InvalidAuthenticationToken",
        message,
    );
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}

fn payload_too_large(headers: &http::HeaderMap) -> Response {
    graph_error(
        headers,
        StatusCode::PAYLOAD_TOO_LARGE,
        "RequestEntityTooLarge",
        format!("The request body is larger than the emulator's limit of {MAX_BODY_BYTES} bytes"),
    )
}

/// The fake's scripted `DropConnection`: an answer whose body fails at once, so the server closes the connection
/// without sending a complete response, and the client sees a broken connection as it would on the real network.
fn dropped_connection() -> Response {
    let failing = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("scripted fault: connection dropped"))
    });
    let mut response = Response::new(Body::from_stream(failing));
    response
        .headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from_static("1"));
    response
}
