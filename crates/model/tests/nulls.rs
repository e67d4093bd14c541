//! Known properties that arrive as `null` are written back as `null`, not dropped; a value set since wins.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_model::{Architecture, Edition, OsImage, OsUpdate};
use serde_json::{Value, json};

#[test]
fn nulls_round_trip_at_every_level() {
    let body = json!({
        "id": "Windows 11 24H2",
        "supportedArchitectures": null,
        "supportedEditions": [{"editionType": null, "supportEndDate": null}],
        "availableUpdates": [{"buildVersion": null, "releaseMonth": 11, "releaseYear": null}]
    });
    let image: OsImage = serde_json::from_value(body.clone()).unwrap();
    assert!(image.supported_architectures.is_none());
    assert!(image.architectures().is_empty());
    assert!(image.editions()[0].support_end_date.is_none());
    assert_eq!(serde_json::to_value(&image).unwrap(), body);
}

#[test]
fn a_value_set_after_a_null_replaces_it() {
    let mut image: OsImage =
        serde_json::from_value(json!({"id": "x", "supportedArchitectures": null})).unwrap();
    image.supported_architectures = Some(vec![Architecture::X64]);
    let out = serde_json::to_value(&image).unwrap();
    assert_eq!(out, json!({"id": "x", "supportedArchitectures": ["x64"]}));
    // And the JSON object has exactly one such key (no duplicate from the remembered null).
    assert_eq!(
        serde_json::to_string(&image)
            .unwrap()
            .matches("supportedArchitectures")
            .count(),
        1
    );

    let mut edition: Edition = serde_json::from_value(json!({"supportEndDate": null})).unwrap();
    edition.support_end_date = Some("2027-10-12".parse().unwrap());
    assert_eq!(
        serde_json::to_value(&edition).unwrap(),
        json!({"supportEndDate": "2027-10-12"})
    );

    let mut update: OsUpdate = serde_json::from_value(json!({"releaseYear": null})).unwrap();
    update.release_year = Some(2026);
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        json!({"releaseYear": 2026})
    );
}

#[test]
fn a_later_value_for_the_same_key_wins_over_an_earlier_null() {
    let image: OsImage = serde_json::from_str(r#"{"id":null,"id":"y"}"#).unwrap();
    assert_eq!(image.id.as_deref(), Some("y"));
    assert_eq!(serde_json::to_value(&image).unwrap(), json!({"id": "y"}));
    let back: Value = serde_json::to_value(&image).unwrap();
    assert!(back.get("id").is_some());
}
