//! `managedDeviceWindowsOperatingSystemImage`.

use chrono::NaiveDate;

use crate::object::graph_object;
use crate::{Architecture, Edition, EditionType, IMAGE_ODATA_TYPE, OsUpdate};

graph_object! {
    /// A Windows product version in Intune's OS image catalog: Graph's entity
    /// `managedDeviceWindowsOperatingSystemImage` (`@odata.type` `#microsoft.graph.managedDeviceWindowsOperatingSystemImage`),
    /// served at `/deviceManagement/managedDeviceWindowsOSImages`.
    ///
    /// Properties are optional because `$select` and partial bodies leave them out. Properties this version does not
    /// know (including `@odata.context` and `@odata.etag`) are kept in [`OsImage::extra`] and written back.
    ///
    /// ```
    /// use intune_osimages_model::{Architecture, EditionType, OsImage};
    /// let image = OsImage::new("Windows 11 24H2")
    ///     .edition(EditionType::Enterprise, "2027-10-12".parse().unwrap())
    ///     .architecture(Architecture::X64)
    ///     .update("10.0.26100.7171", 2026, 11);
    /// assert_eq!(image.editions().len(), 1);
    /// let json = serde_json::to_value(&image).unwrap();
    /// assert_eq!(json["supportedArchitectures"][0], "x64");
    /// ```
    #[derive(Debug, Clone, Default, PartialEq)]
    #[non_exhaustive]
    pub struct OsImage: "managedDeviceWindowsOperatingSystemImage", IMAGE_ODATA_TYPE;
    {
        // No property is `required_on_create`: Graph's metadata marks none required (the docs' table saying
        // "required when you create" is boilerplate; their own create example sends no id and gets a GUID).
        /// `id`: the product version, such as `Windows 11 24H2` (ids may contain spaces).
        id: String = "id" [key, non_nullable, filterable, sortable, selectable],
        /// `supportedEditions`.
        supported_editions: Vec<Edition> = "supportedEditions"
            [read_only, non_nullable, filterable, selectable],
        /// `supportedArchitectures`.
        supported_architectures: Vec<Architecture> = "supportedArchitectures"
            [read_only, non_nullable, filterable, selectable],
        /// `availableUpdates`: the last three Patch Tuesdays' builds.
        available_updates: Vec<OsUpdate> = "availableUpdates"
            [read_only, non_nullable, filterable, selectable],
    }
}

impl OsImage {
    /// An image with this id and nothing else; add to it with the builder methods.
    pub fn new(id: impl Into<String>) -> Self {
        OsImage {
            id: Some(id.into()),
            ..OsImage::default()
        }
    }

    /// Sets `@odata.type` to the entity's type name.
    pub fn with_odata_type(mut self) -> Self {
        self.odata_type = Some(IMAGE_ODATA_TYPE.into());
        self
    }

    /// Adds a supported edition.
    pub fn edition(mut self, edition_type: EditionType, support_end_date: NaiveDate) -> Self {
        self.supported_editions
            .get_or_insert_with(Vec::new)
            .push(Edition::new(edition_type, support_end_date));
        self
    }

    /// Adds a supported architecture.
    pub fn architecture(mut self, architecture: Architecture) -> Self {
        self.supported_architectures
            .get_or_insert_with(Vec::new)
            .push(architecture);
        self
    }

    /// Adds an available update.
    pub fn update(mut self, build_version: impl Into<String>, year: i32, month: i32) -> Self {
        self.available_updates
            .get_or_insert_with(Vec::new)
            .push(OsUpdate::new(build_version, year, month));
        self
    }

    /// The id, or `""` when the body had none.
    pub fn id_str(&self) -> &str {
        self.id.as_deref().unwrap_or("")
    }

    /// The supported editions (empty when absent).
    pub fn editions(&self) -> &[Edition] {
        self.supported_editions.as_deref().unwrap_or(&[])
    }

    /// The supported architectures (empty when absent).
    pub fn architectures(&self) -> &[Architecture] {
        self.supported_architectures.as_deref().unwrap_or(&[])
    }

    /// The available updates (empty when absent).
    pub fn updates(&self) -> &[OsUpdate] {
        self.available_updates.as_deref().unwrap_or(&[])
    }

    /// The most recent available update by release year and month.
    pub fn latest_update(&self) -> Option<&OsUpdate> {
        self.updates().iter().max_by_key(|u| u.released())
    }
}
