//! Properties the model does not know keep their exact JSON text: numbers beyond `f64`, long decimals and nested
//! values are written back byte for byte, in every object and in update bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_model::{OsImage, OsImagePatch, Page};

const BIG: &str = "123456789012345678901234567890";
const LONG_DECIMAL: &str = "0.1000000000000000055511151231257827021181583404541015625";

fn image_text() -> String {
    // Compact, keys of each object in the order the model writes them (known first, then unknown by name).
    format!(
        concat!(
            r#"{{"id":"w","supportedEditions":[{{"editionType":"enterprise","supportEndDate":"2027-10-12","#,
            r#""price":{long}}}],"availableUpdates":[{{"buildVersion":"10.0.1","releaseMonth":1,"releaseYear":2026,"#,
            r#""kb":{big}}}],"nested":{{"b":[{big},-{long},1e400],"a":1.50}},"serial":{big}}}"#
        ),
        big = BIG,
        long = LONG_DECIMAL
    )
}

#[test]
fn huge_integers_and_long_decimals_are_written_back_byte_for_byte() {
    let text = image_text();
    let image: OsImage = serde_json::from_str(&text).unwrap();
    assert_eq!(image.extra.get_raw("serial").unwrap().get(), BIG);
    assert_eq!(
        image.extra.get_raw("nested").unwrap().get(),
        format!(r#"{{"b":[{BIG},-{LONG_DECIMAL},1e400],"a":1.50}}"#)
    );
    assert_eq!(serde_json::to_string(&image).unwrap(), text);
    // Through bytes and a reader too, as the client and the CLI read bodies.
    let from_bytes: OsImage = serde_json::from_slice(text.as_bytes()).unwrap();
    assert_eq!(serde_json::to_vec(&from_bytes).unwrap(), text.as_bytes());
    let from_reader: OsImage = serde_json::from_reader(text.as_bytes()).unwrap();
    assert_eq!(serde_json::to_string(&from_reader).unwrap(), text);
}

#[test]
fn a_page_keeps_the_text_of_its_items_and_its_own_annotations() {
    let text = format!(r#"{{"value":[{}],"@odata.x":{BIG}}}"#, image_text());
    let page: Page<OsImage> = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&page).unwrap(), text);
}

#[test]
fn an_update_body_keeps_the_text_of_what_it_does_not_know() {
    let text =
        format!(r#"{{"supportedArchitectures":["x64"],"serial":{BIG},"ratio":{LONG_DECIMAL}}}"#);
    let patch: OsImagePatch = serde_json::from_str(&text).unwrap();
    assert_eq!(patch.extra.get_raw("ratio").unwrap().get(), LONG_DECIMAL);
    // Unknown keys are written in name order after the typed ones.
    assert_eq!(
        serde_json::to_string(&patch).unwrap(),
        format!(r#"{{"supportedArchitectures":["x64"],"ratio":{LONG_DECIMAL},"serial":{BIG}}}"#)
    );
}

#[test]
fn values_read_parsed_compare_by_value_and_serialize_into_a_value() {
    let image: OsImage = serde_json::from_str(r#"{"id":"w","note":{ "a" : 1 }}"#).unwrap();
    assert_eq!(image.extra.get("note"), Some(serde_json::json!({"a": 1})));
    let mut built = OsImage::new("w");
    built
        .extra
        .insert("note".into(), serde_json::json!({"a": 1}));
    // Different text (spacing), the same JSON value.
    assert_eq!(image, built);
    assert_eq!(
        serde_json::to_value(&image).unwrap(),
        serde_json::json!({"id": "w", "note": {"a": 1}})
    );
    // A typed value converted from a `Value` works too (the text is re-serialized).
    let from_value: OsImage =
        serde_json::from_value(serde_json::json!({"id": "w", "note": {"a": 1}})).unwrap();
    assert_eq!(from_value, built);
}
