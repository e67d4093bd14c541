//! The fake service: state, the async entry point with scripted faults, and the pure Graph logic.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{Method, StatusCode};
use intune_osimages_transport::{Request, Response, TransportError};
use serde_json::Value;

use crate::authority::{self, Authority};
use crate::builder::FakeGraphBuilder;
use crate::builder::{CatalogEntry, CatalogError};
use crate::faults::{Fault, Faults, Planned};
use crate::log::{RecordedRequest, RequestLog};
use crate::reply::{self, GraphError, Ids};
use crate::store::{Store, Undo};
use crate::stored::StoredImage;

/// An in-memory Microsoft Graph service for `/deviceManagement/managedDeviceWindowsOSImages`: it answers an
/// `http::Request<Bytes>` with an `http::Response<Bytes>` the way Graph does, so the same logic serves the in-process
/// [`crate::FakeTransport`] and a real HTTP emulator.
///
/// Cheap to clone; clones share the catalog, the faults and the request log. Thread-safe.
#[derive(Clone)]
pub struct FakeGraph {
    state: Arc<ServiceState>,
}

/// What one fake service holds and how it is configured: the catalog, the query and write settings, the scripted
/// faults, the request log and the local authority; shared by every clone of a [`FakeGraph`].
pub(crate) struct ServiceState {
    pub(crate) store: Store,
    pub(crate) page_size: Option<usize>,
    pub(crate) strict_enums: bool,
    pub(crate) strict_properties: bool,
    pub(crate) faults: Faults,
    pub(crate) log: RequestLog,
    /// The local authority, when on: its endpoints, and the tokens Graph paths then accept.
    pub(crate) authority: Option<Authority>,
}

impl fmt::Debug for FakeGraph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeGraph")
            .field("images", &self.state.store.read().len())
            .field("page_size", &self.state.page_size)
            .field("strict_enums", &self.state.strict_enums)
            .field("strict_properties", &self.state.strict_properties)
            .finish_non_exhaustive()
    }
}

impl Default for FakeGraph {
    fn default() -> Self {
        Self::new()
    }
}

impl FakeGraph {
    /// A service with an empty catalog and default settings.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A service holding [`crate::sample_catalog`] (SAMPLE DATA: five Windows releases).
    pub fn with_sample_catalog() -> Self {
        Self::builder()
            .catalog(crate::sample::sample_values())
            .build()
    }

    /// A builder for a service with a chosen catalog, paging, enum strictness or persistence hook.
    pub fn builder() -> FakeGraphBuilder {
        FakeGraphBuilder::default()
    }

    pub(crate) fn from_parts(
        builder: FakeGraphBuilder,
        images: BTreeMap<String, StoredImage>,
    ) -> Self {
        FakeGraph {
            state: Arc::new(ServiceState {
                store: Store::new(images, builder.on_change),
                page_size: builder.page_size,
                strict_enums: builder.strict_enums,
                strict_properties: builder.strict_properties,
                faults: Faults::default(),
                log: RequestLog::new(builder.log_capacity),
                authority: builder.authority.map(Authority::new),
            }),
        }
    }

    /// Answers a request as Graph would, after applying scripted faults and latency. The request is logged first.
    ///
    /// Returns `Err` only for a scripted dropped connection (an I/O error that may have been sent) or when latency
    /// is scripted and no Tokio runtime is running.
    pub async fn handle(&self, request: Request) -> Result<Response, TransportError> {
        self.state.log.record(&request);
        if let Some(delay) = self.state.faults.latency() {
            if tokio::runtime::Handle::try_current().is_err() {
                return Err(TransportError::invalid_request(
                    "the fake Graph service has latency scripted, which needs a Tokio runtime",
                ));
            }
            tokio::time::sleep(delay).await;
        }
        let at_authority = self.state.authority_endpoint(&request);
        match self.state.faults.next() {
            Some(Planned::Status(status, retry_after)) => {
                tracing::debug!(%status, "fake Graph: scripted status");
                if at_authority.is_some() {
                    return Ok(authority::scripted_status(status, retry_after));
                }
                let ids = Ids::for_request(&request);
                return Ok(reply::error_response(
                    &ids,
                    &GraphError::scripted(status, retry_after),
                ));
            }
            Some(Planned::Drop) => {
                return Err(TransportError::io(
                    "scripted fault: the fake Graph service dropped the connection before processing the request",
                ));
            }
            Some(Planned::DropAfterProcessing) => {
                let _ = self.state.answer(&request, true);
                return Err(TransportError::io(
                    "scripted fault: the fake Graph service dropped the connection after processing the request",
                ));
            }
            None => {}
        }
        if let Some((authority::Endpoint::Token, _)) = at_authority
            && let Some(error) = self.state.faults.take_authority()
        {
            tracing::debug!(error, "fake Graph: scripted authority error");
            return Ok(authority::scripted_error(&error));
        }
        Ok(self.state.answer(&request, true))
    }

    /// Answers a request as Graph would, with no scripted faults or latency. The request is logged.
    pub fn handle_sync(&self, request: &Request) -> Response {
        self.state.log.record(request);
        self.state.answer(request, false)
    }

    /// Whether the [local authority](crate::LocalAuthority) is on.
    pub fn has_local_authority(&self) -> bool {
        self.state.authority.is_some()
    }

    /// The scripted faults, to push, inspect or clear.
    pub fn faults(&self) -> &Faults {
        &self.state.faults
    }

    /// Scripts a fault; shorthand for `faults().push(fault)`.
    pub fn push_fault(&self, fault: Fault) {
        self.state.faults.push(fault);
    }

    /// Every request received (up to the log's capacity), oldest first, with credentials redacted.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.log.all()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.state.log.clear();
    }

    /// Replaces the whole catalog with `images` (refused like [`FakeGraphBuilder::try_build`] refuses a seed), as one write: the
    /// `on_change` hook sees the new catalog, and if it fails the old one stays. For test isolation without a
    /// restart (the emulator's `POST /_emulator/reset`).
    pub fn replace_catalog<I>(&self, images: I) -> Result<(), CatalogError>
    where
        I: IntoIterator,
        I::Item: Into<CatalogEntry>,
    {
        let fresh = crate::builder::stored_catalog(images.into_iter().map(Into::into).collect())?;
        self.state
            .store
            .write(|images| {
                let previous = std::mem::replace(images, fresh);
                Ok(((), Undo::Replace(previous)))
            })
            .map_err(|e| CatalogError::NotStored { reason: e.message })
    }

    /// The catalog as stored, in id order.
    pub fn snapshot(&self) -> Vec<Value> {
        self.state
            .store
            .read()
            .values()
            .map(StoredImage::value)
            .collect()
    }

    /// The catalog as stored, in id order, as entries that share the stored text (no copy, values exact): what
    /// [`FakeGraph::replace_catalog`] takes to put this catalog back.
    pub fn entries(&self) -> Vec<CatalogEntry> {
        self.state
            .store
            .read()
            .values()
            .cloned()
            .map(CatalogEntry::stored)
            .collect()
    }

    /// One stored image, exactly as stored.
    pub fn image(&self, id: &str) -> Option<Value> {
        self.state.store.read().get(id).map(StoredImage::value)
    }

    /// How many images the catalog holds.
    pub fn len(&self) -> usize {
        self.state.store.read().len()
    }

    /// Whether the catalog is empty.
    pub fn is_empty(&self) -> bool {
        self.state.store.read().is_empty()
    }
}

impl ServiceState {
    /// The local authority's endpoint `request` addresses, when the authority is on.
    fn authority_endpoint(&self, request: &Request) -> Option<(authority::Endpoint, String)> {
        self.authority.as_ref()?;
        Authority::endpoint(request)
    }

    /// Answers a request: the local authority's endpoints when it is on (and then Graph only with a token it
    /// issued), else Graph.
    fn answer(&self, request: &Request, faults: bool) -> Response {
        let Some(authority) = &self.authority else {
            return self.process(request, faults);
        };
        if let Some((endpoint, tenant)) = Authority::endpoint(request) {
            return authority.respond(request, endpoint, &tenant);
        }
        if let Err(reason) = authority.check_bearer(request.headers()) {
            let ids = Ids::for_request(request);
            let mut response = reply::error_response(
                &ids,
                &GraphError::new(
                    StatusCode::UNAUTHORIZED,
                    "InvalidAuthenticationToken",
                    reason,
                ),
            );
            response.headers_mut().insert(
                http::header::WWW_AUTHENTICATE,
                http::HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
            return response;
        }
        self.process(request, faults)
    }

    /// Answers a `$batch` request item by item, or one request; `faults` says whether scripted answers apply.
    fn process(&self, request: &Request, faults: bool) -> Response {
        match crate::batch::service_root(request) {
            Some(root) => crate::batch::respond(self, request, &root, faults),
            None => self.respond_one(request, faults),
        }
    }

    /// One request (on its own or an item of a batch) through the operation handlers, with the PATCH-204 fault
    /// applied when `faults` is set.
    pub(crate) fn respond_one(&self, request: &Request, faults: bool) -> Response {
        let mut response = self.respond(request);
        if faults
            && request.method() == Method::PATCH
            && response.status() == StatusCode::OK
            && self.faults.take_patch_no_content()
        {
            *response.status_mut() = StatusCode::NO_CONTENT;
            *response.body_mut() = Bytes::new();
            response.headers_mut().remove(CONTENT_TYPE);
        }
        response
    }

    /// The pure Graph logic: routes, checks and answers one request.
    fn respond(&self, request: &Request) -> Response {
        let ids = Ids::for_request(request);
        let outcome = if crate::metadata::is_metadata(request) {
            crate::metadata::answer(request)
        } else {
            crate::ops::dispatch(self, request)
        };
        if let Err(e) = &outcome {
            tracing::debug!(status = %e.status, code = %e.code, message = %e.message, "fake Graph: error answer");
        }
        reply::finish(&ids, outcome)
    }
}
