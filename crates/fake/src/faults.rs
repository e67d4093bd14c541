//! Scripted faults: answers the fake gives instead of (or on top of) Graph's behaviour, so retry, timeout and
//! idempotency handling can be tested.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use http::StatusCode;

/// One scripted fault. Push faults with [`crate::FakeGraph::push_fault`]; they apply only to
/// [`crate::FakeGraph::handle`] (and so to [`crate::FakeTransport`] and the emulator), never to
/// [`crate::FakeGraph::handle_sync`].
///
/// `Status`, `DropConnection` and `DropAfterProcessing` queue up in the order pushed and each answers the next
/// `times` requests, whatever they are (a `$batch` request is one request). `BatchItem` faults are kept apart and
/// answer items inside `$batch` requests. `PatchNoContent` counts only successful PATCH requests. `Latency` stays
/// until [`Faults::clear`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer the next `times` requests with `status` and Graph's error body for it (429 `TooManyRequests`, 503
    /// `ServiceUnavailable`, 504 `GatewayTimeout`, ...), with `Retry-After: <seconds>` when given. The request is not
    /// processed.
    Status {
        /// The status to answer with.
        status: StatusCode,
        /// `Retry-After` in seconds, if any.
        retry_after: Option<u64>,
        /// How many requests get this answer.
        times: u32,
    },
    /// Drop the connection on the next `times` requests before processing them: `handle` returns an I/O
    /// [`intune_osimages_transport::TransportError`] that says the request may have been sent.
    DropConnection {
        /// How many requests are dropped.
        times: u32,
    },
    /// Process the next `times` requests (a write takes effect) and then drop the connection, so the caller gets
    /// the same maybe-sent I/O error while the change did happen.
    DropAfterProcessing {
        /// How many requests are processed and then dropped.
        times: u32,
    },
    /// Wait this long before answering every request, until the faults are cleared. Needs a Tokio runtime with
    /// its timer enabled (a paused test clock makes the wait instant).
    Latency(Duration),
    /// Answer the next `times` successful PATCH requests with 204 and no body instead of 200 and the object; the
    /// update is still applied (Microsoft's own SDKs accept both answers).
    PatchNoContent {
        /// How many PATCH answers become 204.
        times: u32,
    },
    /// Inside the next `$batch` requests, answer the item that `item` names with `status` and Graph's error body
    /// for it (with `Retry-After: <seconds>` when given) instead of running it, as Graph throttles items one by one
    /// inside a batch that itself answers 200. Items that depend on it get 424. Counts `times` matching items;
    /// single requests are never affected.
    BatchItem {
        /// Which item of a batch is answered.
        item: BatchItem,
        /// The status to answer the item with.
        status: StatusCode,
        /// `Retry-After` in seconds, if any.
        retry_after: Option<u64>,
        /// How many matching items get this answer.
        times: u32,
    },
    /// With the [local authority](crate::LocalAuthority) on, answer the next `times` requests to its token endpoint
    /// with the OAuth2 error `error` (400, or 401 for `invalid_client`) in Entra's body, instead of a token:
    /// `authorization_pending`, `slow_down`, `access_denied` or `expired_token` stand for the user at the other end
    /// of a device-code sign-in; `invalid_client` or `invalid_grant` for a refused credential. Kept apart from the
    /// queue: Graph requests and the devicecode endpoint are not affected.
    Authority {
        /// The OAuth2 `error` code to answer with.
        error: String,
        /// How many token requests get this answer.
        times: u32,
    },
}

/// Which item of a `$batch` request a [`Fault::BatchItem`] answers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BatchItem {
    /// The item at this 1-based position in the batch's `requests` array (3 is the third item).
    Position(usize),
    /// The item with this `id` (compared ignoring ASCII case, as Graph compares batch ids).
    Id(String),
}

impl Fault {
    /// `429 Too Many Requests` with `Retry-After: retry_after_secs`, `times` times.
    pub fn throttled(times: u32, retry_after_secs: u64) -> Fault {
        Fault::Status {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(retry_after_secs),
            times,
        }
    }

    /// `503 Service Unavailable` without `Retry-After`, `times` times.
    pub fn unavailable(times: u32) -> Fault {
        Fault::Status {
            status: StatusCode::SERVICE_UNAVAILABLE,
            retry_after: None,
            times,
        }
    }

    /// The item at `position` (1-based) of the next `times` batches answers `429 Too Many Requests` with
    /// `Retry-After: retry_after_secs`.
    pub fn throttled_item(position: usize, times: u32, retry_after_secs: u64) -> Fault {
        Fault::BatchItem {
            item: BatchItem::Position(position),
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(retry_after_secs),
            times,
        }
    }
}

/// What `handle` must do instead of answering normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Planned {
    Status(StatusCode, Option<u64>),
    Drop,
    DropAfterProcessing,
}

#[derive(Debug, Default)]
struct State {
    queue: VecDeque<Fault>,
    latency: Option<Duration>,
    patch_no_content: u32,
    /// `BatchItem` faults, in the order pushed; the first that matches an item answers it.
    items: Vec<Fault>,
    /// `Authority` faults, in the order pushed, each with the uses left.
    authority: VecDeque<(String, u32)>,
}

/// The faults scripted on one fake service. Thread-safe; shared by every clone of the service.
#[derive(Debug, Default)]
pub struct Faults {
    state: Mutex<State>,
    /// Whether anything was scripted since the last `clear`: every request asks, and the answer is nearly always
    /// no, so it is read without taking (and bouncing between cores) the lock.
    scripted: AtomicBool,
}

impl Faults {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether nothing is scripted, so the lock need not be taken.
    fn none_scripted(&self) -> bool {
        !self.scripted.load(Ordering::Acquire)
    }

    /// Scripts a fault (a fault with `times: 0` does nothing).
    pub fn push(&self, fault: Fault) {
        let mut state = self.state();
        self.scripted.store(true, Ordering::Release);
        match fault {
            Fault::Latency(d) => state.latency = Some(d),
            Fault::PatchNoContent { times } => {
                state.patch_no_content = state.patch_no_content.saturating_add(times);
            }
            Fault::Status { times: 0, .. }
            | Fault::BatchItem { times: 0, .. }
            | Fault::DropConnection { times: 0 }
            | Fault::DropAfterProcessing { times: 0 }
            | Fault::Authority { times: 0, .. } => {}
            item @ Fault::BatchItem { .. } => state.items.push(item),
            Fault::Authority { error, times } => state.authority.push_back((error, times)),
            other => state.queue.push_back(other),
        }
    }

    /// Removes every scripted fault, including latency.
    pub fn clear(&self) {
        let mut state = self.state();
        *state = State::default();
        self.scripted.store(false, Ordering::Release);
    }

    /// The faults still to come: the queue in order, then the batch-item faults in order, then any PATCH-204 count,
    /// then the latency.
    pub fn pending(&self) -> Vec<Fault> {
        let state = self.state();
        let mut out: Vec<Fault> = state.queue.iter().cloned().collect();
        out.extend(state.items.iter().cloned());
        out.extend(
            state
                .authority
                .iter()
                .map(|(error, times)| Fault::Authority {
                    error: error.clone(),
                    times: *times,
                }),
        );
        if state.patch_no_content > 0 {
            out.push(Fault::PatchNoContent {
                times: state.patch_no_content,
            });
        }
        if let Some(d) = state.latency {
            out.push(Fault::Latency(d));
        }
        out
    }

    /// The latency added to every answer, if any.
    pub fn latency(&self) -> Option<Duration> {
        if self.none_scripted() {
            return None;
        }
        self.state().latency
    }

    /// Takes one use of the fault at the head of the queue.
    pub(crate) fn next(&self) -> Option<Planned> {
        if self.none_scripted() {
            return None;
        }
        let mut state = self.state();
        let head = state.queue.front_mut()?;
        let (planned, times) = match head {
            Fault::Status {
                status,
                retry_after,
                times,
            } => (Planned::Status(*status, *retry_after), times),
            Fault::DropConnection { times } => (Planned::Drop, times),
            Fault::DropAfterProcessing { times } => (Planned::DropAfterProcessing, times),
            Fault::Latency(_)
            | Fault::PatchNoContent { .. }
            | Fault::BatchItem { .. }
            | Fault::Authority { .. } => {
                state.queue.pop_front();
                return None;
            }
        };
        *times = times.saturating_sub(1);
        if *times == 0 {
            state.queue.pop_front();
        }
        Some(planned)
    }

    /// Takes one use of the first batch-item fault that names the item at `position` (1-based) with this `id`.
    pub(crate) fn take_item(&self, position: usize, id: &str) -> Option<(StatusCode, Option<u64>)> {
        if self.none_scripted() {
            return None;
        }
        let mut state = self.state();
        let index = state.items.iter().position(|fault| match fault {
            Fault::BatchItem { item, .. } => match item {
                BatchItem::Position(p) => *p == position,
                BatchItem::Id(wanted) => wanted.eq_ignore_ascii_case(id),
            },
            _ => false,
        })?;
        let Some(Fault::BatchItem {
            status,
            retry_after,
            times,
            ..
        }) = state.items.get_mut(index)
        else {
            return None;
        };
        let planned = (*status, *retry_after);
        *times = times.saturating_sub(1);
        if *times == 0 {
            state.items.remove(index);
        }
        Some(planned)
    }

    /// Takes one use of the first `Authority` fault: the OAuth2 error the next token request is answered with.
    pub(crate) fn take_authority(&self) -> Option<String> {
        if self.none_scripted() {
            return None;
        }
        let mut state = self.state();
        let (error, times) = state.authority.front_mut()?;
        let error = error.clone();
        *times = times.saturating_sub(1);
        if *times == 0 {
            state.authority.pop_front();
        }
        Some(error)
    }

    /// Takes one use of the PATCH-204 fault, if any is left.
    pub(crate) fn take_patch_no_content(&self) -> bool {
        if self.none_scripted() {
            return false;
        }
        let mut state = self.state();
        if state.patch_no_content == 0 {
            return false;
        }
        state.patch_no_content -= 1;
        true
    }
}
