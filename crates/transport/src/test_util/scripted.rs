//! A transport that follows a script.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::clone::clone_request;
use crate::{Request, Response, Transport, TransportError};

/// Answers requests with scripted outcomes, in order, and records every request it receives. When the script is
/// used up it answers with an [`InvalidRequest`](crate::TransportErrorKind::InvalidRequest) error naming the
/// request, which no retry policy retries, so an unexpected extra request shows up as a test failure.
#[derive(Debug, Default)]
pub struct ScriptedTransport {
    script: Mutex<VecDeque<Result<Response, TransportError>>>,
    requests: Mutex<Vec<Request>>,
}

impl ScriptedTransport {
    /// An empty script.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a response to the end of the script.
    pub fn reply(self, response: Response) -> Self {
        lock(&self.script).push_back(Ok(response));
        self
    }

    /// Adds a failure to the end of the script.
    pub fn fail(self, error: TransportError) -> Self {
        lock(&self.script).push_back(Err(error));
        self
    }

    /// Copies of the requests received so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.requests).iter().map(clone_request).collect()
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        lock(&self.requests).len()
    }

    /// How many scripted outcomes are left.
    pub fn remaining(&self) -> usize {
        lock(&self.script).len()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Each update is one push or pop, so a poisoned lock still holds consistent data.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[async_trait::async_trait]
impl Transport for ScriptedTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let summary = format!("{} {}", request.method(), request.uri());
        let number = {
            let mut requests = lock(&self.requests);
            requests.push(request);
            requests.len()
        };
        lock(&self.script).pop_front().unwrap_or_else(|| {
            Err(TransportError::invalid_request(format!(
                "ScriptedTransport has no reply left for request #{number} ({summary})"
            )))
        })
    }
}
