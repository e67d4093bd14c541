//! The model's decoders: bad input fails with an error that names the problem; arbitrary bytes and arbitrary JSON
//! (image-shaped or not) never panic; whatever decodes re-encodes to the same JSON value, so unknown properties and
//! enum values survive a store and a read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_model::test_util::{declared_names, image_json};
use intune_osimages_model::{
    DateError, Edition, GraphErrorBody, OsImage, OsImagePatch, Page, parse_graph_date,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn decode_error(json: &str) -> String {
    serde_json::from_str::<OsImage>(json)
        .unwrap_err()
        .to_string()
}

#[test]
fn a_date_with_a_time_names_the_value_and_the_layout() {
    let msg = decode_error(
        r#"{"supportedEditions":[{"editionType":"enterprise","supportEndDate":"2016-12-31T00:00:00Z"}]}"#,
    );
    assert!(msg.contains("2016-12-31T00:00:00Z"), "{msg}");
    assert!(msg.contains("YYYY-MM-DD"), "{msg}");
}

#[test]
fn a_us_date_names_the_value_and_the_layout() {
    let msg = decode_error(r#"{"supportedEditions":[{"supportEndDate":"12/31/2016"}]}"#);
    assert!(msg.contains("12/31/2016"), "{msg}");
    assert!(msg.contains("YYYY-MM-DD"), "{msg}");
}

#[test]
fn an_impossible_day_says_so() {
    let msg = decode_error(r#"{"supportedEditions":[{"supportEndDate":"2023-02-30"}]}"#);
    assert!(msg.contains("2023-02-30"), "{msg}");
    assert!(msg.contains("not a real calendar date"), "{msg}");
    assert!(msg.contains("line 1"), "the position is given: {msg}");
}

#[test]
fn a_date_of_the_wrong_type_names_what_was_expected() {
    let msg = serde_json::from_str::<Edition>(r#"{"supportEndDate":20161231}"#)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("YYYY-MM-DD"), "{msg}");
}

#[test]
fn a_null_date_reads_as_absent() {
    let e: Edition = serde_json::from_str(r#"{"supportEndDate":null}"#).unwrap();
    assert_eq!(e.support_end_date, None);
}

#[test]
fn parse_graph_date_is_strict() {
    assert_eq!(
        parse_graph_date("2016-12-31").unwrap().to_string(),
        "2016-12-31"
    );
    assert_eq!(
        parse_graph_date("2024-02-29").unwrap().to_string(),
        "2024-02-29"
    );
    for layout in [
        "2016-12-31T00:00:00Z",
        "12/31/2016",
        "2016-1-31",
        " 2016-12-31",
        "",
        "２０１６-12-31",
        "+016-12-31",
    ] {
        assert_eq!(
            parse_graph_date(layout),
            Err(DateError::Layout),
            "{layout:?}"
        );
    }
    for impossible in [
        "2023-02-30",
        "2023-02-29",
        "2016-13-01",
        "2016-00-10",
        "2016-12-00",
    ] {
        assert_eq!(
            parse_graph_date(impossible),
            Err(DateError::NotACalendarDate),
            "{impossible:?}"
        );
    }
}

#[test]
fn wrong_json_types_fail_with_the_expected_shape() {
    let msg = decode_error(r#"{"supportedArchitectures":"x64"}"#);
    assert!(msg.contains("sequence") || msg.contains("array"), "{msg}");
    let msg = decode_error(r#"{"availableUpdates":[{"releaseMonth":"12"}]}"#);
    assert!(msg.contains("i32") || msg.contains("integer"), "{msg}");
}

/// The inputs each property below is tried with.
const CASES: u32 = 256;

/// The names the model reads into its own fields: every level of an image (from the schema tables) and a page's.
fn known() -> Vec<&'static str> {
    let mut names: Vec<&str> = declared_names().into_iter().collect();
    names.extend(["value", "@odata.nextLink", "@odata.count", "@odata.context"]);
    names
}

/// Strings a decoder may trip on: enum values known and unknown, dates real and not, empty, odd Unicode.
fn tricky_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("enterprise".to_owned()),
        Just("arM64".to_owned()),
        Just("ARM64".to_owned()),
        Just("holographicFuture".to_owned()),
        Just("unknownFutureValue".to_owned()),
        Just("2026-10-13".to_owned()),
        Just("2026-02-30".to_owned()),
        Just("+002026-10-13".to_owned()),
        Just("10.0.26100.7171".to_owned()),
        Just(String::new()),
        Just("\u{0}\u{FEFF}é/..?#%".to_owned()),
        any::<String>(),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Quarters print and parse back exactly; other floats are serde_json's rounding matter, not the model's.
        (-4_000_000_i32..4_000_000).prop_map(|k| Value::from(f64::from(k) / 4.0)),
        Just(Value::from(i64::from(i32::MAX) + 1)),
        (0_i64..14).prop_map(Value::from),
        tricky_string().prop_map(Value::String),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(known()).prop_map(str::to_owned),
        1 => any::<String>(),
    ]
}

/// JSON whose objects mostly use the model's own property names, with values of any type.
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Bytes: random, or valid JSON cut, spliced or with a byte flipped.
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        (json(), any::<prop::sample::Index>()).prop_map(|(v, at)| {
            let text = serde_json::to_vec(&v).unwrap();
            let cut = at.index(text.len() + 1);
            text[..cut].to_vec()
        }),
        (json(), any::<prop::sample::Index>(), any::<u8>()).prop_map(|(v, at, b)| {
            let mut text = serde_json::to_vec(&v).unwrap();
            if !text.is_empty() {
                let i = at.index(text.len());
                text[i] = b;
            }
            text
        }),
    ]
}

/// An image-shaped object: the known properties with values of any shape, plus unknown ones.
fn image_shaped() -> impl Strategy<Value = Value> {
    (
        prop::option::of(tricky_string()),
        prop::collection::vec((key(), json()), 0..6),
    )
        .prop_map(|(id, entries)| {
            let mut object: Map<String, Value> = entries.into_iter().collect();
            if let Some(id) = id {
                object.insert("id".into(), Value::String(id));
            }
            Value::Object(object)
        })
}

/// A well-typed image whose enums, dates and unknown properties come from the tricky strings.
fn plausible_image() -> impl Strategy<Value = Value> {
    let edition = (tricky_string(), tricky_string(), json()).prop_map(
        |(t, d, x)| serde_json::json!({"editionType": t, "supportEndDate": d, "futureNested": x}),
    );
    (
        tricky_string(),
        prop::collection::vec(edition, 0..3),
        prop::collection::vec(tricky_string(), 0..4),
        prop::collection::vec((any::<String>(), json()), 0..3),
    )
        .prop_map(move |(id, editions, architectures, extra)| {
            let known = known();
            let mut image = serde_json::json!({
                "id": id,
                "supportedEditions": editions,
                "supportedArchitectures": architectures,
                "availableUpdates": [{"buildVersion": "10.0.26100.1", "releaseMonth": 11, "releaseYear": 2026}],
            });
            for (k, v) in extra {
                if !known.contains(&k.as_str()) {
                    image[k] = v;
                }
            }
            image
        })
}

/// Whatever decodes re-encodes to text that decodes and re-encodes to the same bytes (the decoder is a fixed
/// point). Compared as bytes, not as `Value`s: unknown properties keep their exact text, which may be a number no
/// `Value` holds (`1e400`), so `to_value` would refuse what the model rightly keeps.
fn assert_stable<T>(decoded: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let encoded = serde_json::to_vec(decoded).unwrap();
    let again: T = serde_json::from_slice(&encoded)
        .unwrap_or_else(|e| panic!("re-encoded {decoded:?} does not decode: {e}"));
    let encoded_again = serde_json::to_vec(&again).unwrap();
    assert!(
        encoded == encoded_again,
        "decode(encode(x)) != x:\n{}\n{}",
        String::from_utf8_lossy(&encoded),
        String::from_utf8_lossy(&encoded_again)
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_the_decoders(input in bytes()) {
        if let Ok(image) = serde_json::from_slice::<OsImage>(&input) {
            assert_stable(&image);
        }
        if let Ok(page) = serde_json::from_slice::<Page<OsImage>>(&input) {
            assert_stable(&page);
        }
        if let Ok(patch) = serde_json::from_slice::<OsImagePatch>(&input) {
            assert_stable(&patch);
        }
        let _ = serde_json::from_slice::<GraphErrorBody>(&input);
    }

    #[test]
    fn arbitrary_json_never_panics_the_decoders(input in json()) {
        if let Ok(image) = serde_json::from_value::<OsImage>(input.clone()) {
            assert_stable(&image);
        }
        if let Ok(page) = serde_json::from_value::<Page<OsImage>>(input.clone()) {
            assert_stable(&page);
        }
        let _ = serde_json::from_value::<OsImagePatch>(input.clone());
        let _ = serde_json::from_value::<GraphErrorBody>(input);
    }

    #[test]
    fn image_shaped_json_decodes_or_fails_cleanly(input in image_shaped()) {
        let text = serde_json::to_vec(&input).unwrap();
        let from_text = serde_json::from_slice::<OsImage>(&text);
        let from_value = serde_json::from_value::<OsImage>(input.clone());
        // The two ways in agree on whether the input is an image.
        prop_assert_eq!(from_text.is_ok(), from_value.is_ok(), "{}", input);
        if let Ok(image) = from_value {
            assert_stable(&image);
            let page = serde_json::json!({"value": [input.clone()], "@odata.futureAnnotation": input});
            let page: Page<OsImage> = serde_json::from_value(page).unwrap();
            prop_assert_eq!(&page.value[0], &image);
        }
    }

    /// Unknown properties and unknown enum values survive a read and a write, exactly, as JSON values.
    #[test]
    fn well_typed_images_round_trip_exactly(input in plausible_image()) {
        match serde_json::from_value::<OsImage>(input.clone()) {
            Ok(image) => {
                let written = serde_json::to_value(&image).unwrap();
                prop_assert_eq!(&written, &input);
            }
            Err(e) => {
                // Only a date that is not a date may refuse an otherwise well-typed image; the message says where.
                let text = e.to_string();
                prop_assert!(text.contains("date") || text.contains("YYYY-MM-DD"), "{}: {}", input, text);
            }
        }
    }

    /// Every declared property of every level, generated from the schema tables with its type (absent, `null`,
    /// known or unknown enum members, any date), plus unknown properties: read and written back exactly.
    #[test]
    fn schema_generated_images_round_trip_exactly(input in image_json()) {
        let image: OsImage = serde_json::from_value(input.clone()).unwrap();
        prop_assert_eq!(serde_json::to_value(&image).unwrap(), input);
    }
}
