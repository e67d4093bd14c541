//! The emulator served in the test's process, and raw HTTP/1.1 to it: the emulator crate's `test_util`, plus a
//! client of the facade (which the emulator's own tests may not use).

use std::net::SocketAddr;
use std::time::Duration;

use intune_osimages::Client;
pub use intune_osimages_emulator::test_util::{Raw, Running};
use intune_osimages_emulator::test_util::{raw_request, send};

/// A client of the facade over the real HTTP transport for an emulator, in process or not.
pub trait ServedGraph {
    /// The emulator's `http://ADDR/beta`.
    fn base_url(&self) -> &str;

    /// A client for it with this bearer token if any (20 s per attempt).
    fn client(&self, token: Option<&str>) -> Client {
        let builder = Client::builder()
            .base_url(self.base_url().to_owned())
            .timeout(Duration::from_secs(20));
        match token {
            Some(t) => builder.token(t),
            None => builder,
        }
        .build()
        .unwrap()
    }
}

impl ServedGraph for Running {
    fn base_url(&self) -> &str {
        &self.base_url
    }
}

/// Sends `head` (request line and headers, one a line, without the blank line; `Connection: close` is added) and
/// `body` over a fresh connection and reads the whole answer.
pub async fn raw(addr: SocketAddr, head: &str, body: &[u8]) -> Raw {
    send(addr, &raw_request(head, body)).await
}
