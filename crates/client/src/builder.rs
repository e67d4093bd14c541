//! Configuring a [`Client`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use intune_osimages_transport::{
    BearerAuth, Clock, Retry, RetryPolicy, StaticToken, Telemetry, TokenProvider, Transport,
};

use crate::client::Client;
use crate::credentials::{ClientCredentials, Secret};
use crate::pipeline::Pipeline;
use crate::{Cloud, Error};

/// The `SdkVersion` telemetry value sent with every request.
pub const SDK_VERSION: &str = concat!("intune-osimages-rust/", env!("CARGO_PKG_VERSION"));

enum Credentials {
    None,
    Token(StaticToken),
    ClientSecret {
        tenant_id: String,
        client_id: String,
        secret: Secret,
    },
    Provider(Arc<dyn TokenProvider>),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::Token(_) => f.write_str("Token(<redacted>)"),
            Credentials::ClientSecret {
                tenant_id,
                client_id,
                ..
            } => f
                .debug_struct("ClientSecret")
                .field("tenant_id", tenant_id)
                .field("client_id", client_id)
                .field("secret", &"<redacted>")
                .finish(),
            Credentials::Provider(p) => f.debug_tuple("Provider").field(p).finish(),
        }
    }
}

/// Builds a [`Client`]: the cloud, the credentials, the transport and the retry policy. Every mistake is an
/// [`Error::Configuration`] from [`ClientBuilder::build`], never a panic.
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    cloud: Cloud,
    credentials: Credentials,
    transport: Option<Arc<dyn Transport>>,
    retry: RetryPolicy,
    clock: Option<Arc<dyn Clock>>,
    timeout: Duration,
    connect_timeout: Duration,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            cloud: Cloud::Global,
            credentials: Credentials::None,
            transport: None,
            retry: RetryPolicy::default(),
            clock: None,
            timeout: Duration::from_secs(100),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

impl ClientBuilder {
    /// The cloud to talk to (Global by default).
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// A custom base URL including the version segment, such as the emulator's `http://127.0.0.1:8080/beta`.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.cloud = Cloud::custom(base_url);
        self
    }

    /// A static bearer token (for example from `az account get-access-token`).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Credentials::Token(StaticToken::new(token));
        self
    }

    /// OAuth2 client credentials for an app registration, against the cloud's authority and default scope.
    pub fn client_credentials(
        mut self,
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        self.credentials = Credentials::ClientSecret {
            tenant_id: tenant_id.into(),
            client_id: client_id.into(),
            secret: client_secret.into(),
        };
        self
    }

    /// Any token provider (a managed identity, a developer login, a test double).
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.credentials = Credentials::Provider(provider);
        self
    }

    /// The transport requests go through, below retry, auth and telemetry (HTTP by default). Pass the fake here in
    /// tests. With an explicit transport, credentials are optional.
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// The in-memory fake Graph service as the transport, with no credentials needed.
    #[cfg(feature = "fake")]
    #[cfg_attr(docsrs, doc(cfg(feature = "fake")))]
    pub fn fake(self, graph: intune_osimages_fake::FakeGraph) -> Self {
        self.transport(intune_osimages_fake::FakeTransport::new(graph))
    }

    /// The retry policy (3 retries of 429, 503, 504 and connect failures by default).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The clock retries sleep on; tests pass a manual clock so retries take no real time.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The time allowed for one whole request and its answer (100 s by default, as Graph's own SDKs). Applies to the
    /// built-in HTTP transport; a transport passed to [`ClientBuilder::transport`] keeps its own settings.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time allowed to establish a connection (10 s by default), for the built-in HTTP transport.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.cloud.base_url();
        let parsed = url::Url::parse(&base_url).map_err(|e| {
            Error::configuration(format!("base URL {base_url:?} is not a URL: {e}"))
        })?;
        match parsed.scheme() {
            "https" => {}
            "http" if is_loopback(&parsed) || self.transport.is_some() => {}
            "http" => {
                return Err(Error::configuration(format!(
                    "base URL {base_url:?} uses http to a host that is not loopback; use https"
                )));
            }
            other => {
                return Err(Error::configuration(format!(
                    "base URL {base_url:?} has scheme {other:?}; expected https (or http to a loopback host)"
                )));
            }
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::configuration(format!(
                "base URL {base_url:?} must not carry a query or fragment"
            )));
        }
        let explicit_transport = self.transport.is_some();
        let base = match self.transport {
            Some(t) => t,
            None => default_transport(self.timeout, self.connect_timeout)?,
        };
        let clock = self.clock;
        let with_clock = |retry: Retry<Arc<dyn Transport>>| match &clock {
            Some(c) => retry.with_clock(c.clone()),
            None => retry,
        };
        let provider: Option<Arc<dyn TokenProvider>> = match self.credentials {
            Credentials::None => None,
            Credentials::Token(t) => Some(Arc::new(t)),
            Credentials::Provider(p) => Some(p),
            Credentials::ClientSecret {
                tenant_id,
                client_id,
                secret,
            } => {
                let authority = self.cloud.authority().ok_or_else(|| {
                    Error::configuration(
                        "client credentials need a token authority; a custom base URL has none unless set",
                    )
                })?;
                let scope = self.cloud.default_scope().ok_or_else(|| {
                    Error::configuration(
                        "client credentials need a scope; a custom base URL has none unless set",
                    )
                })?;
                // The token request carries the client secret in its body; the HTTP transport itself follows no
                // redirect of a token request, whoever built it, so the Graph transport serves for both.
                let token_transport: Arc<dyn Transport> =
                    Arc::new(with_clock(Retry::new(base.clone(), self.retry.clone())));
                Some(Arc::new(ClientCredentials::new(
                    &authority,
                    &tenant_id,
                    client_id,
                    secret,
                    scope,
                    token_transport,
                )?))
            }
        };
        if provider.is_none() && !explicit_transport && !matches!(self.cloud, Cloud::Custom { .. })
        {
            return Err(Error::configuration(
                "no credentials: set a token or client credentials (a custom base URL or an explicit transport may go without)",
            ));
        }
        let authed: Arc<dyn Transport> = match provider {
            Some(p) => Arc::new(BearerAuth::new(base, p)),
            None => base,
        };
        let retried: Arc<dyn Transport> =
            Arc::new(with_clock(Retry::new(authed, self.retry.clone())));
        let transport: Arc<dyn Transport> = Arc::new(Telemetry::new(retried, SDK_VERSION));
        Ok(Client::from_pipeline(Pipeline {
            transport,
            retry: self.retry,
            clock: clock.unwrap_or_else(|| Arc::new(intune_osimages_transport::TokioClock)),
            origin: parsed.origin(),
            base_url: base_url.trim_end_matches('/').to_owned(),
        }))
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(feature = "http")]
fn default_transport(
    timeout: Duration,
    connect_timeout: Duration,
) -> Result<Arc<dyn Transport>, Error> {
    let transport = intune_osimages_http::HttpTransport::builder()
        .timeout(timeout)
        .connect_timeout(connect_timeout)
        .build()
        .map_err(|e| Error::configuration(format!("cannot build the HTTP transport: {e}")))?;
    Ok(Arc::new(transport))
}

#[cfg(not(feature = "http"))]
fn default_transport(
    _timeout: Duration,
    _connect_timeout: Duration,
) -> Result<Arc<dyn Transport>, Error> {
    Err(Error::configuration(
        "no transport: enable the `http` feature or pass one with ClientBuilder::transport",
    ))
}
