//! Serde for Graph's objects, written once: known properties by their wire names, everything else kept in `extra`,
//! keys read without allocating, and a known property that arrived as `null` written back as `null`.

use chrono::NaiveDate;
use serde::de::MapAccess;
use serde::ser::SerializeMap;

use crate::date::serde_opt::{OptDate, serialize as serialize_date};
use crate::{Architecture, Edition, EditionType, OsUpdate};

/// How a property's value is read and written: its serde form, except `Edm.Date`, which is strictly `YYYY-MM-DD`.
pub(crate) trait WireValue: Sized {
    /// Writes `key: self` into the object being serialized.
    fn write<M: SerializeMap>(&self, map: &mut M, key: &str) -> Result<(), M::Error>;
    /// Reads the value of the key just read; `null` is `None`.
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Self>, A::Error>;
}

macro_rules! serde_wire_value {
    ($($t:ty),* $(,)?) => {
        $(
            impl WireValue for $t {
                fn write<M: SerializeMap>(&self, map: &mut M, key: &str) -> Result<(), M::Error> {
                    map.serialize_entry(key, self)
                }
                fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Self>, A::Error> {
                    map.next_value()
                }
            }
        )*
    };
}

serde_wire_value!(
    String,
    i32,
    EditionType,
    Vec<Edition>,
    Vec<Architecture>,
    Vec<OsUpdate>,
);

impl WireValue for NaiveDate {
    fn write<M: SerializeMap>(&self, map: &mut M, key: &str) -> Result<(), M::Error> {
        struct GraphDate<'a>(&'a NaiveDate);
        impl serde::Serialize for GraphDate<'_> {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serialize_date(self.0, serializer)
            }
        }
        map.serialize_entry(key, &GraphDate(self))
    }

    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Self>, A::Error> {
        Ok(map.next_value::<OptDate>()?.0)
    }
}

/// Implements `Serialize` and `Deserialize` for a Graph object: a struct with `Default`, an `Option` field per known
/// property (listed with its wire name, in the order they are written) and an `extra: Extra` field.
// Hand-written rather than derived or built with serde_with: these visitors match keys without allocating and
// decode 1.7x faster than `serde_json::Value` on the same bytes (`cargo xtask bench`, docs/benchmarks.md), a lead
// the derive's flattened `extra` map would lose.
macro_rules! graph_object {
    ($ty:ident, $expecting:literal, { $($field:ident: $wire:literal),+ $(,)? }) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                $(
                    if let Some(value) = &self.$field {
                        $crate::object::WireValue::write(value, &mut map, $wire)?;
                    }
                )+
                for (key, value) in &self.extra {
                    // A remembered `null` gives way to a value set since.
                    let set = match key.as_str() {
                        $($wire => self.$field.is_some(),)+
                        _ => false,
                    };
                    if !set {
                        map.serialize_entry(key, value)?;
                    }
                }
                map.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$ty, A::Error> {
                        let mut out = <$ty>::default();
                        while let Some($crate::key::Key(key)) = map.next_key::<$crate::key::Key<'de>>()? {
                            match &*key {
                                $(
                                    $wire => {
                                        let value = $crate::object::WireValue::read(&mut map)?;
                                        $crate::null::place(&mut out.$field, &mut out.extra, &key, value);
                                    }
                                )+
                                _ => {
                                    let value = map.next_value()?;
                                    out.extra.insert(key.into_owned(), value);
                                }
                            }
                        }
                        Ok(out)
                    }
                }
                deserializer.deserialize_map(V)
            }
        }
    };
}

pub(crate) use graph_object;
