//! The retry decorator.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderValue, Method};

use tracing::Instrument;

use crate::clone::clone_request;
use crate::deadline::DelegatedDeadline;
use crate::headers::RETRY_ATTEMPT;
use crate::{
    Clock, Deadline, Request, Response, RetryPolicy, TokioClock, Transport, TransportError,
    parse_retry_after,
};

/// A transport that resends a request when the answer or failure says it is worth it, following a [`RetryPolicy`].
///
/// - A response whose status the policy retries (429, 503, 504 by default) is retried for any method. The wait is
///   the response's `Retry-After` (delta-seconds or HTTP-date) when it has one, else the policy's jittered
///   exponential backoff. A `Retry-After` longer than the policy's `max_delay` is not waited out: that response is
///   returned at once, so the caller can report the delay.
/// - A failure that never reached the server is retried for any method; one that may have reached it only for safe
///   methods, unless the policy opts in (see [`RetryPolicy`]).
/// - Each resent request carries `Retry-Attempt: n`, the 1-based number of the retry. The first attempt is the
///   request itself, extensions and all; a resent one is a copy made before it (see [`clone_request`]) that
///   carries the operation deadline's extension only.
/// - When the retries run out, the last response (`Ok`, whatever its status) or the last error is returned.
/// - When the request carries a [`Deadline`] (set by [`OperationDeadline`](crate::OperationDeadline)), a wait that
///   would end past it is not started: the last response or error is returned at once.
///
/// Every decision is a `tracing` event (method, path, attempt, status or error kind, delay, reason); header values
/// are never logged.
#[derive(Debug, Clone)]
pub struct Retry<T> {
    inner: T,
    policy: RetryPolicy,
    clock: Arc<dyn Clock>,
}

impl<T> Retry<T> {
    /// Wraps `inner`, waiting on real time ([`TokioClock`]).
    pub fn new(inner: T, policy: RetryPolicy) -> Self {
        Retry {
            inner,
            policy,
            clock: Arc::new(TokioClock),
        }
    }

    /// Uses `clock` for the time and the waits (a [`ManualClock`](crate::ManualClock) in tests).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The policy in force.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }
}

/// What to do after an attempt.
enum Next {
    /// Give this outcome to the caller.
    Return,
    /// Wait, then resend; the reason is for the log.
    Retry(Wait, &'static str),
}

/// How long to wait before a retry.
enum Wait {
    /// The server said how long (`Retry-After`), within the cap.
    Server(Duration),
    /// The policy's jittered exponential backoff.
    Backoff,
}

impl<T: Transport> Retry<T> {
    fn decide_response(&self, response: &Response, retries_left: bool) -> Next {
        let status = response.status();
        if !self.policy.is_retry_status(status) {
            return Next::Return;
        }
        if !retries_left {
            tracing::warn!(
                status = status.as_u16(),
                "retries exhausted; returning the last response"
            );
            return Next::Return;
        }
        let server_delay = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|value| parse_retry_after(value, self.clock.now()));
        self.wait_or_give_up(server_delay, "retry status")
    }

    fn decide_error(&self, method: &Method, error: &TransportError, retries_left: bool) -> Next {
        let Some(reason) = self.policy.error_retry_reason(method, error) else {
            tracing::debug!(
                kind = ?error.kind(),
                may_have_been_sent = error.may_have_been_sent(),
                "transport error is not retried"
            );
            return Next::Return;
        };
        if !retries_left {
            tracing::warn!(kind = ?error.kind(), "retries exhausted; returning the last error");
            return Next::Return;
        }
        self.wait_or_give_up(error.retry_after(), reason)
    }

    /// Honours a server delay within the cap, gives up on one beyond it, and backs off when there is none.
    fn wait_or_give_up(&self, server_delay: Option<Duration>, reason: &'static str) -> Next {
        match server_delay {
            Some(delay) if delay > self.policy.delay_cap() => {
                tracing::warn!(
                    retry_after_ms = millis(delay),
                    max_delay_ms = millis(self.policy.delay_cap()),
                    "Retry-After is beyond the maximum delay; not waiting"
                );
                Next::Return
            }
            Some(delay) => Next::Retry(Wait::Server(delay), reason),
            None => Next::Retry(Wait::Backoff, reason),
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[async_trait::async_trait]
impl<T: Transport> Transport for Retry<T> {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let max_retries = self.policy.retries();
        // A copy carries no extensions; the attempt timeout needs this one on every attempt.
        let delegated = DelegatedDeadline::of(&request);
        let deadline = match delegated {
            Some(delegated) => Some(delegated.deadline),
            None => Deadline::of(&request),
        };
        let mut retry: u32 = 0;
        let mut next_attempt = Some(request);
        loop {
            let Some(mut attempt) = next_attempt.take() else {
                return Err(TransportError::invalid_request(
                    "retry decorator lost its request (internal error)",
                ));
            };
            // The attempt sent is the request itself, with its extensions; a copy of it is kept for the next
            // attempt only when there can be one, and gets the deadline only when it is sent (so the call that is
            // answered at once fills in no extension map for a copy it drops).
            let mut kept = (retry < max_retries).then(|| clone_request(&attempt));
            if retry > 0 {
                attempt
                    .headers_mut()
                    .insert(RETRY_ATTEMPT, HeaderValue::from(retry));
            }
            let method = attempt.method().clone();
            let span = tracing::debug_span!("osimages.attempt", attempt = retry + 1);
            // Without a subscriber that wants it, the span is not entered on every poll.
            let outcome = if span.is_disabled() {
                self.inner.send(attempt).await
            } else {
                self.inner.send(attempt).instrument(span).await
            };
            let next = match &outcome {
                Ok(response) => self.decide_response(response, kept.is_some()),
                Err(error) => self.decide_error(&method, error, kept.is_some()),
            };
            let Next::Retry(wait, reason) = next else {
                return outcome;
            };
            // Past the deadline nothing more is started, not even a retry without a wait (the deadline's own error,
            // which the attempt timeout gives when it ends an attempt at the deadline, comes back as it is).
            if deadline.is_some_and(|deadline| deadline.remaining().is_zero()) {
                return outcome;
            }
            retry += 1;
            // Retrying means a copy is kept for the next attempt; log its path from there.
            let path = kept.as_ref().map_or("", |r| r.uri().path());
            let (delay, delay_source) = match wait {
                Wait::Server(delay) => (delay, "retry-after"),
                Wait::Backoff => (self.policy.backoff(retry, rand::random::<f64>()), "backoff"),
            };
            match &outcome {
                Ok(response) => tracing::info!(
                    %method,
                    path,
                    attempt = retry,
                    status = response.status().as_u16(),
                    delay_ms = millis(delay),
                    delay_source,
                    reason,
                    "retrying"
                ),
                Err(error) => tracing::info!(
                    %method,
                    path,
                    attempt = retry,
                    kind = ?error.kind(),
                    may_have_been_sent = error.may_have_been_sent(),
                    delay_ms = millis(delay),
                    delay_source,
                    reason,
                    "retrying"
                ),
            }
            if let Some(deadline) = deadline
                && delay > deadline.remaining()
            {
                tracing::warn!(
                    delay_ms = millis(delay),
                    remaining_ms = millis(deadline.remaining()),
                    "the wait would pass the operation deadline; not waiting"
                );
                return outcome;
            }
            self.clock.sleep(delay).await;
            if let (Some(copy), Some(delegated)) = (kept.as_mut(), delegated) {
                copy.extensions_mut().insert(delegated);
            }
            next_attempt = kept;
        }
    }

    /// Retry never waits past the deadline, so the deadline is enforced exactly when the attempts are.
    fn enforces_operation_deadline(&self) -> bool {
        self.inner.enforces_operation_deadline()
    }
}
