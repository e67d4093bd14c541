#![doc = include_str!("../README.md")]

mod error;
mod token;
mod transport;

pub use error::{TransportError, TransportErrorKind};
pub use token::{AccessToken, StaticToken, TokenError, TokenProvider};
pub use transport::{Request, Response, Transport};
