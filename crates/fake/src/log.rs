//! The log of every request the fake received, with credentials redacted, for assertions.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use http::header::{AUTHORIZATION, COOKIE, HeaderValue, PROXY_AUTHORIZATION};
use http::{HeaderMap, Method, Uri};
use intune_osimages_transport::Request;

/// What replaces a credential in the log: the scheme stays (`Bearer <redacted>`) so tests can check it was sent.
pub const REDACTED: &str = "<redacted>";

/// One request as the fake received it. `Authorization`, `Proxy-Authorization` and `Cookie` values are replaced by
/// `<scheme> <redacted>` (or `<redacted>`), so a log never holds a secret.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method.
    pub method: Method,
    /// The URI as sent (path and query still percent-encoded).
    pub uri: Uri,
    /// The headers, credentials redacted.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl RecordedRequest {
    fn from_request(request: &Request) -> Self {
        let mut headers = request.headers().clone();
        for name in [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE] {
            let redacted: Vec<HeaderValue> = headers.get_all(&name).iter().map(redact).collect();
            headers.remove(&name);
            for value in redacted {
                headers.append(name.clone(), value);
            }
        }
        RecordedRequest {
            method: request.method().clone(),
            uri: request.uri().clone(),
            headers,
            body: request.body().clone(),
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

fn redact(value: &HeaderValue) -> HeaderValue {
    let scheme = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .map(|(scheme, _)| scheme)
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    match scheme {
        Some(scheme) => HeaderValue::from_str(&format!("{scheme} {REDACTED}"))
            .unwrap_or(HeaderValue::from_static(REDACTED)),
        None => HeaderValue::from_static(REDACTED),
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
