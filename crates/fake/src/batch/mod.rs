//! JSON batching: `POST {root}/$batch` runs up to 20 requests, each through the same handlers as a single request,
//! and answers 200 with every item's own status, headers and body.
//!
//! Graph's rules, as concepts/json-batching.md states them: the body is `{"requests":[{"id","method","url",
//! "headers"?,"body"?,"dependsOn"?}]}`; at most [`MAX_BATCH_REQUESTS`] requests; ids unique ignoring case; `url`
//! relative to the version (a leading `/` optional); `headers` carries `Content-Type` when a `body` is given; an item
//! whose dependency failed answers 424 and is not run. A malformed batch is refused whole with 400 naming every
//! problem by its JSON Pointer. Items run in the order given, which `dependsOn` (only on earlier items) never
//! contradicts; the answer lists them in that order (Graph promises no order).

mod envelope;
mod run;

use http::{Method, StatusCode};
use intune_osimages_transport::{Request, Response};

use crate::graph::ServiceState;
use crate::reply::{self, GraphError, Ids, Reply};

/// The most requests one `$batch` may hold, as Graph allows.
pub const MAX_BATCH_REQUESTS: usize = 20;

/// The service root a `$batch` path is under (`http://host/beta` for `/beta/$batch`), or `None` when the path is not
/// a batch. The segments are matched ignoring ASCII case and `$batch` may be percent-encoded (`%24batch`); the path
/// is exactly the version and the batch segment, as on Graph.
pub(crate) fn service_root(request: &Request) -> Option<String> {
    let path = request.uri().path();
    let (version, last) = path.strip_prefix('/')?.split_once('/')?;
    let is_batch = last.eq_ignore_ascii_case("$batch") || last.eq_ignore_ascii_case("%24batch");
    if !is_batch || !version.eq_ignore_ascii_case(crate::route::VERSION) {
        return None;
    }
    let origin = crate::route::origin(request, request.uri());
    Some(format!("{origin}/{version}"))
}

/// Answers a `$batch` request: 405 for another method than POST, 400 or 415 for a malformed batch, else 200 with
/// the items' answers. `faults` says whether scripted batch-item faults apply.
pub(crate) fn respond(
    inner: &ServiceState,
    request: &Request,
    root: &str,
    faults: bool,
) -> Response {
    let ids = Ids::for_request(request);
    let outcome = if request.method() == Method::POST {
        envelope::parse(request, root).and_then(|items| {
            let responses = run::run(inner, &items, faults);
            serde_json::to_vec(&serde_json::json!({ "responses": responses }))
                .map(|body| Reply::Json(StatusCode::OK, body.into()))
                .map_err(|e| {
                    GraphError::internal(format!("the batch answer could not be written: {e}"))
                })
        })
    } else {
        Err(GraphError::method_not_allowed(
            request.method(),
            "$batch",
            "POST",
        ))
    };
    if let Err(e) = &outcome {
        tracing::debug!(status = %e.status, message = %e.message, "fake Graph: batch refused");
    }
    reply::finish(&ids, outcome)
}
