//! Access tokens and the providers that supply them.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use crate::error::Source;

/// A bearer access token. Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct AccessToken {
    secret: String,
    expires_at: Option<Instant>,
}

impl AccessToken {
    /// A token with an optional expiry instant.
    pub fn new(secret: impl Into<String>, expires_at: Option<Instant>) -> Self {
        AccessToken {
            secret: secret.into(),
            expires_at,
        }
    }

    /// The secret, to put in an `Authorization` header. Never log it.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// When the token stops being valid, if known.
    pub fn expires_at(&self) -> Option<Instant> {
        self.expires_at
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("secret", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Why a token could not be had: a message, the authority's error code when it sent one (`invalid_client`,
/// `AADSTS7000215`), and the cause (the failed token request, for example). Never contains a secret.
#[derive(Debug, Clone)]
pub struct TokenError {
    message: String,
    code: Option<String>,
    source: Option<Source>,
}

impl TokenError {
    /// An error with this description (which must not contain a secret).
    pub fn new(message: impl Into<String>) -> Self {
        TokenError {
            message: message.into(),
            code: None,
            source: None,
        }
    }

    /// Sets the authority's error code, such as OAuth2's `error` (`invalid_client`) or an Entra `AADSTS` number.
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Keeps `source` as the cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// The description.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The authority's error code, when it sent one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
}

impl PartialEq for TokenError {
    /// Equal when message and code are; the cause is not compared.
    fn eq(&self, other: &Self) -> bool {
        self.message == other.message && self.code == other.code
    }
}

impl Eq for TokenError {}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TokenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// Supplies bearer tokens; async so a provider can fetch and cache them (OAuth2 client credentials).
#[async_trait::async_trait]
pub trait TokenProvider: Send + Sync + fmt::Debug {
    /// A token valid for at least the next few seconds.
    async fn token(&self) -> Result<AccessToken, TokenError>;
}

/// A fixed token that never expires as far as the client knows.
#[derive(Clone)]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// Wraps a token string.
    pub fn new(secret: impl Into<String>) -> Self {
        StaticToken(AccessToken::new(secret, None))
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken(<redacted>)")
    }
}

#[async_trait::async_trait]
impl TokenProvider for StaticToken {
    async fn token(&self) -> Result<AccessToken, TokenError> {
        Ok(self.0.clone())
    }
}
