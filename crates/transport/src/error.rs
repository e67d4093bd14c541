//! Transport errors.

use std::fmt;
use std::sync::Arc;

/// The cause of an error, shared so that errors stay `Clone`.
pub type Source = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// What went wrong below HTTP, coarse enough to decide on a retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The request could not be built or is refused by policy (bad URL, a non-https URL to a remote host, a
    /// redirect downgrade). Never sent.
    InvalidRequest,
    /// The connection could not be made (refused, DNS, TLS handshake). Never sent.
    Connect,
    /// No answer within the timeout. May have been sent.
    Timeout,
    /// The connection broke or the answer could not be read. May have been sent.
    Io,
    /// Too many redirects, or a redirect the policy refuses after the first request went out.
    Redirect,
    /// The credential could not be obtained (token endpoint failed). Never sent to the service. The
    /// [`TokenError`](crate::TokenError) is the [`source`](std::error::Error::source).
    Credential,
    /// The answer passed a limit the caller set: a body larger than the
    /// [`ResponseBodyLimit`](crate::ResponseBodyLimit), or more pages than a listing's cap. The request was sent;
    /// sending it again would get the same answer, so it is never retried.
    LimitExceeded,
}

/// A failure to get a response at all. It says whether the request may have reached the server, so a caller (or
/// the retry decorator) knows whether resending a non-idempotent request is safe.
///
/// It keeps its cause: [`source`](std::error::Error::source) reaches the underlying error (an `std::io::Error`, a
/// TLS failure, a [`TokenError`](crate::TokenError)), shared with an `Arc` so the error stays `Clone`. The message
/// describes this layer's failure; the source says why.
#[derive(Debug, Clone)]
pub struct TransportError {
    kind: TransportErrorKind,
    may_have_been_sent: bool,
    message: String,
    retry_after: Option<std::time::Duration>,
    source: Option<Source>,
}

impl TransportError {
    /// An error of this kind; whether it may have been sent follows from the kind.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        let may_have_been_sent = matches!(
            kind,
            TransportErrorKind::Timeout
                | TransportErrorKind::Io
                | TransportErrorKind::Redirect
                | TransportErrorKind::LimitExceeded
        );
        TransportError {
            kind,
            may_have_been_sent,
            message: message.into(),
            retry_after: None,
            source: None,
        }
    }

    /// A request that could not be built or is refused by policy; never sent.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(TransportErrorKind::InvalidRequest, message)
    }

    /// A connection that could not be made; never sent.
    pub fn connect(message: impl Into<String>) -> Self {
        Self::new(TransportErrorKind::Connect, message)
    }

    /// No answer in time; may have been sent.
    pub fn timeout(message: impl Into<String>) -> Self {
        Self::new(TransportErrorKind::Timeout, message)
    }

    /// A broken connection or unreadable answer; may have been sent.
    pub fn io(message: impl Into<String>) -> Self {
        Self::new(TransportErrorKind::Io, message)
    }

    /// A credential that could not be obtained; never sent.
    pub fn credential(message: impl Into<String>) -> Self {
        Self::new(TransportErrorKind::Credential, message)
    }

    /// Keeps `source` as the cause, reachable through [`source`](std::error::Error::source).
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// Keeps an already shared cause.
    pub fn with_shared_source(mut self, source: Source) -> Self {
        self.source = Some(source);
        self
    }

    /// The cause, shared, to keep in another error.
    pub fn shared_source(&self) -> Option<&Source> {
        self.source.as_ref()
    }

    /// The [`TokenError`](crate::TokenError) behind a [`Credential`](TransportErrorKind::Credential) failure.
    pub fn token_error(&self) -> Option<&crate::TokenError> {
        self.source.as_deref()?.downcast_ref()
    }

    /// Overrides whether the request may have reached the server.
    pub fn with_may_have_been_sent(mut self, may_have_been_sent: bool) -> Self {
        self.may_have_been_sent = may_have_been_sent;
        self
    }

    /// Attaches a server-requested delay, for an error the retry decorator gives up on.
    pub fn with_retry_after(mut self, delay: std::time::Duration) -> Self {
        self.retry_after = Some(delay);
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether the request may have reached the server (and so may have had an effect).
    pub fn may_have_been_sent(&self) -> bool {
        self.may_have_been_sent
    }

    /// A human-readable description, free of secrets.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A server-requested delay, when one was known.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.retry_after
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sent = if self.may_have_been_sent {
            "the request may have been sent"
        } else {
            "the request was not sent"
        };
        write!(f, "{:?} error: {} ({sent})", self.kind, self.message)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}
