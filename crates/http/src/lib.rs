#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder;
mod error_map;
mod redirect;
mod request_url;
mod transport;
mod url_policy;

pub use builder::{DEFAULT_MAX_REDIRECTS, HttpTransportBuilder, MAX_REDIRECTS_LIMIT};
pub use transport::HttpTransport;
