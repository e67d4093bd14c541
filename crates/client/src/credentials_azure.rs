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

/// `azure_identity`'s certificate credential for an app registration at `authority` (https, as `azure_identity`
/// requires): `pkcs12` is a PKCS#12 file's bytes (`.pfx`) with the certificate and its RSA key, `password` its
/// password if it has one. [`ClientBuilder::client_certificate`](crate::ClientBuilder::client_certificate) uses it
/// with the cloud's authority; give it to [`ClientBuilder::credential`](crate::ClientBuilder::credential) to choose
/// the authority yourself. An error names what is wrong (not PKCS#12, a wrong password, an authority that is not
/// https), never the password.
#[cfg(feature = "client-certificate")]
#[cfg_attr(docsrs, doc(cfg(feature = "client-certificate")))]
pub fn client_certificate_credential(
    authority: &str,
    tenant_id: String,
    client_id: String,
    pkcs12: Vec<u8>,
    password: Option<crate::Secret>,
) -> Result<Arc<dyn TokenCredential>, crate::Error> {
    let mut cloud = azure_core::cloud::CustomConfiguration::default();
    cloud.authority_host = authority.to_owned();
    let options = azure_identity::ClientCertificateCredentialOptions {
        client_options: azure_core::http::ClientOptions {
            cloud: Some(Arc::new(cloud.into())),
            ..Default::default()
        },
        password: password.map(|p| azure_core::credentials::Secret::new(p.expose().to_owned())),
    };
    let credential = azure_identity::ClientCertificateCredential::new(
        tenant_id,
        client_id,
        azure_core::credentials::SecretBytes::new(pkcs12),
        Some(options),
    )
    // azure_identity's message says what is wrong (not PKCS#12, a wrong password, an authority that is not https),
    // never the password.
    .map_err(|e| {
        crate::Error::configuration(format!("the client certificate cannot be used: {e}"))
    })?;
    Ok(credential)
}
