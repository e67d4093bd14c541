//! Response bodies: one image with its `@odata.context` first, and collection pages in Graph's key order.

use std::borrow::Cow;

use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::reply::GraphError;

/// An image as answered: `@odata.context` first, then the stored object (or the `$select`ed part of it).
pub(crate) struct Entity<'a> {
    pub(crate) context: &'a str,
    pub(crate) object: &'a Map<String, Value>,
}

impl serde::Serialize for Entity<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("@odata.context", self.context)?;
        for (k, v) in self
            .object
            .iter()
            .filter(|(k, _)| k.as_str() != "@odata.context")
        {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One page of a collection: `@odata.context`, `@odata.count`?, `@odata.nextLink`?, `value`.
pub(crate) struct CollectionPage<'a> {
    pub(crate) context: &'a str,
    pub(crate) count: Option<usize>,
    pub(crate) next_link: Option<&'a str>,
    pub(crate) value: &'a [Cow<'a, Value>],
}

impl serde::Serialize for CollectionPage<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("@odata.context", self.context)?;
        if let Some(count) = self.count {
            map.serialize_entry("@odata.count", &count)?;
        }
        if let Some(link) = self.next_link {
            map.serialize_entry("@odata.nextLink", link)?;
        }
        map.serialize_entry("value", self.value)?;
        map.end()
    }
}

/// The `$select`ed properties of a stored image; instance annotations such as `@odata.type` are kept.
pub(crate) fn project<'a>(image: &'a Value, select: Option<&[String]>) -> Cow<'a, Value> {
    let (Some(select), Value::Object(object)) = (select, image) else {
        return Cow::Borrowed(image);
    };
    let kept = object
        .iter()
        .filter(|(k, _)| k.starts_with('@') || select.iter().any(|s| s == *k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Cow::Owned(Value::Object(kept))
}

/// Serializes a body; the values are plain JSON, so this cannot fail in practice.
pub(crate) fn to_json<T: serde::Serialize>(body: &T) -> Result<Vec<u8>, GraphError> {
    serde_json::to_vec(body)
        .map_err(|e| GraphError::internal(format!("the response body could not be written: {e}")))
}

/// `@odata.context` of the entity set, with the `$select`ed properties when there are some.
pub(crate) fn set_context(service_root: &str, select: Option<&[String]>) -> String {
    let base = format!("{service_root}/$metadata#{}", crate::route::ENTITY_SET);
    match select {
        Some(props) => format!("{base}({})", props.join(",")),
        None => base,
    }
}
