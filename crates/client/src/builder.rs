//! Configuring a [`Client`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use intune_osimages_transport::{Clock, RetryPolicy, StaticToken, TokenProvider, Transport};

use crate::client::Client;
use crate::credentials::{ClientCredentials, Secret};
use crate::pipeline::{Pipeline, Settings};
use crate::{Cloud, Error};

/// The default per-attempt timeout: 100 s, as Microsoft's Graph SDKs.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(100);

/// The default operation timeout: 180 s for a whole call, retries and `Retry-After` waits included (a listing: all
/// of its pages). Room for one slow attempt and a few quick retries, but not for four slow ones.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(180);

/// The default connect timeout of the built-in HTTP transport: 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The default limit on the size of one answer's body: 32 MiB, far above any page of this catalog.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 32 * 1024 * 1024;

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
    ClientAssertionFile {
        tenant_id: String,
        client_id: String,
        token_file: std::path::PathBuf,
    },
    Provider(Arc<dyn TokenProvider>),
    #[cfg(feature = "azure-identity")]
    Azure(Arc<dyn azure_core::credentials::TokenCredential>),
    #[cfg(feature = "client-certificate")]
    Certificate {
        tenant_id: String,
        client_id: String,
        pkcs12: Vec<u8>,
        password: Option<Secret>,
    },
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
            Credentials::ClientAssertionFile {
                tenant_id,
                client_id,
                token_file,
            } => f
                .debug_struct("ClientAssertionFile")
                .field("tenant_id", tenant_id)
                .field("client_id", client_id)
                .field("token_file", token_file)
                .finish(),
            Credentials::Provider(p) => f.debug_tuple("Provider").field(p).finish(),
            #[cfg(feature = "azure-identity")]
            Credentials::Azure(c) => f.debug_tuple("Azure").field(c).finish(),
            #[cfg(feature = "client-certificate")]
            Credentials::Certificate {
                tenant_id,
                client_id,
                ..
            } => f
                .debug_struct("Certificate")
                .field("tenant_id", tenant_id)
                .field("client_id", client_id)
                .finish_non_exhaustive(),
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
    operation_timeout: Duration,
    /// `None` unless set, so that setting it with a transport of the caller's own is refused.
    connect_timeout: Option<Duration>,
    max_response_body: usize,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            cloud: Cloud::Global,
            credentials: Credentials::None,
            transport: None,
            retry: RetryPolicy::default(),
            clock: None,
            timeout: DEFAULT_TIMEOUT,
            operation_timeout: DEFAULT_OPERATION_TIMEOUT,
            connect_timeout: None,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
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

    /// Workload identity federation: the app registration `client_id` proves itself with the federated token in
    /// `token_file` (as `AZURE_FEDERATED_TOKEN_FILE` names it in AKS and CI), read at each token request, against
    /// the cloud's authority and default scope. Unlike `azure_identity`'s credential, it also works against a
    /// loopback `http` authority such as the emulator's `--authority`.
    pub fn client_assertion_file(
        mut self,
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        token_file: impl Into<std::path::PathBuf>,
    ) -> Self {
        self.credentials = Credentials::ClientAssertionFile {
            tenant_id: tenant_id.into(),
            client_id: client_id.into(),
            token_file: token_file.into(),
        };
        self
    }

    /// Any token provider (a managed identity, a developer login, a test double).
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.credentials = Credentials::Provider(provider);
        self
    }

    /// Any `azure_core` token credential, such as those of Microsoft's `azure_identity` crate (managed identity,
    /// workload identity, a client certificate, the Azure CLI). The client asks it for the cloud's default scope
    /// (`https://graph.microsoft.com/.default` on the global cloud) and caches each token until shortly before it
    /// expires.
    #[cfg(feature = "azure-identity")]
    #[cfg_attr(docsrs, doc(cfg(feature = "azure-identity")))]
    pub fn credential(
        mut self,
        credential: Arc<dyn azure_core::credentials::TokenCredential>,
    ) -> Self {
        self.credentials = Credentials::Azure(credential);
        self
    }

    /// An app registration's certificate: `pkcs12` is a PKCS#12 file's bytes (`.pfx`) holding the certificate and
    /// its RSA key, `password` its password if it has one. Signs in through `azure_identity`'s certificate
    /// credential at the cloud's authority, which must be https (as `azure_identity` requires).
    #[cfg(feature = "client-certificate")]
    #[cfg_attr(docsrs, doc(cfg(feature = "client-certificate")))]
    pub fn client_certificate(
        mut self,
        tenant_id: impl Into<String>,
        client_id: impl Into<String>,
        pkcs12: Vec<u8>,
        password: Option<Secret>,
    ) -> Self {
        self.credentials = Credentials::Certificate {
            tenant_id: tenant_id.into(),
            client_id: client_id.into(),
            pkcs12,
            password,
        };
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

    /// The time allowed for one attempt: the request and its whole answer ([`DEFAULT_TIMEOUT`], 100 s, as Graph's
    /// own SDKs). A pipeline stage, so it applies to every transport: HTTP, the fake, or your own. An attempt that
    /// times out is retried for reads; see [`ClientBuilder::operation_timeout`] for the bound on the whole call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time allowed for one whole operation, every retry and every `Retry-After` wait included
    /// ([`DEFAULT_OPERATION_TIMEOUT`], 180 s). A listing's pages share one such deadline: a stream of pages ends
    /// with a timeout error once it passes. Retry does not start a wait that would end past it; it hands back the
    /// last answer (a 429 with its `Retry-After`) instead.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = timeout;
        self
    }

    /// The time allowed to establish a connection ([`DEFAULT_CONNECT_TIMEOUT`], 10 s). Only the built-in HTTP
    /// transport makes connections: with [`ClientBuilder::transport`] or `fake`, setting it is a configuration
    /// error (configure your transport itself).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The largest answer body accepted, in bytes ([`DEFAULT_MAX_RESPONSE_BODY`], 32 MiB). A larger answer is a
    /// [`LimitExceeded`](intune_osimages_transport::TransportErrorKind::LimitExceeded) transport error; the HTTP
    /// transport stops reading at the limit, so an endless body costs no more memory than that.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// Checks the configuration and builds the client. Every request then runs through the same stages, in this
    /// order: telemetry, the operation deadline, retry, the per-attempt timeout, auth, the body limit, the transport.
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
        for (name, value) in [
            ("timeout", self.timeout),
            ("operation_timeout", self.operation_timeout),
        ] {
            if value.is_zero() {
                return Err(Error::configuration(format!(
                    "{name} must be longer than zero"
                )));
            }
        }
        if self.max_response_body == 0 {
            return Err(Error::configuration(
                "max_response_body must be at least one byte",
            ));
        }
        if self.transport.is_some() && self.connect_timeout.is_some() {
            return Err(Error::configuration(
                "connect_timeout applies to the built-in HTTP transport only; a transport passed to \
                 ClientBuilder::transport (or the fake) keeps its own connection settings",
            ));
        }
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let settings = Settings {
            retry: self.retry,
            clock: self.clock,
            attempt_timeout: self.timeout,
            operation_timeout: self.operation_timeout,
            max_response_body: self.max_response_body,
        };
        let explicit_transport = self.transport.is_some();
        let base = match self.transport {
            Some(t) => t,
            None => default_transport(connect_timeout)?,
        };
        let provider: Option<Arc<dyn TokenProvider>> = match self.credentials {
            Credentials::None => None,
            Credentials::Token(t) => Some(Arc::new(t)),
            Credentials::Provider(p) => Some(p),
            #[cfg(feature = "azure-identity")]
            Credentials::Azure(credential) => {
                let scope = self.cloud.default_scope().ok_or_else(|| {
                    Error::configuration(
                        "a token credential needs a scope; a custom base URL has none unless set",
                    )
                })?;
                Some(Arc::new(crate::credentials_azure::AzureCredential::new(
                    credential, scope,
                )))
            }
            #[cfg(feature = "client-certificate")]
            Credentials::Certificate {
                tenant_id,
                client_id,
                pkcs12,
                password,
            } => {
                let (authority, scope) = authority_and_scope(&self.cloud)?;
                let credential = crate::credentials_azure::client_certificate_credential(
                    &authority, tenant_id, client_id, pkcs12, password,
                )?;
                Some(Arc::new(crate::credentials_azure::AzureCredential::new(
                    credential, scope,
                )))
            }
            Credentials::ClientAssertionFile {
                tenant_id,
                client_id,
                token_file,
            } => {
                let (authority, scope) = authority_and_scope(&self.cloud)?;
                Some(Arc::new(ClientCredentials::with_assertion_file(
                    &authority,
                    &tenant_id,
                    client_id,
                    token_file,
                    scope,
                    Pipeline::token_stages(base.clone(), &settings),
                )?))
            }
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
                let token_base = base.clone();
                Some(Arc::new(ClientCredentials::new(
                    &authority,
                    &tenant_id,
                    client_id,
                    secret,
                    scope,
                    Pipeline::token_stages(token_base, &settings),
                )?))
            }
        };
        if provider.is_none() && !explicit_transport && !matches!(self.cloud, Cloud::Custom { .. })
        {
            return Err(Error::configuration(
                "no credentials: set a token or client credentials (a custom base URL or an explicit transport may go without)",
            ));
        }
        Ok(Client::from_pipeline(Pipeline::new(
            base,
            provider,
            settings,
            &base_url,
            parsed.origin(),
        )))
    }
}

/// The cloud's token authority and default scope, which client credentials of any kind need.
fn authority_and_scope(cloud: &Cloud) -> Result<(String, String), Error> {
    let authority = cloud.authority().ok_or_else(|| {
        Error::configuration(
            "client credentials need a token authority; a custom base URL has none unless set",
        )
    })?;
    let scope = cloud.default_scope().ok_or_else(|| {
        Error::configuration(
            "client credentials need a scope; a custom base URL has none unless set",
        )
    })?;
    Ok((authority, scope))
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The built-in HTTP transport. It is only ever used beneath the per-attempt timeout (the pipeline's and the token
/// stages'), which bounds each request, hops and body included; a timeout of the transport's own would be a second
/// timer on every request that never fires first.
#[cfg(feature = "http")]
fn default_transport(connect_timeout: Duration) -> Result<Arc<dyn Transport>, Error> {
    let transport = intune_osimages_http::HttpTransport::builder()
        .timeout_left_to_caller()
        .connect_timeout(connect_timeout)
        .build()
        .map_err(|e| Error::configuration(format!("cannot build the HTTP transport: {e}")))?;
    Ok(Arc::new(transport))
}

#[cfg(not(feature = "http"))]
fn default_transport(_connect_timeout: Duration) -> Result<Arc<dyn Transport>, Error> {
    Err(Error::configuration(
        "no transport: enable the `http` feature or pass one with ClientBuilder::transport",
    ))
}
