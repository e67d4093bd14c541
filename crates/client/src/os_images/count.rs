//! Counting.

use http::Method;
use intune_osimages_transport::Response;

use super::COLLECTION;
use super::query::Query;
use crate::call::{Call, TEXT_PLAIN};
use crate::decode::header_str;
use crate::error::DecodeError;
use crate::{Client, Error};

/// A count request (`GET .../$count`); `.await` it, or set a [`filter`](CountRequest::filter) first.
#[derive(Debug, Clone)]
#[must_use]
pub struct CountRequest {
    client: Client,
    query: Query,
}

impl CountRequest {
    pub(super) fn new(client: Client) -> Self {
        CountRequest {
            client,
            query: Query::default(),
        }
    }

    /// `$filter`: count only matching images.
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.query.filter = Some(filter.into());
        self
    }

    /// Sends the request; Graph answers a `text/plain` integer.
    pub async fn send(self) -> Result<u64, Error> {
        let pipeline = self.client.pipeline();
        let url = pipeline.url(&format!(
            "{COLLECTION}/$count{}",
            self.query.to_query_string()
        ));
        let response = pipeline
            .send(Call::get("count", &url).accept(TEXT_PLAIN))
            .await?;
        parse_count(&response)
    }

    /// The request as a batch step.
    pub(crate) fn into_step_spec(self) -> crate::batch::StepSpec {
        crate::batch::StepSpec {
            operation: "count",
            method: Method::GET,
            url: Ok(format!(
                "{COLLECTION}/$count{}",
                self.query.to_query_string()
            )),
            headers: Vec::new(),
            body: None,
            id: None,
        }
    }
}

/// Reads `$count`'s `text/plain` answer.
pub(crate) fn parse_count(response: &Response) -> Result<u64, Error> {
    let text = String::from_utf8_lossy(response.body());
    // Graph answers text/plain, but tolerate a BOM and surrounding white space.
    text.trim_start_matches('\u{feff}')
        .trim()
        .parse::<u64>()
        .map_err(|_| {
            Error::Decode(DecodeError::new(
                ".".to_owned(),
                format!(
                    "expected a non-negative integer, got {:?}",
                    text.chars().take(80).collect::<String>()
                ),
                response.status().as_u16(),
                header_str(response.headers(), "request-id").map(str::to_owned),
            ))
        })
}

super::into_future::impl_into_future_by_send!(CountRequest, u64);
