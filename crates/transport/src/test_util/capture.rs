//! A transport that answers everything the same way and remembers what it was asked.

use std::sync::{Mutex, MutexGuard, PoisonError};

use bytes::Bytes;

use crate::clone::{clone_request, clone_response};
use crate::{Request, Response, Transport, TransportError};

/// Answers every request with a copy of one response (by default `200 OK` with an empty body) and records every
/// request it receives.
#[derive(Debug)]
pub struct CaptureTransport {
    response: Response,
    requests: Mutex<Vec<Request>>,
}

impl CaptureTransport {
    /// Answers `200 OK` with an empty body.
    pub fn new() -> Self {
        Self::with_response(http::Response::new(Bytes::new()))
    }

    /// Answers with copies of `response`.
    pub fn with_response(response: Response) -> Self {
        CaptureTransport {
            response,
            requests: Mutex::new(Vec::new()),
        }
    }

    /// Copies of the requests received so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.lock().iter().map(clone_request).collect()
    }

    /// A copy of the most recent request, if any.
    pub fn last_request(&self) -> Option<Request> {
        self.lock().last().map(clone_request)
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Request>> {
        // Each update is one push, so a poisoned lock still holds consistent data.
        self.requests.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for CaptureTransport {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait::async_trait]
impl Transport for CaptureTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        self.lock().push(request);
        Ok(clone_response(&self.response))
    }
}
