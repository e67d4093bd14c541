//! Retries through the real HTTP transport: throttling storms, 503/504, connections broken mid-answer, a server that
//! never answers, and the rule that a write which may have reached the server is not sent twice. wiremock plays Graph
//! where it can; a small hand-written TCP server plays the behaviours wiremock cannot (closing a connection half-way,
//! never answering).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use intune_osimages::transport::{ManualClock, RetryPolicy, TransportErrorKind};
use intune_osimages::{Client, Error, OsImagePatch};
use serde_json::json;
use support::{bounded, client_with_policy, graph_error_body, image_body, request_count};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn retry_attempts(requests: &[Request]) -> Vec<Option<String>> {
    requests
        .iter()
        .map(|r| {
            r.headers
                .get("retry-attempt")
                .map(|v| v.to_str().unwrap().to_owned())
        })
        .collect()
}

/// The client operations these tests send, so one test can run several.
#[derive(Debug, Clone, Copy)]
enum Op {
    Get,
    Update,
    Create,
    Delete,
}

impl Op {
    /// Sends it (bounded by [`support::LIVENESS`]); the id of the image that came back, if one did.
    async fn send(self, client: &Client) -> Result<Option<String>, Error> {
        let images = client.os_images();
        match self {
            Op::Get => Ok(bounded(images.get("a")).await?.id),
            Op::Update => {
                let patch = OsImagePatch::new().property("x", json!(1));
                let updated = bounded(images.update("a", &patch)).await?;
                Ok(updated.into_image().and_then(|image| image.id))
            }
            Op::Create => {
                let created =
                    bounded(images.create_json(image_body("a")).allow_read_only()).await?;
                Ok(created.id)
            }
            Op::Delete => bounded(images.delete("a")).await.map(|()| None),
        }
    }
}

/// Graph's 429, with this `Retry-After` if any.
fn throttled(retry_after: Option<&str>) -> ResponseTemplate {
    let answer = ResponseTemplate::new(429)
        .set_body_raw(graph_error_body("TooManyRequests"), "application/json");
    match retry_after {
        Some(seconds) => answer.insert_header("retry-after", seconds),
        None => answer,
    }
}

/// A wiremock Graph that answers every `verb` request with `answer`, and a client for it whose retries follow
/// `policy` and wait on the returned clock.
async fn graph_answering(
    verb: &str,
    answer: impl Respond + 'static,
    policy: RetryPolicy,
) -> (MockServer, ManualClock, Client) {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .respond_with(answer)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let client = client_with_policy(&server.uri(), &clock, policy);
    (server, clock, client)
}

/// A misbehaving raw server and a client for it whose retries follow `policy` and wait on the returned clock.
async fn raw_server_and_client(
    misbehaviour: Misbehaviour,
    policy: RetryPolicy,
) -> (RawServer, ManualClock, Client) {
    let server = RawServer::start(misbehaviour).await;
    let clock = ManualClock::new();
    let client = client_with_policy(&server.base, &clock, policy);
    (server, clock, client)
}

// ---------------------------------------------------------------- throttling and unavailability (wiremock)

#[tokio::test]
async fn a_429_storm_with_retry_after_ends_after_the_retry_budget_with_the_delay() {
    let (server, clock, client) =
        graph_answering("GET", throttled(Some("2")), RetryPolicy::default()).await;

    let error = bounded(client.os_images().get("Windows 11 24H2"))
        .await
        .unwrap_err();

    let graph = error.as_graph().expect("a Graph error");
    assert_eq!(graph.status, 429);
    assert_eq!(graph.code, "TooManyRequests");
    assert_eq!(graph.retry_after, Some(Duration::from_secs(2)));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 4, "1 attempt + 3 retries, no more");
    assert_eq!(
        retry_attempts(&requests),
        [None, Some("1".into()), Some("2".into()), Some("3".into())]
    );
    assert_eq!(clock.slept(), vec![Duration::from_secs(2); 3]);
}

#[tokio::test]
async fn a_429_storm_without_retry_after_backs_off_within_the_ceilings() {
    let policy = RetryPolicy::default().max_retries(5);
    let (server, clock, client) = graph_answering("GET", throttled(None), policy.clone()).await;

    let error = bounded(client.os_images().list().page()).await.unwrap_err();

    let graph = error.as_graph().expect("a Graph error");
    assert_eq!((graph.status, graph.retry_after), (429, None));
    assert_eq!(request_count(&server).await, 6, "1 attempt + 5 retries");
    let slept = clock.slept();
    assert_eq!(slept.len(), 5);
    for (n, delay) in slept.iter().enumerate() {
        let ceiling = policy.backoff_ceiling(u32::try_from(n).unwrap() + 1);
        assert!(
            *delay <= ceiling,
            "retry {} waited {delay:?} > {ceiling:?}",
            n + 1
        );
    }
}

#[tokio::test]
async fn no_policy_can_retry_more_than_the_cap() {
    let unavailable = ResponseTemplate::new(503).insert_header("retry-after", "0");
    let policy = RetryPolicy::default().max_retries(u32::MAX);
    let (server, _, client) = graph_answering("GET", unavailable, policy).await;

    let error = bounded(client.os_images().count()).await.unwrap_err();

    assert_eq!(error.status(), Some(503));
    assert_eq!(
        request_count(&server).await,
        1 + intune_osimages::transport::MAX_RETRIES_CAP as usize
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_handed_back_at_once() {
    let (server, clock, client) =
        graph_answering("PATCH", throttled(Some("3600")), RetryPolicy::default()).await;

    let error = Op::Update.send(&client).await.unwrap_err();

    assert_eq!(
        error.as_graph().unwrap().retry_after,
        Some(Duration::from_secs(3600))
    );
    assert_eq!(request_count(&server).await, 1);
    assert!(clock.slept().is_empty(), "nothing waited out an hour");
}

/// Answers `statuses` in order, then 200 with an image.
struct Sequence {
    statuses: Vec<u16>,
    seen: AtomicUsize,
}

impl Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.seen.fetch_add(1, Ordering::SeqCst);
        match self.statuses.get(n) {
            Some(&status) => ResponseTemplate::new(status).set_body_raw(
                graph_error_body(if status == 503 {
                    "ServiceUnavailable"
                } else {
                    "GatewayTimeout"
                }),
                "application/json",
            ),
            None => ResponseTemplate::new(200).set_body_json(image_body("a")),
        }
    }
}

#[tokio::test]
async fn a_503_and_a_504_then_success_is_a_success_for_reads_and_writes() {
    for (verb, op, statuses) in [
        ("GET", Op::Get, vec![503, 504]),
        ("PATCH", Op::Update, vec![504, 503, 503]),
        ("POST", Op::Create, vec![503]),
    ] {
        let expected = statuses.len() + 1;
        let sequence = Sequence {
            statuses,
            seen: AtomicUsize::new(0),
        };
        let (server, _, client) = graph_answering(verb, sequence, RetryPolicy::default()).await;
        let id = op.send(&client).await.unwrap();
        assert_eq!(id.as_deref(), Some("a"), "{verb}");
        // A 503/504 says the server did not process the request, so even writes are resent.
        assert_eq!(request_count(&server).await, expected, "{verb}");
    }
}

// ---------------------------------------------------------------- a hand-written server for broken connections

/// What the raw server does with each request it has read whole.
#[derive(Clone, Copy, Debug)]
enum Misbehaviour {
    /// Write the status line, headers promising 1000 bytes, part of a JSON body, then close.
    CloseMidBody,
    /// Close the connection without writing anything.
    CloseSilently,
    /// Keep the connection open and never write anything.
    NeverAnswer,
}

/// A TCP server on 127.0.0.1:0 that reads whole HTTP/1.1 requests and misbehaves; it counts the requests it read.
struct RawServer {
    base: String,
    requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl RawServer {
    async fn start(misbehaviour: Misbehaviour) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let counter = counter.clone();
                tokio::spawn(serve_one(stream, counter, misbehaviour));
            }
        });
        RawServer {
            base,
            requests,
            task,
        }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request (head and `Content-Length` body) and returns whether it was read whole.
async fn read_request(stream: &mut TcpStream) -> bool {
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
        if buffer.len() > 1 << 20 {
            return false;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    while buffer.len() < head_end + length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    true
}

async fn serve_one(mut stream: TcpStream, counter: Arc<AtomicUsize>, misbehaviour: Misbehaviour) {
    if !read_request(&mut stream).await {
        return;
    }
    counter.fetch_add(1, Ordering::SeqCst);
    match misbehaviour {
        Misbehaviour::CloseMidBody => {
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream
                .write_all(br#"{"id":"Windows 11 24H2","supportedEd"#)
                .await;
            let _ = stream.flush().await;
        }
        Misbehaviour::CloseSilently => {}
        Misbehaviour::NeverAnswer => {
            // Hold the connection open well past any client timeout in these tests, then let it go.
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    }
    let _ = stream.shutdown().await;
}

fn assert_maybe_sent(error: &Error, kind: TransportErrorKind) {
    let Error::Transport(transport) = error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(transport.kind(), kind, "{error}");
    assert!(transport.may_have_been_sent(), "{error}");
    assert!(error.may_have_been_sent());
    assert!(
        error.to_string().contains("may have been sent"),
        "the message says so: {error}"
    );
}

#[tokio::test]
async fn a_connection_dropped_mid_answer_is_a_maybe_sent_error_and_reads_are_retried() {
    let (server, clock, client) =
        raw_server_and_client(Misbehaviour::CloseMidBody, RetryPolicy::default()).await;

    let error = bounded(client.os_images().get("Windows 11 24H2"))
        .await
        .unwrap_err();

    assert_maybe_sent(&error, TransportErrorKind::Io);
    assert_eq!(
        server.requests(),
        4,
        "a GET is safe to resend: 1 + 3 retries"
    );
    assert_eq!(clock.slept().len(), 3);
}

#[tokio::test]
async fn writes_that_may_have_been_sent_are_never_replayed() {
    for misbehaviour in [Misbehaviour::CloseSilently, Misbehaviour::CloseMidBody] {
        for op in [Op::Update, Op::Create, Op::Delete] {
            let (server, clock, client) =
                raw_server_and_client(misbehaviour, RetryPolicy::default()).await;
            let error = op.send(&client).await.unwrap_err();
            assert_maybe_sent(&error, TransportErrorKind::Io);
            assert_eq!(
                server.requests(),
                1,
                "{op:?} after {misbehaviour:?} reached the server once and was not resent"
            );
            assert!(clock.slept().is_empty(), "{op:?}: no retry was planned");
        }
    }
}

#[tokio::test]
async fn a_silent_close_after_a_get_is_retried() {
    let (server, _, client) = raw_server_and_client(
        Misbehaviour::CloseSilently,
        RetryPolicy::default().max_retries(2),
    )
    .await;

    let error = bounded(client.os_images().count()).await.unwrap_err();

    assert_maybe_sent(&error, TransportErrorKind::Io);
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn a_policy_that_opts_in_replays_a_maybe_sent_patch() {
    let policy = RetryPolicy::default().max_retries(2).retry_maybe_sent(true);
    let (server, _, client) = raw_server_and_client(Misbehaviour::CloseSilently, policy).await;

    let error = Op::Update.send(&client).await.unwrap_err();

    assert_maybe_sent(&error, TransportErrorKind::Io);
    assert_eq!(server.requests(), 3, "the caller asked for replays");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_within_the_configured_timeout() {
    // Reads are retried after a timeout; one retry keeps the test short.
    let (server, _, client) = raw_server_and_client(
        Misbehaviour::NeverAnswer,
        RetryPolicy::default().max_retries(1),
    )
    .await;

    let error = Op::Get.send(&client).await.unwrap_err();

    assert_maybe_sent(&error, TransportErrorKind::Timeout);
    assert_eq!(server.requests(), 2);

    // A write that timed out may have been applied: it is not resent.
    let before = server.requests();
    let error = Op::Update.send(&client).await.unwrap_err();
    assert_maybe_sent(&error, TransportErrorKind::Timeout);
    assert_eq!(server.requests() - before, 1);
}

#[tokio::test]
async fn a_refused_connection_was_never_sent_and_is_retried_for_writes_too() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let clock = ManualClock::new();
    let client = client_with_policy(
        &format!("http://127.0.0.1:{port}"),
        &clock,
        RetryPolicy::default(),
    );

    let error = Op::Update.send(&client).await.unwrap_err();

    let Error::Transport(transport) = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::Connect);
    assert!(!error.may_have_been_sent());
    assert_eq!(
        clock.slept().len(),
        3,
        "never sent, so safe to retry any method"
    );
}
