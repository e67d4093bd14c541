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
/// How long one answer may take.
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
pub async fn load(
    addr: &str,
    request: Vec<u8>,
    connections: usize,
    duration: Duration,
    expect_suffix: &'static [u8],
) -> LoadResult {
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let (addr, request) = (addr.to_owned(), request.clone());
        tasks.push(tokio::spawn(async move {
            let (mut ok, mut failed) = (0u64, 0u64);
            let Ok(mut stream) = TcpStream::connect(&addr).await else {
                return (0, 1);
            };
            let _ = stream.set_nodelay(true);
            let mut buffer = Vec::with_capacity(64 * 1024);
            while Instant::now() < deadline {
                match tokio::time::timeout(
                    ANSWER_TIMEOUT,
                    exchange(&mut stream, &request, &mut buffer),
                )
                .await
                {
                    Ok(Ok(true)) if buffer.ends_with(expect_suffix) => ok += 1,
                    Ok(Ok(_)) => failed += 1,
                    _ => {
                        failed += 1;
                        break;
                    }
                }
            }
            (ok, failed)
        }));
    }
    let (mut ok, mut failed) = (0, 0);
    for task in tasks {
        if let Ok((o, f)) = task.await {
            ok += o;
            failed += f;
        } else {
            failed += 1;
        }
    }
    LoadResult {
        ok,
        failed,
        elapsed: start.elapsed(),
    }
}

/// Sends one request and reads one answer into `buffer` (its body left at the end); whether the status was 200.
pub(crate) async fn exchange(
    stream: &mut TcpStream,
    request: &[u8],
    buffer: &mut Vec<u8>,
) -> std::io::Result<bool> {
    stream.write_all(request).await?;
    buffer.clear();
    let mut chunk = [0u8; 16 * 1024];
    let (head_end, body_len) = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(end) = find(buffer, b"\r\n\r\n") {
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
    while buffer.len() < head_end + body_len {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..n]);
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
