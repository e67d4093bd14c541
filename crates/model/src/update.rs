//! `managedDeviceWindowsOperatingSystemUpdate`.

use crate::object::graph_object;
use crate::{Extra, UPDATE_ODATA_TYPE};

graph_object! {
    /// A quality or security update available for an image: Graph's complex type
    /// `managedDeviceWindowsOperatingSystemUpdate` (`@odata.type` `microsoft.graph.managedDeviceWindowsOperatingSystemUpdate`).
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    #[non_exhaustive]
    pub struct OsUpdate: "managedDeviceWindowsOperatingSystemUpdate", UPDATE_ODATA_TYPE;
    {
        /// `buildVersion`, such as `10.0.26100.7171`.
        build_version: String = "buildVersion" [non_nullable, filterable],
        /// `releaseMonth` (Int32, 1 to 12).
        release_month: i32 = "releaseMonth" [non_nullable, filterable],
        /// `releaseYear` (Int32).
        release_year: i32 = "releaseYear" [non_nullable, filterable],
    }
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
        self.odata_type = Some(UPDATE_ODATA_TYPE.into());
        self
    }

    /// `(releaseYear, releaseMonth)` when both are present, for ordering updates by release.
    pub fn released(&self) -> Option<(i32, i32)> {
        Some((self.release_year?, self.release_month?))
    }
}
