//! Optional values that Graph writes as JSON strings (`Edm.Date`, `@odata.type`): `null` is `None`, and a string is
//! read by the value's own reader, borrowing from the input.

use std::marker::PhantomData;

// Hand-written like the model's object visitors (see `object.rs` for the measurement): one visitor for both
// values, reading the string borrowed from the input, where serde_with's `DisplayFromStr` would need a `FromStr`
// newtype for each and `Option<String>` an allocation per value.

/// A value read from a JSON string.
pub(crate) trait FromJsonStr: Sized {
    /// What an error says was expected instead, such as `a date written YYYY-MM-DD`.
    const EXPECTING: &'static str;

    /// Reads the string.
    fn from_json_str<E: serde::de::Error>(text: &str) -> Result<Self, E>;

    /// Reads a string the parser had to unescape into a fresh `String`; by default as [`Self::from_json_str`].
    fn from_json_string<E: serde::de::Error>(text: String) -> Result<Self, E> {
        Self::from_json_str(&text)
    }
}

/// An optional [`FromJsonStr`] value: `null` (or nothing) is `None`.
pub(crate) struct OptStr<T>(pub(crate) Option<T>);

impl<'de, T: FromJsonStr> serde::Deserialize<'de> for OptStr<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: FromJsonStr> serde::de::Visitor<'de> for V<T> {
            type Value = OptStr<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(T::EXPECTING)
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<OptStr<T>, E> {
                Ok(OptStr(None))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<OptStr<T>, E> {
                Ok(OptStr(None))
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<OptStr<T>, D::Error> {
                d.deserialize_str(self)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OptStr<T>, E> {
                T::from_json_str(v).map(|value| OptStr(Some(value)))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<OptStr<T>, E> {
                T::from_json_string(v).map(|value| OptStr(Some(value)))
            }
        }
        deserializer.deserialize_option(V(PhantomData))
    }
}
