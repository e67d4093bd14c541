#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod authority;
mod batch;
mod builder;
mod fault_wire;
mod faults;
pub mod filter;
mod graph;
mod json_text;
mod log;
mod metadata;
mod ops;
mod query;
mod redact;
mod reply;
mod route;
mod sample;
mod shape;
pub mod shell;
mod store;
mod stored;
mod transport;

pub use authority::LocalAuthority;
pub use batch::MAX_BATCH_REQUESTS;
pub use builder::{CatalogEntry, CatalogError, DEFAULT_REQUEST_LOG_CAPACITY, FakeGraphBuilder};
pub use fault_wire::{fault_to_json, faults_from_json};
pub use faults::{BatchItem, Fault, Faults};
pub use graph::FakeGraph;
pub use log::RecordedRequest;
pub use redact::REDACTED;
pub use sample::sample_catalog;
pub use transport::FakeTransport;
