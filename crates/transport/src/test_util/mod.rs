//! Test doubles for code built on [`Transport`](crate::Transport): documented tools, not afterthoughts.
//!
//! - [`ScriptedTransport`] answers with a script of responses and failures, in order, and records every request;
//! - [`CaptureTransport`] answers every request with the same response and records them;
//! - [`response`] builds a response in one line;
//! - [`LogCapture`] keeps what `tracing` logs, for a test to search.
//!
//! Behind the `test-util` feature (as smithy-rs keeps its test doubles): add this crate as a dev-dependency with
//! `features = ["test-util"]`.
//!
//! ```
//! use http::StatusCode;
//! use intune_osimages_transport::Transport;
//! use intune_osimages_transport::test_util::{ScriptedTransport, response};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let transport = ScriptedTransport::new()
//!     .reply(response(StatusCode::TOO_MANY_REQUESTS, &[("retry-after", "1")], ""))
//!     .reply(response(StatusCode::OK, &[], r#"{"value":[]}"#));
//! let request = || http::Request::get("https://example.test/x").body(bytes::Bytes::new()).unwrap();
//! assert_eq!(transport.send(request()).await.unwrap().status(), 429);
//! assert_eq!(transport.send(request()).await.unwrap().status(), 200);
//! assert_eq!(transport.request_count(), 2);
//! assert!(transport.send(request()).await.is_err(), "the script is used up");
//! # }
//! ```

mod capture;
mod log_capture;
mod scripted;

pub use capture::CaptureTransport;
pub use log_capture::LogCapture;
pub use scripted::ScriptedTransport;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode};

use crate::Response;

/// A response with `status`, the given headers and `body`.
///
/// # Panics
///
/// If a header name or value is not valid, like [`HeaderName::from_static`] and [`HeaderValue::from_static`]: the
/// arguments are literals in a test, and a typo there should stop the test at once.
pub fn response(
    status: StatusCode,
    headers: &[(&'static str, &'static str)],
    body: impl Into<Bytes>,
) -> Response {
    let mut response = http::Response::new(body.into());
    *response.status_mut() = status;
    for (name, value) in headers {
        response.headers_mut().append(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    response
}
