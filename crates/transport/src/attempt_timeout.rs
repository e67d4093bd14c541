//! The per-attempt timeout.

use std::time::Duration;

use crate::deadline::DelegatedDeadline;
use crate::{Request, Response, Transport, TransportError};

/// A transport that bounds each attempt: no answer (head and whole body) within `timeout` is a
/// [`Timeout`](crate::TransportErrorKind::Timeout) error that may have been sent, which [`Retry`](crate::Retry)
/// retries for safe methods.
///
/// Put it inside [`Retry`](crate::Retry), so each attempt gets the whole timeout, and outside
/// [`BearerAuth`](crate::BearerAuth), so a token fetch that hangs is bounded too. Being a decorator, it applies to
/// every transport alike (HTTP, the in-process fake, one of your own). Like [`OperationDeadline`](crate::OperationDeadline),
/// it waits on real (Tokio) time.
#[derive(Debug, Clone)]
pub struct AttemptTimeout<T> {
    inner: T,
    timeout: Duration,
}

impl<T> AttemptTimeout<T> {
    /// Wraps `inner`, allowing each attempt `timeout`.
    pub fn new(inner: T, timeout: Duration) -> Self {
        AttemptTimeout { inner, timeout }
    }

    /// The bound on each attempt.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }
}

/// A duration as seconds for a message: `0.5 s`, `100 s`.
pub(crate) fn seconds(duration: Duration) -> String {
    let text = format!("{:.3}", duration.as_secs_f64());
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} s")
}

#[async_trait::async_trait]
impl<T: Transport> Transport for AttemptTimeout<T> {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let now = tokio::time::Instant::now();
        // As `tokio::time::timeout` does: a timeout too long to represent is as good as none.
        let attempt_end = now
            .checked_add(self.timeout)
            .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600));
        // One timer for both bounds: the operation deadline an `OperationDeadline` above delegated, when it is the
        // earlier, or this attempt's own end. Its expiry says which one passed.
        let delegated = DelegatedDeadline::of(&request)
            .filter(|delegated| delegated.deadline.0 < attempt_end.into_std());
        let end = delegated.map_or(attempt_end, |delegated| delegated.deadline.0.into());
        match tokio::time::timeout_at(end, self.inner.send(request)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(match delegated {
                Some(delegated) => delegated.passed(),
                None => TransportError::timeout(format!(
                    "no answer within the per-attempt timeout of {}",
                    seconds(self.timeout)
                )),
            }),
        }
    }

    fn enforces_operation_deadline(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_seconds() {
        assert_eq!(seconds(Duration::from_secs(100)), "100 s");
        assert_eq!(seconds(Duration::from_millis(500)), "0.5 s");
        assert_eq!(seconds(Duration::from_millis(1250)), "1.25 s");
    }
}
