#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The retry decorator, on a `ManualClock` so every wait is recorded and none is real.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{Method, StatusCode};
use intune_osimages_transport::test_util::{ScriptedTransport, response};
use intune_osimages_transport::{
    Clock, ManualClock, Retry, RetryPolicy, TokioClock, Transport, TransportError,
    TransportErrorKind,
};

const URL: &str = "https://graph.microsoft.com/beta/deviceManagement/managedDeviceWindowsOSImages";

fn request(method: Method) -> http::Request<Bytes> {
    http::Request::builder()
        .method(method)
        .uri(URL)
        .body(Bytes::from_static(br#"{"displayName":"x"}"#))
        .unwrap()
}

fn ok() -> http::Response<Bytes> {
    response(StatusCode::OK, &[], "{}")
}

fn status(code: u16) -> http::Response<Bytes> {
    response(StatusCode::from_u16(code).unwrap(), &[], "")
}

fn retry_after(code: u16, value: &'static str) -> http::Response<Bytes> {
    response(
        StatusCode::from_u16(code).unwrap(),
        &[("retry-after", value)],
        "",
    )
}

/// A retry decorator over `script` on a fresh manual clock.
fn stack(
    script: ScriptedTransport,
    policy: RetryPolicy,
) -> (
    Retry<Arc<ScriptedTransport>>,
    Arc<ScriptedTransport>,
    ManualClock,
) {
    let inner = Arc::new(script);
    let clock = ManualClock::new();
    let retry = Retry::new(inner.clone(), policy).with_clock(Arc::new(clock.clone()));
    (retry, inner, clock)
}

fn attempt_header(request: &http::Request<Bytes>) -> Option<String> {
    request
        .headers()
        .get("retry-attempt")
        .map(|v| v.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn two_429s_with_retry_after_then_200() {
    let script = ScriptedTransport::new()
        .reply(retry_after(429, "1"))
        .reply(retry_after(429, "1"))
        .reply(ok());
    let (retry, inner, clock) = stack(script, RetryPolicy::default());

    let answer = retry.send(request(Method::GET)).await.unwrap();

    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(clock.elapsed(), Duration::from_secs(2));
    assert_eq!(clock.slept(), [Duration::from_secs(1); 2]);
    let sent = inner.requests();
    assert_eq!(sent.len(), 3);
    assert_eq!(attempt_header(&sent[0]), None);
    assert_eq!(attempt_header(&sent[1]).as_deref(), Some("1"));
    assert_eq!(attempt_header(&sent[2]).as_deref(), Some("2"));
    // The body and URI go out unchanged each time.
    for request in &sent {
        assert_eq!(request.uri(), URL);
        assert_eq!(request.body().as_ref(), br#"{"displayName":"x"}"#);
    }
}

#[tokio::test]
async fn http_date_retry_after_is_honoured() {
    let clock = ManualClock::new();
    let when = clock.now() + Duration::from_secs(7);
    let date = httpdate_value(when);
    let inner = Arc::new(
        ScriptedTransport::new()
            .reply(response(
                StatusCode::SERVICE_UNAVAILABLE,
                &[("retry-after", date)],
                "",
            ))
            .reply(ok()),
    );
    let retry =
        Retry::new(inner.clone(), RetryPolicy::default()).with_clock(Arc::new(clock.clone()));

    let answer = retry.send(request(Method::PATCH)).await.unwrap();

    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(clock.slept(), [Duration::from_secs(7)]);
    assert_eq!(inner.request_count(), 2);
}

/// An HTTP-date for `when` as a `'static` string (leaked: a test-only convenience for `response`).
fn httpdate_value(when: SystemTime) -> &'static str {
    Box::leak(httpdate::fmt_http_date(when).into_boxed_str())
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for code in [400, 401, 403, 404, 409, 500] {
        let script = ScriptedTransport::new()
            .reply(retry_after(code, "1"))
            .reply(ok());
        let (retry, inner, clock) = stack(script, RetryPolicy::default());
        let answer = retry.send(request(Method::GET)).await.unwrap();
        assert_eq!(answer.status().as_u16(), code);
        assert_eq!(inner.request_count(), 1, "status {code}");
        assert!(clock.slept().is_empty());
    }
}

#[tokio::test]
async fn retry_statuses_apply_to_every_method() {
    for method in [Method::POST, Method::PATCH, Method::DELETE, Method::GET] {
        let script = ScriptedTransport::new()
            .reply(status(503))
            .reply(status(504))
            .reply(ok());
        let (retry, inner, _) = stack(script, RetryPolicy::default());
        let answer = retry.send(request(method.clone())).await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK, "{method}");
        assert_eq!(inner.request_count(), 3, "{method}");
    }
}

/// One row of the table of failures: the failures `methods` meet (in turn, then a 200) under `policy`, and whether
/// they are retried.
struct FailureCase {
    name: &'static str,
    methods: &'static [Method],
    failures: Vec<TransportError>,
    policy: RetryPolicy,
    retried: bool,
}

impl FailureCase {
    fn new(name: &'static str, methods: &'static [Method], failures: Vec<TransportError>) -> Self {
        FailureCase {
            name,
            methods,
            failures,
            policy: RetryPolicy::default(),
            retried: true,
        }
    }

    fn policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    fn not_retried(mut self) -> Self {
        self.retried = false;
        self
    }
}

const SAFE: &[Method] = &[Method::GET, Method::HEAD, Method::OPTIONS];
const WRITES: &[Method] = &[Method::POST, Method::PATCH, Method::PUT, Method::DELETE];

/// Retried: every failure is followed by a retry, with `Retry-Attempt: n` and a wait, and the 200 comes back. Not
/// retried: the first failure comes back as it is, after one request and no wait.
#[tokio::test]
async fn which_failures_are_retried() {
    // The writes' timeouts and broken connections may have reached the server: that is why they are not retried.
    assert!(TransportError::timeout("no answer").may_have_been_sent());
    assert!(TransportError::io("reset").may_have_been_sent());
    let cases = vec![
        FailureCase::new(
            "maybe-sent failures of safe methods",
            SAFE,
            vec![
                TransportError::timeout("no answer"),
                TransportError::io("reset"),
            ],
        ),
        FailureCase::new(
            "a timeout of a write",
            WRITES,
            vec![TransportError::timeout("no answer")],
        )
        .not_retried(),
        FailureCase::new(
            "a broken connection after a write",
            WRITES,
            vec![TransportError::io("reset")],
        )
        .not_retried(),
        FailureCase::new(
            "a maybe-sent POST when the policy opts in",
            &[Method::POST],
            vec![TransportError::io("reset")],
        )
        .policy(RetryPolicy::default().retry_maybe_sent(true)),
        FailureCase::new(
            "connect failures of any method",
            &[Method::POST, Method::PATCH, Method::GET],
            vec![
                TransportError::connect("refused"),
                TransportError::connect("refused"),
            ],
        ),
        FailureCase::new(
            "a connect failure when the policy says no",
            &[Method::GET],
            vec![TransportError::connect("refused")],
        )
        .policy(RetryPolicy::default().retry_connect(false))
        .not_retried(),
        FailureCase::new(
            "a refused request",
            &[Method::GET],
            vec![TransportError::invalid_request("http to a remote host")],
        )
        .not_retried(),
        FailureCase::new(
            "a credential failure",
            &[Method::GET],
            vec![TransportError::credential("token endpoint said no")],
        )
        .not_retried(),
        FailureCase::new(
            "a redirect failure",
            &[Method::GET],
            vec![TransportError::new(
                TransportErrorKind::Redirect,
                "too many redirects",
            )],
        )
        .not_retried(),
    ];
    for case in cases {
        for method in case.methods {
            let name = format!("{}: {method}", case.name);
            let mut script = ScriptedTransport::new();
            for failure in &case.failures {
                script = script.fail(failure.clone());
            }
            let (retry, inner, clock) = stack(script.reply(ok()), case.policy.clone());
            let outcome = retry.send(request(method.clone())).await;
            if case.retried {
                let answer = outcome.unwrap_or_else(|error| panic!("{name}: {error}"));
                assert_eq!(answer.status(), StatusCode::OK, "{name}");
                let retries = case.failures.len();
                assert_eq!(inner.request_count(), retries + 1, "{name}");
                assert_eq!(clock.slept().len(), retries, "{name}");
                let last = attempt_header(&inner.requests()[retries]);
                assert_eq!(last, Some(retries.to_string()), "{name}");
            } else {
                let first = &case.failures[0];
                let failure = outcome.expect_err(&name);
                assert_eq!(failure.kind(), first.kind(), "{name}");
                assert_eq!(failure.message(), first.message(), "{name}");
                assert_eq!(
                    failure.may_have_been_sent(),
                    first.may_have_been_sent(),
                    "{name}"
                );
                assert_eq!(inner.request_count(), 1, "{name}");
                assert!(clock.slept().is_empty(), "{name}");
            }
        }
    }
}

#[tokio::test]
async fn exhausted_retries_return_the_last_response() {
    let mut script = ScriptedTransport::new();
    for _ in 0..4 {
        script = script.reply(retry_after(429, "2"));
    }
    let script = script.reply(ok());
    let (retry, inner, clock) = stack(script, RetryPolicy::default());
    let answer = retry.send(request(Method::GET)).await.unwrap();
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.headers()["retry-after"], "2");
    // 1 attempt + 3 retries (the default), and no wait after the last.
    assert_eq!(inner.request_count(), 4);
    assert_eq!(inner.remaining(), 1);
    assert_eq!(clock.slept(), [Duration::from_secs(2); 3]);
    assert_eq!(attempt_header(&inner.requests()[3]).as_deref(), Some("3"));
}

#[tokio::test]
async fn exhausted_retries_return_the_last_error() {
    let script = ScriptedTransport::new()
        .fail(TransportError::connect("first"))
        .fail(TransportError::connect("second"))
        .fail(TransportError::connect("third"))
        .reply(ok());
    let (retry, inner, _) = stack(script, RetryPolicy::default().max_retries(2));
    let failure = retry.send(request(Method::GET)).await.unwrap_err();
    assert_eq!(failure.message(), "third");
    assert!(!failure.may_have_been_sent());
    assert_eq!(inner.request_count(), 3);
}

#[tokio::test]
async fn attempt_count_is_capped_at_ten_retries() {
    let mut script = ScriptedTransport::new();
    for _ in 0..20 {
        script = script.reply(retry_after(503, "0"));
    }
    let (retry, inner, _) = stack(script, RetryPolicy::default().max_retries(50));
    let answer = retry.send(request(Method::GET)).await.unwrap();
    assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(inner.request_count(), 11);
}

#[tokio::test]
async fn no_retries_policy_sends_once() {
    let script = ScriptedTransport::new().reply(status(429)).reply(ok());
    let (retry, inner, clock) = stack(script, RetryPolicy::none());
    let answer = retry.send(request(Method::GET)).await.unwrap();
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(inner.request_count(), 1);
    assert!(clock.slept().is_empty());
}

#[tokio::test]
async fn retry_after_beyond_the_cap_returns_at_once() {
    let script = ScriptedTransport::new()
        .reply(retry_after(429, "120"))
        .reply(ok());
    let (retry, inner, clock) = stack(script, RetryPolicy::default());
    let answer = retry.send(request(Method::GET)).await.unwrap();
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.headers()["retry-after"], "120");
    assert_eq!(inner.request_count(), 1);
    assert_eq!(clock.elapsed(), Duration::ZERO);
}

#[tokio::test]
async fn retry_after_at_the_cap_is_waited() {
    let script = ScriptedTransport::new()
        .reply(retry_after(429, "60"))
        .reply(ok());
    let (retry, _, clock) = stack(script, RetryPolicy::default());
    let answer = retry.send(request(Method::GET)).await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(clock.slept(), [Duration::from_secs(60)]);
}

#[tokio::test]
async fn retry_after_in_the_past_retries_at_once() {
    let script = ScriptedTransport::new()
        .reply(retry_after(429, "Sun, 06 Nov 1994 08:49:37 GMT"))
        .reply(ok());
    let (retry, _, clock) = stack(script, RetryPolicy::default());
    let answer = retry.send(request(Method::GET)).await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(clock.slept(), [Duration::ZERO]);
}

#[tokio::test]
async fn retry_after_on_an_error_is_honoured_and_capped() {
    let error = TransportError::connect("refused").with_retry_after(Duration::from_secs(5));
    let script = ScriptedTransport::new().fail(error).reply(ok());
    let (retry, _, clock) = stack(script, RetryPolicy::default());
    retry.send(request(Method::GET)).await.unwrap();
    assert_eq!(clock.slept(), [Duration::from_secs(5)]);

    let error = TransportError::connect("refused").with_retry_after(Duration::from_secs(600));
    let script = ScriptedTransport::new().fail(error).reply(ok());
    let (retry, inner, _) = stack(script, RetryPolicy::default());
    let failure = retry.send(request(Method::GET)).await.unwrap_err();
    assert_eq!(failure.retry_after(), Some(Duration::from_secs(600)));
    assert_eq!(inner.request_count(), 1);
}

#[tokio::test]
async fn jittered_backoff_stays_within_bounds() {
    let base = Duration::from_millis(800);
    let cap = Duration::from_secs(5);
    let policy = RetryPolicy::default()
        .max_retries(6)
        .base_delay(base)
        .max_delay(cap);
    let mut all = Vec::new();
    for _ in 0..50 {
        let mut script = ScriptedTransport::new();
        for _ in 0..6 {
            script = script.reply(status(503)); // no Retry-After: backoff
        }
        let (retry, _, clock) = stack(script.reply(ok()), policy.clone());
        retry.send(request(Method::GET)).await.unwrap();
        let slept = clock.slept();
        assert_eq!(slept.len(), 6);
        for (index, delay) in slept.iter().enumerate() {
            let n = u32::try_from(index).unwrap() + 1;
            let ceiling = (base * 2_u32.pow(n - 1)).min(cap);
            assert_eq!(policy.backoff_ceiling(n), ceiling);
            assert!(*delay <= ceiling, "retry {n}: {delay:?} > {ceiling:?}");
        }
        all.extend(slept);
    }
    // 300 uniform draws: the delays are not all the same value (the jitter is real).
    let first = all[0];
    assert!(all.iter().any(|d| *d != first));
}

#[tokio::test]
async fn unparsable_retry_after_falls_back_to_backoff() {
    let script = ScriptedTransport::new()
        .reply(retry_after(429, "soon"))
        .reply(ok());
    let policy = RetryPolicy::default().base_delay(Duration::from_millis(100));
    let (retry, _, clock) = stack(script, policy);
    retry.send(request(Method::GET)).await.unwrap();
    let slept = clock.slept();
    assert_eq!(slept.len(), 1);
    assert!(slept[0] <= Duration::from_millis(100));
}

#[tokio::test]
async fn custom_retry_statuses_replace_the_defaults() {
    let policy = RetryPolicy::default().retry_statuses([StatusCode::BAD_GATEWAY]);
    let script = ScriptedTransport::new()
        .reply(status(502))
        .reply(status(429))
        .reply(ok());
    let (retry, inner, _) = stack(script, policy);
    let answer = retry.send(request(Method::GET)).await.unwrap();
    assert_eq!(answer.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(inner.request_count(), 2);
}

#[tokio::test(start_paused = true)]
async fn tokio_clock_waits_on_tokio_time() {
    let script = ScriptedTransport::new()
        .reply(retry_after(429, "3"))
        .reply(ok());
    let retry =
        Retry::new(Arc::new(script), RetryPolicy::default()).with_clock(Arc::new(TokioClock));
    let start = tokio::time::Instant::now();
    retry.send(request(Method::GET)).await.unwrap();
    // Paused Tokio time only moves when every task waits, so this is the sleep, not the machine's speed.
    assert!(start.elapsed() >= Duration::from_secs(3));
}

#[tokio::test]
async fn default_clock_is_tokio() {
    let retry = Retry::new(ScriptedTransport::new(), RetryPolicy::default());
    assert!(format!("{retry:?}").contains("TokioClock"));
    assert_eq!(retry.policy(), &RetryPolicy::default());
    assert_eq!(retry.inner().request_count(), 0);
}

/// Answers 503 and then 200, noting for each attempt whether it carried the caller's extension and its
/// `Retry-Attempt`.
#[derive(Debug, Default)]
struct NotesExtensions(std::sync::Mutex<Vec<(Option<u32>, Option<String>)>>);

#[async_trait::async_trait]
impl Transport for NotesExtensions {
    async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, TransportError> {
        let mut seen = self.0.lock().unwrap();
        seen.push((
            request.extensions().get::<u32>().copied(),
            attempt_header(&request),
        ));
        Ok(if seen.len() == 1 { status(503) } else { ok() })
    }
}

#[tokio::test]
async fn the_first_attempt_is_the_request_itself_and_a_resend_a_copy() {
    let inner = Arc::new(NotesExtensions::default());
    let retry =
        Retry::new(inner.clone(), RetryPolicy::default()).with_clock(Arc::new(ManualClock::new()));
    let mut first = request(Method::GET);
    first.extensions_mut().insert(7_u32);

    let answer = retry.send(first).await.unwrap();

    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(
        *inner.0.lock().unwrap(),
        [(Some(7), None), (None, Some("1".to_owned()))],
        "the caller's extensions go with the first attempt; a resend carries Retry-Attempt"
    );
}
