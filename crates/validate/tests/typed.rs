//! Typed values are validated through the JSON they serialize to.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_model::{
    Architecture, Edition, EditionType, OsImage, OsImagePatch, OsUpdate, Patch,
};
use intune_osimages_validate::{Operation, Policy, Rule, Severity, validate_image, validate_patch};

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[test]
fn a_built_image_is_a_valid_create_body_once_read_only_is_allowed() {
    let image = OsImage::new("Windows 11 24H2")
        .with_odata_type()
        .edition(EditionType::Enterprise, date("2027-10-12"))
        .edition(EditionType::Professional, date("2026-10-13"))
        .architecture(Architecture::X64)
        .architecture(Architecture::Arm64)
        .update("10.0.26100.7171", 2026, 11);
    assert!(validate_image(&image, Operation::Create, Policy::allow_read_only()).is_empty());
    let strict = validate_image(&image, Operation::Create, Policy::strict());
    let paths: Vec<_> = strict.errors().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/availableUpdates",
            "/supportedArchitectures",
            "/supportedEditions"
        ]
    );
}

#[test]
fn what_the_types_allow_but_graph_does_not_is_caught() {
    let mut update = OsUpdate::new("10.0.26100.7171", -1, 13);
    update
        .extra
        .insert("kb".into(), serde_json::json!("KB5044284"));
    let image = OsImage::new("x")
        .architecture(Architecture::Other("ARM64".into()))
        .edition(EditionType::Other("Enterprise".into()), date("2027-10-12"));
    let mut image = image;
    image.available_updates = Some(vec![update]);
    let report = validate_image(&image, Operation::Create, Policy::allow_read_only());
    let got: Vec<_> = report
        .findings()
        .iter()
        .map(|f| (f.path.as_str(), f.rule, f.severity))
        .collect();
    assert_eq!(
        got,
        [
            (
                "/availableUpdates/0/kb",
                Rule::UnknownProperty,
                Severity::Warning
            ),
            (
                "/availableUpdates/0/releaseMonth",
                Rule::Range,
                Severity::Error
            ),
            (
                "/availableUpdates/0/releaseYear",
                Rule::Range,
                Severity::Error
            ),
            (
                "/supportedArchitectures/0",
                Rule::EnumValue,
                Severity::Error
            ),
            (
                "/supportedEditions/0/editionType",
                Rule::EnumValue,
                Severity::Error
            ),
        ]
    );
}

#[test]
fn an_empty_patch_is_valid_under_any_policy() {
    assert!(validate_patch(&OsImagePatch::new(), Policy::strict()).is_empty());
    assert!(validate_patch(&OsImagePatch::new().with_odata_type(), Policy::strict()).is_empty());
}

#[test]
fn a_patch_with_collections_needs_the_opt_in() {
    let patch = OsImagePatch::new()
        .supported_architectures([Architecture::X86])
        .supported_editions([
            Edition::new(EditionType::ProfessionalN, date("2016-12-31")).with_odata_type()
        ])
        .available_updates([OsUpdate::new("10.0.19045.1", 2016, 12).with_odata_type()]);
    let strict = validate_patch(&patch, Policy::default());
    assert_eq!(strict.len(), 3);
    assert!(strict.findings().iter().all(|f| f.rule == Rule::ReadOnly));
    assert!(validate_patch(&patch, Policy::allow_read_only()).is_empty());
}

#[test]
fn an_explicit_null_in_a_patch_is_reported() {
    let mut patch = OsImagePatch::new();
    patch.supported_editions = Patch::Null;
    let report = validate_patch(&patch, Policy::allow_read_only());
    let got: Vec<_> = report
        .findings()
        .iter()
        .map(|f| (f.path.as_str(), f.rule))
        .collect();
    assert_eq!(got, [("/supportedEditions", Rule::Null)]);
    assert_eq!(
        report.findings()[0].suggestion.as_deref(),
        Some("send [] for an empty list, or leave supportedEditions out")
    );
}

#[test]
fn further_properties_of_a_patch_are_checked_too() {
    let patch = OsImagePatch::new().property("supportedEdition", serde_json::json!([]));
    let report = validate_patch(&patch, Policy::allow_read_only());
    assert_eq!(report.len(), 1);
    let finding = &report.findings()[0];
    assert_eq!(
        (finding.rule, finding.severity),
        (Rule::UnknownProperty, Severity::Warning)
    );
    assert_eq!(
        finding.suggestion.as_deref(),
        Some("did you mean \"supportedEditions\"?")
    );
}
