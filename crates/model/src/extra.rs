//! The map that keeps properties a type does not know, as their exact JSON text.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::key::Key;

/// Properties of a Graph object that this version of the model does not know, kept by name and written back
/// unchanged (in name order), so a newer Graph field survives a read-modify-write cycle. A known property that arrived
/// as `null` is remembered here too, and written back as `null` unless its field has been given a value since.
///
/// Each value is kept as the JSON text it arrived as ([`RawValue`]), not as a [`serde_json::Value`]: a number such
/// as `123456789012345678901234567890` or a long decimal is written back byte for byte, where a `Value` would turn
/// it into the nearest `f64`. Read a value with [`Extra::get`] (parsed) or [`Extra::get_raw`] (the text).
///
/// ```
/// use intune_osimages_model::OsImage;
/// let text = r#"{"id":"w","ratio":0.10000000000000000000000001,"serial":123456789012345678901234567890}"#;
/// let image: OsImage = serde_json::from_str(text).unwrap();
/// assert_eq!(image.extra.get_raw("serial").unwrap().get(), "123456789012345678901234567890");
/// assert_eq!(serde_json::to_string(&image).unwrap(), text);
/// ```
#[derive(Clone, Default)]
pub struct Extra(BTreeMap<String, Box<RawValue>>);

impl Extra {
    /// An empty map.
    pub fn new() -> Self {
        Extra::default()
    }

    /// How many properties it keeps.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it keeps none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether it keeps a property with this name.
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// The property's value, parsed (numbers beyond `f64` become the nearest `f64`; use [`Extra::get_raw`] for the
    /// exact text).
    pub fn get(&self, key: &str) -> Option<Value> {
        // The text is JSON (it came from a parser or a serializer), so it parses; `Null` is only a formal fallback.
        self.0
            .get(key)
            .map(|raw| serde_json::from_str(raw.get()).unwrap_or(Value::Null))
    }

    /// The property's JSON text, exactly as it arrived.
    pub fn get_raw(&self, key: &str) -> Option<&RawValue> {
        self.0.get(key).map(AsRef::as_ref)
    }

    /// Keeps `value` under `key`, replacing any value kept before (returned, as its text).
    pub fn insert(&mut self, key: String, value: Value) -> Option<Box<RawValue>> {
        self.insert_raw(key, raw(&value))
    }

    /// Keeps this JSON text under `key`, replacing any value kept before.
    pub fn insert_raw(
        &mut self,
        key: impl Into<String>,
        value: Box<RawValue>,
    ) -> Option<Box<RawValue>> {
        self.0.insert(key.into(), value)
    }

    /// Drops the property, returning its text.
    pub fn remove(&mut self, key: &str) -> Option<Box<RawValue>> {
        self.0.remove(key)
    }

    /// The names kept, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// The properties kept, in name order, each with its JSON text.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_ref()))
    }
}

/// The JSON text of a value.
fn raw(value: &Value) -> Box<RawValue> {
    // Writing a `Value` (string keys only) cannot fail; `null` is only a formal fallback.
    serde_json::value::to_raw_value(value).unwrap_or_else(|_| RawValue::NULL.to_owned())
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| (k, v.get())))
            .finish()
    }
}

impl PartialEq for Extra {
    /// The same names with the same JSON values: the same text, or texts that parse to equal values (so `{"a": 1}`
    /// equals `{"a":1}`).
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self.0.iter().zip(&other.0).all(|((ka, va), (kb, vb))| {
                ka == kb
                    && (va.get() == vb.get()
                        || serde_json::from_str::<Value>(va.get()).ok()
                            == serde_json::from_str::<Value>(vb.get()).ok())
            })
    }
}

// Equal texts parse to equal values, and JSON has no NaN: the relation is an equivalence.
impl Eq for Extra {}

impl From<serde_json::Map<String, Value>> for Extra {
    fn from(map: serde_json::Map<String, Value>) -> Self {
        map.into_iter().collect()
    }
}

impl FromIterator<(String, Value)> for Extra {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Extra(iter.into_iter().map(|(k, v)| (k, raw(&v))).collect())
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a str, &'a RawValue);
    type IntoIter = Box<dyn Iterator<Item = (&'a str, &'a RawValue)> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl serde::Serialize for Extra {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for Extra {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Extra;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Extra, A::Error> {
                let mut out = Extra::new();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    out.insert_raw(key.into_owned(), map.next_value()?);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(V)
    }
}
