//! Delegated sign-in for a person at a terminal: the OAuth 2.0 device authorization grant (RFC 8628) against a
//! cloud's authority, and the refresh token it yields, kept so later runs sign in silently.
//!
//! Written here rather than on the `oauth2` crate: its 5.x release pulls `rand` 0.8 (three crates a second time
//! beside this crate's `rand` 0.10, which the workspace's one-version policy refuses) and, for HTTP, reqwest 0.12
//! (a second reqwest) or an adapter over this crate's [`Transport`]; its polling loop doubles the interval on a
//! failed request and bounds the wait by the wall clock, not by the operation's deadline. The flow itself is two
//! form posts and one loop; [`request_token`] is shared with the client-credentials flow.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use intune_osimages_transport::sensitive::mask;
use intune_osimages_transport::{AccessToken, TokenError, TokenProvider, Transport};
use serde::Deserialize;
use tokio::time::Instant;

use crate::credentials::{
    Cached, Secret, TokenAnswer, form_request, refresh_at, refusal, request_token,
};
use crate::ids::encode_id;
use crate::refresh_token_file::{Owner, RefreshTokenFile};

const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// RFC 8628 §3.5: on `slow_down` the interval grows by 5 seconds, for this and every later request.
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// RFC 8628 §3.2: the interval when the authority names none.
const DEFAULT_INTERVAL: u64 = 5;

/// What the person signing in is asked to do: open `verification_uri` in a browser and enter `user_code`. Handed to
/// the prompt callback of a [`DeviceCodeCredential`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeviceCodePrompt {
    /// The page to open (`https://microsoft.com/devicelogin` for the global cloud).
    pub verification_uri: String,
    /// The code to enter there. Short-lived and useless without the device code this process keeps to itself.
    pub user_code: String,
    /// How long the code can be used.
    pub expires_in: Duration,
    /// The authority's own sentence for the person, in its language.
    pub message: String,
}

/// The prompt callback.
type Prompt = Arc<dyn Fn(&DeviceCodePrompt) + Send + Sync>;

/// A delegated credential for a public client: a cached refresh token when there is one, else (when a prompt is
/// set) the device authorization grant, which shows a code through the prompt and polls the authority until the
/// person has signed in, declined, or the code expired.
///
/// Polling follows RFC 8628: at the interval the authority gives, 5 seconds longer after each `slow_down`, and never
/// past the code's `expires_in` nor the credential's deadline ([`DeviceCodeCredential::max_wait`]).
/// `authorization_pending` keeps polling; `access_denied` and `expired_token` end the sign-in with a message that
/// says so. Each refresh token the authority answers with replaces the one kept (in memory, and in the
/// [`RefreshTokenFile`] when one is set). No secret (refresh token, device code, access token) appears in `Debug`
/// output, logs or errors.
pub struct DeviceCodeCredential {
    authority: String,
    tenant: String,
    client_id: String,
    scope: String,
    transport: Arc<dyn Transport>,
    prompt: Option<Prompt>,
    file: Option<RefreshTokenFile>,
    max_wait: Duration,
    state: tokio::sync::Mutex<State>,
}

#[derive(Default)]
struct State {
    access: Option<Cached>,
    refresh: Option<Secret>,
}

impl fmt::Debug for DeviceCodeCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceCodeCredential")
            .field("authority", &self.authority)
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("scope", &self.scope)
            .field("prompt", &self.prompt.is_some())
            .field("file", &self.file)
            .field("max_wait", &self.max_wait)
            .finish_non_exhaustive()
    }
}

/// The devicecode endpoint's answer. Entra's v1 endpoint spells the page `verification_url`.
#[derive(Deserialize)]
struct DeviceAuthorization {
    device_code: String,
    user_code: String,
    #[serde(alias = "verification_url")]
    verification_uri: String,
    expires_in: crate::credentials::ExpiresIn,
    #[serde(default)]
    interval: Option<crate::credentials::ExpiresIn>,
    #[serde(default)]
    message: String,
}

impl DeviceCodeCredential {
    /// A credential for the public client `client_id` in `tenant` (a tenant id or domain, or `organizations`) at
    /// `authority` (such as `https://login.microsoftonline.com`), asking for `scope` (such as
    /// `https://graph.microsoft.com/.default`; `offline_access` is added, for the refresh token), sending its
    /// requests through `transport`. Without [`prompt`](Self::prompt) it never asks anyone: it only refreshes.
    pub fn new(
        authority: &str,
        tenant: &str,
        client_id: impl Into<String>,
        scope: &str,
        transport: Arc<dyn Transport>,
    ) -> Result<Self, crate::Error> {
        encode_id(tenant).map_err(|_| {
            crate::Error::configuration("the tenant id is empty or not usable in a URL")
        })?;
        let client_id = client_id.into();
        if client_id.trim().is_empty() {
            return Err(crate::Error::configuration("the client id is empty"));
        }
        let mut scopes: Vec<&str> = scope.split_whitespace().collect();
        if !scopes.contains(&"offline_access") {
            scopes.push("offline_access");
        }
        Ok(DeviceCodeCredential {
            authority: authority.trim_end_matches('/').to_owned(),
            tenant: tenant.to_owned(),
            client_id,
            scope: scopes.join(" "),
            transport,
            prompt: None,
            file: None,
            max_wait: Duration::from_secs(15 * 60),
            state: tokio::sync::Mutex::new(State::default()),
        })
    }

    /// Shows the code to the person signing in (a CLI prints it on stderr); with it set, a credential with no
    /// usable refresh token starts a device-code sign-in.
    #[must_use]
    pub fn prompt(mut self, prompt: impl Fn(&DeviceCodePrompt) + Send + Sync + 'static) -> Self {
        self.prompt = Some(Arc::new(prompt));
        self
    }

    /// Keeps the refresh token in `file` between runs: read when the credential first needs a token, replaced by
    /// each new one.
    #[must_use]
    pub fn refresh_token_file(mut self, file: RefreshTokenFile) -> Self {
        self.file = Some(file);
        self
    }

    /// The longest a sign-in may wait for the person (the code's own `expires_in` bounds it too); 15 minutes
    /// unless set.
    #[must_use]
    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// Whether a refresh token is at hand (in memory or in the file), so a token can be had without a prompt.
    pub async fn has_refresh_token(&self) -> Result<bool, TokenError> {
        let mut state = self.state.lock().await;
        Ok(self.refresh_token(&mut state)?.is_some())
    }

    /// Signs in with a device code whatever is cached (`osimages login`), keeping the refresh token it yields.
    /// Needs a [`prompt`](Self::prompt).
    pub async fn sign_in(&self) -> Result<(), TokenError> {
        let mut state = self.state.lock().await;
        let answer = self.device_code_flow().await?;
        self.keep(&mut state, answer)?;
        Ok(())
    }

    fn token_url(&self) -> String {
        format!(
            "{}/{}/oauth2/v2.0/token",
            self.authority,
            self.tenant_segment()
        )
    }

    fn tenant_segment(&self) -> String {
        // Checked in `new`.
        encode_id(&self.tenant).unwrap_or_default()
    }

    fn owner(&self) -> Owner {
        Owner {
            authority: self.authority.clone(),
            tenant: self.tenant.clone(),
            client_id: self.client_id.clone(),
        }
    }

    /// The refresh token in memory, else the file's.
    fn refresh_token(&self, state: &mut State) -> Result<Option<Secret>, TokenError> {
        if state.refresh.is_none()
            && let Some(file) = &self.file
        {
            state.refresh = file.load(&self.owner())?;
        }
        Ok(state.refresh.clone())
    }

    /// Keeps what a token answer brought: the access token, and a new refresh token in place of the old one.
    fn keep(&self, state: &mut State, answer: Tokens) -> Result<AccessToken, TokenError> {
        let Tokens {
            access,
            refresh_at,
            refresh,
        } = answer;
        if let Some(refresh) = refresh {
            if let Some(file) = &self.file {
                file.store(&self.owner(), &refresh)?;
            }
            state.refresh = Some(refresh);
        }
        state.access = Some(Cached {
            token: access.clone(),
            refresh_at,
        });
        Ok(access)
    }

    /// `grant_type=refresh_token`.
    async fn redeem_refresh_token(&self, refresh: &Secret) -> Result<Tokens, TokenError> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "refresh_token")
            .append_pair("client_id", &self.client_id)
            .append_pair("refresh_token", refresh.expose())
            .append_pair("scope", &self.scope)
            .finish();
        let requested_at = std::time::Instant::now();
        let answer = request_token(
            self.transport.as_ref(),
            &self.token_url(),
            body,
            &[refresh.expose()],
        )
        .await?;
        Ok(Tokens::from_answer(answer, requested_at))
    }

    /// RFC 8628: ask for a device code, show it, poll until the person is done.
    async fn device_code_flow(&self) -> Result<Tokens, TokenError> {
        let Some(prompt) = &self.prompt else {
            return Err(TokenError::new(format!(
                "not signed in: no refresh token is kept for client {} in tenant {}; sign in with a device code first",
                self.client_id, self.tenant
            ))
            .with_code("not_signed_in"));
        };
        let started = Instant::now();
        let authorization = self.authorize().await?;
        let device_code = Secret::new(authorization.device_code);
        let expires_in = Duration::from_secs(authorization.expires_in.seconds());
        prompt(&DeviceCodePrompt {
            verification_uri: authorization.verification_uri.clone(),
            user_code: authorization.user_code,
            expires_in,
            message: mask(&authorization.message, &[device_code.expose()]),
        });
        let deadline = started + expires_in.min(self.max_wait);
        let mut interval = Duration::from_secs(
            authorization
                .interval
                .map_or(DEFAULT_INTERVAL, |i| i.seconds()),
        );
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", DEVICE_CODE_GRANT)
            .append_pair("client_id", &self.client_id)
            .append_pair("device_code", device_code.expose())
            .finish();
        loop {
            let next = Instant::now() + interval;
            if next >= deadline {
                tokio::time::sleep_until(deadline).await;
                return Err(self.gave_up(expires_in, &authorization.verification_uri));
            }
            tokio::time::sleep_until(next).await;
            let requested_at = std::time::Instant::now();
            let polled = request_token(
                self.transport.as_ref(),
                &self.token_url(),
                body.clone(),
                &[device_code.expose()],
            )
            .await;
            let error = match polled {
                Ok(answer) => return Ok(Tokens::from_answer(answer, requested_at)),
                Err(error) => error,
            };
            match error.code() {
                Some("authorization_pending") => {
                    tracing::debug!("device code: authorization pending");
                }
                Some("slow_down") => {
                    interval += SLOW_DOWN_STEP;
                    tracing::debug!(
                        interval = interval.as_secs(),
                        "device code: asked to slow down"
                    );
                }
                Some("access_denied") => {
                    return Err(TokenError::new(format!(
                        "the sign-in was declined at {} (access_denied): nothing was signed in",
                        authorization.verification_uri
                    ))
                    .with_code("access_denied"));
                }
                Some("expired_token") => {
                    return Err(TokenError::new(format!(
                        "the code expired before the sign-in at {} was completed (expired_token): sign in again \
                         and enter the new code within {} minutes",
                        authorization.verification_uri,
                        expires_in.as_secs().div_ceil(60)
                    ))
                    .with_code("expired_token"));
                }
                _ => return Err(error),
            }
        }
    }

    /// The deadline passed with the person not done.
    fn gave_up(&self, expires_in: Duration, verification_uri: &str) -> TokenError {
        if expires_in <= self.max_wait {
            TokenError::new(format!(
                "the code expired before the sign-in at {verification_uri} was completed: sign in again and \
                 enter the new code within {} minutes",
                expires_in.as_secs().div_ceil(60)
            ))
            .with_code("expired_token")
        } else {
            TokenError::new(format!(
                "the sign-in at {verification_uri} was not completed within {} s (the time allowed for it)",
                self.max_wait.as_secs()
            ))
            .with_code("timed_out")
        }
    }

    /// `POST {authority}/{tenant}/oauth2/v2.0/devicecode`.
    async fn authorize(&self) -> Result<DeviceAuthorization, TokenError> {
        let url = format!(
            "{}/{}/oauth2/v2.0/devicecode",
            self.authority,
            self.tenant_segment()
        );
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.client_id)
            .append_pair("scope", &self.scope)
            .finish();
        let response = self
            .transport
            .send(form_request(&url, body)?)
            .await
            .map_err(|e| {
                TokenError::new(format!(
                    "the device code request to {url} failed: {}",
                    e.message()
                ))
                .with_source(e)
            })?;
        if !response.status().is_success() {
            return Err(refusal(response.status().as_u16(), response.body(), &[]));
        }
        serde_json::from_slice(response.body()).map_err(|e| {
            TokenError::new("the authority's devicecode answer is not a device authorization")
                .with_source(e)
        })
    }
}

/// What a token answer brought.
struct Tokens {
    access: AccessToken,
    refresh_at: std::time::Instant,
    refresh: Option<Secret>,
}

impl Tokens {
    fn from_answer(answer: TokenAnswer, requested_at: std::time::Instant) -> Self {
        let lifetime = Duration::from_secs(answer.expires_in.seconds());
        Tokens {
            access: AccessToken::new(answer.access_token, Some(requested_at + lifetime)),
            refresh_at: refresh_at(requested_at, lifetime),
            refresh: answer
                .refresh_token
                .filter(|r| !r.is_empty())
                .map(Secret::new),
        }
    }
}

#[async_trait::async_trait]
impl TokenProvider for DeviceCodeCredential {
    async fn token(&self) -> Result<AccessToken, TokenError> {
        // Holding the lock across the requests makes concurrent callers wait for one sign-in.
        let mut state = self.state.lock().await;
        if let Some(cached) = state.access.as_ref()
            && std::time::Instant::now() < cached.refresh_at
        {
            return Ok(cached.token.clone());
        }
        if let Some(refresh) = self.refresh_token(&mut state)? {
            match self.redeem_refresh_token(&refresh).await {
                Ok(answer) => return self.keep(&mut state, answer),
                // A refresh token the authority no longer takes (revoked, expired, a password change): sign in
                // again when someone is there to, else say so.
                Err(error) if error.code() == Some("invalid_grant") => {
                    state.refresh = None;
                    if self.prompt.is_none() {
                        return Err(TokenError::new(format!(
                            "the kept sign-in for client {} in tenant {} is no longer accepted ({}); sign in again",
                            self.client_id,
                            self.tenant,
                            error.message()
                        ))
                        .with_code("invalid_grant"));
                    }
                }
                Err(error) => return Err(error),
            }
        }
        let answer = self.device_code_flow().await?;
        self.keep(&mut state, answer)
    }
}
