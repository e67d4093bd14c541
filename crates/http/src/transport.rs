//! The reqwest-backed transport.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{
    CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HOST, LOCATION, TRANSFER_ENCODING,
};
use http::{HeaderMap, Method, StatusCode};
use intune_osimages_transport::sensitive::{is_credential_header, is_token_request_parts};
use intune_osimages_transport::{
    Request, Response, ResponseBodyLimit, Transport, TransportError, TransportErrorKind,
};
use url::Url;

use crate::builder::HttpTransportBuilder;
use crate::error_map::{body_error, send_error};
use crate::redirect::{is_redirect, next_hop, origin};
use crate::request_url::RequestUrls;

/// A [`Transport`] that sends requests over HTTP with one pooled reqwest client (rustls by default).
///
/// - It sends only to `https` URLs, and to `http` URLs on loopback hosts (127.0.0.0/8, `::1`, `localhost`) for
///   tests and the emulator; anything else is an
///   [`InvalidRequest`](intune_osimages_transport::TransportErrorKind::InvalidRequest) error and nothing is sent.
/// - It follows 301, 302, 303, 307 and 308 itself, at most 5 times by default; never from https to anything else;
///   303 (and 301 or 302 after a POST) becomes a GET without a body; credential headers (`Authorization`, `Cookie`,
///   `Proxy-Authorization`, `*-key`, `*-token`: see
///   [`is_credential_header`](intune_osimages_transport::sensitive::is_credential_header)) are dropped once the
///   scheme, host or port changes.
/// - A request body, and a write (POST, PUT, PATCH, DELETE), never goes to an origin other than the one the caller
///   addressed: such a redirect is a [`Redirect`](TransportErrorKind::Redirect) error naming the status and the
///   target, and nothing more is sent. A token request
///   ([`is_token_request`](intune_osimages_transport::sensitive::is_token_request): a form with a grant or a secret,
///   or a managed identity call) follows no redirect at all.
/// - Errors say whether the request may have been sent: a connect failure was not; a timeout or broken connection
///   may have been.
///
/// Cloning is cheap and shares the connection pool.
#[derive(Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    settings: HttpTransportBuilder,
    /// Request URIs turned into URLs (shared by clones, as the pool is).
    urls: Arc<RequestUrls>,
}

impl HttpTransport {
    /// Settings to build a transport from, starting from the defaults.
    pub fn builder() -> HttpTransportBuilder {
        HttpTransportBuilder::default()
    }

    /// A transport with the default settings.
    pub fn new() -> Result<Self, TransportError> {
        Self::builder().build()
    }

    pub(crate) fn from_parts(client: reqwest::Client, settings: HttpTransportBuilder) -> Self {
        HttpTransport {
            client,
            settings,
            urls: Arc::default(),
        }
    }
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// The parts of a request that change from one redirect hop to the next.
struct Outgoing {
    method: Method,
    url: Url,
    headers: HeaderMap,
    body: Bytes,
}

impl Outgoing {
    fn to_reqwest(&self) -> reqwest::Request {
        let mut request = reqwest::Request::new(self.method.clone(), self.url.clone());
        *request.headers_mut() = self.headers.clone();
        // A GET without a body goes out without one (no `Content-Length: 0`); POST, PUT and PATCH always say how
        // long their body is, even when it is empty.
        // (hyper leaves the length out for an empty body, and some front ends answer such a POST with 411).
        let needs_body = matches!(self.method, Method::POST | Method::PUT | Method::PATCH);
        if !self.body.is_empty() {
            *request.body_mut() = Some(reqwest::Body::from(self.body.clone()));
        } else if needs_body && !request.headers().contains_key(CONTENT_LENGTH) {
            request
                .headers_mut()
                .insert(CONTENT_LENGTH, http::HeaderValue::from_static("0"));
        }
        request
    }

    /// Whether this request must stay on the caller's origin: it is a write or it carries a body.
    fn stays_home(&self) -> bool {
        !self.body.is_empty()
            || matches!(
                self.method,
                Method::POST | Method::PUT | Method::PATCH | Method::DELETE
            )
    }

    fn follow(&mut self, hop: crate::redirect::Hop) {
        if hop.cross_origin {
            let credentials: Vec<_> = self
                .headers
                .keys()
                .filter(|name| is_credential_header(name))
                .cloned()
                .collect();
            for name in credentials {
                self.headers.remove(name);
            }
            self.headers.remove(HOST);
        }
        if hop.drop_body {
            self.body = Bytes::new();
            for name in [
                CONTENT_TYPE,
                CONTENT_LENGTH,
                CONTENT_ENCODING,
                TRANSFER_ENCODING,
            ] {
                self.headers.remove(name);
            }
        }
        self.method = hop.method;
        self.url = hop.url;
    }
}

/// The whole body, read chunk by chunk so that a body over the request's [`ResponseBodyLimit`] is refused as soon as
/// it passes the limit (an endless chunked body costs at most the limit in memory).
async fn read_body(
    response: &mut reqwest::Response,
    limit: Option<ResponseBodyLimit>,
) -> Result<Bytes, TransportError> {
    let limit = limit.unwrap_or(ResponseBodyLimit(usize::MAX));
    if let Some(announced) = response.content_length() {
        let announced = usize::try_from(announced).unwrap_or(usize::MAX);
        if limit.is_exceeded_by(announced) {
            return Err(limit.error(announced));
        }
    }
    // A body that arrives as one chunk (most answers of a few kilobytes) is returned as that chunk, without a copy;
    // only a second chunk starts a buffer holding them all.
    let mut single: Option<Bytes> = None;
    let mut joined = bytes::BytesMut::new();
    let mut total = 0_usize;
    while let Some(chunk) = response.chunk().await.map_err(body_error)? {
        total = total.saturating_add(chunk.len());
        if limit.is_exceeded_by(total) {
            return Err(limit.error(total));
        }
        match single.take() {
            Some(first) => {
                joined.reserve(first.len() + chunk.len());
                joined.extend_from_slice(&first);
                joined.extend_from_slice(&chunk);
            }
            None if joined.is_empty() => single = Some(chunk),
            None => joined.extend_from_slice(&chunk),
        }
    }
    Ok(single.unwrap_or_else(|| joined.freeze()))
}

fn redirect_error(message: String) -> TransportError {
    TransportError::new(TransportErrorKind::Redirect, message)
}

/// Where a redirect points, for messages: origin and path, without the query (which may carry a code or a token).
fn shown(url: &Url) -> String {
    format!("{}{}", origin(url), url.path())
}

/// Why a redirect of this request must not be followed, before anything is re-sent.
fn refused_redirect(
    outgoing: &Outgoing,
    token_request: bool,
    caller: &url::Origin,
    status: StatusCode,
    next: &Url,
) -> Option<String> {
    if token_request {
        return Some(format!(
            "`{}` answered {status} to `{}`; a token request follows no redirect, so its credentials stay where \
             they were sent",
            shown(&outgoing.url),
            shown(next)
        ));
    }
    if outgoing.stays_home() && next.origin() != *caller {
        return Some(format!(
            "`{}` answered {status} to `{}`, another origin; a {} {} is never re-sent to an origin the caller \
             did not address",
            shown(&outgoing.url),
            shown(next),
            outgoing.method,
            if outgoing.body.is_empty() {
                "request"
            } else {
                "request with a body"
            }
        ));
    }
    None
}

#[async_trait::async_trait]
impl Transport for HttpTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let url = self.urls.target(request.uri())?;
        // What a redirect is checked against: the request as the caller sent it, worked out at the first redirect
        // (which sees the request unchanged), not on every request for the few that are redirected.
        let mut first_hop: Option<(bool, url::Origin)> = None;
        let limit_of_body = ResponseBodyLimit::of(&request);
        let (parts, body) = request.into_parts();
        let mut outgoing = Outgoing {
            method: parts.method,
            url,
            headers: parts.headers,
            body,
        };
        let limit = self.settings.redirect_limit();
        let mut redirects = 0_usize;
        loop {
            let mut response = self
                .client
                .execute(outgoing.to_reqwest())
                .await
                .map_err(send_error)?;
            let status = response.status();
            let location = response.headers().get(LOCATION).cloned();
            if let (true, Some(location)) = (is_redirect(status), location) {
                let location = location.to_str().map_err(|_| {
                    redirect_error(format!(
                        "`{}` answered {status} with a Location that is not text",
                        origin(&outgoing.url)
                    ))
                })?;
                let hop = next_hop(&outgoing.url, &outgoing.method, status, location)
                    .map_err(redirect_error)?;
                let (token_request, caller) = first_hop.get_or_insert_with(|| {
                    (
                        is_token_request_parts(&outgoing.headers, &outgoing.body),
                        outgoing.url.origin(),
                    )
                });
                if let Some(reason) =
                    refused_redirect(&outgoing, *token_request, caller, status, &hop.url)
                {
                    return Err(redirect_error(reason));
                }
                if redirects >= limit {
                    return Err(redirect_error(format!(
                        "stopped after {limit} redirects: `{}` answered {status} to `{}`",
                        shown(&outgoing.url),
                        shown(&hop.url)
                    )));
                }
                redirects += 1;
                tracing::debug!(
                    status = status.as_u16(),
                    from = %origin(&outgoing.url),
                    to = %origin(&hop.url),
                    method = %hop.method,
                    credentials_dropped = hop.cross_origin,
                    redirect = redirects,
                    "following redirect"
                );
                outgoing.follow(hop);
                continue;
            }
            let version = response.version();
            let headers = std::mem::take(response.headers_mut());
            let body = read_body(&mut response, limit_of_body).await?;
            tracing::debug!(
                method = %outgoing.method,
                origin = %origin(&outgoing.url),
                path = outgoing.url.path(),
                status = status.as_u16(),
                bytes = body.len(),
                "http response"
            );
            let mut answer = http::Response::new(body);
            *answer.status_mut() = status;
            *answer.version_mut() = version;
            *answer.headers_mut() = headers;
            return Ok(answer);
        }
    }
}
