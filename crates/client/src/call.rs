//! What one call asks of the pipeline.

use bytes::Bytes;
use http::Method;
use intune_osimages_transport::Deadline;

/// The media type of every JSON body and of the answers the JSON operations accept.
pub(crate) const JSON: &str = "application/json";

/// What `$count` accepts, as Microsoft's generated SDKs send it: Graph answers `$count` with `text/plain`.
pub(crate) const TEXT_PLAIN: &str = "text/plain;q=0.9";

/// One request as an operation describes it: the operation and image it is for (for the tracing span), the method,
/// the URL, the body, what it accepts, and an optional deadline shared with other calls (the pages of a listing).
#[derive(Debug)]
pub(crate) struct Call<'a> {
    pub(crate) operation: &'static str,
    pub(crate) id: Option<&'a str>,
    pub(crate) method: Method,
    pub(crate) url: &'a str,
    pub(crate) body: Option<Bytes>,
    pub(crate) accept: &'static str,
    pub(crate) deadline: Option<Deadline>,
}

impl<'a> Call<'a> {
    /// A `method` request to `url` for `operation`, accepting JSON, with no body.
    pub(crate) fn new(operation: &'static str, method: Method, url: &'a str) -> Self {
        Call {
            operation,
            id: None,
            method,
            url,
            body: None,
            accept: JSON,
            deadline: None,
        }
    }

    /// A GET for `operation`.
    pub(crate) fn get(operation: &'static str, url: &'a str) -> Self {
        Self::new(operation, Method::GET, url)
    }

    /// The image the call is about.
    pub(crate) fn id(mut self, id: Option<&'a str>) -> Self {
        self.id = id;
        self
    }

    /// A JSON body.
    pub(crate) fn body(mut self, body: Bytes) -> Self {
        self.body = Some(body);
        self
    }

    /// Another `Accept` than JSON.
    pub(crate) fn accept(mut self, accept: &'static str) -> Self {
        self.accept = accept;
        self
    }

    /// A deadline earlier than the operation timeout would give.
    pub(crate) fn deadline(mut self, deadline: Deadline) -> Self {
        self.deadline = Some(deadline);
        self
    }
}
