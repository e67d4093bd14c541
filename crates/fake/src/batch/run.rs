//! Running a batch's items in order: 424 after a failed dependency, scripted item faults, otherwise the same
//! handlers as a single request; and each answer written as a batch response item.

use http::StatusCode;
use http::header::CONTENT_TYPE;
use intune_osimages_transport::Response;
use serde_json::{Map, Value};

use super::envelope::Item;
use crate::graph::ServiceState;
use crate::reply::{self, GraphError, Ids};

/// Runs every item and returns the `responses` array, in the items' order.
pub(super) fn run(inner: &ServiceState, items: &[Item], faults: bool) -> Vec<Value> {
    let mut statuses: Vec<StatusCode> = Vec::with_capacity(items.len());
    let mut responses = Vec::with_capacity(items.len());
    for (position, item) in items.iter().enumerate() {
        let failed = item.depends_on.iter().find_map(|&j| {
            let status = *statuses.get(j)?;
            let dependency = items.get(j)?;
            (!status.is_success()).then_some((dependency.id.as_str(), status))
        });
        let scripted = || {
            faults
                .then(|| inner.faults.take_item(position + 1, &item.id))
                .flatten()
        };
        let response = if let Some((id, status)) = failed {
            let e = GraphError::new(
                StatusCode::FAILED_DEPENDENCY,
                "FailedDependency",
                format!(
                    "This request depends on request {id:?}, which failed with status {}, so it was not run",
                    status.as_u16()
                ),
            );
            reply::error_response(&Ids::for_request(&item.request), &e)
        } else if let Some((status, retry_after)) = scripted() {
            tracing::debug!(%status, position = position + 1, "fake Graph: scripted batch item status");
            reply::error_response(
                &Ids::for_request(&item.request),
                &GraphError::scripted(status, retry_after),
            )
        } else {
            inner.respond_one(&item.request, faults)
        };
        statuses.push(response.status());
        responses.push(to_item(&item.id, &response));
    }
    responses
}

/// `{"id","status","headers","body"?}`: a JSON body as JSON, any other body as a base64 string (as Graph carries
/// non-JSON answers, such as `$count`'s `text/plain`), no body when there is none.
fn to_item(id: &str, response: &Response) -> Value {
    let mut headers = Map::new();
    for name in response.headers().keys() {
        let values: Vec<String> = response
            .headers()
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        headers.insert(name.as_str().to_owned(), Value::String(values.join(", ")));
    }
    let mut item = Map::new();
    item.insert("id".into(), Value::String(id.to_owned()));
    item.insert("status".into(), Value::from(response.status().as_u16()));
    item.insert("headers".into(), Value::Object(headers));
    let bytes = response.body();
    if !bytes.is_empty() {
        let json = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
        let parsed = json
            .then(|| serde_json::from_slice::<Value>(bytes).ok())
            .flatten();
        let body = parsed.unwrap_or_else(|| {
            use base64::Engine as _;
            Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
        });
        item.insert("body".into(), body);
    }
    Value::Object(item)
}
