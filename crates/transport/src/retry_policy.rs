//! What the retry decorator retries, how often and how long it waits.

use std::time::Duration;

use http::{Method, StatusCode};

use crate::{TransportError, TransportErrorKind};

/// Retries of one request that [`RetryPolicy::max_retries`] allows at most, whatever the caller asks for.
pub const MAX_RETRIES_CAP: u32 = 10;

/// When and how the [`Retry`](crate::Retry) decorator resends a request.
///
/// The defaults ([`RetryPolicy::default`]):
/// - 3 retries (4 attempts in all); at most [`MAX_RETRIES_CAP`];
/// - retried statuses 429, 503 and 504, for any method: the server says it did not process the request;
/// - a failure that never reached the server (a connect failure) is retried for any method;
/// - a failure that may have reached the server (a timeout, a broken connection) is retried only for the safe
///   methods GET, HEAD and OPTIONS, since resending a POST, PATCH, PUT or DELETE that may have taken effect could
///   apply it twice; [`retry_maybe_sent(true)`](Self::retry_maybe_sent) opts every method in;
/// - the wait is the server's `Retry-After` when given, otherwise exponential backoff with full jitter: a random
///   delay between zero and `base_delay * 2^(n-1)` before retry `n` (base 0.8 s), capped by `max_delay` (60 s);
/// - a `Retry-After` longer than `max_delay` is not waited out: the answer goes back to the caller at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    statuses: Vec<StatusCode>,
    retry_connect: bool,
    retry_maybe_sent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(800),
            max_delay: Duration::from_secs(60),
            statuses: vec![
                StatusCode::TOO_MANY_REQUESTS,
                StatusCode::SERVICE_UNAVAILABLE,
                StatusCode::GATEWAY_TIMEOUT,
            ],
            retry_connect: true,
            retry_maybe_sent: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries: every request is sent once.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// How many times a request may be resent after the first attempt; values above [`MAX_RETRIES_CAP`] are capped.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries.min(MAX_RETRIES_CAP);
        self
    }

    /// The backoff before the first retry when the server gives no `Retry-After`; doubled for each later retry.
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest wait before a retry, for backoff and `Retry-After` alike (a longer `Retry-After` ends retrying).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The response statuses that are retried (replacing the default 429, 503, 504).
    pub fn retry_statuses(mut self, statuses: impl IntoIterator<Item = StatusCode>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// Whether failures that never reached the server (connect failures) are retried; on by default.
    pub fn retry_connect(mut self, retry: bool) -> Self {
        self.retry_connect = retry;
        self
    }

    /// Whether failures that may have reached the server (timeouts, broken connections) are retried for methods that
    /// are not safe (POST, PATCH, PUT, DELETE). Off by default; safe methods (GET, HEAD, OPTIONS) are always retried.
    pub fn retry_maybe_sent(mut self, retry: bool) -> Self {
        self.retry_maybe_sent = retry;
        self
    }

    /// The number of retries allowed after the first attempt.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The longest wait before a retry.
    pub fn delay_cap(&self) -> Duration {
        self.max_delay
    }

    /// Whether an answer with this status is retried.
    pub fn is_retry_status(&self, status: StatusCode) -> bool {
        self.statuses.contains(&status)
    }

    /// The upper bound of the jittered backoff before retry number `retry` (1-based): `base_delay * 2^(retry-1)`,
    /// capped by `max_delay`.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let doublings = retry.saturating_sub(1).min(31);
        self.base_delay
            .checked_mul(1_u32 << doublings)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// The backoff before retry number `retry` given a random `fraction` in `[0, 1)`: full jitter over
    /// `[0, backoff_ceiling(retry))`. A fraction outside that range is clamped.
    pub fn backoff(&self, retry: u32, fraction: f64) -> Duration {
        let fraction = if fraction.is_finite() {
            fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.backoff_ceiling(retry).mul_f64(fraction)
    }

    /// Why a failed attempt may be retried, or `None` when it must not be (whatever the retry budget).
    pub(crate) fn error_retry_reason(
        &self,
        method: &Method,
        error: &TransportError,
    ) -> Option<&'static str> {
        match error.kind() {
            TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io => {}
            // Refused by policy, a redirect loop or a missing credential: sending again changes nothing.
            _ => return None,
        }
        if !error.may_have_been_sent() {
            return self.retry_connect.then_some("not sent");
        }
        if is_safe(method) {
            Some("may have been sent; safe method")
        } else if self.retry_maybe_sent {
            Some("may have been sent; policy retries unsafe methods")
        } else {
            None
        }
    }
}

/// RFC 9110 §9.2.1 safe methods (TRACE left out: nothing here sends it).
fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.retries(), 3);
        assert_eq!(policy.delay_cap(), Duration::from_secs(60));
        for status in [429, 503, 504] {
            assert!(policy.is_retry_status(StatusCode::from_u16(status).unwrap()));
        }
        for status in [200, 400, 401, 404, 409, 500, 502] {
            assert!(!policy.is_retry_status(StatusCode::from_u16(status).unwrap()));
        }
    }

    #[test]
    fn retries_are_capped() {
        assert_eq!(
            RetryPolicy::default().max_retries(1000).retries(),
            MAX_RETRIES_CAP
        );
        assert_eq!(RetryPolicy::default().max_retries(2).retries(), 2);
        assert_eq!(RetryPolicy::none().retries(), 0);
    }

    #[test]
    fn ceiling_doubles_then_caps() {
        let policy = RetryPolicy::default()
            .base_delay(Duration::from_millis(800))
            .max_delay(Duration::from_secs(5));
        let ceilings: Vec<_> = (1..=6).map(|n| policy.backoff_ceiling(n)).collect();
        assert_eq!(
            ceilings,
            [800, 1600, 3200, 5000, 5000, 5000].map(Duration::from_millis)
        );
    }

    #[test]
    fn ceiling_does_not_overflow() {
        let policy = RetryPolicy::default()
            .base_delay(Duration::MAX)
            .max_delay(Duration::from_secs(60));
        assert_eq!(policy.backoff_ceiling(10), Duration::from_secs(60));
        assert_eq!(policy.backoff_ceiling(u32::MAX), Duration::from_secs(60));
    }

    #[test]
    fn backoff_scales_the_ceiling() {
        let policy = RetryPolicy::default().base_delay(Duration::from_secs(1));
        assert_eq!(policy.backoff(2, 0.0), Duration::ZERO);
        assert_eq!(policy.backoff(2, 0.5), Duration::from_secs(1));
        assert_eq!(policy.backoff(2, 7.0), Duration::from_secs(2));
        assert_eq!(policy.backoff(2, f64::NAN), Duration::ZERO);
    }

    #[test]
    fn error_reasons() {
        let policy = RetryPolicy::default();
        let connect = TransportError::connect("refused");
        let timeout = TransportError::timeout("slow");
        let io = TransportError::io("reset");
        assert!(policy.error_retry_reason(&Method::POST, &connect).is_some());
        assert!(policy.error_retry_reason(&Method::GET, &timeout).is_some());
        assert!(policy.error_retry_reason(&Method::HEAD, &io).is_some());
        assert!(policy.error_retry_reason(&Method::POST, &timeout).is_none());
        assert!(policy.error_retry_reason(&Method::PATCH, &io).is_none());
        assert!(policy.error_retry_reason(&Method::DELETE, &io).is_none());
        // A timeout known not to have been sent is as safe as a connect failure.
        let unsent = TransportError::timeout("queue").with_may_have_been_sent(false);
        assert!(policy.error_retry_reason(&Method::POST, &unsent).is_some());
        for never in [
            TransportError::invalid_request("http"),
            TransportError::credential("no token"),
            TransportError::new(TransportErrorKind::Redirect, "loop"),
        ] {
            assert!(policy.error_retry_reason(&Method::GET, &never).is_none());
        }
        let opted_in = RetryPolicy::default().retry_maybe_sent(true);
        assert!(
            opted_in
                .error_retry_reason(&Method::POST, &timeout)
                .is_some()
        );
        let no_connect = RetryPolicy::default().retry_connect(false);
        assert!(
            no_connect
                .error_retry_reason(&Method::GET, &connect)
                .is_none()
        );
    }
}
