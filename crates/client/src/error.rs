//! The one error type of the facade.

use std::fmt;
use std::time::Duration;

use intune_osimages_model::ErrorDetail;
use intune_osimages_transport::{Source, TransportError, TransportErrorKind};
use intune_osimages_validate::Report;

use crate::GraphErrorCode;

/// What went wrong with an operation. The kinds are coarse on purpose: branch on the kind, then on
/// [`GraphError::error_code`] for Graph's answers. No token or secret ever appears in it.
///
/// It keeps its cause: [`source`](std::error::Error::source) reaches the transport failure and below it the I/O or
/// TLS error, the JSON error of a decode failure, or the failed token request of a credential failure. Causes are
/// shared with an `Arc`, so the error stays `Clone`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The body failed validation; nothing was sent.
    Validation(Report),
    /// Graph answered with an error status.
    Graph(Box<GraphError>),
    /// No usable answer: the connection failed, timed out or broke. Says whether the request may have been sent.
    Transport(TransportError),
    /// No access token could be had (the authority refused the credentials, or could not be reached); nothing was
    /// sent to Graph.
    Credential(CredentialError),
    /// The answer could not be read as the expected type; names the JSON path.
    Decode(DecodeError),
    /// The client or the call is misconfigured (bad base URL, missing credentials, an unusable id).
    Configuration(String),
}

/// The coarse kind of an [`Error`], for matching without destructuring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// See [`Error::Validation`].
    Validation,
    /// See [`Error::Graph`].
    Graph,
    /// See [`Error::Transport`].
    Transport,
    /// See [`Error::Credential`].
    Credential,
    /// See [`Error::Decode`].
    Decode,
    /// See [`Error::Configuration`].
    Configuration,
}

impl Error {
    pub(crate) fn configuration(message: impl Into<String>) -> Self {
        Error::Configuration(message.into())
    }

    /// The coarse kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Validation(_) => ErrorKind::Validation,
            Error::Graph(_) => ErrorKind::Graph,
            Error::Transport(_) => ErrorKind::Transport,
            Error::Credential(_) => ErrorKind::Credential,
            Error::Decode(_) => ErrorKind::Decode,
            Error::Configuration(_) => ErrorKind::Configuration,
        }
    }

    /// Graph's `request-id` for this failure (from the error body or the response headers), to quote to support.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Graph(g) => g.request_id.as_deref(),
            Error::Decode(d) => d.request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, when Graph answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Graph(g) => Some(g.status),
            Error::Decode(d) => Some(d.status),
            _ => None,
        }
    }

    /// The Graph error, when Graph answered with one.
    pub fn as_graph(&self) -> Option<&GraphError> {
        match self {
            Error::Graph(g) => Some(g),
            _ => None,
        }
    }

    /// The transport failure, when there was no usable answer.
    pub fn as_transport(&self) -> Option<&TransportError> {
        match self {
            Error::Transport(t) => Some(t),
            _ => None,
        }
    }

    /// The decode failure, when the answer could not be read.
    pub fn as_decode(&self) -> Option<&DecodeError> {
        match self {
            Error::Decode(d) => Some(d),
            _ => None,
        }
    }

    /// The credential failure, when no access token could be had.
    pub fn as_credential(&self) -> Option<&CredentialError> {
        match self {
            Error::Credential(c) => Some(c),
            _ => None,
        }
    }

    /// The validation report, when validation stopped the call.
    pub fn as_validation(&self) -> Option<&Report> {
        match self {
            Error::Validation(r) => Some(r),
            _ => None,
        }
    }

    /// Whether the request may have reached the server: `false` for validation and configuration errors and
    /// never-sent transport failures.
    pub fn may_have_been_sent(&self) -> bool {
        match self {
            Error::Validation(_) | Error::Configuration(_) | Error::Credential(_) => false,
            Error::Transport(t) => t.may_have_been_sent(),
            Error::Graph(_) | Error::Decode(_) => true,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(r) => {
                let errors = r.errors().count();
                write!(
                    f,
                    "the body failed validation ({errors} error(s)); nothing was sent"
                )?;
                for finding in r.errors() {
                    write!(f, "\n  {finding}")?;
                }
                Ok(())
            }
            Error::Graph(g) => g.fmt(f),
            Error::Transport(t) => t.fmt(f),
            Error::Credential(c) => c.fmt(f),
            Error::Decode(d) => d.fmt(f),
            Error::Configuration(m) => write!(f, "configuration error: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(t) => Some(t),
            Error::Credential(c) => c.source(),
            Error::Decode(d) => d.source(),
            _ => None,
        }
    }
}

impl From<TransportError> for Error {
    /// A [`Credential`](TransportErrorKind::Credential) failure becomes [`Error::Credential`]; any other is
    /// [`Error::Transport`].
    fn from(e: TransportError) -> Self {
        if e.kind() == TransportErrorKind::Credential {
            Error::Credential(CredentialError::from_transport(&e))
        } else {
            Error::Transport(e)
        }
    }
}

/// No access token could be had: the authority's error code when it sent one (`invalid_client`, `AADSTS7000215`),
/// one message, and the cause (the failed token request). Never contains a secret.
#[derive(Debug, Clone)]
pub struct CredentialError {
    code: Option<String>,
    message: String,
    source: Option<Source>,
}

impl CredentialError {
    fn from_transport(e: &TransportError) -> Self {
        match e.token_error() {
            Some(token) => CredentialError {
                code: token.code().map(str::to_owned),
                message: token.message().to_owned(),
                // The token error itself, whose own source is the failed token request.
                source: e.shared_source().cloned(),
            },
            None => CredentialError {
                code: None,
                message: e.message().to_owned(),
                source: e.shared_source().cloned(),
            },
        }
    }

    /// The authority's error code (OAuth2's `error`, such as `invalid_client`), when it sent one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// What went wrong, free of secrets.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CredentialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("could not obtain an access token")?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for CredentialError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// An error answer from Graph: the status, Graph's `code` and `message`, and the ids to quote to support.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct GraphError {
    /// The HTTP status.
    pub status: u16,
    /// `error.code` (such as `NotFound`, `TooManyRequests`); empty when the body was not Graph's JSON.
    pub code: String,
    /// `error.message`.
    pub message: String,
    /// `error.target`.
    pub target: Option<String>,
    /// `error.details`.
    pub details: Vec<ErrorDetail>,
    /// `request-id` from the error body, or the response header.
    pub request_id: Option<String>,
    /// `client-request-id` from the error body, or the response header.
    pub client_request_id: Option<String>,
    /// `innerError.date`.
    pub date: Option<String>,
    /// `Retry-After`, when the answer carried one (429 and 503 after retries ran out, or a delay over the cap).
    pub retry_after: Option<Duration>,
    /// The `claims` challenge of a 401's `WWW-Authenticate` header, for conditional-access step-up.
    pub claims: Option<String>,
    /// The body as text, kept whole when it was not Graph's JSON (a gateway's HTML page, for example); otherwise the
    /// JSON text.
    pub body: String,
}

impl GraphError {
    /// [`code`](GraphError::code) as a [`GraphErrorCode`], for matching; `Other("")` when the body was not Graph's
    /// JSON.
    pub fn error_code(&self) -> GraphErrorCode {
        GraphErrorCode::from_code(&self.code)
    }

    /// Whether the body was Graph's JSON error shape.
    pub fn is_graph_body(&self) -> bool {
        !self.code.is_empty()
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_graph_body() {
            write!(
                f,
                "Graph answered {} {}: {}",
                self.status, self.code, self.message
            )?;
        } else {
            let excerpt: String = self.body.chars().take(200).collect();
            write!(
                f,
                "Graph answered {} with a body that is not Graph's error JSON: {excerpt:?}",
                self.status
            )?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request-id {id})")?;
        }
        if let Some(d) = self.retry_after {
            write!(f, " (retry after {} s)", d.as_secs())?;
        }
        Ok(())
    }
}

/// An answer that could not be read as the expected type. Its [`source`](std::error::Error::source) is the JSON
/// parser's error, when there was one.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// The JSON path of the value at fault, such as `value[3].supportedEditions[0].supportEndDate` (`.` for the root).
    pub path: String,
    /// What was wrong there.
    pub message: String,
    /// The HTTP status of the answer.
    pub status: u16,
    /// The answer's `request-id` header.
    pub request_id: Option<String>,
    source: Option<Source>,
}

impl DecodeError {
    pub(crate) fn new(
        path: String,
        message: String,
        status: u16,
        request_id: Option<String>,
    ) -> Self {
        DecodeError {
            path,
            message,
            status,
            request_id,
            source: None,
        }
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.source = Some(std::sync::Arc::new(source));
        self
    }
}

impl PartialEq for DecodeError {
    /// Equal when path, message, status and request id are; the cause is not compared.
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
            && self.message == other.message
            && self.status == other.status
            && self.request_id == other.request_id
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not read Graph's answer ({}) at {}: {}",
            self.status, self.path, self.message
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " (request-id {id})")?;
        }
        Ok(())
    }
}
