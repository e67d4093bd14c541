//! `POST .../managedDeviceWindowsOSImages`.

use intune_osimages_transport::Request;
use intune_osimages_validate::Operation;
use serde_json::Value;

use super::body::{self, is_control_annotation};
use super::get::entity_reply;
use crate::graph::Inner;
use crate::query::{Opt, Query};
use crate::reply::{GraphError, Reply};
use crate::route::Route;
use crate::store::Undo;
use crate::stored::StoredImage;

/// Answers 201 with the stored image, 409 when the id exists, 400 for a body Graph would refuse.
///
/// The image is stored as sent (unknown properties and, in lenient mode, unknown enum values included), except
/// OData control annotations such as `@odata.context`; `@odata.type` is kept.
pub(super) fn create(
    graph: &Inner,
    route: &Route,
    query: &Query,
    request: &Request,
) -> Result<Reply, GraphError> {
    query.allow_only(&[Opt::Format], "a create")?;
    let mut object = body::read_object(request, Operation::Create, graph.strict_enums)?;
    let id = match object.get("id") {
        Some(Value::String(id)) if !id.is_empty() => id.clone(),
        Some(other) if !other.is_string() => {
            return Err(GraphError::bad_request(format!(
                "'id' must be a string, found {}",
                intune_osimages_validate::describe_json(other)
            )));
        }
        _ => {
            return Err(GraphError::bad_request(
                "The request body must contain 'id', the image's key (such as 'Windows 11 24H2')",
            ));
        }
    };
    object.retain(|k, _| k == "@odata.type" || !is_control_annotation(k));
    let stored = StoredImage::from_object(&object);
    let answer = stored.clone();
    graph.store.write(|images| {
        if images.contains_key(&id) {
            return Err(GraphError::conflict(format!(
                "A managedDeviceWindowsOperatingSystemImage with id '{id}' already exists"
            )));
        }
        images.insert(id.clone(), stored);
        Ok(((), Undo::Remove(id.clone())))
    })?;
    Ok(entity_reply(
        route,
        None,
        answer.json(),
        http::StatusCode::CREATED,
    ))
}
