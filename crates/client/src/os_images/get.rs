//! `GET .../managedDeviceWindowsOSImages/{id}`: reading one image.

use http::Method;
use intune_osimages_model::OsImage;

use super::query::Query;
use crate::batch::StepSpec;
use crate::call::Call;
use crate::decode::decode_model;
use crate::{Client, Error};

/// A get request; `.await` it, or set [`select`](GetRequest::select) first.
#[derive(Debug, Clone)]
#[must_use]
pub struct GetRequest {
    client: Client,
    id: String,
    path: Result<String, Error>,
    query: Query,
}

impl GetRequest {
    pub(super) fn new(client: Client, id: &str) -> Self {
        GetRequest {
            client,
            id: id.to_owned(),
            path: super::item_path(id),
            query: Query::default(),
        }
    }

    /// `$select`: the properties to return.
    pub fn select<I, S>(mut self, properties: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.query.select = properties.into_iter().map(Into::into).collect();
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<OsImage, Error> {
        let path = self.path?;
        let pipeline = self.client.pipeline();
        let url = pipeline.url_with_query(&path, &self.query.to_query_string());
        let response = pipeline
            .send(Call::get("get", &url).id(Some(&self.id)))
            .await?;
        decode_model(&response)
    }

    /// The request as a batch step.
    pub(crate) fn into_step_spec(self) -> StepSpec {
        let query = self.query.to_query_string();
        StepSpec {
            operation: "get",
            method: Method::GET,
            url: self.path.map(|p| format!("{p}{query}")),
            headers: Vec::new(),
            body: None,
            id: None,
        }
    }
}

super::into_future::impl_into_future_by_send!(GetRequest, OsImage);
