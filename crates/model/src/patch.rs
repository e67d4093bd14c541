//! Update (PATCH) bodies: only what the caller set is sent.

use serde::{Deserialize, Serialize};

use crate::key::Key;
use crate::{Architecture, Edition, Extra, IMAGE_ODATA_TYPE, OsUpdate};

/// One property of a PATCH body, in one of three states: not sent, sent as `null`, or sent with a value.
///
/// ```
/// use intune_osimages_model::Patch;
/// assert_eq!(Patch::from(Some(3)), Patch::value(3));
/// // `None` leaves the property out; `null` is asked for by name.
/// assert!(Patch::<i32>::from(None).is_absent());
/// assert_eq!(Patch::<i32>::null(), Patch::Null);
/// assert!(Patch::<i32>::default().is_absent());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Patch<T> {
    /// Not sent: the property keeps its current value on the server.
    #[default]
    Absent,
    /// Sent as `null` on purpose.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Patch<T> {
    /// Sends `value`.
    pub fn value(value: T) -> Self {
        Patch::Value(value)
    }

    /// Sends `null` on purpose (clears the property on the server, where Graph allows it).
    pub fn null() -> Self {
        Patch::Null
    }

    /// Whether the property is left out of the body.
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// The value, when one is set.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Patch::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `Some` sends the value; `None` leaves the property out (absent), as an unset `Option` field would. Use
    /// [`Patch::null`] to send `null` on purpose.
    fn from(v: Option<T>) -> Self {
        match v {
            Some(v) => Patch::Value(v),
            None => Patch::Absent,
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Absent properties are skipped by the containing struct; reaching here means a bare value was asked for.
            Patch::Absent | Patch::Null => serializer.serialize_none(),
            Patch::Value(v) => v.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Reached only for a key that is present: `null` there is a `null` sent on purpose, never absent.
        Option::<T>::deserialize(deserializer).map(|v| v.map_or(Patch::Null, Patch::Value))
    }
}

/// The body of an update (PATCH) of a `managedDeviceWindowsOperatingSystemImage`: each property is absent (not
/// sent), `null`, or a value. A patch built from nothing serializes as `{}`.
///
/// Graph documents every property as read-only; the seed's own example writes them anyway. Validation reports
/// them unless the caller allows read-only properties (see the validate crate).
///
/// ```
/// use intune_osimages_model::{Architecture, OsImagePatch};
/// assert_eq!(serde_json::to_string(&OsImagePatch::new()).unwrap(), "{}");
/// let patch = OsImagePatch::new().supported_architectures([Architecture::X64, Architecture::Arm64]);
/// assert_eq!(serde_json::to_string(&patch).unwrap(), r#"{"supportedArchitectures":["x64","arM64"]}"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct OsImagePatch {
    /// `@odata.type`.
    pub odata_type: Patch<String>,
    /// `supportedEditions`.
    pub supported_editions: Patch<Vec<Edition>>,
    /// `supportedArchitectures`.
    pub supported_architectures: Patch<Vec<Architecture>>,
    /// `availableUpdates`.
    pub available_updates: Patch<Vec<OsUpdate>>,
    /// Further properties to send as given (for properties newer than this version). A key here that names one of
    /// the typed fields is sent only while that field is absent: a field that is set (to `null` or a value) wins,
    /// and each key is written once, as for [`crate::OsImage`].
    pub extra: Extra,
}

impl<'de> Deserialize<'de> for OsImagePatch {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OsImagePatch;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a managedDeviceWindowsOperatingSystemImage update body")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<OsImagePatch, A::Error> {
                // Hand-written: a flattened `extra` would buffer the body first, which keeps neither the exact
                // text of unknown properties nor the speed.
                let mut out = OsImagePatch::default();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    match &*key {
                        "@odata.type" => out.odata_type = map.next_value()?,
                        "supportedEditions" => out.supported_editions = map.next_value()?,
                        "supportedArchitectures" => {
                            out.supported_architectures = map.next_value()?
                        }
                        "availableUpdates" => out.available_updates = map.next_value()?,
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

impl Serialize for OsImagePatch {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        fn entry<M: SerializeMap, T: Serialize>(
            map: &mut M,
            key: &str,
            patch: &Patch<T>,
        ) -> Result<(), M::Error> {
            match patch {
                Patch::Absent => Ok(()),
                Patch::Null => map.serialize_entry(key, &()),
                Patch::Value(v) => map.serialize_entry(key, v),
            }
        }
        let mut map = serializer.serialize_map(None)?;
        entry(&mut map, "@odata.type", &self.odata_type)?;
        entry(&mut map, "supportedEditions", &self.supported_editions)?;
        entry(
            &mut map,
            "supportedArchitectures",
            &self.supported_architectures,
        )?;
        entry(&mut map, "availableUpdates", &self.available_updates)?;
        for (key, value) in &self.extra {
            if !self.sets(key) {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

impl OsImagePatch {
    /// An empty patch; it serializes as `{}`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends `@odata.type` with the entity's type name, as the seed's example does.
    pub fn with_odata_type(mut self) -> Self {
        self.odata_type = Patch::Value(IMAGE_ODATA_TYPE.to_owned());
        self
    }

    /// Sets `supportedEditions`.
    pub fn supported_editions(mut self, editions: impl IntoIterator<Item = Edition>) -> Self {
        self.supported_editions = Patch::Value(editions.into_iter().collect());
        self
    }

    /// Sets `supportedArchitectures`.
    pub fn supported_architectures(
        mut self,
        architectures: impl IntoIterator<Item = Architecture>,
    ) -> Self {
        self.supported_architectures = Patch::Value(architectures.into_iter().collect());
        self
    }

    /// Sets `availableUpdates`.
    pub fn available_updates(mut self, updates: impl IntoIterator<Item = OsUpdate>) -> Self {
        self.available_updates = Patch::Value(updates.into_iter().collect());
        self
    }

    /// Sends a further property as given.
    pub fn property(mut self, name: impl Into<String>, value: serde_json::Value) -> Self {
        self.extra.insert(name.into(), value);
        self
    }

    /// Whether a typed field with this wire name is set (to `null` or a value).
    fn sets(&self, key: &str) -> bool {
        match key {
            "@odata.type" => !self.odata_type.is_absent(),
            "supportedEditions" => !self.supported_editions.is_absent(),
            "supportedArchitectures" => !self.supported_architectures.is_absent(),
            "availableUpdates" => !self.available_updates.is_absent(),
            _ => false,
        }
    }

    /// Whether the patch would send nothing.
    pub fn is_empty(&self) -> bool {
        self.odata_type.is_absent()
            && self.supported_editions.is_absent()
            && self.supported_architectures.is_absent()
            && self.available_updates.is_absent()
            && self.extra.is_empty()
    }
}
