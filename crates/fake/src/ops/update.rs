//! `PATCH .../managedDeviceWindowsOSImages/{id}`.

use intune_osimages_model::OsImage;
use intune_osimages_transport::Request;
use intune_osimages_validate::Operation;
use serde_json::Value;

use super::get::entity_reply;
use super::write_body::{self, is_control_annotation};
use crate::graph::ServiceState;
use crate::query::{Opt, Query};
use crate::reply::{GraphError, Reply};
use crate::route::Route;
use crate::store::Undo;

/// Answers 200 with the updated image, 404 for an unknown id, 400 for a body Graph would refuse.
///
/// Top-level properties in the body replace the stored ones (a collection is replaced whole); properties not in
/// the body are kept. `null` for a non-nullable property is refused; `null` for an unknown property is stored.
/// `id` may be sent only unchanged. OData annotations such as `@odata.type` describe the body and are not stored.
pub(super) fn update(
    graph: &ServiceState,
    route: &Route,
    query: &Query,
    key: &str,
    request: &Request,
) -> Result<Reply, GraphError> {
    query.allow_only(&[Opt::Format], "an update")?;
    let body = write_body::read_object(
        request,
        Operation::Update,
        write_body::Strictness::of(graph),
    )?;
    let patch = &body.object;
    if let Some(name) = OsImage::SCHEMA
        .properties
        .iter()
        .filter(|p| p.non_nullable)
        .map(|p| p.wire_name)
        .find(|n| patch.get(*n).is_some_and(Value::is_null))
    {
        return Err(GraphError::bad_request(format!(
            "'{name}' cannot be null: Graph marks it non-nullable"
        )));
    }
    if let Some(id) = patch.get("id").filter(|id| id.as_str() != Some(key)) {
        return Err(GraphError::bad_request(format!(
            "'id' is the image's key and cannot be changed: the URL names '{key}', the body has {id}"
        )));
    }
    // The merge is done on the text (the stored members and the body's, values as written), so a value the fake
    // does not interpret is kept byte for byte; the previous text is kept (a reference count, not a copy) in case
    // the persistence hook refuses the change.
    let updated = graph.store.write(|images| {
        let current = images
            .get_mut(key)
            .ok_or_else(|| GraphError::no_image(key))?;
        let merged = current.merged(
            body.members
                .iter()
                .filter(|(k, _)| !is_control_annotation(k))
                .map(|(k, v)| (&**k, &**v)),
        );
        let previous = std::mem::replace(current, merged);
        Ok((current.clone(), Undo::Restore(key.to_owned(), previous)))
    })?;
    Ok(entity_reply(
        route,
        None,
        updated.json(),
        http::StatusCode::OK,
    ))
}
