//! Exit statuses and how failures are reported on stderr.

use std::process::ExitCode;

use intune_osimages::{Error, ErrorKind};

/// 0: success.
pub const OK: u8 = 0;
/// 2: usage (bad flags, unreadable files, bad configuration).
pub const USAGE: u8 = 2;
/// 3: validation found errors.
pub const VALIDATION: u8 = 3;
/// 4: Graph answered with an error (or an answer that could not be read).
pub const GRAPH: u8 = 4;
/// 5: no usable answer (connection, timeout).
pub const TRANSPORT: u8 = 5;

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

    pub fn validation(message: impl Into<String>) -> Self {
        Failure {
            code: VALIDATION,
            message: message.into(),
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let code = match e.kind() {
            ErrorKind::Validation => VALIDATION,
            ErrorKind::Graph | ErrorKind::Decode => GRAPH,
            ErrorKind::Transport | ErrorKind::Credential => TRANSPORT,
            _ => USAGE,
        };
        let message = match &e {
            Error::Graph(g) => {
                let mut m = format!("Graph answered {}", g.status);
                if g.is_graph_body() {
                    m.push_str(&format!(" {}: {}", g.code, g.message));
                } else {
                    let excerpt: String = g.body.chars().take(300).collect();
                    m.push_str(&format!(
                        " with a body that is not Graph's error JSON: {excerpt}"
                    ));
                }
                if let Some(id) = &g.request_id {
                    m.push_str(&format!("\nrequest-id: {id}"));
                }
                if let Some(id) = &g.client_request_id {
                    m.push_str(&format!("\nclient-request-id: {id}"));
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
