//! `.await` on a request builder sends it, as `.send().await` does.

/// Implements `IntoFuture` for a request builder with an `async fn send(self) -> Result<$output, Error>`.
macro_rules! impl_into_future_by_send {
    ($request:ty, $output:ty) => {
        impl std::future::IntoFuture for $request {
            type Output = Result<$output, crate::Error>;
            type IntoFuture =
                std::pin::Pin<Box<dyn std::future::Future<Output = Self::Output> + Send>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

pub(super) use impl_into_future_by_send;
