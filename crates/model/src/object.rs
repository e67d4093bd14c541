//! Graph's objects declared once: one macro invocation per type lists its properties (wire name, Rust field, type,
//! capabilities) and from it come the struct, its schema table ([`crate::schema`]) and its serde: known properties
//! by their wire names, everything else kept in `extra`, keys read without allocating, and a known property that
//! arrived as `null` written back as `null`.

use chrono::NaiveDate;
use serde::de::MapAccess;
use serde::ser::SerializeMap;

use crate::date::serde_opt::{OptDate, serialize as serialize_date};
use crate::schema::PropertyType;
use crate::{Architecture, Edition, EditionType, OsUpdate};

/// How a property's value is read and written: its serde form, except `Edm.Date`, which is strictly `YYYY-MM-DD`.
pub(crate) trait WireValue: Sized {
    /// The property type this Rust type holds, for the schema tables.
    const TYPE: PropertyType;
    /// Writes `key: self` into the object being serialized.
    fn write<M: SerializeMap>(&self, map: &mut M, key: &str) -> Result<(), M::Error>;
    /// Reads the value of the key just read; `null` is `None`.
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Self>, A::Error>;
}

macro_rules! serde_wire_value {
    ($($t:ty => $schema:expr),* $(,)?) => {
        $(
            impl WireValue for $t {
                const TYPE: PropertyType = $schema;
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
    String => PropertyType::String,
    i32 => PropertyType::Int32,
    EditionType => PropertyType::Enum(&EditionType::SCHEMA),
    Architecture => PropertyType::Enum(&Architecture::SCHEMA),
    Vec<Edition> => PropertyType::Collection(&<Edition as WireValue>::TYPE),
    Vec<Architecture> => PropertyType::Collection(&<Architecture as WireValue>::TYPE),
    Vec<OsUpdate> => PropertyType::Collection(&<OsUpdate as WireValue>::TYPE),
);

impl WireValue for NaiveDate {
    const TYPE: PropertyType = PropertyType::Date;

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

/// Declares a Graph object: the struct (an `odata_type` field, an `Option` field per property, an `extra: Extra`
/// field), its `SCHEMA` table, and `Serialize`/`Deserialize`. Each property line is
/// `field: RustType = "wireName" [capabilities]`, the capabilities being [`crate::schema::Property`]'s builder
/// methods (`key`, `read_only`, `non_nullable`, `filterable`, `sortable`, `selectable`).
// Hand-written rather than derived or built with serde_with: these visitors match keys without allocating and
// decode a 1,000-image page 2.09x faster than `serde_json::Value` on the same bytes (criterion, 7.32 ms vs 15.29 ms;
// 1.98x fewer instructions by callgrind; docs/benchmarks.md, issue 16's third round), a lead the derive's flattened
// `extra` map would lose.
macro_rules! graph_object {
    (
        $(#[$meta:meta])*
        pub struct $ty:ident: $graph_name:literal, $odata:expr;
        {
            $(
                $(#[$fmeta:meta])*
                $field:ident: $fty:ty = $wire:literal [$($cap:ident),* $(,)?],
            )+
        }
    ) => {
        $(#[$meta])*
        pub struct $ty {
            /// `@odata.type`, when the body carried one (this resource's own names borrow a constant).
            pub odata_type: Option<std::borrow::Cow<'static, str>>,
            $(
                $(#[$fmeta])*
                pub $field: Option<$fty>,
            )+
            /// Properties this version does not know, written back unchanged.
            pub extra: $crate::Extra,
        }

        impl $ty {
            #[doc = concat!("The schema of `", $graph_name, "`: its properties and what Graph allows with each.")]
            pub const SCHEMA: $crate::schema::ObjectSchema = $crate::schema::ObjectSchema {
                graph_name: $graph_name,
                odata_type: $odata,
                properties: &[
                    $(
                        $crate::schema::Property::new(
                            $wire,
                            stringify!($field),
                            <$fty as $crate::object::WireValue>::TYPE,
                        )$(.$cap())*,
                    )+
                ],
            };
        }

        impl $crate::object::WireValue for $ty {
            const TYPE: $crate::schema::PropertyType = $crate::schema::PropertyType::Complex(&$ty::SCHEMA);
            fn write<M: serde::ser::SerializeMap>(&self, map: &mut M, key: &str) -> Result<(), M::Error> {
                map.serialize_entry(key, self)
            }
            fn read<'de, A: serde::de::MapAccess<'de>>(map: &mut A) -> Result<Option<Self>, A::Error> {
                map.next_value()
            }
        }

        // The schema decoder's reader, from the same property list and through the same placement rules as the
        // serde visitor below (see `fast_decode`).
        impl $crate::fast_decode::FastRead for $ty {
            fn fast_read(cursor: &mut $crate::fast_decode::Cursor<'_>) -> Option<Self> {
                let mut out = <$ty>::default();
                let mut nulls = $crate::null::Nulls::default();
                cursor.object(|cursor| {
                    if cursor.key("@odata.type") {
                        let value = cursor.opt(|c| $crate::odata::fast_read(c, $odata))?;
                        nulls.place(&mut out.odata_type, &mut out.extra, "@odata.type", value);
                    }
                    $(
                        else if cursor.key($wire) {
                            let value = cursor.opt(<$fty as $crate::fast_decode::FastRead>::fast_read)?;
                            nulls.place(&mut out.$field, &mut out.extra, $wire, value);
                        }
                    )+
                    else {
                        let key = cursor.other_key()?;
                        cursor.unknown(key, &mut out.extra)?;
                    }
                    Some(())
                })?;
                Some(out)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
                if let Some(value) = &self.odata_type {
                    map.serialize_entry("@odata.type", value)?;
                }
                $(
                    if let Some(value) = &self.$field {
                        $crate::object::WireValue::write(value, &mut map, $wire)?;
                    }
                )+
                // `iter()`, not `&self.extra`, whose iterator is boxed: an allocation per object written.
                for (key, value) in self.extra.iter() {
                    // A typed field that is set wins over the same key in `extra` (a remembered `null`, or a key
                    // a caller put there): each key is written once.
                    let set = match key {
                        "@odata.type" => self.odata_type.is_some(),
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
                        f.write_str(concat!("a ", $graph_name, " object"))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$ty, A::Error> {
                        let mut out = <$ty>::default();
                        let mut nulls = $crate::null::Nulls::default();
                        while let Some($crate::key::Key(key)) = map.next_key::<$crate::key::Key<'de>>()? {
                            match &*key {
                                "@odata.type" => {
                                    let value = map.next_value::<$crate::odata::ODataTypeValue>()?.0;
                                    nulls.place(&mut out.odata_type, &mut out.extra, &key, value);
                                }
                                $(
                                    $wire => {
                                        let value = $crate::object::WireValue::read(&mut map)?;
                                        nulls.place(&mut out.$field, &mut out.extra, &key, value);
                                    }
                                )+
                                _ => {
                                    let value: Box<serde_json::value::RawValue> = map.next_value()?;
                                    out.extra.insert_raw(key.into_owned(), value);
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
