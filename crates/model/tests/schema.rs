//! The schema tables and the types they describe agree: every declared property is the field serde reads and
//! writes under that wire name, and the patch body carries exactly the image's writable properties.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_model::schema::{ObjectSchema, PropertyType};
use intune_osimages_model::{
    Architecture, Edition, EditionType, OsImage, OsImagePatch, OsUpdate, Patch,
};
use serde_json::Value;

fn keys(value: &impl serde::Serialize) -> Vec<String> {
    match serde_json::to_value(value).unwrap() {
        Value::Object(map) => map.keys().cloned().collect(),
        other => panic!("not an object: {other}"),
    }
}

fn declared(schema: &ObjectSchema) -> Vec<String> {
    let mut names: Vec<String> = schema.wire_names().map(str::to_owned).collect();
    names.sort();
    names
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn full_edition() -> Edition {
    Edition::new(EditionType::Enterprise, "2027-10-12".parse().unwrap())
}

fn full_image() -> OsImage {
    OsImage::new("Windows 11 24H2")
        .edition(EditionType::Enterprise, "2027-10-12".parse().unwrap())
        .architecture(Architecture::X64)
        .update("10.0.26100.7171", 2026, 11)
}

#[test]
fn every_declared_property_is_a_field_written_under_its_wire_name() {
    assert_eq!(sorted(keys(&full_image())), declared(&OsImage::SCHEMA));
    assert_eq!(sorted(keys(&full_edition())), declared(&Edition::SCHEMA));
    assert_eq!(
        sorted(keys(&OsUpdate::new("10.0.1", 2026, 1))),
        declared(&OsUpdate::SCHEMA)
    );
}

#[test]
fn every_declared_property_is_read_into_its_field_not_into_extra() {
    for (schema, body) in [
        (
            &OsImage::SCHEMA,
            serde_json::to_value(full_image()).unwrap(),
        ),
        (
            &Edition::SCHEMA,
            serde_json::to_value(full_edition()).unwrap(),
        ),
    ] {
        for property in schema.properties {
            let mut one = serde_json::Map::new();
            one.insert(
                property.wire_name.to_owned(),
                body[property.wire_name].clone(),
            );
            let one = Value::Object(one);
            let extra_is_empty = if schema == &OsImage::SCHEMA {
                serde_json::from_value::<OsImage>(one.clone())
                    .unwrap()
                    .extra
                    .is_empty()
            } else {
                serde_json::from_value::<Edition>(one.clone())
                    .unwrap()
                    .extra
                    .is_empty()
            };
            assert!(extra_is_empty, "{} landed in extra", property.wire_name);
        }
    }
}

#[test]
fn rust_names_are_the_wire_names_in_snake_case() {
    for schema in [&OsImage::SCHEMA, &Edition::SCHEMA, &OsUpdate::SCHEMA] {
        for p in schema.properties {
            let snake: String = p
                .wire_name
                .chars()
                .flat_map(|c| {
                    if c.is_ascii_uppercase() {
                        vec!['_', c.to_ascii_lowercase()]
                    } else {
                        vec![c]
                    }
                })
                .collect();
            assert_eq!(p.rust_name, snake, "in {}", schema.graph_name);
        }
    }
}

#[test]
fn the_patch_body_sends_exactly_the_image_properties_an_update_may_name() {
    let mut patch = OsImagePatch::new()
        .supported_editions([full_edition()])
        .supported_architectures([Architecture::X64])
        .available_updates([OsUpdate::new("10.0.1", 2026, 1)]);
    patch.odata_type = Patch::value("x".to_owned());
    let mut sent = keys(&patch);
    sent.retain(|k| k != "@odata.type");
    let expected: Vec<String> = OsImage::SCHEMA
        .properties
        .iter()
        .filter(|p| !p.key)
        .map(|p| p.wire_name.to_owned())
        .collect();
    assert_eq!(sorted(sent), sorted(expected));
}

#[test]
fn nested_types_point_at_their_own_tables() {
    let editions = OsImage::SCHEMA.property("supportedEditions").unwrap();
    assert_eq!(
        editions.ty,
        PropertyType::Collection(&PropertyType::Complex(&Edition::SCHEMA))
    );
    assert_eq!(
        editions.ty.graph_name(),
        "Collection(microsoft.graph.managedDeviceWindowsOperatingSystemEdition)"
    );
    let edition_type = Edition::SCHEMA.property("editionType").unwrap();
    assert_eq!(edition_type.ty, PropertyType::Enum(&EditionType::SCHEMA));
    assert_eq!(EditionType::SCHEMA.members, EditionType::WIRE_NAMES);
    assert_eq!(
        OsUpdate::SCHEMA.property("releaseMonth").unwrap().ty,
        PropertyType::Int32
    );
    assert_eq!(
        Edition::SCHEMA.property("supportEndDate").unwrap().ty,
        PropertyType::Date
    );
}

#[test]
fn only_the_key_can_be_ordered_by_and_every_image_property_selected() {
    let sortable: Vec<&str> = OsImage::SCHEMA
        .properties
        .iter()
        .filter(|p| p.sortable)
        .map(|p| p.wire_name)
        .collect();
    assert_eq!(sortable, ["id"]);
    assert!(
        OsImage::SCHEMA
            .properties
            .iter()
            .all(|p| p.selectable && p.filterable)
    );
    assert!(!OsImage::SCHEMA.declares("@odata.type"));
    assert!(!OsImage::SCHEMA.declares("SupportedEditions"));
}
