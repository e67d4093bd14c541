//! Exit statuses and how failures are reported on stderr.

use std::process::ExitCode;

use intune_osimages::{Error, ErrorKind};

use crate::terminal::escape;

/// 0: success.
pub const OK: u8 = 0;
/// 1: `diff` found differences (as diff(1) does); not a failure.
pub const DIFFERENT: u8 = 1;
/// 2: usage (bad flags, unreadable files, bad configuration).
pub const USAGE: u8 = 2;
/// 3: validation found errors.
pub const VALIDATION: u8 = 3;
/// 4: Graph answered with an error (or an answer that could not be read).
pub const GRAPH: u8 = 4;
/// 5: no usable answer (connection, timeout).
pub const TRANSPORT: u8 = 5;
/// 6: the output could not be written (a full disk, a broken device). A closed pipe is not an error: the reader
/// has what it wanted (`osimages list | head`), so the command ends quietly with 0.
pub const OUTPUT: u8 = 6;

/// A failure of a command: what to print on stderr and the exit status.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: USAGE,
            message: message.into(),
        }
    }

    /// A sign-in that failed (`osimages login`): 5 when the network or the authority's service failed, else 2.
    pub fn sign_in(message: &str, e: &intune_osimages::TokenError) -> Self {
        Failure {
            code: sign_in_code(e.code(), std::error::Error::source(e)),
            message: message.to_owned(),
        }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Failure {
            code: VALIDATION,
            message: message.into(),
        }
    }

    /// Writing standard output failed.
    pub fn output(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Failure {
                code: OK,
                message: String::new(),
            };
        }
        Failure {
            code: OUTPUT,
            message: format!("cannot write the output: {e}"),
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }
}

/// A sign-in that failed: 5 when the network (or the authority's own service) failed, so trying again may work; 2
/// when the source is misconfigured (the authority refused the credential, a file is missing, `az` is not signed
/// in), which only a change of configuration fixes.
fn sign_in_code(code: Option<&str>, source: Option<&(dyn std::error::Error + 'static)>) -> u8 {
    let service_trouble =
        code.is_some_and(|code| matches!(code, "server_error" | "temporarily_unavailable"));
    let mut cause = source;
    let mut network = false;
    while let Some(c) = cause {
        let transport = c
            .downcast_ref::<intune_osimages::transport::TransportError>()
            .is_some_and(|t| {
                t.kind() != intune_osimages::transport::TransportErrorKind::Credential
            });
        let azure_io = c
            .downcast_ref::<azure_core::Error>()
            .is_some_and(|a| matches!(a.kind(), azure_core::error::ErrorKind::Io));
        network |= transport || azure_io;
        cause = c.source();
    }
    if network || service_trouble {
        TRANSPORT
    } else {
        USAGE
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let code = match e.kind() {
            ErrorKind::Validation => VALIDATION,
            ErrorKind::Graph | ErrorKind::Decode => GRAPH,
            ErrorKind::Transport => TRANSPORT,
            ErrorKind::Credential => sign_in_code(
                e.as_credential().and_then(|c| c.code()),
                std::error::Error::source(&e),
            ),
            _ => USAGE,
        };
        let message = match &e {
            Error::Graph(g) => {
                let mut m = format!("Graph answered {}", g.status);
                if g.is_graph_body() {
                    m.push_str(&format!(" {}: {}", escape(&g.code), escape(&g.message)));
                } else {
                    let excerpt: String = g.body.chars().take(300).collect();
                    m.push_str(&format!(
                        " with a body that is not Graph's error JSON: {}",
                        escape(&excerpt)
                    ));
                }
                if let Some(id) = &g.request_id {
                    m.push_str(&format!("\nrequest-id: {}", escape(id)));
                }
                if let Some(id) = &g.client_request_id {
                    m.push_str(&format!("\nclient-request-id: {}", escape(id)));
                }
                if let Some(d) = g.retry_after {
                    m.push_str(&format!("\nretry-after: {} s", d.as_secs()));
                }
                m
            }
            other => other.to_string(),
        };
        Failure { code, message }
    }
}
