//! The seed's request and response bodies, and bodies full of things this version does not know, round-trip exactly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_model::{
    Architecture, EditionType, IMAGE_ODATA_TYPE, OsImage, OsImagePatch, Page, Patch,
};
use serde_json::{Value, json};

const REQUEST: &str = include_str!("../fixtures/seed/update-request.json");
const RESPONSE: &str = include_str!("../fixtures/seed/update-response.json");

fn value(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn seed_request_parses_as_an_image_and_writes_back_equal() {
    let image: OsImage = serde_json::from_str(REQUEST).unwrap();
    assert_eq!(image.odata_type.as_deref(), Some(IMAGE_ODATA_TYPE));
    assert_eq!(image.id, None);
    assert_eq!(image.editions().len(), 1);
    let edition = &image.editions()[0];
    assert_eq!(edition.edition_type, Some(EditionType::ProfessionalN));
    assert_eq!(
        edition.support_end_date,
        Some("2016-12-31".parse().unwrap())
    );
    assert_eq!(image.architectures(), [Architecture::X86]);
    let update = &image.updates()[0];
    assert_eq!(update.build_version.as_deref(), Some("Build Version value"));
    assert_eq!(update.released(), Some((11, 12)));
    assert!(image.extra.is_empty());
    assert_eq!(serde_json::to_value(&image).unwrap(), value(REQUEST));
}

#[test]
fn seed_request_parses_as_a_patch_and_writes_back_equal() {
    let patch: OsImagePatch = serde_json::from_str(REQUEST).unwrap();
    assert_eq!(patch.odata_type, Patch::Value(IMAGE_ODATA_TYPE.to_owned()));
    assert!(matches!(&patch.supported_editions, Patch::Value(e) if e.len() == 1));
    assert_eq!(
        patch.supported_architectures,
        Patch::Value(vec![Architecture::X86])
    );
    assert!(matches!(&patch.available_updates, Patch::Value(u) if u.len() == 1));
    assert!(patch.extra.is_empty());
    assert_eq!(serde_json::to_value(&patch).unwrap(), value(REQUEST));
}

#[test]
fn seed_response_parses_and_writes_back_equal() {
    let image: OsImage = serde_json::from_str(RESPONSE).unwrap();
    assert_eq!(image.id_str(), "32a4ac62-ac62-32a4-62ac-a43262aca432");
    assert_eq!(serde_json::to_value(&image).unwrap(), value(RESPONSE));
    // Through text as well as through Value.
    let again: OsImage = serde_json::from_str(&serde_json::to_string(&image).unwrap()).unwrap();
    assert_eq!(again, image);
}

fn unknowns_everywhere() -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDeviceWindowsOSImages/$entity",
        "@odata.type": "#microsoft.graph.managedDeviceWindowsOperatingSystemImage",
        "@odata.etag": "W/\"1\"",
        "id": "Windows 12 26H2",
        "displayName": "Windows 12",
        "lifecycle": {"phase": "preview", "notes": [1, 2.5, null, true]},
        "supportedEditions": [
            {
                "@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemEdition",
                "editionType": "proWorkstationIoT",
                "supportEndDate": "2031-10-14",
                "servicingChannel": "generalAvailability",
                "extended": {"until": "2034-10-10"}
            },
            {"editionType": "unknownFutureValue", "supportEndDate": "2030-01-31", "flags": []}
        ],
        "supportedArchitectures": ["x64", "riscV64", "ARM64", "arM64"],
        "availableUpdates": [
            {
                "@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemUpdate",
                "buildVersion": "10.0.28000.1",
                "releaseMonth": 1,
                "releaseYear": 2031,
                "kb": "KB9999999",
                "hotpatch": false,
                "size": 1.5e9
            }
        ],
        "newCollection@odata.type": "#Collection(String)",
        "newCollection": ["a", "b"]
    })
}

#[test]
fn unknown_enum_values_and_properties_at_every_level_round_trip_exactly() {
    let body = unknowns_everywhere();
    let text = serde_json::to_string(&body).unwrap();
    let image: OsImage = serde_json::from_str(&text).unwrap();
    assert_eq!(
        image.architectures()[1],
        Architecture::Other("riscV64".into())
    );
    assert_eq!(
        image.architectures()[2],
        Architecture::Other("ARM64".into()),
        "wrong case is not the known member"
    );
    assert_eq!(image.architectures()[3], Architecture::Arm64);
    assert_eq!(
        image.editions()[0].edition_type,
        Some(EditionType::Other("proWorkstationIoT".into()))
    );
    assert_eq!(
        image.editions()[1].edition_type,
        Some(EditionType::UnknownFutureValue)
    );
    assert!(image.extra.contains_key("@odata.context"));
    assert!(image.extra.contains_key("lifecycle"));
    assert!(image.editions()[0].extra.contains_key("servicingChannel"));
    assert!(image.updates()[0].extra.contains_key("kb"));

    assert_eq!(serde_json::to_value(&image).unwrap(), body);
    let from_value: OsImage = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(from_value, image);

    let patch: OsImagePatch = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_value(&patch).unwrap(), body);

    let page_body = json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDeviceWindowsOSImages",
        "@odata.count": 2,
        "@odata.deltaLink": "https://graph.microsoft.com/beta/x?$deltatoken=1",
        "value": [body, {"id": "Windows 11 24H2"}],
        "@odata.nextLink": "https://graph.microsoft.com/beta/x?$skiptoken=2"
    });
    let page: Page<OsImage> = serde_json::from_value(page_body.clone()).unwrap();
    assert!(page.extra.contains_key("@odata.deltaLink"));
    assert_eq!(serde_json::to_value(&page).unwrap(), page_body);
}
