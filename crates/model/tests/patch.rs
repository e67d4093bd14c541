//! Update bodies send exactly what the caller set: absent, `null`, or a value.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_model::{
    Architecture, Edition, EditionType, OsImage, OsImagePatch, OsUpdate, Patch,
};
use serde_json::json;

#[test]
fn a_patch_built_from_nothing_is_empty() {
    let patch = OsImagePatch::new();
    assert!(patch.is_empty());
    assert_eq!(serde_json::to_string(&patch).unwrap(), "{}");
    assert_eq!(
        serde_json::to_string(&OsImagePatch::default()).unwrap(),
        "{}"
    );
}

#[test]
fn a_patch_setting_one_field_sends_exactly_it() {
    let patch = OsImagePatch::new().supported_architectures([Architecture::Arm64]);
    assert!(!patch.is_empty());
    assert_eq!(
        serde_json::to_string(&patch).unwrap(),
        r#"{"supportedArchitectures":["arM64"]}"#
    );
    let editions = OsImagePatch::new().supported_editions([Edition::new(
        EditionType::Education,
        "2027-10-12".parse().unwrap(),
    )]);
    assert_eq!(
        serde_json::to_value(&editions).unwrap(),
        json!({"supportedEditions": [{"editionType": "education", "supportEndDate": "2027-10-12"}]})
    );
    let updates =
        OsImagePatch::new().available_updates([OsUpdate::new("10.0.26100.7171", 2026, 11)]);
    assert_eq!(
        serde_json::to_value(&updates).unwrap(),
        json!({"availableUpdates": [{"buildVersion": "10.0.26100.7171", "releaseMonth": 11, "releaseYear": 2026}]})
    );
    let further = OsImagePatch::new().property("newProperty", json!(1));
    assert_eq!(
        serde_json::to_string(&further).unwrap(),
        r#"{"newProperty":1}"#
    );
}

#[test]
fn null_is_sent_on_purpose() {
    let mut patch = OsImagePatch::new();
    patch.available_updates = Patch::Null;
    assert!(!patch.is_empty());
    assert_eq!(
        serde_json::to_string(&patch).unwrap(),
        r#"{"availableUpdates":null}"#
    );
    let mut patch = OsImagePatch::new();
    patch.supported_editions = Patch::null();
    patch.supported_architectures = Patch::Value(vec![]);
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"supportedEditions": null, "supportedArchitectures": []})
    );
}

#[test]
fn reading_a_patch_keeps_the_three_states_apart() {
    let patch: OsImagePatch =
        serde_json::from_str(r#"{"supportedEditions":null,"supportedArchitectures":["x64"]}"#)
            .unwrap();
    assert_eq!(patch.supported_editions, Patch::Null);
    assert_eq!(
        patch.supported_architectures,
        Patch::Value(vec![Architecture::X64])
    );
    assert_eq!(patch.available_updates, Patch::Absent);
    assert_eq!(patch.odata_type, Patch::Absent);
    let empty: OsImagePatch = serde_json::from_str("{}").unwrap();
    assert!(empty.is_empty());
}

#[test]
fn arm64_has_graphs_wire_spelling() {
    assert_eq!(Architecture::Arm64.as_str(), "arM64");
    assert_eq!(
        serde_json::to_string(&Architecture::Arm64).unwrap(),
        r#""arM64""#
    );
    let read: Architecture = serde_json::from_str(r#""arM64""#).unwrap();
    assert_eq!(read, Architecture::Arm64);
    let docs_spelling: Architecture = serde_json::from_str(r#""ARM64""#).unwrap();
    assert_eq!(docs_spelling, Architecture::Other("ARM64".into()));
    assert_eq!(serde_json::to_string(&docs_spelling).unwrap(), r#""ARM64""#);
    assert_eq!(
        Architecture::WIRE_NAMES,
        ["unknown", "x86", "x64", "arm", "arM64"]
    );
    assert_eq!(EditionType::WIRE_NAMES.len(), 11);
}

#[test]
fn none_leaves_a_property_out() {
    let mut patch = OsImagePatch::new();
    patch.supported_editions = Patch::from(None);
    patch.supported_architectures = Patch::from(Some(vec![Architecture::X64]));
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"supportedArchitectures": ["x64"]})
    );
}

/// A key in `extra` that repeats a typed field is written once, the same way for the entity and the patch: the
/// typed field wins while it is set, and the `extra` entry is sent only while the field is absent.
#[test]
fn an_extra_key_that_repeats_a_typed_field_is_written_once_for_image_and_patch_alike() {
    let mut image = OsImage::new("w").architecture(Architecture::X64);
    image
        .extra
        .insert("supportedArchitectures".into(), json!(["x86"]));
    image.extra.insert("availableUpdates".into(), json!([]));
    let patch = OsImagePatch::new()
        .supported_architectures([Architecture::X64])
        .property("supportedArchitectures", json!(["x86"]))
        .property("availableUpdates", json!([]));

    let image_text = serde_json::to_string(&image).unwrap();
    let patch_text = serde_json::to_string(&patch).unwrap();
    assert_eq!(
        image_text,
        r#"{"id":"w","supportedArchitectures":["x64"],"availableUpdates":[]}"#
    );
    assert_eq!(
        patch_text,
        r#"{"supportedArchitectures":["x64"],"availableUpdates":[]}"#
    );
    // A field set to null wins too.
    let mut cleared = patch.clone();
    cleared.supported_architectures = Patch::null();
    assert_eq!(
        serde_json::to_string(&cleared).unwrap(),
        r#"{"supportedArchitectures":null,"availableUpdates":[]}"#
    );
    // And the text reads back into the typed fields, not into extra.
    let back: OsImagePatch = serde_json::from_str(&patch_text).unwrap();
    assert_eq!(
        back.supported_architectures,
        Patch::value(vec![Architecture::X64])
    );
    assert!(back.extra.is_empty());
}
