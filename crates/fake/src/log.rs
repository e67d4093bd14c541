//! The log of every request the fake received, with credentials redacted, for assertions.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use http::{HeaderMap, Method, Uri};
use intune_osimages_transport::Request;

use crate::redact;

/// One request as the fake received it, with every secret replaced by [`REDACTED`](crate::REDACTED), so a log never
/// holds one: credential headers (`Authorization` and `Proxy-Authorization` keep their scheme, as
/// `Bearer <redacted>`; `Cookie`, `*-key`, `*-token` and the rest are redacted whole), the values of secret form
/// fields (`client_secret`, `client_assertion`, `refresh_token`, `password`, `device_code`, `code`) and of secret
/// query parameters (`access_token`, `code`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method.
    pub method: Method,
    /// The URI as sent (path and query still percent-encoded), secret query values redacted.
    pub uri: Uri,
    /// The headers, credentials redacted.
    pub headers: HeaderMap,
    /// The body, secret form fields redacted.
    pub body: Bytes,
}

impl RecordedRequest {
    fn from_request(request: &Request) -> Self {
        RecordedRequest {
            method: request.method().clone(),
            uri: redact::uri(request.uri()),
            headers: redact::headers(request),
            body: redact::body(request),
        }
    }

    /// A header's value as text, if present and valid text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The path, still percent-encoded.
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// The query string without `?`, if any.
    pub fn query(&self) -> Option<&str> {
        self.uri.query()
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// The most recent requests, up to a capacity, oldest first.
#[derive(Debug)]
pub(crate) struct RequestLog {
    capacity: usize,
    entries: Mutex<VecDeque<RecordedRequest>>,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        RequestLog {
            capacity,
            entries: Mutex::new(VecDeque::new()),
        }
    }

    pub(crate) fn record(&self, request: &Request) {
        if self.capacity == 0 {
            return;
        }
        let entry = RecordedRequest::from_request(request);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        while entries.len() >= self.capacity {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    pub(crate) fn all(&self) -> Vec<RecordedRequest> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}
