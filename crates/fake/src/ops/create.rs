//! `POST .../managedDeviceWindowsOSImages`.

use intune_osimages_transport::Request;
use intune_osimages_validate::Operation;
use std::borrow::Cow;

use serde_json::Value;
use serde_json::value::RawValue;

use super::get::entity_reply;
use super::write_body::{self, is_control_annotation};
use crate::graph::ServiceState;
use crate::json_text::Member;
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
    graph: &ServiceState,
    route: &Route,
    query: &Query,
    request: &Request,
) -> Result<Reply, GraphError> {
    query.allow_only(&[Opt::Format], "a create")?;
    let body = write_body::read_object(
        request,
        Operation::Create,
        write_body::Strictness::of(graph),
    )?;
    let object = &body.object;
    // What is stored is built from the body's members, values as sent; `id` and the collections are added as text.
    let mut members: Vec<Member<'_>> = body
        .members
        .iter()
        .filter(|(k, _)| k == "@odata.type" || !is_control_annotation(k))
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    let generated: Box<RawValue>;
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
            generated = raw_string(&id);
            members.push((Cow::Borrowed("id"), &generated));
            id
        }
    };
    // The collections are non-nullable: absent ones start empty, as a read of the new image shows them.
    let empty = empty_array();
    for collection in [
        "supportedEditions",
        "supportedArchitectures",
        "availableUpdates",
    ] {
        if !object.contains_key(collection) {
            members.push((Cow::Borrowed(collection), &empty));
        }
    }
    let stored = StoredImage::from_members(members);
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

/// `text` as a JSON string value.
fn raw_string(text: &str) -> Box<RawValue> {
    // A string serializes to valid JSON; the fallback is never taken.
    serde_json::value::to_raw_value(text).unwrap_or_else(|_| empty_array())
}

/// `[]` as a JSON value.
fn empty_array() -> Box<RawValue> {
    // "[]" is valid JSON; `from_string` only checks it.
    RawValue::from_string("[]".to_owned()).unwrap_or_else(|_| RawValue::NULL.to_owned())
}
