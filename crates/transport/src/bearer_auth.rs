//! The bearer-token decorator.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http::HeaderValue;
use http::header::AUTHORIZATION;

use crate::sensitive::mask_bytes;
use crate::{Request, Response, TokenProvider, Transport, TransportError};

/// A transport that asks a [`TokenProvider`] for a token before each request and sends it as
/// `Authorization: Bearer <token>`, replacing any `Authorization` the request had. The header value is marked
/// sensitive, so the `http` crate's `Debug` shows `Sensitive` instead of the token.
///
/// An error answer (any status but 2xx) that quotes the token back has it replaced by `<redacted>` before anyone
/// above sees it, so error messages quoting the body never show it.
///
/// When the provider fails, the request is not sent and the failure is a
/// [`Credential`](crate::TransportErrorKind::Credential) error. Put it inside [`Retry`](crate::Retry) so that every
/// attempt gets a fresh (possibly refreshed) token.
///
/// The header value is built once per token and reused until the provider hands out a different one.
#[derive(Clone)]
pub struct BearerAuth<T> {
    inner: T,
    provider: Arc<dyn TokenProvider>,
    /// `Bearer <token>` for the last token seen (shared by clones, which share the provider).
    header: Arc<Mutex<Option<HeaderValue>>>,
}

impl<T> BearerAuth<T> {
    /// Wraps `inner`, authorizing each request with a token from `provider`.
    pub fn new(inner: T, provider: Arc<dyn TokenProvider>) -> Self {
        BearerAuth {
            inner,
            provider,
            header: Arc::new(Mutex::new(None)),
        }
    }

    /// The `Authorization` value for `secret`: the cached one when the token has not changed.
    fn header_for(&self, secret: &str) -> Result<HeaderValue, TransportError> {
        let mut cached = self.header.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(value) = cached.as_ref()
            && value.as_bytes().strip_prefix(b"Bearer ") == Some(secret.as_bytes())
        {
            return Ok(value.clone());
        }
        let mut value = HeaderValue::try_from(format!("Bearer {secret}")).map_err(|_| {
            TransportError::credential(
                "the access token contains characters that are not allowed in an HTTP header",
            )
        })?;
        value.set_sensitive(true);
        *cached = Some(value.clone());
        Ok(value)
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }
}

impl<T: fmt::Debug> fmt::Debug for BearerAuth<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The provider's own Debug is trusted to redact (every provider in this workspace does).
        f.debug_struct("BearerAuth")
            .field("inner", &self.inner)
            .field("provider", &self.provider)
            .finish()
    }
}

#[async_trait::async_trait]
impl<T: Transport> Transport for BearerAuth<T> {
    async fn send(&self, mut request: Request) -> Result<Response, TransportError> {
        let token = self.provider.token().await.map_err(|error| {
            tracing::warn!(error = %error, "no access token; request not sent");
            TransportError::credential(format!("could not obtain an access token: {error}"))
                .with_source(error)
        })?;
        let value = self.header_for(token.secret())?;
        request.headers_mut().insert(AUTHORIZATION, value);
        tracing::trace!("authorization header set");
        let mut response = self.inner.send(request).await?;
        // An error answer is quoted in error messages; a server that echoes the request (a debugging proxy, a
        // misconfigured gateway) would put the token there. Success bodies are left alone: they are data, and
        // scanning every page would cost the hot path for a case that does not occur.
        if !response.status().is_success()
            && let Some(masked) = mask_bytes(response.body(), &[token.secret()])
        {
            *response.body_mut() = Bytes::from(masked);
        }
        Ok(response)
    }
}
