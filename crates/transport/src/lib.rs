#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod attempt_timeout;
mod bearer_auth;
mod body_limit;
mod clock;
mod clone;
mod deadline;
mod error;
pub mod headers;
mod retry;
mod retry_after;
mod retry_policy;
pub mod sensitive;
mod telemetry;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;
mod token;
mod transport;

pub use attempt_timeout::AttemptTimeout;
pub use bearer_auth::BearerAuth;
pub use body_limit::{BodyLimit, ResponseBodyLimit};
pub use clock::{Clock, ManualClock, Sleep, TokioClock};
pub use clone::{clone_request, clone_response};
pub use deadline::{Deadline, OperationDeadline};
pub use error::{Source, TransportError, TransportErrorKind};
pub use retry::Retry;
pub use retry_after::parse_retry_after;
pub use retry_policy::{MAX_RETRIES_CAP, RetryPolicy};
pub use telemetry::Telemetry;
pub use token::{AccessToken, StaticToken, TokenError, TokenProvider};
pub use transport::{Request, Response, Transport};

/// The attribute the [`Transport`] and [`TokenProvider`] impls need, re-exported so an implementation needs no
/// direct `async-trait` dependency (see "Implementing a transport" above).
pub use async_trait::async_trait;
/// The body type of [`Request`] and [`Response`], re-exported in the version this crate uses.
pub use bytes::Bytes;
/// The `http` crate whose request and response types the [`Transport`] trait speaks, re-exported in the version
/// this crate uses.
pub use http;
