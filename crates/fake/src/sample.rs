//! SAMPLE DATA: a realistic catalog for tests, demos and the emulator. It is not fetched from Microsoft.
//!
//! Five releases (Windows 10 22H2, Windows 11 22H2, 23H2, 24H2, 25H2), each with the ten editions and the
//! end-of-servicing dates of Microsoft's lifecycle pages (Pro, Pro Education and Pro for Workstations use the
//! Home/Pro date; Enterprise and Education the Enterprise/Education date; each N edition ends with its base), the
//! architectures (x64 and arM64; Windows 10 also x86), and `availableUpdates` for the Patch Tuesdays of
//! 2026-09-08, 2026-10-13 and 2026-11-10. The build numbers are real (`10.0.19045`, `22621`, `22631`, `26100`,
//! `26200`); the revision numbers after them are plausible inventions. The data lives in `sample.json`.

use intune_osimages_model::OsImage;
use serde_json::Value;

/// The sample catalog as JSON, exactly as the fake stores it.
const SAMPLE_JSON: &str = include_str!("sample.json");

/// The sample catalog (SAMPLE DATA; see the module docs) as typed images, in id order.
///
/// ```
/// let catalog = intune_osimages_fake::sample_catalog();
/// assert_eq!(catalog.len(), 5);
/// assert_eq!(catalog[3].id_str(), "Windows 11 24H2");
/// ```
pub fn sample_catalog() -> Vec<OsImage> {
    serde_json::from_str(SAMPLE_JSON).unwrap_or_default()
}

/// The sample catalog as JSON objects.
pub(crate) fn sample_values() -> Vec<Value> {
    serde_json::from_str(SAMPLE_JSON).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_parses_both_ways_and_round_trips() {
        let typed = sample_catalog();
        let raw = sample_values();
        assert_eq!(typed.len(), 5);
        assert_eq!(raw.len(), 5);
        for (image, value) in typed.iter().zip(&raw) {
            assert_eq!(&serde_json::to_value(image).unwrap(), value);
            assert_eq!(image.editions().len(), 10);
            assert_eq!(image.updates().len(), 3);
        }
    }
}
