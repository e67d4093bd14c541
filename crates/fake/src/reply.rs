//! Building responses: Graph's error bodies, the `request-id` and `client-request-id` headers, JSON and text bodies.

use bytes::Bytes;
use http::header::{ALLOW, CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER};
use http::{HeaderMap, StatusCode};
use intune_osimages_model::{ErrorDetail, GraphErrorBody, InnerError};
use intune_osimages_transport::{Request, Response};

/// The `Content-Type` of Graph's JSON answers, with the OData parameters its front end writes.
pub(crate) const GRAPH_JSON: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// Header names every answer carries, made once at compile time (a name given as `&str` is parsed at each use).
const ODATA_VERSION: HeaderName = HeaderName::from_static("odata-version");
const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");

/// The header values answers carry, made at compile time too: `HeaderValue::from_static` checks every byte when it
/// runs, which for Graph's 104-byte JSON type was about 500 instructions per answer.
const GRAPH_JSON_TYPE: HeaderValue = HeaderValue::from_static(GRAPH_JSON);
const JSON_TYPE: HeaderValue = HeaderValue::from_static("application/json");
const XML_TYPE: HeaderValue = HeaderValue::from_static("application/xml");
const TEXT_TYPE: HeaderValue = HeaderValue::from_static("text/plain");
const ODATA_4: HeaderValue = HeaderValue::from_static("4.0");

/// The ids Graph puts on every response: a fresh `request-id`, and the caller's `client-request-id` echoed (or the
/// `request-id` when the caller sent none, as Graph does).
#[derive(Debug, Clone)]
pub(crate) struct Ids {
    pub(crate) request_id: String,
    pub(crate) client_request_id: Option<String>,
}

impl Ids {
    /// Fresh ids for `request`.
    pub(crate) fn for_request(request: &Request) -> Ids {
        Ids::for_headers(request.headers())
    }

    /// Fresh ids for a request with these headers (an empty `client-request-id` counts as none).
    pub(crate) fn for_headers(headers: &HeaderMap) -> Ids {
        let client_request_id = headers
            .get(CLIENT_REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
            .map(str::to_owned);
        Ids {
            request_id: fresh_request_id(),
            client_request_id,
        }
    }

    fn client_or_request_id(&self) -> &str {
        self.client_request_id
            .as_deref()
            .unwrap_or(&self.request_id)
    }

    fn stamp(&self, headers: &mut HeaderMap) {
        headers.insert(ODATA_VERSION, ODATA_4);
        let Ok(request_id) = HeaderValue::from_str(&self.request_id) else {
            return;
        };
        let client_request_id = match &self.client_request_id {
            Some(id) => HeaderValue::from_str(id).ok(),
            // Graph echoes the request-id; the value is shared, not validated and copied again.
            None => Some(request_id.clone()),
        };
        headers.insert(REQUEST_ID, request_id);
        if let Some(value) = client_request_id {
            headers.insert(CLIENT_REQUEST_ID, value);
        }
    }
}

/// A fresh `request-id`: a version-4 UUID from the thread's random generator (a system call per answer for
/// `Uuid::new_v4` was a measurable part of a GET; the id is a correlation id, not a secret), written without the
/// formatting machinery.
fn fresh_request_id() -> String {
    let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
    let mut text = [0_u8; uuid::fmt::Hyphenated::LENGTH];
    id.hyphenated().encode_lower(&mut text).to_owned()
}

/// An error answer: status, Graph's `code` (branch on it), a message for people, and optional details.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GraphError {
    pub(crate) status: StatusCode,
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) details: Vec<ErrorDetail>,
    pub(crate) allow: Option<&'static str>,
    pub(crate) retry_after: Option<u64>,
}

impl GraphError {
    /// An error with this status, code and message.
    pub(crate) fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        GraphError {
            status,
            code: code.to_owned(),
            message: message.into(),
            details: Vec::new(),
            allow: None,
            retry_after: None,
        }
    }

    /// 400 `BadRequest`.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    /// 404 `NotFound`.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NotFound", message)
    }

    /// 404 for an image id that is not in the catalog.
    pub(crate) fn no_image(id: &str) -> Self {
        Self::not_found(format!(
            "No managedDeviceWindowsOperatingSystemImage with id '{id}' exists"
        ))
    }

    /// 409 `Conflict`.
    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "Conflict", message)
    }

    /// 405 `MethodNotAllowed`, with the methods the resource does allow.
    pub(crate) fn method_not_allowed(
        method: &http::Method,
        what: &str,
        allow: &'static str,
    ) -> Self {
        let mut e = Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            format!("The HTTP method '{method}' is not allowed on {what}; allowed: {allow}"),
        );
        e.allow = Some(allow);
        e
    }

    /// 415 `UnsupportedMediaType`.
    pub(crate) fn unsupported_media_type(content_type: &str) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            format!("The content type '{content_type}' is not supported; send application/json"),
        )
    }

    /// 500 `InternalServerError`.
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            message,
        )
    }

    /// A scripted fault's answer: `status` with the code Graph uses for it.
    pub(crate) fn scripted(status: StatusCode, retry_after: Option<u64>) -> Self {
        let mut e = Self::new(
            status,
            code_for(status),
            format!("Scripted fault: the fake Graph service answered {status}"),
        );
        e.retry_after = retry_after;
        e
    }
}

/// Graph's error code for a status.
pub(crate) fn code_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "BadRequest",
        401 => "InvalidAuthenticationToken",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        412 => "PreconditionFailed",
        415 => "UnsupportedMediaType",
        424 => "FailedDependency",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        s if s < 500 => "BadRequest",
        _ => "InternalServerError",
    }
}

/// A successful answer, before the ids are stamped on it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reply {
    /// A JSON body (shared bytes: a GET answers the bytes cached with its image).
    Json(StatusCode, Bytes),
    /// A `text/plain` body.
    Text(StatusCode, String),
    /// An `application/xml` body (the CSDL).
    Xml(StatusCode, &'static str),
    /// 204 with no body.
    NoContent,
}

/// Turns an outcome into a response carrying Graph's headers.
pub(crate) fn finish(ids: &Ids, outcome: Result<Reply, GraphError>) -> Response {
    match outcome {
        Ok(Reply::Json(status, body)) => with_body(ids, status, Some(GRAPH_JSON_TYPE), body),
        Ok(Reply::Xml(status, body)) => with_body(
            ids,
            status,
            Some(XML_TYPE),
            Bytes::from_static(body.as_bytes()),
        ),
        Ok(Reply::Text(status, body)) => with_body(ids, status, Some(TEXT_TYPE), body.into()),
        Ok(Reply::NoContent) => with_body(ids, StatusCode::NO_CONTENT, None, Bytes::new()),
        Err(e) => error_response(ids, &e),
    }
}

/// A Graph error response: `{"error":{"code","message","innerError":{date, request-id, client-request-id}}}`, as
/// plain `application/json` (Graph's error answers carry no OData parameters).
pub(crate) fn error_response(ids: &Ids, e: &GraphError) -> Response {
    let mut body = GraphErrorBody::new(e.code.clone(), e.message.clone());
    body.error.details = e.details.clone();
    body.error.inner_error = Some(InnerError::new(
        chrono::Utc::now().naive_utc(),
        ids.request_id.clone(),
        Some(ids.client_or_request_id().to_owned()),
    ));
    let bytes = serde_json::to_vec(&body).unwrap_or_else(|_| {
        br#"{"error":{"code":"InternalServerError","message":"the error body could not be written"}}"#.to_vec()
    });
    let mut response = with_body(ids, e.status, Some(JSON_TYPE), bytes.into());
    if let Some(allow) = e.allow {
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static(allow));
    }
    if let Some(seconds) = e.retry_after {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

fn with_body(
    ids: &Ids,
    status: StatusCode,
    content_type: Option<HeaderValue>,
    body: Bytes,
) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    // Room for the four headers every answer carries, made at once rather than grown at the first insert.
    *headers = HeaderMap::with_capacity(4);
    if let Some(content_type) = content_type {
        headers.insert(CONTENT_TYPE, content_type);
    }
    ids.stamp(headers);
    response
}
