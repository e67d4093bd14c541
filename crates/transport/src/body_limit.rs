//! The bound on the size of an answer.

use crate::{Request, Response, Transport, TransportError, TransportErrorKind};

/// The largest response body, in bytes, the caller accepts, carried in a request's
/// [extensions](http::Request::extensions).
///
/// A transport that reads a body as it arrives (the HTTP transport) stops reading once the body passes the limit
/// and fails with a [`LimitExceeded`](TransportErrorKind::LimitExceeded) error, so an endless or huge answer
/// costs at most the limit in memory. [`BodyLimit`] sets the extension and checks the answer of any transport, for
/// transports that do not read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseBodyLimit(pub usize);

impl ResponseBodyLimit {
    /// The limit a request carries, if any.
    pub fn of(request: &Request) -> Option<ResponseBodyLimit> {
        request.extensions().get::<ResponseBodyLimit>().copied()
    }

    /// Whether a body of `len` bytes is over the limit.
    pub fn is_exceeded_by(&self, len: usize) -> bool {
        len > self.0
    }

    /// The error for a body of at least `size` bytes (what was read or announced before stopping).
    pub fn error(&self, size: usize) -> TransportError {
        TransportError::new(
            TransportErrorKind::LimitExceeded,
            format!(
                "the answer's body ({size} bytes or more) is larger than the limit of {} bytes; not read further",
                self.0
            ),
        )
    }
}

/// A transport that refuses an answer whose body is larger than `limit` bytes with a
/// [`LimitExceeded`](TransportErrorKind::LimitExceeded) error. It puts the [`ResponseBodyLimit`] in the request
/// for the transport below to enforce while reading, unless the request already carries one.
#[derive(Debug, Clone)]
pub struct BodyLimit<T> {
    inner: T,
    limit: ResponseBodyLimit,
}

impl<T> BodyLimit<T> {
    /// Wraps `inner`, accepting bodies of at most `limit` bytes.
    pub fn new(inner: T, limit: usize) -> Self {
        BodyLimit {
            inner,
            limit: ResponseBodyLimit(limit),
        }
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }
}

#[async_trait::async_trait]
impl<T: Transport> Transport for BodyLimit<T> {
    async fn send(&self, mut request: Request) -> Result<Response, TransportError> {
        let limit = match ResponseBodyLimit::of(&request) {
            Some(given) => given,
            None => {
                request.extensions_mut().insert(self.limit);
                self.limit
            }
        };
        let response = self.inner.send(request).await?;
        if limit.is_exceeded_by(response.body().len()) {
            return Err(limit.error(response.body().len()));
        }
        Ok(response)
    }
}
