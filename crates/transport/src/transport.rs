//! The transport trait.

use std::sync::Arc;

use bytes::Bytes;

use crate::TransportError;

/// A request as transports see it: the `http` crate's request with the whole body in memory.
pub type Request = http::Request<Bytes>;
/// A response as transports see it: the `http` crate's response with the whole body in memory.
pub type Response = http::Response<Bytes>;

/// Sends one request and returns the response, whatever its status: a non-2xx answer is an `Ok` response here, and
/// the layer above decides what it means. Decorators (retry, auth, telemetry) are transports that wrap transports.
#[async_trait::async_trait]
pub trait Transport: Send + Sync + std::fmt::Debug {
    /// Sends `request` and waits for the whole response.
    async fn send(&self, request: Request) -> Result<Response, TransportError>;
}

#[async_trait::async_trait]
impl<T: Transport + ?Sized> Transport for Arc<T> {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        (**self).send(request).await
    }
}

#[async_trait::async_trait]
impl<T: Transport + ?Sized> Transport for Box<T> {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        (**self).send(request).await
    }
}
