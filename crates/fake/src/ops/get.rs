//! `GET .../managedDeviceWindowsOSImages/{id}`.

use serde_json::Value;

use crate::graph::Inner;
use crate::query::{Opt, Query};
use crate::reply::{GraphError, Reply};
use crate::route::Route;
use crate::shape::{self, Entity};

/// Answers 200 with the image (its `$select`ed properties, if asked) and `@odata.context` `...#.../$entity`, or 404.
pub(super) fn get(
    graph: &Inner,
    route: &Route,
    query: &Query,
    key: &str,
) -> Result<Reply, GraphError> {
    query.allow_only(&[Opt::Select, Opt::Format], "a single image")?;
    let images = graph.store.read();
    let image = images.get(key).ok_or_else(|| GraphError::no_image(key))?;
    let projected = shape::project(image, query.select.as_deref());
    entity_reply(
        route,
        query.select.as_deref(),
        &projected,
        http::StatusCode::OK,
    )
}

/// An image answer with its `@odata.context`.
pub(super) fn entity_reply(
    route: &Route,
    select: Option<&[String]>,
    image: &Value,
    status: http::StatusCode,
) -> Result<Reply, GraphError> {
    let context = format!(
        "{}/$entity",
        shape::set_context(&route.service_root, select)
    );
    let empty = serde_json::Map::new();
    let object = image.as_object().unwrap_or(&empty);
    let body = Entity {
        context: &context,
        object,
    };
    Ok(Reply::Json(status, shape::to_json(&body)?))
}
