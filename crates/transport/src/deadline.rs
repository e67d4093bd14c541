//! The operation deadline: one bound on a whole call, its retries and their waits included.

use std::time::{Duration, Instant};

use crate::transport::SendFuture;
use crate::{Request, Transport, TransportError};

/// The instant by which a whole operation must be over, carried in a request's
/// [extensions](http::Request::extensions).
///
/// [`OperationDeadline`] sets it; [`Retry`](crate::Retry) reads it and does not start a wait that would end past it
/// (it hands back the last answer instead, so the caller sees the server's `Retry-After`). A caller may set an
/// earlier one on the request itself (a listing does, so that all of its pages share one deadline); the earlier of
/// the two applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Deadline(pub Instant);

impl Deadline {
    /// The deadline `timeout` from now.
    pub fn after(timeout: Duration) -> Self {
        let now = now();
        // A timeout too long to represent is as good as none; the far end of a century stands in for it.
        Deadline(
            now.checked_add(timeout)
                .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 24 * 3600)),
        )
    }

    /// The time left, zero once it has passed.
    pub fn remaining(&self) -> Duration {
        self.0.saturating_duration_since(now())
    }

    /// The deadline a request carries, if any: the one an [`OperationDeadline`] above handed down, else a
    /// `Deadline` in its extensions.
    pub fn of(request: &Request) -> Option<Deadline> {
        match DelegatedDeadline::of(request) {
            Some(delegated) => Some(delegated.deadline),
            None => request.extensions().get::<Deadline>().copied(),
        }
    }
}

/// Tokio's now, as a `std` instant: the same as `Instant::now()`, except under Tokio's paused test clock, which the
/// stages' timers follow.
fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

/// A transport that bounds a whole operation: everything below it (retries, `Retry-After` waits, every attempt and
/// token fetch) must be over within `timeout`, or the call fails with a
/// [`Timeout`](crate::TransportErrorKind::Timeout) error that may have been sent.
///
/// Put it outside [`Retry`](crate::Retry), so the retries are inside the bound, and inside
/// [`Telemetry`](crate::Telemetry). It waits on real (Tokio) time, never on an injected [`Clock`](crate::Clock): a
/// [`ManualClock`](crate::ManualClock) returns from every sleep at once and would end every call at once.
#[derive(Debug, Clone)]
pub struct OperationDeadline<T> {
    inner: T,
    timeout: Duration,
}

impl<T> OperationDeadline<T> {
    /// Wraps `inner`, allowing each call `timeout` in all.
    pub fn new(inner: T, timeout: Duration) -> Self {
        OperationDeadline { inner, timeout }
    }

    /// The bound on each call.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }
}

/// The operation deadline as [`OperationDeadline`] hands it to a stage below that enforces it (see
/// [`Transport::enforces_operation_deadline`]): the instant, and what the error says once it passes. Crate-private,
/// so only this crate's stages act on it, and only when the stage above asked them to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DelegatedDeadline {
    pub(crate) deadline: Deadline,
    bound: Bound,
}

/// Which bound the operation deadline is, for its error message.
#[derive(Debug, Clone, Copy)]
enum Bound {
    /// The stage's own timeout.
    Own(Duration),
    /// A deadline the request carried, with what it had left when the operation started.
    Carried(Duration),
}

impl DelegatedDeadline {
    /// The deadline delegated with `request`, if any.
    pub(crate) fn of(request: &Request) -> Option<DelegatedDeadline> {
        request.extensions().get::<DelegatedDeadline>().copied()
    }

    /// The error of an operation whose deadline passed (the message is written only then: formatting it on every
    /// call cost more than the rest of this stage).
    pub(crate) fn passed(&self) -> TransportError {
        tracing::warn!("operation deadline passed");
        let described = match self.bound {
            Bound::Carried(left) => format!(
                "before the deadline it carried ({} left when it started)",
                crate::attempt_timeout::seconds(left)
            ),
            Bound::Own(timeout) => format!(
                "within its deadline of {}",
                crate::attempt_timeout::seconds(timeout)
            ),
        };
        TransportError::timeout(format!(
            "the operation did not finish {described} (retries and waits included)"
        ))
    }
}

// Written out rather than with `#[async_trait]`: when a stage below enforces the deadline, nothing is left to do
// after the call, and the inner transport's boxed future is handed back as it is (no box and no poll of this
// stage's own); only the timer of its own needs a future here.
impl<T: Transport> Transport for OperationDeadline<T> {
    fn send<'life0, 'async_trait>(&'life0 self, mut request: Request) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        let own = Deadline::after(self.timeout);
        // The earlier of this stage's own deadline and one the request carried.
        let (deadline, bound) = match Deadline::of(&request) {
            Some(given) if given < own => (given, Bound::Carried(given.remaining())),
            _ => (own, Bound::Own(self.timeout)),
        };
        let delegated = DelegatedDeadline { deadline, bound };
        if self.inner.enforces_operation_deadline() {
            // A stage below ends the call at the deadline with this error: a timer here would be a second one.
            // [`Deadline::of`] reads the deadline from here too, so it takes no extension of its own.
            request.extensions_mut().insert(delegated);
            return self.inner.send(request);
        }
        request.extensions_mut().insert(deadline);
        Box::pin(async move {
            match tokio::time::timeout_at(deadline.0.into(), self.inner.send(request)).await {
                Ok(outcome) => outcome,
                Err(_) => Err(delegated.passed()),
            }
        })
    }
}
