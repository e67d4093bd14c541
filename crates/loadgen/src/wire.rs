//! A minimal HTTP/1.1 load generator over raw keep-alive TCP connections (GETs, or any fixed request).
//!
//! Hand-written rather than built on reqwest: a generator must spend less per request than the server it measures,
//! and reqwest's per-request work (header maps, pool checkout, body streams) made it the ceiling of the emulator row.
//! This one writes a fixed request and reads the answer by its `Content-Length`; nothing else. The `wire_vs_wrk`
//! measurement checks that it pushes a hello world at least as hard as wrk does.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::measure::LoadResult;

/// The largest answer read; anything bigger counts as a failure.
const MAX_ANSWER_BYTES: usize = 4 << 20;
/// How long one answer may take past the load's end (the whole connection is bounded by the two).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// GETs `path` from `addr` (`127.0.0.1:PORT`) over `connections` keep-alive connections until `duration` passes;
/// an answer counts when its status is 200 and its body ends with `expect_suffix`.
pub async fn get_load(
    addr: &str,
    path: &str,
    connections: usize,
    duration: Duration,
    expect_suffix: &'static [u8],
) -> LoadResult {
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n\r\n")
            .into_bytes();
    load(addr, request, connections, duration, expect_suffix).await
}

/// Sends the fixed `request` (a whole HTTP/1.1 request, head and body) to `addr` over `connections` keep-alive
/// connections until `duration` passes; an answer counts when its status is 200 and its body ends with
/// `expect_suffix`.
///
/// The connections run on one thread of their own with a single-threaded runtime, as `wrk -t1` runs: this program's
/// own runtime has a worker per CPU it started with, and once the program is pinned to one CPU those workers would
/// take turns on it, waking and stealing from each other (that made the generator's rate swing from 0.9 to 1.5 times
/// wrk's between runs).
pub async fn load(
    addr: &str,
    request: Vec<u8>,
    connections: usize,
    duration: Duration,
    expect_suffix: &'static [u8],
) -> LoadResult {
    let addr = addr.to_owned();
    let started = Instant::now();
    let run = tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        // Everything the load does runs on this thread (the runtime's I/O driver included), so the thread's CPU time
        // is the generator's: what shows whether it had room to spare, and what it spends per answer against wrk.
        let cpu_before = crate::measure::thread_cpu();
        let mut result = runtime.block_on(load_here(
            &addr,
            request,
            connections,
            duration,
            expect_suffix,
        ));
        result.cpu = cpu_before
            .zip(crate::measure::thread_cpu())
            .map(|(before, after)| after.saturating_sub(before));
        Ok::<_, String>(result)
    })
    .await;
    match run {
        Ok(Ok(result)) => result,
        _ => LoadResult {
            ok: 0,
            failed: 1,
            elapsed: started.elapsed(),
            cpu: None,
        },
    }
}

/// [`load`]'s connections, as tasks of the current runtime.
async fn load_here(
    addr: &str,
    request: Vec<u8>,
    connections: usize,
    duration: Duration,
    expect_suffix: &'static [u8],
) -> LoadResult {
    let start = Instant::now();
    let deadline = start + duration;
    let request: std::sync::Arc<[u8]> = request.into();
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let (addr, request) = (addr.to_owned(), request.clone());
        // One timer per connection, not one per answer: the whole exchange loop may take its duration and one
        // answer's timeout more (an answer that never comes ends the connection then, counted as a failure).
        tasks.push(tokio::spawn(tokio::time::timeout_at(
            (deadline + ANSWER_TIMEOUT).into(),
            connection(addr, request, deadline, expect_suffix),
        )));
    }
    let (mut ok, mut failed) = (0, 0);
    for task in tasks {
        match task.await {
            Ok(Ok((o, f))) => {
                ok += o;
                failed += f;
            }
            Ok(Err(_)) => failed += 1,
            Err(_) => failed += 1,
        }
    }
    LoadResult {
        ok,
        failed,
        elapsed: start.elapsed(),
        cpu: None,
    }
}

/// One keep-alive connection's exchanges until `deadline`: (answers that counted, answers that did not).
async fn connection(
    addr: String,
    request: std::sync::Arc<[u8]>,
    deadline: Instant,
    expect_suffix: &'static [u8],
) -> (u64, u64) {
    let (mut ok, mut failed) = (0u64, 0u64);
    let Ok(mut stream) = TcpStream::connect(&addr).await else {
        return (0, 1);
    };
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::with_capacity(64 * 1024);
    while Instant::now() < deadline {
        match exchange(&mut stream, &request, &mut buffer).await {
            Ok(true) if buffer.ends_with(expect_suffix) => ok += 1,
            Ok(_) => failed += 1,
            Err(_) => {
                failed += 1;
                break;
            }
        }
    }
    (ok, failed)
}

/// Sends one request and reads one answer into `buffer` (its body left at the end); whether the status was 200.
/// Reads go straight into `buffer`'s spare room, and the end of the head is looked for only in what arrived.
pub(crate) async fn exchange(
    stream: &mut TcpStream,
    request: &[u8],
    buffer: &mut Vec<u8>,
) -> std::io::Result<bool> {
    stream.write_all(request).await?;
    buffer.clear();
    let (head_end, body_len) = loop {
        let searched = buffer.len().saturating_sub(3);
        if buffer.capacity() - buffer.len() < 4096 {
            buffer.reserve(16 * 1024);
        }
        if stream.read_buf(buffer).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if let Some(end) = buffer
            .get(searched..)
            .and_then(|new| find(new, b"\r\n\r\n"))
        {
            let end = searched + end;
            let length = content_length(&buffer[..end]).ok_or(std::io::ErrorKind::InvalidData)?;
            break (end + 4, length);
        }
        if buffer.len() > MAX_ANSWER_BYTES {
            return Err(std::io::ErrorKind::InvalidData.into());
        }
    };
    if body_len > MAX_ANSWER_BYTES {
        return Err(std::io::ErrorKind::InvalidData.into());
    }
    let whole = head_end + body_len;
    buffer.reserve(whole.saturating_sub(buffer.len()));
    while buffer.len() < whole {
        if stream.read_buf(buffer).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
    }
    Ok(buffer.starts_with(b"HTTP/1.1 200 "))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(head).ok()?;
    text.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())
            .flatten()
    })
}
