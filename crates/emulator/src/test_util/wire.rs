//! HTTP/1.1 over a raw socket: requests written byte for byte and answers read until the server closes, so a test
//! sees exactly what the emulator sent and can send what no well-behaved client would.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// How long [`send`] and [`exchange`] wait for the server to answer and close.
const ANSWER_WITHIN: Duration = Duration::from_secs(20);

/// An answer read off the wire.
#[derive(Debug, Clone)]
pub struct Raw {
    /// The status code.
    pub status: u16,
    /// The headers in order, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked when it came chunked.
    pub body: Vec<u8>,
}

impl Raw {
    /// A header's value (the first with this name, compared ignoring case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON; panics, showing the body, when it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        self.try_json().unwrap_or_else(|| {
            panic!(
                "the body is not JSON: {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// The body as JSON, or `None` when it is not JSON.
    pub fn try_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// Asserts the status, showing the body when it is another.
    pub fn assert_status(&self, status: u16) {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
    }

    /// Asserts a Graph error body with this code and a `request-id` matching the header.
    pub fn assert_graph_error(&self, code: &str) {
        let body = self.json();
        assert_eq!(body["error"]["code"], code, "{body}");
        let request_id = self.header("request-id").expect("a request-id header");
        assert_eq!(body["error"]["innerError"]["request-id"], request_id);
    }
}

/// The server neither answered nor closed the connection in time (as a server may do with a request whose end it
/// is still waiting for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut;

/// A request with `Connection: close`, `Host: 127.0.0.1` unless `headers` names a host, `headers` in order, and a
/// `Content-Length` for `body`.
pub fn request(method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("{method} {target} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        out.push_str("Host: 127.0.0.1\r\n");
    }
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// A request written as text: `head` is the request line and the headers, one a line (`\n` between them, sent as
/// `\r\n`), without the blank line; `Connection: close` is added, and `body` follows as it is. Nothing else is added
/// (no `Host`, no `Content-Length`), so a test can send a request as broken as it likes.
pub fn raw_request(head: &str, body: &[u8]) -> Vec<u8> {
    let mut request = head.trim_end().replace('\n', "\r\n").into_bytes();
    request.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    request.extend_from_slice(body);
    request
}

/// Sends `request` over a fresh connection to `addr` and reads the answer until the server closes it; panics when
/// no HTTP answer came within 20 s.
pub async fn send(addr: SocketAddr, request: &[u8]) -> Raw {
    let stream = connect(addr).await;
    exchange(stream, request).await
}

/// Writes `request` on `stream` (a TLS stream, say) and reads until the server closes it; panics when no HTTP
/// answer came within 20 s.
pub async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(stream: S, request: &[u8]) -> Raw {
    let answer = read_answer(stream, request, ANSWER_WITHIN)
        .await
        .expect("the emulator answers within 20 s");
    parse(&answer)
        .unwrap_or_else(|| panic!("no HTTP answer in {:?}", String::from_utf8_lossy(&answer)))
}

/// [`send`], waiting at most `limit`: `Ok(None)` when the server closed without an HTTP answer, `Err(TimedOut)`
/// when it neither answered nor closed by then.
pub async fn send_within(
    addr: SocketAddr,
    request: &[u8],
    limit: Duration,
) -> Result<Option<Raw>, TimedOut> {
    let stream = connect(addr).await;
    let answer = read_answer(stream, request, limit).await?;
    Ok(parse(&answer))
}

async fn connect(addr: SocketAddr) -> tokio::net::TcpStream {
    tokio::time::timeout(ANSWER_WITHIN, tokio::net::TcpStream::connect(addr))
        .await
        .unwrap_or_else(|_| panic!("{addr} accepts a connection within 20 s"))
        .unwrap_or_else(|e| panic!("cannot connect to {addr}: {e}"))
}

/// Writes `request` and reads until the server closes (what came before a reset counts as read).
async fn read_answer<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    request: &[u8],
    limit: Duration,
) -> Result<Vec<u8>, TimedOut> {
    // The server may answer (and close) before reading everything; a failed write is not the test's concern. The
    // write half stays open: hyper drops a connection whose client half-closes before the answer.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(limit, stream.read_to_end(&mut answer))
        .await
        .map_err(|_| TimedOut)?;
    Ok(answer)
}

/// Parses one HTTP/1.1 answer (a `Content-Length` or chunked body); `None` when it is not one.
pub fn parse(answer: &[u8]) -> Option<Raw> {
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(answer.get(..split)?).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = answer.get(split + 4..)?.to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body)?;
    }
    Some(Raw {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size =
            usize::from_str_radix(std::str::from_utf8(data.get(..line_end)?).ok()?.trim(), 16)
                .ok()?;
        data = data.get(line_end + 2..)?;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}
