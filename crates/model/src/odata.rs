//! `@odata.type` names used by this resource.

/// `@odata.type` of the entity `managedDeviceWindowsOperatingSystemImage`, in the `#`-prefixed form Graph returns.
pub const IMAGE_ODATA_TYPE: &str = "#microsoft.graph.managedDeviceWindowsOperatingSystemImage";
/// `@odata.type` of the complex type `managedDeviceWindowsOperatingSystemEdition`, in the form the seed writes.
pub const EDITION_ODATA_TYPE: &str = "microsoft.graph.managedDeviceWindowsOperatingSystemEdition";
/// `@odata.type` of the complex type `managedDeviceWindowsOperatingSystemUpdate`, in the form the seed writes.
pub const UPDATE_ODATA_TYPE: &str = "microsoft.graph.managedDeviceWindowsOperatingSystemUpdate";

/// Whether an `@odata.type` value names `expected`, accepting both the `#microsoft.graph.x` and `microsoft.graph.x`
/// forms that occur on the wire.
///
/// ```
/// use intune_osimages_model::{odata_type_matches, IMAGE_ODATA_TYPE};
/// assert!(odata_type_matches("microsoft.graph.managedDeviceWindowsOperatingSystemImage", IMAGE_ODATA_TYPE));
/// assert!(!odata_type_matches("#microsoft.graph.user", IMAGE_ODATA_TYPE));
/// ```
pub fn odata_type_matches(value: &str, expected: &str) -> bool {
    value.trim_start_matches('#') == expected.trim_start_matches('#')
}
