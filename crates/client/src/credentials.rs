//! OAuth2 client credentials against a cloud's token authority, cached until shortly before expiry.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Method;
use intune_osimages_transport::sensitive::mask;
use intune_osimages_transport::{AccessToken, TokenError, TokenProvider, Transport};
use serde::Deserialize;

use crate::ids::encode_id;

/// A client secret. Its `Debug` and `Display` never show it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Secret(secret.into())
    }

    /// The secret itself, to put in a token request. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

/// How the app proves who it is in a token request.
#[derive(Debug)]
enum ClientAuth {
    /// `client_secret`.
    Secret(Secret),
    /// `client_assertion`: a federated token (workload identity) read from this file at each request, as
    /// Kubernetes and CI systems rotate it in place.
    AssertionFile(std::path::PathBuf),
}

const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A token provider for an app registration's client credentials
/// (`POST {authority}/{tenant}/oauth2/v2.0/token`, `grant_type=client_credentials`).
///
/// Tokens are cached and refreshed shortly before `expires_in` runs out; concurrent callers wait for one refresh
/// instead of each asking the authority.
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    auth: ClientAuth,
    scope: String,
    transport: Arc<dyn Transport>,
    cache: tokio::sync::Mutex<Option<Cached>>,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("auth", &self.auth)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl ClientCredentials {
    /// Credentials for `tenant_id` at `authority` (such as `https://login.microsoftonline.com`), asking for `scope`,
    /// sending token requests through `transport`.
    pub fn new(
        authority: &str,
        tenant_id: &str,
        client_id: impl Into<String>,
        secret: Secret,
        scope: impl Into<String>,
        transport: Arc<dyn Transport>,
    ) -> Result<Self, crate::Error> {
        let tenant = encode_id(tenant_id).map_err(|_| {
            crate::Error::configuration("the tenant id is empty or not usable in a URL")
        })?;
        let client_id = client_id.into();
        if client_id.is_empty() {
            return Err(crate::Error::configuration("the client id is empty"));
        }
        Ok(ClientCredentials {
            token_url: format!(
                "{}/{tenant}/oauth2/v2.0/token",
                authority.trim_end_matches('/')
            ),
            client_id,
            auth: ClientAuth::Secret(secret),
            scope: scope.into(),
            transport,
            cache: tokio::sync::Mutex::new(None),
        })
    }

    /// Workload identity federation: like [`ClientCredentials::new`], but the app proves itself with a federated
    /// token (a Kubernetes service-account token, a CI system's OIDC token) read from `token_file` at each token
    /// request and sent as `client_assertion`, as Entra ID's workload identity expects.
    pub fn with_assertion_file(
        authority: &str,
        tenant_id: &str,
        client_id: impl Into<String>,
        token_file: impl Into<std::path::PathBuf>,
        scope: impl Into<String>,
        transport: Arc<dyn Transport>,
    ) -> Result<Self, crate::Error> {
        let mut credentials = Self::new(
            authority,
            tenant_id,
            client_id,
            Secret::new(String::new()),
            scope,
            transport,
        )?;
        credentials.auth = ClientAuth::AssertionFile(token_file.into());
        Ok(credentials)
    }

    /// The token endpoint this provider posts to.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// The client's own secret for this request: the client secret, or the federated token read now.
    async fn proof(&self) -> Result<Secret, TokenError> {
        match &self.auth {
            ClientAuth::Secret(secret) => Ok(secret.clone()),
            ClientAuth::AssertionFile(path) => {
                let text = tokio::fs::read_to_string(path).await.map_err(|e| {
                    TokenError::new(format!(
                        "cannot read the federated token file {}",
                        path.display()
                    ))
                    .with_source(e)
                })?;
                let assertion = text.trim();
                if assertion.is_empty() {
                    return Err(TokenError::new(format!(
                        "the federated token file {} is empty",
                        path.display()
                    )));
                }
                Ok(Secret::new(assertion))
            }
        }
    }

    /// The token request's form body.
    fn form(&self, proof: &Secret) -> String {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "client_credentials")
            .append_pair("client_id", &self.client_id);
        match &self.auth {
            ClientAuth::Secret(_) => form.append_pair("client_secret", proof.expose()),
            ClientAuth::AssertionFile(_) => form
                .append_pair("client_assertion_type", CLIENT_ASSERTION_TYPE)
                .append_pair("client_assertion", proof.expose()),
        };
        form.append_pair("scope", &self.scope).finish()
    }

    async fn fetch(&self) -> Result<(AccessToken, Instant), TokenError> {
        let proof = self.proof().await?;
        let body = self.form(&proof);
        let requested_at = Instant::now();
        let answer = request_token(
            self.transport.as_ref(),
            &self.token_url,
            body,
            &[proof.expose()],
        )
        .await?;
        let lifetime = Duration::from_secs(answer.expires_in.seconds());
        tracing::debug!(expires_in = lifetime.as_secs(), "obtained an access token");
        Ok((
            AccessToken::new(answer.access_token, Some(requested_at + lifetime)),
            refresh_at(requested_at, lifetime),
        ))
    }
}

/// Posts a token request's form `body` to `url` and reads the token answer; a refusal is an error whose code is the
/// authority's OAuth2 `error` (`invalid_client`, `authorization_pending`, ...), with each of `secrets` masked in
/// whatever of the authority's answer it quotes.
pub(crate) async fn request_token(
    transport: &dyn Transport,
    url: &str,
    body: String,
    secrets: &[&str],
) -> Result<TokenAnswer, TokenError> {
    let request = form_request(url, body)?;
    let response = transport.send(request).await.map_err(|e| {
        // The transport error's own message says what failed; it stays the cause (whether the request may have
        // been sent, the io error below it) instead of being formatted into this message a second time.
        TokenError::new(format!(
            "the token request to {url} failed: {}",
            e.message()
        ))
        .with_source(e)
    })?;
    if !response.status().is_success() {
        return Err(refusal(
            response.status().as_u16(),
            response.body(),
            secrets,
        ));
    }
    serde_json::from_slice(response.body())
        .map_err(|e| TokenError::new("the token authority's answer is not a token").with_source(e))
}

/// A form POST to the authority.
pub(crate) fn form_request(url: &str, body: String) -> Result<http::Request<Bytes>, TokenError> {
    http::Request::builder()
        .method(Method::POST)
        .uri(url)
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .header(http::header::ACCEPT, "application/json")
        .body(Bytes::from(body))
        .map_err(|e| TokenError::new("cannot build the token request").with_source(e))
}

/// The authority's refusal as one error: its OAuth2 `error` as the code, its description (with the client's secrets
/// masked, for an authority or stand-in that echoes the form) in the message.
pub(crate) fn refusal(status: u16, body: &[u8], secrets: &[&str]) -> TokenError {
    {
        match serde_json::from_slice::<TokenErrorBody>(body) {
            Ok(answer) => {
                let description = mask(&answer.error_description, secrets);
                let message = if description.is_empty() {
                    format!("the token authority answered {status}")
                } else {
                    format!("the token authority answered {status}: {description}")
                };
                TokenError::new(message).with_code(mask(&answer.error, secrets))
            }
            Err(_) => TokenError::new(format!(
                "the token authority answered {status} with a body that is not a token error"
            )),
        }
    }
}

/// A cached token and the instant it should be replaced: a tenth of its lifetime before expiry, at most five minutes
/// before.
pub(crate) struct Cached {
    pub(crate) token: AccessToken,
    pub(crate) refresh_at: Instant,
}

pub(crate) fn refresh_at(requested_at: Instant, lifetime: Duration) -> Instant {
    let margin = (lifetime / 10).min(Duration::from_secs(300));
    requested_at + lifetime.saturating_sub(margin)
}

#[async_trait::async_trait]
impl TokenProvider for ClientCredentials {
    async fn token(&self) -> Result<AccessToken, TokenError> {
        // Holding the lock across the fetch makes concurrent callers wait for one refresh.
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref()
            && Instant::now() < cached.refresh_at
        {
            return Ok(cached.token.clone());
        }
        let (token, refresh_at) = self.fetch().await?;
        *cache = Some(Cached {
            token: token.clone(),
            refresh_at,
        });
        Ok(token)
    }
}

/// A token answer; `refresh_token` only on delegated grants that asked for `offline_access`.
#[derive(Deserialize)]
pub(crate) struct TokenAnswer {
    pub(crate) access_token: String,
    pub(crate) expires_in: ExpiresIn,
    #[serde(default)]
    pub(crate) refresh_token: Option<String>,
}

/// `expires_in` is a number from the v2 endpoint and a string from some older ones.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum ExpiresIn {
    Number(u64),
    Text(String),
}

impl ExpiresIn {
    pub(crate) fn seconds(&self) -> u64 {
        match self {
            ExpiresIn::Number(n) => *n,
            ExpiresIn::Text(s) => s.trim().parse().unwrap_or(0),
        }
    }
}

#[derive(Deserialize)]
struct TokenErrorBody {
    error: String,
    #[serde(default)]
    error_description: String,
}
