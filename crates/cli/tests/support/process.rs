//! The `osimages serve` process (started, killed with SIGKILL, restarted on the same data file), a minimal HTTP/1.1
//! client over a raw socket (so a test can send what no well-behaved client would), and a small seeded random
//! generator for bounded, reproducible input.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The collection's path on the emulator.
pub const SET: &str = "/beta/deviceManagement/managedDeviceWindowsOSImages";

/// An `osimages serve` process on a free loopback port. Killed (SIGKILL) when dropped.
pub struct Emulator {
    pub child: Child,
    pub base_url: String,
    pub addr: SocketAddr,
    /// With `--tls`: the generated certificate (PEM) the emulator wrote, to trust.
    pub certificate: Option<PathBuf>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
}

impl Emulator {
    /// Starts `osimages serve --addr 127.0.0.1:0 ARGS`, stderr captured, and reads the listening line.
    pub fn start(args: &[&str]) -> Emulator {
        Emulator::start_with_env(args, &[])
    }

    /// [`Emulator::start`] with `envs` set (after the test's own credentials and log filter are removed).
    pub fn start_with_env(args: &[&str], envs: &[(&str, &str)]) -> Emulator {
        let mut cmd = Command::new(super::BINARY);
        cmd.args(["serve", "--addr", "127.0.0.1:0"]).args(args);
        for var in super::SCRUBBED_ENV {
            cmd.env_remove(var);
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = stderr.clone();
        let mut pipe = child.stderr.take().unwrap();
        let stderr_reader = std::thread::spawn(move || {
            let mut chunk = [0_u8; 8192];
            while let Ok(n) = pipe.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let Some(base_url) = line.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            let _ = stderr_reader.join();
            panic!(
                "unexpected first line {line:?}; stderr: {}",
                String::from_utf8_lossy(&stderr.lock().unwrap())
            );
        };
        // With --tls: `listening on https://ADDR/beta (certificate: PATH)`.
        let (base_url, certificate) = match base_url.split_once(" (certificate: ") {
            Some((url, path)) => (
                url.to_owned(),
                Some(PathBuf::from(path.trim_end_matches(')'))),
            ),
            None => (base_url.to_owned(), None),
        };
        let addr: SocketAddr = base_url
            .trim_start_matches("http://")
            .trim_start_matches("https://")
            .trim_end_matches("/beta")
            .parse()
            .unwrap();
        Emulator {
            child,
            base_url,
            addr,
            certificate,
            stderr,
            stderr_reader: Some(stderr_reader),
        }
    }

    /// Whether the process is still running.
    pub fn is_alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// SIGKILL (what `Child::kill` sends on Unix), then waits for the process and its stderr.
    pub fn kill(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.finish_stderr()
    }

    /// SIGTERM, then waits for a clean exit; returns everything it wrote on stderr.
    pub fn terminate(mut self) -> String {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let code = self.child.wait().unwrap();
        assert!(code.success(), "a clean exit on SIGTERM: {code:?}");
        self.finish_stderr()
    }

    fn finish_stderr(&mut self) -> String {
        if let Some(reader) = self.stderr_reader.take() {
            reader.join().unwrap();
        }
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// A client of the facade over HTTP, with `token` if any.
    pub fn client(&self, token: Option<&str>) -> intune_osimages::Client {
        let builder = intune_osimages::Client::builder()
            .base_url(self.base_url.clone())
            .timeout(Duration::from_secs(20));
        match token {
            Some(t) => builder.token(t),
            None => builder,
        }
        .build()
        .unwrap()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes an empty catalog to `dir/seed.json` and returns its path, so a test sees exactly the ids it created.
pub fn empty_seed(dir: &Path) -> String {
    let path = dir.join("seed.json");
    std::fs::write(&path, "[]").unwrap();
    path.to_str().unwrap().to_owned()
}

/// An answer read off the wire.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Raw {
    /// The body as JSON, or `None`.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// Sends `request` (the whole request as bytes) over a fresh connection and reads the answer until the server closes
/// it. `None` when the server closed without an HTTP answer.
pub async fn send_raw(addr: SocketAddr, request: &[u8]) -> Option<Raw> {
    send_raw_within(addr, request, Duration::from_secs(20))
        .await
        .expect("the emulator answers within 20 s")
}

/// [`send_raw`], giving up after `limit`: `Err(())` when the server neither answered nor closed by then (as a
/// server may do with a request it is still waiting to see the end of).
pub async fn send_raw_within(
    addr: SocketAddr,
    request: &[u8],
    limit: Duration,
) -> Result<Option<Raw>, ()> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    // The server may answer (and close) before reading everything; a failed write is not the test's concern. The
    // write half stays open: hyper drops a connection whose client half-closes before the answer.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(limit, stream.read_to_end(&mut answer))
        .await
        .map_err(|_| ())?;
    if read.is_err() && answer.is_empty() {
        return Ok(None);
    }
    Ok(parse(&answer))
}

/// A request with `Connection: close` and a `Content-Length` for `body`.
pub fn request(method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn parse(answer: &[u8]) -> Option<Raw> {
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

/// xorshift64*: a tiny, seeded, reproducible generator (the seed is printed by the tests that use it).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap()
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    pub fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = self.below(max + 1);
        (0..len).map(|_| self.next() as u8).collect()
    }

    /// A string of random Unicode scalar values, biased towards ASCII punctuation that means something in URLs.
    pub fn text(&mut self, max: usize) -> String {
        let len = self.below(max + 1);
        (0..len)
            .map(|_| match self.below(4) {
                0 => self.pick(&[
                    '/', '%', '?', '#', '&', '=', '+', ' ', '\'', '"', '.', '$', '(', ')', ',',
                    ':', '\\', '~', '@', ';',
                ]),
                1 => char::from_u32(u32::try_from(self.below(0x11_0000)).unwrap()).unwrap_or('é'),
                _ => char::from(b' ' + u8::try_from(self.below(95)).unwrap()),
            })
            .collect()
    }
}

/// Percent-encodes every byte but RFC 3986's unreserved characters.
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
