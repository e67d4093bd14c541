//! Building an [`HttpTransport`].

use std::time::Duration;

use intune_osimages_transport::TransportError;

use crate::HttpTransport;

/// The most redirects one request may follow by default.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;

/// The highest value [`HttpTransportBuilder::max_redirects`] accepts.
pub const MAX_REDIRECTS_LIMIT: usize = 10;

/// Settings for an [`HttpTransport`]; made by [`HttpTransport::builder`].
#[derive(Debug, Clone)]
pub struct HttpTransportBuilder {
    connect_timeout: Duration,
    /// `None` when a stage above bounds each request instead ([`HttpTransportBuilder::timeout_left_to_caller`]).
    timeout: Option<Duration>,
    max_redirects: usize,
    pool_idle_timeout: Duration,
    #[cfg(feature = "native-tls")]
    native_tls: bool,
}

impl Default for HttpTransportBuilder {
    fn default() -> Self {
        HttpTransportBuilder {
            connect_timeout: Duration::from_secs(10),
            // Microsoft's Graph SDKs give a request 100 seconds.
            timeout: Some(Duration::from_secs(100)),
            max_redirects: DEFAULT_MAX_REDIRECTS,
            pool_idle_timeout: Duration::from_secs(90),
            #[cfg(feature = "native-tls")]
            native_tls: false,
        }
    }
}

impl HttpTransportBuilder {
    /// How long to wait for a connection (TCP and TLS) before giving up with a
    /// [`Connect`](intune_osimages_transport::TransportErrorKind::Connect) error. Default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one request may take from connecting to the last byte of the body, redirect hops each counted
    /// on their own; past it, a [`Timeout`](intune_osimages_transport::TransportErrorKind::Timeout) error. Default
    /// 100 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets no timeout of the transport's own on a request, for a transport that is only ever used beneath a stage
    /// bounding each attempt, such as [`AttemptTimeout`](intune_osimages_transport::AttemptTimeout) (the client's
    /// default transport is: its per-attempt timeout made this one a second timer on every request, never the
    /// first to fire). The connect timeout still applies. Without such a stage above it, a server that never
    /// answers holds a request forever: use [`HttpTransportBuilder::timeout`] then.
    pub fn timeout_left_to_caller(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// How many redirects one request may follow (default 5, at most [`MAX_REDIRECTS_LIMIT`]); one more is a
    /// [`Redirect`](intune_osimages_transport::TransportErrorKind::Redirect) error. 0 turns following off: a
    /// redirect is then an error too.
    pub fn max_redirects(mut self, redirects: usize) -> Self {
        self.max_redirects = redirects;
        self
    }

    /// How long an idle pooled connection is kept for reuse. Default 90 s.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// TLS through the platform's native library (SChannel, Secure Transport, OpenSSL) instead of rustls, for
    /// machines whose trust store or proxy only the platform knows. Needs the `native-tls` feature.
    #[cfg(feature = "native-tls")]
    #[cfg_attr(docsrs, doc(cfg(feature = "native-tls")))]
    pub fn native_tls(mut self) -> Self {
        self.native_tls = true;
        self
    }

    /// The transport, with one connection pool shared by its clones.
    pub fn build(self) -> Result<HttpTransport, TransportError> {
        if self.max_redirects > MAX_REDIRECTS_LIMIT {
            return Err(TransportError::invalid_request(format!(
                "max_redirects is {}, more than the limit of {MAX_REDIRECTS_LIMIT}",
                self.max_redirects
            )));
        }
        if self.timeout.is_some_and(|timeout| timeout.is_zero()) || self.connect_timeout.is_zero() {
            return Err(TransportError::invalid_request(
                "timeout and connect_timeout must be longer than zero",
            ));
        }
        let client = reqwest::Client::builder();
        #[cfg(feature = "native-tls")]
        let client = if self.native_tls {
            client.tls_backend_native()
        } else {
            client
        };
        let client = client
            // Redirects are followed by this crate's own policy (see `redirect.rs`), never by reqwest's.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout)
            .pool_idle_timeout(self.pool_idle_timeout);
        let client = match self.timeout {
            Some(timeout) => client.timeout(timeout),
            None => client,
        };
        let client = client.build().map_err(|error| {
            TransportError::invalid_request(format!("could not build the HTTP client: {error}"))
        })?;
        Ok(HttpTransport::from_parts(client, self))
    }

    pub(crate) fn redirect_limit(&self) -> usize {
        self.max_redirects
    }
}
