//! The accept loop: a cap on open connections (503 past it, never a hang), the timeouts of [`crate::connection`],
//! TLS when asked for, and a graceful stop.
//!
//! Hand-written over hyper's connection builder rather than `axum::serve`, which has no connection cap, no per-state
//! timeouts and no hook on hyper's answers to broken HTTP.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio_rustls::TlsAcceptor;

use crate::connection::{Activity, Expired, Timeouts, Watched, over_capacity_answer};
use crate::handler::{self, Shared};
use crate::request_uri::LastHost;

/// How long in-flight requests may take to finish after the stop signal before the emulator stops anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Connections past the cap answered 503 at once; beyond these, a new one is closed without an answer.
const REFUSALS_AT_ONCE: usize = 64;

/// How long a refused connection is given to take its 503.
const REFUSAL_TIME: Duration = Duration::from_secs(2);

/// What a serving emulator is bounded by.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) timeouts: Timeouts,
    pub(crate) max_connections: usize,
}

/// Accepts and serves connections until `shutdown` completes, then lets open ones finish (for at most 10 s).
pub(crate) async fn serve<F>(
    listener: TcpListener,
    shared: Arc<Shared>,
    limits: Limits,
    tls: Option<TlsAcceptor>,
    shutdown: F,
) where
    F: Future<Output = ()> + Send + 'static,
{
    let cap = limits.max_connections.max(1);
    let open = Arc::new(Semaphore::new(cap));
    let refusing = Arc::new(Semaphore::new(REFUSALS_AT_ONCE));
    let (stop, stopping) = watch::channel(false);
    let over_cap_log = Every::second();
    let accept_error_log = Every::second();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors, most likely: wait a moment rather than spin.
                if accept_error_log.due() {
                    tracing::warn!(error = %e, "osimages serve: cannot accept a connection");
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        match open.clone().try_acquire_owned() {
            Ok(permit) => {
                let shared = shared.clone();
                let tls = tls.clone();
                let stopping = stopping.clone();
                tokio::spawn(async move {
                    connection(stream, shared, limits.timeouts, tls, stopping).await;
                    drop(permit);
                });
            }
            Err(_) => {
                if over_cap_log.due() {
                    tracing::warn!(
                        cap,
                        "osimages serve: {cap} connections are open, the limit; answering new ones 503"
                    );
                }
                if let Ok(permit) = refusing.clone().try_acquire_owned() {
                    let tls = tls.clone();
                    tokio::spawn(async move {
                        let _ = tokio::time::timeout(REFUSAL_TIME, refuse(stream, tls, cap)).await;
                        drop(permit);
                    });
                }
            }
        }
    }
    drop(listener);
    let _ = stop.send(true);
    let all = u32::try_from(cap).unwrap_or(u32::MAX);
    if tokio::time::timeout(SHUTDOWN_GRACE, open.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(
            "osimages serve: requests still running {} s after the stop signal; stopping anyway",
            SHUTDOWN_GRACE.as_secs()
        );
    }
}

async fn connection(
    stream: TcpStream,
    shared: Arc<Shared>,
    timeouts: Timeouts,
    tls: Option<TlsAcceptor>,
    stopping: watch::Receiver<bool>,
) {
    match tls {
        None => drive(stream, shared, timeouts, stopping).await,
        Some(acceptor) => {
            match tokio::time::timeout(timeouts.header_read, acceptor.accept(stream)).await {
                Ok(Ok(stream)) => drive(stream, shared, timeouts, stopping).await,
                Ok(Err(e)) => tracing::debug!(error = %e, "osimages serve: TLS handshake failed"),
                Err(_) => tracing::info!(
                    "osimages serve: closed a connection whose TLS handshake took over {} ms",
                    timeouts.header_read.as_millis()
                ),
            }
        }
    }
}

/// What each request's service needs from its connection, behind one `Arc` so a request clones one pointer.
struct PerConnection {
    shared: Arc<Shared>,
    activity: Arc<Activity>,
    last_host: LastHost,
}

async fn drive<S>(
    stream: S,
    shared: Arc<Shared>,
    timeouts: Timeouts,
    mut stopping: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(Watched::new(stream, activity.clone()));
    let state = Arc::new(PerConnection {
        shared,
        activity: activity.clone(),
        last_host: LastHost::new(),
    });
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let state = state.clone();
        async move {
            state.activity.serving();
            let response =
                handler::handle(&state.shared, &state.last_host, request.map(Body::new)).await;
            state.activity.answered();
            Ok::<_, Infallible>(response)
        }
    });
    let mut builder = http1::Builder::new();
    // A client may shut its sending side once the request is out and still wait for the answer.
    builder.half_close(true);
    let served = builder.serve_connection(io, service);
    tokio::pin!(served);
    // The timeouts and the stop signal are waited for in a task of their own, which says which came first through a
    // oneshot: waited for here beside the connection, both were polled again at every wake of the connection's task
    // (a few times per request), about a fiftieth of a GET's instructions; the oneshot costs a load.
    let (tell, told) = tokio::sync::oneshot::channel();
    let watchdog = AbortOnDrop(tokio::spawn(async move {
        let ending = tokio::select! {
            expired = activity.expired(timeouts) => Ending::Expired(expired),
            () = stopped(&mut stopping) => Ending::Stop,
        };
        let _ = tell.send(ending);
    }));
    tokio::select! {
        result = served.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "osimages serve: connection ended with an error");
            }
        }
        ending = told => match ending {
            Ok(Ending::Expired(Expired::HeaderRead)) => tracing::warn!(
                "osimages serve: closed a connection that sent part of a request's headers and not the rest within {} ms",
                timeouts.header_read.as_millis()
            ),
            Ok(Ending::Expired(Expired::Idle)) => tracing::info!(
                "osimages serve: closed a connection idle for {} ms",
                timeouts.idle.as_millis()
            ),
            // The stop signal, or (never expected) a watchdog gone without a word: finish the request in flight.
            Ok(Ending::Stop) | Err(_) => {
                served.as_mut().graceful_shutdown();
                let _ = served.await;
            }
        },
    }
    drop(watchdog);
}

/// What ends a connection from outside it.
enum Ending {
    /// One of the connection's timeouts.
    Expired(Expired),
    /// The emulator is stopping.
    Stop,
}

/// A task aborted when this is dropped: a connection's watchdog ends with its connection.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Completes when the stop is signalled (or the accept loop is gone).
async fn stopped(stopping: &mut watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}

/// Answers 503 to a connection past the cap, then reads what the client still sends (a bounded amount) so the close
/// is not a reset that would hide the answer.
async fn refuse(stream: TcpStream, tls: Option<TlsAcceptor>, cap: usize) {
    match tls {
        None => refuse_on(stream, cap).await,
        Some(acceptor) => {
            if let Ok(stream) = acceptor.accept(stream).await {
                refuse_on(stream, cap).await;
            }
        }
    }
}

async fn refuse_on<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, cap: usize) {
    if stream.write_all(&over_capacity_answer(cap)).await.is_err() {
        return;
    }
    let _ = stream.shutdown().await;
    let mut sink = [0_u8; 4096];
    let mut drained = 0_usize;
    while drained < 64 * 1024 {
        match stream.read(&mut sink).await {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

/// At most one log line a second for a condition that may repeat thousands of times.
struct Every {
    started: Instant,
    last: AtomicU64,
}

impl Every {
    fn second() -> Self {
        Every {
            started: Instant::now(),
            last: AtomicU64::new(u64::MAX),
        }
    }

    fn due(&self) -> bool {
        let now = self.started.elapsed().as_secs();
        let last = self.last.swap(now, Ordering::Relaxed);
        last != now
    }
}
