#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The per-attempt timeout, the operation deadline, and how retry keeps within the deadline. Real (paused) Tokio
//! time: these stages never wait on an injected clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;
use intune_osimages_transport::test_util::{ScriptedTransport, response};
use intune_osimages_transport::{
    AttemptTimeout, Deadline, ManualClock, OperationDeadline, Request, Response, Retry,
    RetryPolicy, Transport, TransportError, TransportErrorKind,
};

fn get() -> Request {
    http::Request::get("https://graph.microsoft.com/beta/x")
        .body(Bytes::new())
        .unwrap()
}

/// Answers 200 after `delay` of Tokio time, counting requests.
#[derive(Debug)]
struct Slow {
    delay: Duration,
    requests: AtomicUsize,
}

impl Slow {
    fn new(delay: Duration) -> Arc<Self> {
        Arc::new(Slow {
            delay,
            requests: AtomicUsize::new(0),
        })
    }
}

#[async_trait::async_trait]
impl Transport for Slow {
    async fn send(&self, _request: Request) -> Result<Response, TransportError> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        Ok(response(StatusCode::OK, &[], "{}"))
    }
}

#[tokio::test(start_paused = true)]
async fn an_attempt_that_takes_too_long_is_a_timeout_that_may_have_been_sent() {
    let slow = Slow::new(Duration::from_secs(30));
    let stack = AttemptTimeout::new(slow.clone(), Duration::from_millis(500));

    let error = stack.send(get()).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::Timeout);
    assert!(error.may_have_been_sent());
    assert!(error.message().contains("0.5 s"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn an_attempt_within_its_timeout_is_answered() {
    let stack = AttemptTimeout::new(Slow::new(Duration::from_secs(1)), Duration::from_secs(2));
    assert_eq!(stack.send(get()).await.unwrap().status(), StatusCode::OK);
}

#[tokio::test(start_paused = true)]
async fn timed_out_attempts_are_retried_until_the_operation_deadline_ends_the_call() {
    let slow = Slow::new(Duration::from_secs(60));
    let stack = OperationDeadline::new(
        Retry::new(
            AttemptTimeout::new(slow.clone(), Duration::from_secs(10)),
            RetryPolicy::default().max_retries(10),
        )
        .with_clock(Arc::new(ManualClock::new())),
        Duration::from_secs(25),
    );
    let start = tokio::time::Instant::now();

    let error = stack.send(get()).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::Timeout);
    assert!(error.message().contains("deadline of 25 s"), "{error}");
    let elapsed = start.elapsed();
    assert!(
        elapsed >= Duration::from_secs(25) && elapsed < Duration::from_secs(26),
        "{elapsed:?}"
    );
    assert_eq!(slow.requests.load(Ordering::SeqCst), 3, "10 s + 10 s + 5 s");
}

#[tokio::test(start_paused = true)]
async fn retry_does_not_start_a_wait_that_would_pass_the_deadline() {
    let script = Arc::new(
        ScriptedTransport::new()
            .reply(response(
                StatusCode::TOO_MANY_REQUESTS,
                &[("retry-after", "30")],
                "",
            ))
            .reply(response(StatusCode::OK, &[], "{}")),
    );
    let clock = ManualClock::new();
    let stack = OperationDeadline::new(
        Retry::new(script.clone(), RetryPolicy::default()).with_clock(Arc::new(clock.clone())),
        Duration::from_secs(20),
    );

    let answer = stack.send(get()).await.unwrap();

    assert_eq!(
        answer.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the 429 comes back"
    );
    assert_eq!(answer.headers()["retry-after"], "30");
    assert!(clock.slept().is_empty(), "no wait was started");
    assert_eq!(script.request_count(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_deadline_the_request_carries_wins_when_it_is_earlier() {
    let stack = OperationDeadline::new(Slow::new(Duration::from_secs(5)), Duration::from_secs(60));
    let mut request = get();
    request
        .extensions_mut()
        .insert(Deadline::after(Duration::from_secs(2)));

    let error = stack.send(request).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::Timeout);
}

/// The stack the client builds: the operation deadline over retry over the per-attempt timeout, where the deadline
/// is delegated to the attempt timeout's one timer.
fn deadline_over_attempts(
    slow: Arc<Slow>,
    policy: RetryPolicy,
    attempt: Duration,
    deadline: Duration,
) -> OperationDeadline<Retry<AttemptTimeout<Arc<Slow>>>> {
    OperationDeadline::new(
        Retry::new(AttemptTimeout::new(slow, attempt), policy)
            .with_clock(Arc::new(ManualClock::new())),
        deadline,
    )
}

#[test]
fn the_deadline_is_delegated_only_to_a_stack_that_ends_attempts_by_it() {
    let slow = Slow::new(Duration::from_secs(1));
    assert!(!slow.enforces_operation_deadline(), "a plain transport");
    let retried = Retry::new(slow.clone(), RetryPolicy::default());
    assert!(
        !retried.enforces_operation_deadline(),
        "retry alone waits for no deadline"
    );
    let timed = Retry::new(
        AttemptTimeout::new(slow, Duration::from_secs(1)),
        RetryPolicy::default(),
    );
    assert!(timed.enforces_operation_deadline());
    let shared: Arc<dyn Transport> = Arc::new(timed);
    assert!(
        shared.enforces_operation_deadline(),
        "through a pointer too"
    );
}

#[tokio::test(start_paused = true)]
async fn a_deadline_ending_an_attempt_is_not_retried_even_without_a_wait() {
    // No backoff at all: once the deadline has ended the third attempt, a fourth would start at once.
    let slow = Slow::new(Duration::from_secs(60));
    let policy = RetryPolicy::default()
        .max_retries(10)
        .base_delay(Duration::ZERO);
    let stack = deadline_over_attempts(
        slow.clone(),
        policy,
        Duration::from_secs(10),
        Duration::from_secs(25),
    );
    let start = tokio::time::Instant::now();

    let error = stack.send(get()).await.unwrap_err();

    assert_eq!(error.kind(), TransportErrorKind::Timeout);
    assert!(error.may_have_been_sent());
    assert_eq!(
        error.message(),
        "the operation did not finish within its deadline of 25 s (retries and waits included)"
    );
    assert_eq!(start.elapsed(), Duration::from_secs(25));
    assert_eq!(slow.requests.load(Ordering::SeqCst), 3, "10 s + 10 s + 5 s");
}

#[tokio::test(start_paused = true)]
async fn a_carried_deadline_ending_an_attempt_reads_as_the_carried_one() {
    let slow = Slow::new(Duration::from_secs(60));
    let stack = deadline_over_attempts(
        slow.clone(),
        RetryPolicy::default(),
        Duration::from_secs(10),
        Duration::from_secs(60),
    );
    let mut request = get();
    request
        .extensions_mut()
        .insert(Deadline::after(Duration::from_secs(2)));
    let start = tokio::time::Instant::now();

    let error = stack.send(request).await.unwrap_err();

    assert_eq!(
        error.message(),
        "the operation did not finish before the deadline it carried (2 s left when it started) (retries and \
         waits included)"
    );
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    assert_eq!(slow.requests.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn an_attempt_ending_before_the_deadline_reads_as_the_attempt_timeout() {
    let slow = Slow::new(Duration::from_secs(60));
    let stack = deadline_over_attempts(
        slow.clone(),
        RetryPolicy::default().max_retries(0),
        Duration::from_secs(10),
        Duration::from_secs(25),
    );

    let error = stack.send(get()).await.unwrap_err();

    assert_eq!(
        error.message(),
        "no answer within the per-attempt timeout of 10 s"
    );
}
