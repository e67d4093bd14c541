//! `managedDeviceWindowsOperatingSystemUpdate`.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;

use crate::key::Key;
use crate::null::place;
use crate::{Extra, UPDATE_ODATA_TYPE};

/// A quality or security update available for an image: Graph's complex type
/// `managedDeviceWindowsOperatingSystemUpdate` (`@odata.type` `microsoft.graph.managedDeviceWindowsOperatingSystemUpdate`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OsUpdate {
    /// `@odata.type`, when the body carried one.
    pub odata_type: Option<String>,
    /// `buildVersion`, such as `10.0.26100.7171`.
    pub build_version: Option<String>,
    /// `releaseMonth` (Int32, 1 to 12).
    pub release_month: Option<i32>,
    /// `releaseYear` (Int32).
    pub release_year: Option<i32>,
    /// Properties this version does not know, written back unchanged.
    pub extra: Extra,
}

impl OsUpdate {
    /// An update with its build and release month, without `@odata.type`.
    ///
    /// ```
    /// use intune_osimages_model::OsUpdate;
    /// let u = OsUpdate::new("10.0.26100.7171", 2026, 11);
    /// assert_eq!(u.release_month, Some(11));
    /// ```
    pub fn new(build_version: impl Into<String>, release_year: i32, release_month: i32) -> Self {
        OsUpdate {
            odata_type: None,
            build_version: Some(build_version.into()),
            release_month: Some(release_month),
            release_year: Some(release_year),
            extra: Extra::new(),
        }
    }

    /// The same update carrying its `@odata.type` annotation, as the seed's bodies do.
    pub fn with_odata_type(mut self) -> Self {
        self.odata_type = Some(UPDATE_ODATA_TYPE.to_owned());
        self
    }

    /// `(releaseYear, releaseMonth)` when both are present, for ordering updates by release.
    pub fn released(&self) -> Option<(i32, i32)> {
        Some((self.release_year?, self.release_month?))
    }
}

impl serde::Serialize for OsUpdate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(t) = &self.odata_type {
            map.serialize_entry("@odata.type", t)?;
        }
        if let Some(v) = &self.build_version {
            map.serialize_entry("buildVersion", v)?;
        }
        if let Some(v) = &self.release_month {
            map.serialize_entry("releaseMonth", v)?;
        }
        if let Some(v) = &self.release_year {
            map.serialize_entry("releaseYear", v)?;
        }
        for (k, v) in &self.extra {
            // A remembered `null` gives way to a value set since.
            let set = match k.as_str() {
                "@odata.type" => self.odata_type.is_some(),
                "buildVersion" => self.build_version.is_some(),
                "releaseMonth" => self.release_month.is_some(),
                "releaseYear" => self.release_year.is_some(),
                _ => false,
            };
            if !set {
                map.serialize_entry(k, v)?;
            }
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for OsUpdate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OsUpdate;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a managedDeviceWindowsOperatingSystemUpdate object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OsUpdate, A::Error> {
                let mut out = OsUpdate::default();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    match &*key {
                        "@odata.type" => {
                            place(&mut out.odata_type, &mut out.extra, &key, map.next_value()?)
                        }
                        "buildVersion" => place(
                            &mut out.build_version,
                            &mut out.extra,
                            &key,
                            map.next_value()?,
                        ),
                        "releaseMonth" => place(
                            &mut out.release_month,
                            &mut out.extra,
                            &key,
                            map.next_value()?,
                        ),
                        "releaseYear" => place(
                            &mut out.release_year,
                            &mut out.extra,
                            &key,
                            map.next_value()?,
                        ),
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
