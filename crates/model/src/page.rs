//! A page of a Graph collection.

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::ser::SerializeMap;

use crate::Extra;
use crate::key::Key;

/// One page of a Graph collection response: `{"value":[...], "@odata.nextLink"?, "@odata.count"?, "@odata.context"?}`.
///
/// ```
/// use intune_osimages_model::{OsImage, Page};
/// let page: Page<OsImage> = serde_json::from_str(
///     r#"{"value":[{"id":"Windows 11 24H2"}],"@odata.nextLink":"https://graph.microsoft.com/beta/x?$skiptoken=2"}"#,
/// ).unwrap();
/// assert_eq!(page.value[0].id_str(), "Windows 11 24H2");
/// assert!(page.next_link.is_some());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// `value`: the items of this page (possibly none, even when more pages follow).
    pub value: Vec<T>,
    /// `@odata.nextLink`: the absolute URL of the next page; never parse it, just follow it.
    pub next_link: Option<String>,
    /// `@odata.count`: the size of the whole collection, when `$count=true` was asked.
    pub count: Option<i64>,
    /// `@odata.context`.
    pub context: Option<String>,
    /// Other annotations and properties, written back unchanged.
    pub extra: Extra,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            value: Vec::new(),
            next_link: None,
            count: None,
            context: None,
            extra: Extra::new(),
        }
    }
}

impl<T> Page<T> {
    /// A page holding these items and no annotations.
    pub fn new(value: Vec<T>) -> Self {
        Page {
            value,
            ..Page::default()
        }
    }
}

impl<T: serde::Serialize> serde::Serialize for Page<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(v) = &self.context {
            map.serialize_entry("@odata.context", v)?;
        }
        if let Some(v) = &self.count {
            map.serialize_entry("@odata.count", v)?;
        }
        map.serialize_entry("value", &self.value)?;
        if let Some(v) = &self.next_link {
            map.serialize_entry("@odata.nextLink", v)?;
        }
        for (k, v) in &self.extra {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, T: DeserializeOwned> serde::Deserialize<'de> for Page<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: DeserializeOwned> Visitor<'de> for V<T> {
            type Value = Page<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a Graph collection page with a `value` array")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
                let mut out = Page::default();
                let mut saw_value = false;
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    match &*key {
                        "value" => {
                            out.value = map.next_value()?;
                            saw_value = true;
                        }
                        "@odata.nextLink" => out.next_link = map.next_value()?,
                        "@odata.count" => out.count = map.next_value()?,
                        "@odata.context" => out.context = map.next_value()?,
                        _ => {
                            let value: Box<serde_json::value::RawValue> = map.next_value()?;
                            out.extra.insert_raw(key.into_owned(), value);
                        }
                    }
                }
                if !saw_value {
                    return Err(serde::de::Error::missing_field("value"));
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(V(std::marker::PhantomData))
    }
}
