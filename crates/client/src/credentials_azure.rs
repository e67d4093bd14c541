//! Any `azure_core` [`TokenCredential`] (Microsoft's `azure_identity`: managed identity, workload identity, a
//! certificate, the Azure CLI, ...) as the client's token provider.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use azure_core::credentials::TokenCredential;
use azure_core::time::OffsetDateTime;
use intune_osimages_transport::{AccessToken, TokenError, TokenProvider};

use crate::credentials::{Cached, refresh_at};

/// Asks a [`TokenCredential`] for the cloud's default scope and caches the token until shortly before it expires (a
/// tenth of its lifetime, at most five minutes, before), whether or not the credential caches on its own.
pub(crate) struct AzureCredential {
    credential: Arc<dyn TokenCredential>,
    scope: String,
    cache: tokio::sync::Mutex<Option<Cached>>,
}

impl AzureCredential {
    pub(crate) fn new(credential: Arc<dyn TokenCredential>, scope: String) -> Self {
        AzureCredential {
            credential,
            scope,
            cache: tokio::sync::Mutex::new(None),
        }
    }
}

impl fmt::Debug for AzureCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // azure_identity's credentials print no secret in their Debug output.
        f.debug_struct("AzureCredential")
            .field("credential", &self.credential)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl TokenProvider for AzureCredential {
    async fn token(&self) -> Result<AccessToken, TokenError> {
        // Holding the lock across the request makes concurrent callers wait for one token.
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref()
            && Instant::now() < cached.refresh_at
        {
            return Ok(cached.token.clone());
        }
        let requested_at = Instant::now();
        let answer = self
            .credential
            .get_token(&[self.scope.as_str()], None)
            .await
            .map_err(|error| {
                // Only the text of azure_core's error crosses into this crate's public errors (which carry no
                // third-party type); the error itself stays the cause.
                TokenError::new(format!(
                    "the credential could not get a token for {}: {error}",
                    self.scope
                ))
                .with_source(error)
            })?;
        let remaining = answer.expires_on - OffsetDateTime::now_utc();
        let lifetime = Duration::from_secs(u64::try_from(remaining.whole_seconds()).unwrap_or(0));
        let token = AccessToken::new(answer.token.secret(), Some(requested_at + lifetime));
        *cache = Some(Cached {
            token: token.clone(),
            refresh_at: refresh_at(requested_at, lifetime),
        });
        Ok(token)
    }
}
