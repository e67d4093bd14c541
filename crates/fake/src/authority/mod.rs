//! A local stand-in for Microsoft Entra ID's token authority, so every sign-in flow can be tested offline: it
//! answers `POST /{tenant}/oauth2/v2.0/token` (the `client_credentials`, `refresh_token` and device-code grants),
//! `POST /{tenant}/oauth2/v2.0/devicecode` and the OpenID Connect discovery document
//! `GET /{tenant}/v2.0/.well-known/openid-configuration` (which MSAL-based clients read before any sign-in) as Entra
//! does, and a managed identity's token endpoints (App Service's `GET /msi/token` and the instance metadata
//! service's `GET /metadata/identity/oauth2/token`) as Azure does. It issues opaque tokens, and then the Graph paths
//! accept exactly the access tokens it issued (401 `InvalidAuthenticationToken` for any other, a missing one, or one that
//! expired).
//!
//! Its answers follow Entra's v2.0 endpoint: a token answer has `token_type`, `expires_in`, `ext_expires_in`,
//! `access_token`, `scope` and, when `offline_access` was asked for on a delegated grant, `refresh_token`; an error
//! is 400 (401 for `invalid_client`) with `error`, an `AADSTS` `error_description`, `error_codes`, `timestamp`,
//! `trace_id` and `correlation_id`.
//!
//! It approves every device code by itself: a user's "not yet" and "no" are scripted with
//! [`Fault::Authority`](crate::Fault::Authority) (`authorization_pending`, `slow_down`, `access_denied`,
//! `expired_token`, ...). A device code also expires on its own after
//! [`LocalAuthority::device_code_lifetime`]. Client secrets and assertions are not checked against a registration:
//! any non-empty one is accepted (script `invalid_client` to test a refusal).

mod discovery;
mod endpoints;
mod identity;
mod issued;
mod managed_identity;

use std::time::Duration;

use http::Method;
use intune_osimages_transport::{Request, Response};

pub(crate) use endpoints::{scripted_error, scripted_status};
use issued::{Issued, Lookup};

/// How the local authority behaves; [`Default`] is what Entra does (tokens for an hour, device codes for 15 minutes,
/// polled every 5 seconds). Turn it on with
/// [`FakeGraphBuilder::local_authority`](crate::FakeGraphBuilder::local_authority).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LocalAuthority {
    /// How long an access token it issues is valid (`expires_in`).
    pub token_lifetime: Duration,
    /// How long a device code can be redeemed (`expires_in` of the devicecode answer).
    pub device_code_lifetime: Duration,
    /// The polling interval it asks device-code clients for, in seconds (`interval`); 0 lets a test poll at once.
    pub device_code_interval: u64,
}

impl Default for LocalAuthority {
    fn default() -> Self {
        LocalAuthority {
            token_lifetime: Duration::from_secs(3600),
            device_code_lifetime: Duration::from_secs(900),
            device_code_interval: 5,
        }
    }
}

impl LocalAuthority {
    /// Sets [`LocalAuthority::token_lifetime`].
    #[must_use]
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// Sets [`LocalAuthority::device_code_lifetime`].
    #[must_use]
    pub fn device_code_lifetime(mut self, lifetime: Duration) -> Self {
        self.device_code_lifetime = lifetime;
        self
    }

    /// Sets [`LocalAuthority::device_code_interval`], in seconds.
    #[must_use]
    pub fn device_code_interval(mut self, seconds: u64) -> Self {
        self.device_code_interval = seconds;
        self
    }
}

/// Which endpoint a request addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endpoint {
    Token,
    DeviceCode,
    /// `GET /{tenant}/v2.0/.well-known/openid-configuration`.
    OpenIdConfiguration,
    /// A managed identity's token endpoint (App Service's or the instance metadata service's).
    ManagedIdentity(managed_identity::Protocol),
}

/// What a delegated token (or device code) was issued for: the client and the scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Grant {
    tenant: String,
    client_id: String,
    scope: String,
}

/// The running authority: its settings and what it has issued.
#[derive(Debug, Default)]
pub(crate) struct Authority {
    settings: LocalAuthority,
    access_tokens: Issued<()>,
    refresh_tokens: Issued<Grant>,
    device_codes: Issued<Grant>,
}

impl Authority {
    pub(crate) fn new(settings: LocalAuthority) -> Self {
        Authority {
            settings,
            ..Authority::default()
        }
    }

    /// The endpoint `request` addresses and the tenant it names (empty for a managed identity's), when its path is
    /// `/{tenant}/oauth2/v2.0/token`, `.../devicecode`, `/{tenant}/v2.0/.well-known/openid-configuration`,
    /// `/msi/token` or `/metadata/identity/oauth2/token` (the segments compared ignoring ASCII case, as Entra does;
    /// a trailing `/` allowed).
    pub(crate) fn endpoint(request: &Request) -> Option<(Endpoint, String)> {
        Self::endpoint_of_path(request.uri().path())
    }

    /// [`Authority::endpoint`] for a path.
    pub(crate) fn endpoint_of_path(path: &str) -> Option<(Endpoint, String)> {
        let path = path.trim_start_matches('/');
        let segments: Vec<&str> = path.strip_suffix('/').unwrap_or(path).split('/').collect();
        let is = |at: usize, name: &str| segments[at].eq_ignore_ascii_case(name);
        let endpoint = match segments.len() {
            2 if is(0, "msi") && is(1, "token") => {
                return Some((
                    Endpoint::ManagedIdentity(managed_identity::Protocol::AppService),
                    String::new(),
                ));
            }
            4 if is(0, "metadata") && is(1, "identity") && is(2, "oauth2") && is(3, "token") => {
                return Some((
                    Endpoint::ManagedIdentity(managed_identity::Protocol::Imds),
                    String::new(),
                ));
            }
            4 if is(1, "oauth2") && is(2, "v2.0") && is(3, "token") => Endpoint::Token,
            4 if is(1, "oauth2") && is(2, "v2.0") && is(3, "devicecode") => Endpoint::DeviceCode,
            4 if is(1, "v2.0") && is(2, ".well-known") && is(3, "openid-configuration") => {
                Endpoint::OpenIdConfiguration
            }
            _ => return None,
        };
        let tenant = segments[0];
        if tenant.is_empty() {
            return None;
        }
        let tenant = percent_encoding::percent_decode_str(tenant)
            .decode_utf8_lossy()
            .into_owned();
        Some((endpoint, tenant))
    }

    /// Answers a request to one of its endpoints.
    pub(crate) fn respond(&self, request: &Request, endpoint: Endpoint, tenant: &str) -> Response {
        let allowed = match endpoint {
            Endpoint::OpenIdConfiguration | Endpoint::ManagedIdentity(_) => Method::GET,
            Endpoint::Token | Endpoint::DeviceCode => Method::POST,
        };
        if request.method() != allowed {
            return endpoints::method_not_allowed(request.method(), &allowed);
        }
        match endpoint {
            Endpoint::Token => endpoints::token(self, request, tenant),
            Endpoint::DeviceCode => endpoints::device_code(self, request, tenant),
            Endpoint::OpenIdConfiguration => discovery::openid_configuration(request, tenant),
            Endpoint::ManagedIdentity(protocol) => managed_identity::token(self, request, protocol),
        }
    }

    /// A new access token, remembered as issued (and so accepted by Graph) for the configured lifetime.
    pub(super) fn issue_access_token(&self) -> String {
        let token = endpoints::secret_value("at");
        self.access_tokens.insert(
            token.clone(),
            tokio::time::Instant::now() + self.settings.token_lifetime,
            (),
        );
        token
    }

    /// Whether `headers` carry `Authorization: Bearer <a token this authority issued and that has not expired>`;
    /// the reason for Graph's 401 otherwise.
    pub(crate) fn check_bearer(&self, headers: &http::HeaderMap) -> Result<(), &'static str> {
        let value = headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or("Access token is empty: sign in at the local authority and send 'Authorization: Bearer <token>'")?;
        let (scheme, token) = value
            .trim()
            .split_once(' ')
            .ok_or("Access token is empty: the Authorization header is not 'Bearer <token>'")?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err("Access token is empty: the Authorization header is not 'Bearer <token>'");
        }
        match self.access_tokens.lookup(token.trim()) {
            Lookup::Valid(()) => Ok(()),
            Lookup::Expired => Err("Lifetime validation failed, the token is expired."),
            Lookup::Unknown => Err(
                "Access token validation failure: the token was not issued by this local authority",
            ),
        }
    }
}
