//! `GET .../managedDeviceWindowsOSImages/{id}`.

use crate::graph::ServiceState;
use crate::query::{Opt, Query};
use crate::reply::{GraphError, Reply};
use crate::route::Route;
use crate::shape;
use crate::stored::entity_body;

/// Answers 200 with the image (its `$select`ed properties, if asked) and `@odata.context` `...#.../$entity`, or 404.
/// Without `$select` the answer is the bytes cached with the image (the stored text behind the context, made at the
/// first GET and dropped with the image when a write replaces it): nothing is serialized or copied again.
pub(super) fn get(
    graph: &ServiceState,
    route: &Route,
    query: &Query,
    key: &str,
) -> Result<Reply, GraphError> {
    query.allow_only(&[Opt::Select, Opt::Format], "a single image")?;
    let images = graph.store.read();
    let image = images.get(key).ok_or_else(|| GraphError::no_image(key))?;
    if query.select.is_none() {
        return Ok(Reply::Json(
            http::StatusCode::OK,
            image.entity_answer(&route.service_root),
        ));
    }
    let projected = shape::project(image, query.select.as_deref());
    Ok(entity_reply(
        route,
        query.select.as_deref(),
        &projected,
        http::StatusCode::OK,
    ))
}

/// An image answer (the JSON text of its object) with its `@odata.context`.
pub(super) fn entity_reply(
    route: &Route,
    select: Option<&[String]>,
    image: &[u8],
    status: http::StatusCode,
) -> Reply {
    let context = shape::set_context_then(&route.service_root, select, "/$entity");
    Reply::Json(status, entity_body(&context, image).into())
}
