//! SAMPLE DATA: a realistic catalog for tests, demos and the emulator. It is not fetched from Microsoft.
//!
//! Seven releases as a tenant saw them on 2026-12-01: Windows 10 22H2, Windows 11 22H2, 23H2, 24H2, 25H2, 26H1 and
//! 26H2, each with the ten editions and the end-of-servicing dates of Microsoft's lifecycle pages (Pro, Pro Education
//! and Pro for Workstations use the Home/Pro date; Enterprise and Education the Enterprise/Education date; each N
//! edition ends with its base), and the architectures (x64 and arM64; Windows 10 also x86; 26H1, a release for new
//! Arm devices, arM64 only). `availableUpdates` hold the last three Patch Tuesdays of each release's servicing: a
//! release whose editions have all left servicing (Windows 10 22H2 and Windows 11 22H2, 2025-10-14; Windows 11 has no
//! extended security updates, and Windows 10's ESU builds are not in this catalog) stops at its last month, the others
//! have 2026-09, 2026-10 and 2026-11. The build numbers are real (`10.0.19045`, `22621`, `22631`, `26100`, `26200`,
//! `28000`, `26300`); the revisions after them are plausible for their months (24H2, 25H2 and 26H2 share one
//! servicing branch and so one revision per month), not copied from Microsoft's release notes. The data lives in
//! `sample.json`.

use intune_osimages_model::OsImage;
use serde_json::Value;

/// The sample catalog as JSON, exactly as the fake stores it.
const SAMPLE_JSON: &str = include_str!("sample.json");

/// The sample catalog (SAMPLE DATA; see the module docs) as typed images, in id order.
///
/// ```
/// let catalog = intune_osimages_fake::sample_catalog();
/// assert_eq!(catalog.len(), 7);
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
    use chrono::Datelike;

    use super::*;

    #[test]
    fn sample_parses_both_ways_and_round_trips() {
        let typed = sample_catalog();
        let raw = sample_values();
        assert_eq!(typed.len(), 7);
        assert_eq!(raw.len(), 7);
        for (image, value) in typed.iter().zip(&raw) {
            assert_eq!(&serde_json::to_value(image).unwrap(), value);
            assert_eq!(image.editions().len(), 10);
            assert_eq!(image.updates().len(), 3);
        }
    }

    /// Windows 11 has no extended security updates, so no release lists an update from a month after all of its
    /// editions left servicing; and the revisions of one release rise month by month.
    #[test]
    fn no_update_after_servicing_ends_and_revisions_rise() {
        for image in sample_catalog() {
            let last_day = image
                .editions()
                .iter()
                .filter_map(|edition| edition.support_end_date)
                .max()
                .unwrap();
            let mut previous = None;
            for update in image.updates() {
                let month = (update.release_year.unwrap(), update.release_month.unwrap());
                let last_month = (last_day.year(), i32::try_from(last_day.month()).unwrap());
                assert!(
                    month <= last_month,
                    "{}: update {month:?} after servicing ended {last_day}",
                    image.id_str()
                );
                let build = update.build_version.as_deref().unwrap();
                let revision: u32 = build.rsplit('.').next().unwrap().parse().unwrap();
                assert!(
                    previous.is_none_or(|p| p < revision),
                    "{}: {revision}",
                    image.id_str()
                );
                previous = Some(revision);
            }
        }
    }

    #[test]
    fn the_current_releases_are_present() {
        let ids: Vec<String> = sample_catalog()
            .iter()
            .map(|i| i.id_str().to_owned())
            .collect();
        for current in ["Windows 11 25H2", "Windows 11 26H1", "Windows 11 26H2"] {
            assert!(
                ids.iter().any(|id| id == current),
                "{current} missing: {ids:?}"
            );
        }
    }
}
