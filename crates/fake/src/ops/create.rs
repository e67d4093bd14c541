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
/// The image is stored as sent (in lenient mode, unknown properties and enum values included), except OData control
/// annotations such as `@odata.context`; `@odata.type` is kept. Without an `id` it gets a GUID; an absent collection
/// is stored empty.
pub(super) fn create(
    graph: &Inner,
    route: &Route,
    query: &Query,
    request: &Request,
) -> Result<Reply, GraphError> {
    query.allow_only(&[Opt::Format], "a create")?;
    let mut object = body::read_object(request, Operation::Create, body::Strictness::of(graph))?;
    let id = match object.get("id") {
        Some(Value::String(id)) if !id.is_empty() => id.clone(),
        Some(other) if !other.is_string() => {
            return Err(GraphError::bad_request(format!(
                "'id' must be a string, found {}",
                intune_osimages_validate::describe_json(other)
            )));
        }
        Some(_) => {
            return Err(GraphError::bad_request(
                "'id' is empty; send the image's key (such as 'Windows 11 24H2') or leave it out to get a GUID",
            ));
        }
        // Graph's metadata marks nothing required and its docs' create example sends no id: the service assigns one.
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            object.insert("id".to_owned(), Value::String(id.clone()));
            id
        }
    };
    // The collections are non-nullable: absent ones start empty, as a read of the new image shows them.
    for collection in [
        "supportedEditions",
        "supportedArchitectures",
        "availableUpdates",
    ] {
        object
            .entry(collection)
            .or_insert_with(|| Value::Array(Vec::new()));
    }
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
