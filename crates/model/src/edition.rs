//! `managedDeviceWindowsOperatingSystemEdition`.

use chrono::NaiveDate;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;

use crate::date::serde_opt::OptDate;
use crate::key::Key;
use crate::null::place;
use crate::{EDITION_ODATA_TYPE, EditionType, Extra};

/// A Windows edition an image supports and the date its support ends: Graph's complex type
/// `managedDeviceWindowsOperatingSystemEdition` (`@odata.type` `microsoft.graph.managedDeviceWindowsOperatingSystemEdition`).
///
/// Every property is optional here because `$select` and partial bodies leave them out; Graph marks them
/// non-nullable, which validation checks.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Edition {
    /// `@odata.type`, when the body carried one.
    pub odata_type: Option<String>,
    /// `editionType`.
    pub edition_type: Option<EditionType>,
    /// `supportEndDate` (`Edm.Date`, Pacific Time per the docs).
    pub support_end_date: Option<NaiveDate>,
    /// Properties this version does not know, written back unchanged.
    pub extra: Extra,
}

impl Edition {
    /// An edition with its end-of-support date, without `@odata.type`.
    ///
    /// ```
    /// use intune_osimages_model::{Edition, EditionType};
    /// let e = Edition::new(EditionType::Enterprise, "2027-10-12".parse().unwrap());
    /// assert_eq!(serde_json::to_string(&e).unwrap(),
    ///     r#"{"editionType":"enterprise","supportEndDate":"2027-10-12"}"#);
    /// ```
    pub fn new(edition_type: EditionType, support_end_date: NaiveDate) -> Self {
        Edition {
            odata_type: None,
            edition_type: Some(edition_type),
            support_end_date: Some(support_end_date),
            extra: Extra::new(),
        }
    }

    /// The same edition carrying its `@odata.type` annotation, as the seed's bodies do.
    pub fn with_odata_type(mut self) -> Self {
        self.odata_type = Some(EDITION_ODATA_TYPE.to_owned());
        self
    }
}

impl serde::Serialize for Edition {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if let Some(t) = &self.odata_type {
            map.serialize_entry("@odata.type", t)?;
        }
        if let Some(t) = &self.edition_type {
            map.serialize_entry("editionType", t)?;
        }
        if let Some(d) = &self.support_end_date {
            map.serialize_entry("supportEndDate", &DateOut(d))?;
        }
        for (k, v) in &self.extra {
            // A remembered `null` gives way to a value set since.
            let set = match k.as_str() {
                "@odata.type" => self.odata_type.is_some(),
                "editionType" => self.edition_type.is_some(),
                "supportEndDate" => self.support_end_date.is_some(),
                _ => false,
            };
            if !set {
                map.serialize_entry(k, v)?;
            }
        }
        map.end()
    }
}

struct DateOut<'a>(&'a NaiveDate);

impl serde::Serialize for DateOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::date::serde_opt::serialize(self.0, serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Edition {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Edition;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a managedDeviceWindowsOperatingSystemEdition object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Edition, A::Error> {
                let mut out = Edition::default();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    match &*key {
                        "@odata.type" => {
                            place(&mut out.odata_type, &mut out.extra, &key, map.next_value()?)
                        }
                        "editionType" => place(
                            &mut out.edition_type,
                            &mut out.extra,
                            &key,
                            map.next_value()?,
                        ),
                        "supportEndDate" => place(
                            &mut out.support_end_date,
                            &mut out.extra,
                            &key,
                            map.next_value::<OptDate>()?.0,
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
