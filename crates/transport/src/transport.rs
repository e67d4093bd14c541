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

    /// Whether this transport itself ends a call once the operation deadline an
    /// [`OperationDeadline`](crate::OperationDeadline) above it hands down has passed, failing it with that stage's
    /// own error, so that the stage arms no timer of its own (one timer per attempt instead of two).
    ///
    /// `false` unless a stage says otherwise: [`AttemptTimeout`](crate::AttemptTimeout) does (its one timer ends at
    /// the earlier of the two bounds), and [`Retry`](crate::Retry), which never waits past the deadline, answers for
    /// the transport it wraps. A decorator of your own keeps the default, which is always safe.
    fn enforces_operation_deadline(&self) -> bool {
        false
    }
}

/// The future a [`Transport::send`] returns, as `async_trait` writes it: boxed, `Send`, borrowing the transport.
pub(crate) type SendFuture<'a> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<Response, TransportError>> + Send + 'a>,
>;

// The pointer impls hand back the inner transport's boxed future as it is, written out rather than with
// `#[async_trait]`, which would box a second future around it on every request (one allocation and one poll per
// `Arc` in a stack of decorators).
impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send<'life0, 'async_trait>(&'life0 self, request: Request) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        (**self).send(request)
    }

    fn enforces_operation_deadline(&self) -> bool {
        (**self).enforces_operation_deadline()
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send<'life0, 'async_trait>(&'life0 self, request: Request) -> SendFuture<'async_trait>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        (**self).send(request)
    }

    fn enforces_operation_deadline(&self) -> bool {
        (**self).enforces_operation_deadline()
    }
}
