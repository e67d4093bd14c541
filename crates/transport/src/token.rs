//! Access tokens and the providers that supply them.

use std::fmt;
use std::time::Instant;

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

/// Why a token could not be had. The message never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    message: String,
}

impl TokenError {
    /// An error with this description (which must not contain a secret).
    pub fn new(message: impl Into<String>) -> Self {
        TokenError {
            message: message.into(),
        }
    }

    /// The description.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TokenError {}

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
