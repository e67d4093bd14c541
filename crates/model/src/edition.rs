//! `managedDeviceWindowsOperatingSystemEdition`.

use chrono::NaiveDate;

use crate::object::graph_object;
use crate::{EDITION_ODATA_TYPE, EditionType, Extra};

graph_object! {
    /// A Windows edition an image supports and the date its support ends: Graph's complex type
    /// `managedDeviceWindowsOperatingSystemEdition` (`@odata.type` `microsoft.graph.managedDeviceWindowsOperatingSystemEdition`).
    ///
    /// Every property is optional here because `$select` and partial bodies leave them out; Graph marks them
    /// non-nullable, which validation checks.
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct Edition: "managedDeviceWindowsOperatingSystemEdition", EDITION_ODATA_TYPE;
    {
        /// `editionType`.
        edition_type: EditionType = "editionType" [non_nullable, filterable],
        /// `supportEndDate` (`Edm.Date`, Pacific Time per the docs).
        support_end_date: NaiveDate = "supportEndDate" [non_nullable, filterable],
    }
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
        self.odata_type = Some(EDITION_ODATA_TYPE.into());
        self
    }
}
