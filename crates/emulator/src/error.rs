//! Why the emulator could not start or stopped.

use std::fmt;
use std::path::Path;

/// What kind of problem stopped the emulator, for callers that branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServeErrorKind {
    /// A flag's value is unusable (an empty `--token`).
    Options,
    /// The `--seed` file is unreadable, not JSON, or not a list of images.
    Seed,
    /// The `--data` file is unreadable, not a catalog, or cannot be written.
    Data,
    /// Another emulator holds the `--data` file's lock (the message names its PID when it can).
    DataInUse,
    /// The address could not be bound (in use, not local, no permission).
    Bind,
    /// The TLS certificate could not be made, read or used (`--tls`, `--tls-cert`, `--tls-key`).
    Tls,
    /// The server failed while running.
    Serve,
}

/// Why `osimages serve` could not start or stopped: a sentence naming the file, flag or address at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeError {
    kind: ServeErrorKind,
    message: String,
}

impl ServeError {
    pub(crate) fn new(kind: ServeErrorKind, message: impl Into<String>) -> Self {
        ServeError {
            kind,
            message: message.into(),
        }
    }

    /// A problem with the file given to `--seed` (kind `Seed`) or `--data` (any other kind).
    pub(crate) fn file(kind: ServeErrorKind, path: &Path, message: impl fmt::Display) -> Self {
        let flag = match kind {
            ServeErrorKind::Seed => "--seed",
            _ => "--data",
        };
        ServeError::new(kind, format!("{flag} file {}: {message}", path.display()))
    }

    /// The kind of problem.
    pub fn kind(&self) -> ServeErrorKind {
        self.kind
    }

    /// The reason, as printed.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ServeError {}
