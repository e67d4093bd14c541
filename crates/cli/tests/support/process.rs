//! The `osimages serve` process (the emulator crate's `EmulatorProcess`: started, killed with SIGKILL, restarted on
//! the same data file), raw HTTP/1.1 to it (so a test can send what no well-behaved client would), and a small seeded
//! random generator for bounded, reproducible input.

use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::process::Command;

use intune_osimages_emulator::test_util::{EmulatorProcess, raw_request, send};
#[allow(unused_imports)] // not every test file that starts a process sends raw requests
pub use intune_osimages_emulator::test_util::{Raw, SET, request, send_within};

use super::in_process::ServedGraph;

/// An `osimages serve` process on a free loopback port. Killed (SIGKILL) when dropped.
pub struct Emulator(EmulatorProcess);

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
        cmd.envs(envs.iter().copied());
        Emulator(EmulatorProcess::spawn(cmd))
    }

    /// The binary pointed at this emulator (`--base-url URL`); the test adds the rest.
    pub fn osimages(&self) -> assert_cmd::Command {
        let mut cmd = super::osimages();
        cmd.args(["--base-url", &self.0.base_url]);
        cmd
    }

    /// SIGKILL, then waits for the process; returns everything it wrote on stderr.
    pub fn kill(self) -> String {
        self.0.kill()
    }

    /// SIGTERM, then waits for a clean exit; returns everything it wrote on stderr.
    pub fn terminate(self) -> String {
        self.0.terminate()
    }

    /// Waits at most `limit` for the process to exit (after a signal); its status and everything it wrote on stderr.
    pub fn wait(self, limit: std::time::Duration) -> (std::process::ExitStatus, String) {
        self.0.wait(limit)
    }

    /// Scripts faults (`POST /_emulator/faults` with this JSON), as a test does before the command it breaks.
    pub fn post_faults(&self, script: &str) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let head = format!(
            "POST /_emulator/faults HTTP/1.1\nHost: {}\nContent-Type: application/json\nContent-Length: {}",
            self.addr,
            script.len()
        );
        let answer = rt.block_on(send(self.addr, &raw_request(&head, script.as_bytes())));
        assert_eq!(answer.status, 204, "{answer:?}");
    }
}

impl Deref for Emulator {
    type Target = EmulatorProcess;

    fn deref(&self) -> &EmulatorProcess {
        &self.0
    }
}

impl DerefMut for Emulator {
    fn deref_mut(&mut self) -> &mut EmulatorProcess {
        &mut self.0
    }
}

impl ServedGraph for Emulator {
    fn base_url(&self) -> &str {
        &self.0.base_url
    }
}

/// Writes an empty catalog to `dir/seed.json` and returns its path, so a test sees exactly the ids it created.
pub fn empty_seed(dir: &Path) -> String {
    intune_osimages_emulator::test_util::write_seed(dir, "[]")
        .to_str()
        .unwrap()
        .to_owned()
}

/// Sends `request` (the whole request as bytes) over a fresh connection and reads the answer until the server closes
/// it. `None` when the server closed without an HTTP answer.
pub async fn send_raw(addr: std::net::SocketAddr, request: &[u8]) -> Option<Raw> {
    send_within(addr, request, std::time::Duration::from_secs(20))
        .await
        .expect("the emulator answers within 20 s")
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
