//! The scalar-only serializers: a map key and a `RawValue`'s text.

use serde::Serialize;
use serde::ser::{self, Impossible};

use super::{Error, Pretty, Result};

/// Serializers that take one kind of scalar; everything else is refused with the given message.
macro_rules! refuse_others {
    ($why:expr; $($method:ident($($arg:ty),*)),* $(,)?) => {
        $(
            fn $method(self, $(_: $arg),*) -> Result {
                Err(Error($why.to_owned()))
            }
        )*
    };
}

macro_rules! refuse_compounds {
    ($why:expr) => {
        type SerializeSeq = Impossible<(), Error>;
        type SerializeTuple = Impossible<(), Error>;
        type SerializeTupleStruct = Impossible<(), Error>;
        type SerializeTupleVariant = Impossible<(), Error>;
        type SerializeMap = Impossible<(), Error>;
        type SerializeStruct = Impossible<(), Error>;
        type SerializeStructVariant = Impossible<(), Error>;
        fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result {
            Err(Error($why.to_owned()))
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result {
            Err(Error($why.to_owned()))
        }
        fn serialize_seq(self, _: Option<usize>) -> Result<Impossible<(), Error>> {
            Err(Error($why.to_owned()))
        }
        fn serialize_tuple(self, _: usize) -> Result<Impossible<(), Error>> {
            Err(Error($why.to_owned()))
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Impossible<(), Error>> {
            Err(Error($why.to_owned()))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Impossible<(), Error>> {
            Err(Error($why.to_owned()))
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Impossible<(), Error>> {
            Err(Error($why.to_owned()))
        }
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Impossible<(), Error>> {
            Err(Error($why.to_owned()))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Impossible<(), Error>> {
            Err(Error($why.to_owned()))
        }
    };
}

/// A map key: a string written as one; any other key is handed to serde_json, which quotes numbers and booleans
/// and refuses the rest, so keys read as serde_json writes them.
pub(super) struct MapKey<'p, 'a>(pub(super) &'p mut Pretty<'a>);

impl MapKey<'_, '_> {
    fn through_serde_json<K: Serialize>(self, key: K) -> Result {
        /// A one-member object whose key serde_json writes; the key's text is cut out of it.
        struct One<K>(K);
        impl<K: Serialize> Serialize for One<K> {
            fn serialize<S: ser::Serializer>(
                &self,
                serializer: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                use ser::SerializeMap;
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(&self.0, &())?;
                map.end()
            }
        }
        let text = serde_json::to_vec(&One(key)).map_err(ser::Error::custom)?;
        let key = text
            .strip_prefix(b"{")
            .and_then(|t| t.strip_suffix(b":null}"))
            .ok_or_else(|| Error("serde_json wrote a map key in an unexpected shape".into()))?;
        self.0.out.extend_from_slice(key);
        Ok(())
    }
}

/// The serializer's scalar methods other than strings, each handing its value to `$handler`.
macro_rules! scalars_to {
    ($handler:ident) => {
        scalars_to!($handler;
            serialize_bool(bool),
            serialize_i8(i8),
            serialize_i16(i16),
            serialize_i32(i32),
            serialize_i64(i64),
            serialize_i128(i128),
            serialize_u8(u8),
            serialize_u16(u16),
            serialize_u32(u32),
            serialize_u64(u64),
            serialize_u128(u128),
            serialize_f32(f32),
            serialize_f64(f64),
            serialize_char(char),
        );
    };
    ($handler:ident; $($method:ident($t:ty)),* $(,)?) => {
        $(
            fn $method(self, value: $t) -> Result {
                self.$handler(value)
            }
        )*
    };
}

const KEY_MUST_BE_A_STRING: &str = "key must be a string";

impl ser::Serializer for MapKey<'_, '_> {
    type Ok = ();
    type Error = Error;
    refuse_compounds!(KEY_MUST_BE_A_STRING);

    fn serialize_str(self, value: &str) -> Result {
        self.0.string(value)
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.0.string(variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Result {
        value.serialize(self)
    }

    scalars_to!(through_serde_json);

    refuse_others!(KEY_MUST_BE_A_STRING;
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
    );
}

/// A `RawValue`'s one field: its text.
pub(super) struct RawText<'p, 'a>(pub(super) &'p mut Pretty<'a>);

const RAW_VALUE_IS_TEXT: &str = "a raw JSON value must be its text";

impl RawText<'_, '_> {
    fn refuse<V>(self, _: V) -> Result {
        Err(Error(RAW_VALUE_IS_TEXT.to_owned()))
    }
}

impl ser::Serializer for RawText<'_, '_> {
    type Ok = ();
    type Error = Error;
    refuse_compounds!(RAW_VALUE_IS_TEXT);

    fn serialize_str(self, value: &str) -> Result {
        if self.0.members.is_some() {
            // Its members are chosen and ordered too, as a `serde_json::Value` of it would be.
            let value: serde_json::Value =
                serde_json::from_str(value).map_err(ser::Error::custom)?;
            return value.serialize(&mut *self.0);
        }
        self.0.raw(value);
        Ok(())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, _: &T) -> Result {
        Err(Error(RAW_VALUE_IS_TEXT.to_owned()))
    }

    scalars_to!(refuse);

    refuse_others!(RAW_VALUE_IS_TEXT;
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );
}
