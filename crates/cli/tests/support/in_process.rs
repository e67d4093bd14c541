//! Helpers for the emulator tests: start it in process on a free port, build a client for it, and speak plain
//! HTTP/1.1 to it the way a client that is not ours would.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::time::Duration;

use intune_osimages::Client;
use intune_osimages_emulator::{ServeError, ServeOptions, Server, bind};
use intune_osimages_fake::FakeGraph;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// An emulator serving in this process until [`Running::stop`].
pub struct Running {
    pub addr: SocketAddr,
    pub base_url: String,
    pub graph: FakeGraph,
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
        let graph = server.graph().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(server.serve_until(async {
            let _ = stopped.await;
        }));
        Running {
            addr,
            base_url,
            graph,
            stop,
            task,
        }
    }

    /// A client of the facade over the real HTTP transport, with this bearer token if any.
    pub fn client(&self, token: Option<&str>) -> Client {
        let builder = Client::builder().base_url(self.base_url.clone());
        let builder = match token {
            Some(t) => builder.token(t),
            None => builder,
        };
        builder.build().unwrap()
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
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
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
}

/// Sends `head` (request line and headers, without the blank line; `Connection: close` is added) and `body` over a
/// fresh connection and reads the whole answer.
pub async fn raw(addr: SocketAddr, head: &str, body: &[u8]) -> RawResponse {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = head.trim_end().replace('\n', "\r\n").into_bytes();
    request.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    request.extend_from_slice(body);
    stream.write_all(&request).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer))
        .await
        .expect("the emulator answers within 30 s")
        .unwrap();
    parse(&answer)
}

fn parse(answer: &[u8]) -> RawResponse {
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(answer)));
    let head = std::str::from_utf8(&answer[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = answer[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    RawResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16)
                .unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// The ids in a Graph collection body.
pub fn ids(collection: &serde_json::Value) -> Vec<String> {
    collection["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}
