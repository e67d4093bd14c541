//! One client connection: its stream watched for the idle and header-read timeouts, and hyper's own answers to
//! broken HTTP rewritten into Graph's error shape.
//!
//! Hand-written rather than hyper's `header_read_timeout` because hyper starts that timer when it starts waiting for
//! a request, so it cannot tell an idle keep-alive connection (allowed to wait long) from a client dribbling its
//! headers (not allowed to). Here the stream marks when the first byte of a request arrives, the service marks when
//! the request was whole and when it was answered, and [`Activity::expired`] waits for whichever limit applies.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::Instant;

use http::{HeaderMap, StatusCode};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The connection is waiting for a request and has received none of it.
const IDLE: u8 = 0;
/// Some of a request's head has arrived, not all of it.
const HEAD: u8 = 1;
/// A whole request head has arrived and is being answered.
const SERVING: u8 = 2;

/// How long a connection may wait in each state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timeouts {
    /// From the first byte of a request to the end of its headers.
    pub(crate) header_read: Duration,
    /// Between requests (and before the first one) with nothing received.
    pub(crate) idle: Duration,
}

/// Which limit closed a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expired {
    /// The client sent part of a request's headers and not the rest in time.
    HeaderRead,
    /// The client sent nothing for the idle timeout.
    Idle,
}

/// What a connection is doing and since when, shared by its stream, its service and its watchdog.
///
/// Nothing signals the watchdog: while idle it wakes at least every header-read limit, so a head that starts in
/// between is still cut exactly at its own deadline (found at the next wake, which is no later than that deadline).
/// A signal at every request's first byte woke the connection's task once more per request, about a tenth of a
/// GET's instructions; a wake every few seconds per idle connection costs nothing.
#[derive(Debug)]
pub(crate) struct Activity {
    started: Instant,
    phase: AtomicU8,
    since_millis: AtomicU64,
}

impl Activity {
    /// A connection that has just been accepted (idle).
    pub(crate) fn new() -> Self {
        Activity {
            started: Instant::now(),
            phase: AtomicU8::new(IDLE),
            since_millis: AtomicU64::new(0),
        }
    }

    fn now_millis(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn enter(&self, phase: u8) {
        self.since_millis
            .store(self.now_millis(), Ordering::Relaxed);
        self.phase.store(phase, Ordering::Relaxed);
    }

    /// Bytes arrived: if the connection was idle, a request's head has started.
    fn bytes_read(&self) {
        if self.phase.load(Ordering::Relaxed) == IDLE {
            self.enter(HEAD);
        }
    }

    /// The request's head is whole; no timeout applies while it is answered, so no time is taken (the watchdog
    /// reads `since` only in the states that have a limit, and leaving this one always sets it).
    pub(crate) fn serving(&self) {
        self.phase.store(SERVING, Ordering::Relaxed);
    }

    /// The answer is out; the connection waits for the next request.
    pub(crate) fn answered(&self) {
        self.enter(IDLE);
    }

    /// Completes when the limit of the current state passes without a change of state.
    pub(crate) async fn expired(&self, limits: Timeouts) -> Expired {
        loop {
            let phase = self.phase.load(Ordering::Relaxed);
            let since = Duration::from_millis(self.since_millis.load(Ordering::Relaxed));
            let (limit, which) = match phase {
                IDLE => (limits.idle, Expired::Idle),
                HEAD => (limits.header_read, Expired::HeaderRead),
                _ => {
                    // Answering takes as long as it takes (scripted latency may be minutes); look again later.
                    tokio::time::sleep(limits.header_read.min(limits.idle)).await;
                    continue;
                }
            };
            let deadline = self.started + since + limit;
            if Instant::now() >= deadline
                && self.phase.load(Ordering::Relaxed) == phase
                && Duration::from_millis(self.since_millis.load(Ordering::Relaxed)) == since
            {
                return which;
            }
            // Idle, look again within a header-read limit: a head may start meanwhile (see the type's comment).
            let wake = if phase == IDLE {
                deadline.min(Instant::now() + limits.header_read)
            } else {
                deadline
            };
            tokio::time::sleep_until(wake).await;
        }
    }
}

/// A client stream that reports reads to its [`Activity`] and turns hyper's bodiless answers to broken HTTP (400,
/// 414, 431) into Graph error answers.
#[derive(Debug)]
pub(crate) struct Watched<S> {
    inner: S,
    activity: std::sync::Arc<Activity>,
    /// A replacement answer still to be written, and how much of it has been.
    pending: Option<(Vec<u8>, usize)>,
}

impl<S> Watched<S> {
    /// Watches `inner` for `activity`.
    pub(crate) fn new(inner: S, activity: std::sync::Arc<Activity>) -> Self {
        Watched {
            inner,
            activity,
            pending: None,
        }
    }
}

impl<S: AsyncWrite + Unpin> Watched<S> {
    /// Writes what is left of a replacement answer; `Ready(Ok)` once nothing is left.
    fn drain_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.pending {
            let rest = bytes.get(*written..).unwrap_or_default();
            if rest.is_empty() {
                self.pending = None;
                break;
            }
            match Pin::new(&mut self.inner).poll_write(cx, rest) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.bytes_read();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pending.is_some() {
            // Anything hyper writes after its automatic answer is dropped with it: the connection closes next.
            return match this.drain_pending(cx) {
                Poll::Ready(Ok(())) => Poll::Ready(Ok(buf.len())),
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                Poll::Pending => Poll::Pending,
            };
        }
        if let Some(status) = hyper_parse_error_answer(buf) {
            tracing::info!(
                status = status.as_u16(),
                "osimages serve: refused a request that is not valid HTTP/1.1"
            );
            this.pending = Some((graph_error_answer(status), 0));
            return match this.drain_pending(cx) {
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                // Whether or not it is all out yet, hyper's bytes are accounted for; flush and shutdown finish it.
                _ => Poll::Ready(Ok(buf.len())),
            };
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.drain_pending(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.drain_pending(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_shutdown(cx),
            other => other,
        }
    }
}

/// The status of hyper's own answer to a request it could not parse, if `buf` starts one. Hyper writes those with no
/// body and no `request-id`; every answer of the emulator itself carries a `request-id`.
fn hyper_parse_error_answer(buf: &[u8]) -> Option<StatusCode> {
    let status = match buf.get(..12)? {
        b"HTTP/1.1 400" => StatusCode::BAD_REQUEST,
        b"HTTP/1.1 414" => StatusCode::URI_TOO_LONG,
        b"HTTP/1.1 431" => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        _ => return None,
    };
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = buf.get(..head_end)?.to_ascii_lowercase();
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    (has(b"\r\ncontent-length: 0") && !has(b"\r\nrequest-id:")).then_some(status)
}

/// A whole HTTP/1.1 answer with Graph's error body for a request too broken to be read, closing the connection.
fn graph_error_answer(status: StatusCode) -> Vec<u8> {
    let (code, message) = match status {
        StatusCode::URI_TOO_LONG => (
            "RequestUriTooLong",
            "The request URI is too long for the emulator to read",
        ),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => (
            "RequestHeaderFieldsTooLarge",
            "The request's headers are too large (or too many) for the emulator to read",
        ),
        _ => (
            "BadRequest",
            "The request is not valid HTTP/1.1 (its request line or a header could not be parsed)",
        ),
    };
    let response =
        intune_osimages_fake::shell::error_response(&HeaderMap::new(), status, code, message);
    closing_answer(status, &[], &response)
}

/// The answer to a connection past the cap: 503 with Graph's error body and `Retry-After`, then close.
pub(crate) fn over_capacity_answer(cap: usize) -> Vec<u8> {
    let response = intune_osimages_fake::shell::error_response(
        &HeaderMap::new(),
        StatusCode::SERVICE_UNAVAILABLE,
        "ServiceUnavailable",
        format!("The emulator already has {cap} open connections, its limit; retry shortly"),
    );
    closing_answer(
        StatusCode::SERVICE_UNAVAILABLE,
        &[("retry-after", "1")],
        &response,
    )
}

/// Writes `response` as a whole HTTP/1.1 answer that closes the connection, with `extra` headers first: these
/// answers go out before (or instead of) hyper's own connection handling, so they are serialized here.
fn closing_answer(
    status: StatusCode,
    extra: &[(&str, &str)],
    response: &http::Response<bytes::Bytes>,
) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    )
    .into_bytes();
    for (name, value) in extra {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    for (name, value) in response.headers() {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(
        format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            response.body().len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(response.body());
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_bodiless_answers_are_rewritten() {
        let hyper =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(
            hyper_parse_error_answer(hyper),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nrequest-id: r\r\n\r\n";
        assert_eq!(hyper_parse_error_answer(ours), None);
        let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(hyper_parse_error_answer(ok), None);
    }

    #[test]
    fn the_rewritten_answer_is_graphs_error_and_closes() {
        let answer = String::from_utf8(graph_error_answer(StatusCode::URI_TOO_LONG)).unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 414 URI Too Long\r\n"),
            "{answer}"
        );
        assert!(answer.contains("\r\nrequest-id: "), "{answer}");
        assert!(answer.contains("\r\nconnection: close\r\n"), "{answer}");
        let body = answer.split("\r\n\r\n").nth(1).unwrap();
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["error"]["code"], "RequestUriTooLong");
    }

    #[tokio::test(start_paused = true)]
    async fn each_state_has_its_limit() {
        let limits = Timeouts {
            header_read: Duration::from_secs(2),
            idle: Duration::from_secs(5),
        };
        let activity = Activity::new();
        activity.bytes_read();
        assert_eq!(activity.expired(limits).await, Expired::HeaderRead);
        activity.answered();
        assert_eq!(activity.expired(limits).await, Expired::Idle);
    }

    #[tokio::test(start_paused = true)]
    async fn a_head_that_starts_while_the_watchdog_waits_gets_the_header_read_limit() {
        let limits = Timeouts {
            header_read: Duration::from_secs(2),
            idle: Duration::from_secs(60),
        };
        let activity = std::sync::Arc::new(Activity::new());
        let started = tokio::time::Instant::now();
        let first_byte = {
            let activity = activity.clone();
            async move {
                tokio::time::sleep(Duration::from_secs(1)).await;
                activity.bytes_read();
            }
        };
        let (expired, ()) = tokio::join!(activity.expired(limits), first_byte);
        assert_eq!(expired, Expired::HeaderRead);
        // 1 s idle, then the 2 s header-read limit; not the 60 s idle one.
        assert_eq!(started.elapsed().as_secs(), 3);
    }
}
