//! `DELETE .../managedDeviceWindowsOSImages/{id}`: deleting one image.

use http::Method;

use crate::batch::StepSpec;
use crate::call::Call;
use crate::{Client, Error};

/// A delete request; `.await` it.
#[derive(Debug, Clone)]
#[must_use]
pub struct DeleteRequest {
    client: Client,
    id: String,
    path: Result<String, Error>,
}

impl DeleteRequest {
    pub(super) fn new(client: Client, id: &str) -> Self {
        DeleteRequest {
            client,
            id: id.to_owned(),
            path: super::item_path(id),
        }
    }

    /// Sends the request; Graph answers 204.
    pub async fn send(self) -> Result<(), Error> {
        let path = self.path?;
        let pipeline = self.client.pipeline();
        let url = pipeline.url(&path);
        pipeline
            .send(Call::new("delete", Method::DELETE, &url).id(Some(&self.id)))
            .await
            .map(|_| ())
    }

    /// The request as a batch step.
    pub(crate) fn into_step_spec(self) -> StepSpec {
        StepSpec {
            operation: "delete",
            method: Method::DELETE,
            url: self.path,
            headers: Vec::new(),
            body: None,
            id: None,
        }
    }
}

super::into_future::impl_into_future_by_send!(DeleteRequest, ());
