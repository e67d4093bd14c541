#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod batch;
mod builder;
mod call;
mod client;
mod cloud;
mod credentials;
#[cfg(feature = "azure-identity")]
mod credentials_azure;
mod decode;
mod device_code;
mod error;
mod error_code;
mod ids;
mod os_images;
mod pipeline;
mod refresh_token_file;

pub use batch::{
    Batch, BatchResults, BatchStep, MAX_STEPS_PER_BATCH, RawStep, Step, StepOutput, StepResponse,
};
pub use builder::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BODY, DEFAULT_OPERATION_TIMEOUT,
    DEFAULT_TIMEOUT, SDK_VERSION,
};
pub use client::Client;
pub use cloud::Cloud;
pub use credentials::{ClientCredentials, Secret};
#[cfg(feature = "client-certificate")]
pub use credentials_azure::client_certificate_credential;
pub use device_code::{DeviceCodeCredential, DeviceCodePrompt};
pub use error::{CredentialError, DecodeError, Error, ErrorKind, GraphError};
pub use error_code::GraphErrorCode;
pub use os_images::query::odata_string;
pub use os_images::{
    CountRequest, CreateRequest, DeleteRequest, GetRequest, ListRequest, OsImages, UpdateRequest,
    Updated,
};
pub use refresh_token_file::RefreshTokenFile;

/// The data model, re-exported so one dependency is enough.
pub use intune_osimages_model as model;
pub use intune_osimages_model::{
    Architecture, Edition, EditionType, OsImage, OsImagePatch, OsUpdate, Page, Patch,
};
/// Transport building blocks, for custom transports, retry policies and test clocks.
pub use intune_osimages_transport as transport;
pub use intune_osimages_transport::{
    AccessToken, Clock, ManualClock, RetryPolicy, StaticToken, TokenError, TokenProvider,
    Transport, TransportError, TransportErrorKind,
};
/// The validation rules and report types.
pub use intune_osimages_validate as validate;

/// The in-memory fake Graph service, for tests of code built on this SDK.
#[cfg(feature = "fake")]
#[cfg_attr(docsrs, doc(cfg(feature = "fake")))]
pub use intune_osimages_fake as fake;
