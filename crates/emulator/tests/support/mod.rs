//! Helpers for the emulator's tests: start it in process on 127.0.0.1:0 and speak HTTP/1.1 to it over raw sockets,
//! the way a client that is not ours would (the layer rules keep the SDK's client out of these tests).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::time::Duration;

use intune_osimages_emulator::{ServeError, ServeOptions, Server, bind};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The collection's path.
pub const SET: &str = "/beta/deviceManagement/managedDeviceWindowsOSImages";

/// An emulator serving in this process until [`Running::stop`].
pub struct Running {
    pub addr: SocketAddr,
    pub base_url: String,
    pub certificate_pem: Option<String>,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), ServeError>>,
}

impl Running {
    /// Binds with `options` (address forced to 127.0.0.1:0) and starts serving.
    pub async fn start(mut options: ServeOptions) -> Running {
        options.addr = SocketAddr::from(([127, 0, 0, 1], 0));
        Running::serve(bind(options).await.unwrap())
    }

    /// Starts serving a bound server.
    pub fn serve(server: Server) -> Running {
        let addr = server.local_addr();
        let base_url = server.base_url();
        let certificate_pem = server.certificate_pem().map(str::to_owned);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(server.serve_until(async {
            let _ = stopped.await;
        }));
        Running {
            addr,
            base_url,
            certificate_pem,
            stop,
            task,
        }
    }

    /// Stops serving and waits for the server to return.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .expect("the emulator stops within 30 s")
            .unwrap()
            .unwrap();
    }
}

/// An answer read off the wire.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Raw {
    /// A header's value (the first, case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts a Graph error body with this code and a `request-id` matching the header.
    pub fn assert_graph_error(&self, code: &str) {
        let body = self.json();
        assert_eq!(body["error"]["code"], code, "{body}");
        let request_id = self.header("request-id").expect("a request-id header");
        assert_eq!(body["error"]["innerError"]["request-id"], request_id);
    }
}

/// A request with `Host`, `Connection: close` and a `Content-Length` for `body`.
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

/// Sends `request` over a fresh connection and reads the answer until the server closes it.
pub async fn send(addr: SocketAddr, request: &[u8]) -> Raw {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    exchange(stream, request).await
}

/// Writes `request` on `stream` and reads until the server closes it (at most 20 s).
pub async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, request: &[u8]) -> Raw {
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer))
        .await
        .expect("the emulator answers within 20 s");
    parse(&answer)
        .unwrap_or_else(|| panic!("no HTTP answer in {:?}", String::from_utf8_lossy(&answer)))
}

/// Parses one HTTP/1.1 answer (Content-Length or chunked body).
pub fn parse(answer: &[u8]) -> Option<Raw> {
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&answer[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = answer[split + 4..].to_vec();
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
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).ok()?.trim(), 16).ok()?;
        data = data.get(line_end + 2..)?;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}
