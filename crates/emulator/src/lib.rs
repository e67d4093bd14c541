//! The local emulator of Microsoft Graph beta's `/deviceManagement/managedDeviceWindowsOSImages`: real HTTP/1.1 in
//! front of the fake Graph service (the same implementation the SDK's fake transport uses), so any Graph client
//! (ours, Microsoft's SDKs, curl) can be pointed at `http://ADDR/beta`. `osimages serve` runs it; a Rust test suite
//! can start it in process without the CLI.
//!
//! What it adds around the fake: the `--token` check, a 1 MiB body limit, Graph-shaped errors for everything it
//! refuses (broken HTTP included), the `--data` file (loaded at start, written atomically before each write is
//! answered), https (`--tls`), a header-read timeout, an idle timeout and a connection cap, request logging at debug
//! level, and a clean shutdown on SIGINT or SIGTERM. See `docs/emulator.md`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), intune_osimages_emulator::ServeError> {
//! use intune_osimages_emulator::{ServeOptions, bind};
//! let server = bind(ServeOptions::local()).await?;
//! println!("{}", server.base_url()); // http://127.0.0.1:PORT/beta
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! let running = tokio::spawn(server.serve_until(async { let _ = stopped.await; }));
//! // ... drive it ...
//! let _ = stop.send(());
//! # let _ = running.await;
//! # Ok(()) }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

mod accept;
mod auth;
mod catalog_file;
mod connection;
mod control;
mod data_file;
mod data_lock;
mod error;
mod handler;
mod limited_body;
mod reply;
mod request_uri;
mod shutdown;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;
mod tls;

use std::fmt;
use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use http::uri::Authority;
use intune_osimages_fake::{CatalogEntry, FakeGraph};

pub use error::{ServeError, ServeErrorKind};
pub use intune_osimages_fake::LocalAuthority;
pub use limited_body::MAX_BODY_BYTES;
pub use tls::Tls;

use auth::BearerToken;
use data_file::DataFile;
use handler::{Shared, VERSION_PREFIX};

/// How long a client may take from the first byte of a request to the end of its headers (and for a TLS handshake).
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a request's body may take to arrive once its headers have: a client sending a byte now and then would
/// otherwise hold its connection (one of [`DEFAULT_MAX_CONNECTIONS`]) as long as it liked. 1 MiB in 30 s is 35 KB/s,
/// far below any link a test runs over.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a keep-alive connection may sit with no request before it is closed.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How many connections may be open at once; past it, a new one is answered 503 and closed. Keep it below the
/// process's file limit (`ulimit -n`).
pub const DEFAULT_MAX_CONNECTIONS: usize = 2048;

/// The options of `osimages serve`.
#[derive(Clone, PartialEq, Eq)]
pub struct ServeOptions {
    /// The address to listen on; port 0 picks a free port (see [`Server::local_addr`]).
    pub addr: SocketAddr,
    /// When set, every request must carry `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// Keep the catalog in this file: loaded at start when it exists, written atomically after every change.
    pub data: Option<PathBuf>,
    /// Start from the images in this file (a JSON array or `{"value":[...]}`) instead of the sample catalog.
    pub seed: Option<PathBuf>,
    /// Page collections by this many items, with `@odata.nextLink` (the fake's default when `None`).
    pub page_size: Option<usize>,
    /// Accept what Graph refuses in writes: enum values it does not know and properties the type does not declare
    /// (`--lenient`). Off by default: the emulator answers 400 as Graph does.
    pub lenient: bool,
    /// Keep the last this many requests (credentials redacted) for `GET /_emulator/requests`; 0 keeps none, which
    /// is the default because recording halves the requests served per second.
    pub record_requests: usize,
    /// Serve https (see [`Tls`]).
    pub tls: Tls,
    /// From the first byte of a request to the end of its headers, and for a TLS handshake
    /// ([`DEFAULT_HEADER_READ_TIMEOUT`]).
    pub header_read_timeout: Duration,
    /// From the end of a request's headers to the end of its body ([`DEFAULT_BODY_READ_TIMEOUT`]); past it the
    /// answer is `408 RequestTimeout` and the connection is closed.
    pub body_read_timeout: Duration,
    /// How long a connection may wait for its next request ([`DEFAULT_IDLE_TIMEOUT`]).
    pub idle_timeout: Duration,
    /// The most connections open at once ([`DEFAULT_MAX_CONNECTIONS`]).
    pub max_connections: usize,
    /// Also answer Entra ID's token endpoints under `/{tenant}/oauth2/v2.0/` as a local authority, and then accept
    /// on the Graph paths exactly the access tokens it issued (`--authority`). Cannot be combined with `token`.
    pub authority: Option<LocalAuthority>,
}

impl ServeOptions {
    /// `127.0.0.1:0` (a free port), no token, no files, the sample catalog, strict like Graph, http: what tests want.
    pub fn local() -> Self {
        ServeOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            token: None,
            data: None,
            seed: None,
            page_size: None,
            lenient: false,
            record_requests: 0,
            tls: Tls::Off,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            authority: None,
        }
    }

    fn limits(&self) -> accept::Limits {
        accept::Limits {
            timeouts: connection::Timeouts {
                header_read: self.header_read_timeout,
                idle: self.idle_timeout,
            },
            max_connections: self.max_connections,
        }
    }
}

impl fmt::Debug for ServeOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServeOptions")
            .field("addr", &self.addr)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("data", &self.data)
            .field("seed", &self.seed)
            .field("page_size", &self.page_size)
            .field("lenient", &self.lenient)
            .field("record_requests", &self.record_requests)
            .field("tls", &self.tls)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("idle_timeout", &self.idle_timeout)
            .field("max_connections", &self.max_connections)
            .field("authority", &self.authority)
            .finish()
    }
}

/// A bound emulator, not yet serving: the address is known (so a test can point a client at it) before
/// [`Server::serve_until`] starts answering.
pub struct Server {
    listener: tokio::net::TcpListener,
    local_addr: SocketAddr,
    shared: Arc<Shared>,
    limits: accept::Limits,
    tls: Option<tls::Prepared>,
    certificate_path: Option<tls::PemFile>,
    data: Option<DataFile>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// The address actually bound (the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://ADDR/beta` (`https://` with TLS): the base URL to give a Graph client.
    pub fn base_url(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://{}{VERSION_PREFIX}", self.local_addr)
    }

    /// The generated certificate (PEM), for a client to trust, when serving with [`Tls::Generated`].
    pub fn certificate_pem(&self) -> Option<&str> {
        self.tls.as_ref().and_then(|t| t.generated_pem.as_deref())
    }

    /// Where the generated certificate was written, when serving with [`Tls::Generated`]. The file is removed when
    /// the server stops (or is dropped without serving).
    pub fn certificate_path(&self) -> Option<&std::path::Path> {
        self.certificate_path.as_ref().map(tls::PemFile::path)
    }

    /// The fake Graph service behind the emulator, to script faults or look at its catalog.
    pub fn graph(&self) -> &FakeGraph {
        &self.shared.graph
    }

    /// Serves until `shutdown` completes, then stops accepting, lets in-flight requests finish (for at most 10 s)
    /// and returns.
    pub async fn serve_until<F>(self, shutdown: F) -> Result<(), ServeError>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let acceptor = self.tls.map(|t| t.acceptor);
        accept::serve(self.listener, self.shared, self.limits, acceptor, shutdown).await;
        // A connection still winding down may keep the catalog (and its hook) alive: release the file now.
        if let Some(data) = &self.data {
            data.release();
        }
        drop(self.certificate_path);
        Ok(())
    }
}

/// Loads the catalog (data file, else seed, else the sample), prepares the data file, and binds the address.
pub async fn bind(options: ServeOptions) -> Result<Server, ServeError> {
    let token = parse_token(options.token.as_deref())?;
    if token.is_some() && options.authority.is_some() {
        return Err(ServeError::new(
            ServeErrorKind::Options,
            "--token and --authority cannot be combined: with --authority, Graph accepts the tokens the local authority issues",
        ));
    }
    let seed = match &options.seed {
        Some(path) => Some(catalog_file::read_catalog(
            path,
            ServeErrorKind::Seed,
            options.lenient,
        )?),
        None => None,
    };
    let data = options.data.clone().map(DataFile::open).transpose()?;
    let stored = match &data {
        Some(file) => file.load(options.lenient)?,
        None => None,
    };
    let needs_first_store = data.is_some() && stored.is_none();
    let catalog: Vec<CatalogEntry> = match (stored, seed) {
        (Some(stored), seed) => {
            if seed.is_some() {
                tracing::warn!(
                    "osimages serve: the data file exists, so it is loaded and the --seed file is not"
                );
            }
            tracing::info!(
                images = stored.entries.len(),
                "osimages serve: catalog loaded from the data file"
            );
            if let (Some(file), Some(refused)) = (&data, stored.refused) {
                return Err(ServeError::file(
                    ServeErrorKind::Data,
                    file.path(),
                    format!(
                        "{refused}; fix the record (it was left untouched) or start with --lenient"
                    ),
                ));
            }
            stored.entries
        }
        (None, Some(seed)) => {
            tracing::info!(
                images = seed.entries.len(),
                "osimages serve: catalog loaded from the seed file"
            );
            if let (Some(path), Some(refused)) = (&options.seed, seed.refused) {
                return Err(ServeError::file(
                    ServeErrorKind::Seed,
                    path,
                    format!("{refused}; fix the record or start with --lenient"),
                ));
            }
            seed.entries
        }
        (None, None) => {
            let sample = FakeGraph::with_sample_catalog().entries();
            tracing::info!(images = sample.len(), "osimages serve: the sample catalog");
            sample
        }
    };
    let mut builder = FakeGraph::builder()
        .catalog(catalog)
        .page_size(options.page_size)
        .lenient(options.lenient)
        // Off unless asked for: keeping the log halves the GETs served per second.
        .request_log_capacity(options.record_requests);
    if let Some(authority) = options.authority.clone() {
        builder = builder.local_authority(authority);
    }
    if let Some(file) = data.clone() {
        builder = builder.on_change(move |images: &[&str]| {
            file.store(images)
                .map_err(|e| format!("the data file {} {e}", file.path().display()))
        });
    }
    let graph = builder.try_build().map_err(|e| {
        // Not reached in practice: the files were checked the same way, with positions, when read.
        let kind = if needs_first_store || data.is_none() {
            ServeErrorKind::Seed
        } else {
            ServeErrorKind::Data
        };
        ServeError::new(kind, format!("the catalog was refused: {e}"))
    })?;
    if let (true, Some(file)) = (needs_first_store, &data) {
        let entries = graph.entries();
        let texts: Vec<_> = entries.iter().map(CatalogEntry::json).collect();
        let texts: Vec<&str> = texts.iter().map(|t| &**t).collect();
        file.store(&texts)
            .map_err(|e| ServeError::file(ServeErrorKind::Data, file.path(), e))?;
    }
    let recording = options.record_requests > 0;
    bind_shared(&options, token, graph, data, recording).await
}

/// Binds an emulator in front of a fake Graph service you built (for example with scripted faults, or with its request
/// log, which [`bind`] turns off), with an optional token and no data file.
pub async fn bind_with_graph(
    addr: SocketAddr,
    token: Option<String>,
    graph: FakeGraph,
) -> Result<Server, ServeError> {
    let token = parse_token(token.as_deref())?;
    let mut options = ServeOptions::local();
    options.addr = addr;
    bind_shared(&options, token, graph, None, true).await
}

/// Binds, prints `listening on http://ADDR/beta` as the first line on stdout, serves until SIGINT or SIGTERM, then
/// shuts down gracefully.
pub async fn run(options: ServeOptions) -> Result<(), ServeError> {
    let signals = shutdown::Signals::install();
    let server = bind(options).await?;
    let line = match server.certificate_path() {
        Some(pem) => format!(
            "listening on {} (certificate: {})",
            server.base_url(),
            pem.display()
        ),
        None => format!("listening on {}", server.base_url()),
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
        tracing::warn!(error = %e, "osimages serve: cannot write the listening line to stdout");
    }
    drop(stdout);
    tracing::info!("osimages serve: {line}");
    server.serve_until(signals.wait()).await
}

fn parse_token(token: Option<&str>) -> Result<Option<BearerToken>, ServeError> {
    match token {
        None => Ok(None),
        Some(t) if t.trim().is_empty() || t.bytes().any(|b| b.is_ascii_control()) => {
            Err(ServeError::new(
                ServeErrorKind::Options,
                "--token must be non-empty printable text (no spaces around it, no control characters)",
            ))
        }
        Some(t) if t.trim() != t => Err(ServeError::new(
            ServeErrorKind::Options,
            "--token must not start or end with whitespace",
        )),
        Some(t) => Ok(Some(BearerToken::new(t))),
    }
}

async fn bind_shared(
    options: &ServeOptions,
    token: Option<BearerToken>,
    graph: FakeGraph,
    data: Option<DataFile>,
    recording: bool,
) -> Result<Server, ServeError> {
    let writes_block = data.is_some();
    let addr = options.addr;
    // Shares the stored text with the catalog (no copy) until a write replaces an image.
    let graph_initial = graph.entries();
    let graph_has_authority = graph.has_local_authority();
    let prepared = tls::prepare(&options.tls)?;
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        ServeError::new(
            ServeErrorKind::Bind,
            format!("cannot listen on {addr}: {e}"),
        )
    })?;
    let local_addr = listener.local_addr().map_err(|e| {
        ServeError::new(
            ServeErrorKind::Bind,
            format!("cannot read the address bound for {addr}: {e}"),
        )
    })?;
    let fallback_authority = Authority::try_from(local_addr.to_string()).map_err(|e| {
        ServeError::new(
            ServeErrorKind::Bind,
            format!("the bound address {local_addr} is not an authority: {e}"),
        )
    })?;
    let certificate_path = match prepared.as_ref().and_then(|t| t.generated_pem.as_deref()) {
        Some(pem) => Some(tls::write_pem(pem, local_addr.port())?),
        None => None,
    };
    let scheme = if prepared.is_some() {
        http::uri::Scheme::HTTPS
    } else {
        http::uri::Scheme::HTTP
    };
    Ok(Server {
        listener,
        local_addr,
        shared: Arc::new(Shared {
            graph,
            token,
            fallback_authority,
            scheme,
            writes_block,
            recording,
            initial: graph_initial,
            authority: graph_has_authority,
            body_read_timeout: options.body_read_timeout,
        }),
        limits: options.limits(),
        tls: prepared,
        certificate_path,
        data,
    })
}
