//! An emulator served in the test's own process.

use std::net::SocketAddr;
use std::time::Duration;

use intune_osimages_fake::FakeGraph;

use super::wire::{Raw, request, send};
use crate::{ServeError, ServeOptions, Server, bind};

/// An emulator serving in this process (on the test's tokio runtime) until [`Running::stop`].
pub struct Running {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// `http://ADDR/beta` (`https` with TLS).
    pub base_url: String,
    /// With TLS: its certificate (PEM), to trust.
    pub certificate_pem: Option<String>,
    /// The fake Graph behind it, to look at what requests changed.
    pub graph: FakeGraph,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Result<(), ServeError>>,
}

impl Running {
    /// Binds with `options`, the address forced to `127.0.0.1:0` (a free port), and starts serving.
    pub async fn start(mut options: ServeOptions) -> Running {
        options.addr = SocketAddr::from(([127, 0, 0, 1], 0));
        let server = bind(options)
            .await
            .unwrap_or_else(|e| panic!("the emulator binds 127.0.0.1:0: {e}"));
        Running::serve(server)
    }

    /// Starts serving a bound server (one made with [`bind_with_graph`](crate::bind_with_graph), say).
    pub fn serve(server: Server) -> Running {
        let addr = server.local_addr();
        let base_url = server.base_url();
        let certificate_pem = server.certificate_pem().map(str::to_owned);
        let graph = server.graph().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(server.serve_until(async {
            let _ = stopped.await;
        }));
        Running {
            addr,
            base_url,
            certificate_pem,
            graph,
            stop,
            task,
        }
    }

    /// `method target` on a fresh connection (see [`send`]), with `body` as JSON (no `Content-Type` when it is
    /// empty).
    pub async fn call(&self, method: &str, target: &str, body: &[u8]) -> Raw {
        let json: &[(&str, &str)] = if body.is_empty() {
            &[]
        } else {
            &[("Content-Type", "application/json")]
        };
        send(self.addr, &request(method, target, json, body)).await
    }

    /// Stops serving and waits (at most 30 s) for the server to return, which must be without an error.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .expect("the emulator stops within 30 s")
            .expect("the emulator's task does not panic")
            .unwrap_or_else(|e| panic!("the emulator stops without an error: {e}"));
    }
}
