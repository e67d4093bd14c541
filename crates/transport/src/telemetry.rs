//! The telemetry-headers decorator.

use http::HeaderValue;
use http::header::USER_AGENT;

use crate::headers::{CLIENT_REQUEST_ID, SDK_VERSION};
use crate::transport::SendFuture;
use crate::{Request, Transport};

/// A transport that adds the headers Microsoft's Graph SDKs send, leaving any the caller set alone:
/// - `client-request-id`: a fresh UUID v4 unless the request already has one (so support can find the request, and
///   so a caller can choose the id and log it);
/// - `SdkVersion`: the SDK name and version given to [`Telemetry::new`];
/// - `User-Agent`: the same value, unless set.
///
/// Put it outside [`Retry`](crate::Retry) so that all attempts of one call share one `client-request-id`.
#[derive(Debug, Clone)]
pub struct Telemetry<T> {
    inner: T,
    sdk_version: HeaderValue,
}

impl<T> Telemetry<T> {
    /// Wraps `inner`; `sdk_version` names the SDK, like `"intune-osimages-rust/0.1.0"`. Control characters, which
    /// a header cannot carry, are dropped from it.
    pub fn new(inner: T, sdk_version: &str) -> Self {
        let printable: String = sdk_version.chars().filter(|c| !c.is_control()).collect();
        // Without control characters the value is always valid; the fallback only keeps this free of panics.
        let sdk_version = HeaderValue::try_from(printable)
            .unwrap_or_else(|_| HeaderValue::from_static("intune-osimages-rust"));
        Telemetry { inner, sdk_version }
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }
}

/// A random (version 4) UUID as a header value, drawn from the thread-local generator (no system call per request).
fn fresh_request_id() -> HeaderValue {
    let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
    let mut buffer = uuid::Uuid::encode_buffer();
    HeaderValue::from_str(id.hyphenated().encode_lower(&mut buffer))
        .unwrap_or_else(|_| HeaderValue::from_static("00000000-0000-4000-8000-000000000000"))
}

// Written out rather than with `#[async_trait]`: the headers are set before the call and nothing is left to do
// after it, so the inner transport's boxed future is handed back as it is (no box and no poll of this stage's own).
impl<T: Transport> Transport for Telemetry<T> {
    fn send<'life0, 'async_trait>(&'life0 self, mut request: Request) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        let headers = request.headers_mut();
        // One lookup per header (`entry`), where `contains_key` and then `insert` hashed each name twice.
        let id = headers
            .entry(CLIENT_REQUEST_ID)
            .or_insert_with(fresh_request_id);
        if tracing::enabled!(tracing::Level::DEBUG)
            && let Ok(id) = id.to_str()
        {
            tracing::debug!(client_request_id = id, "telemetry headers set");
        }
        headers
            .entry(SDK_VERSION)
            .or_insert_with(|| self.sdk_version.clone());
        headers
            .entry(USER_AGENT)
            .or_insert_with(|| self.sdk_version.clone());
        self.inner.send(request)
    }

    fn enforces_operation_deadline(&self) -> bool {
        self.inner.enforces_operation_deadline()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_v4_and_differ() {
        let a = fresh_request_id();
        let b = fresh_request_id();
        assert_ne!(a, b);
        let parsed = uuid::Uuid::parse_str(a.to_str().unwrap()).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
    }
}
