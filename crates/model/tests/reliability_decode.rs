//! Bad input at the model decoder: arbitrary bytes and arbitrary JSON (image-shaped or not) never panic; whatever
//! decodes re-encodes to the same JSON value, so unknown properties and enum values survive a store and a read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_model::{GraphErrorBody, OsImage, OsImagePatch, Page};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// The inputs each property below is tried with.
const CASES: u32 = 256;

/// The names the model reads into its own fields, at every level of an image.
const KNOWN: &[&str] = &[
    "@odata.type",
    "id",
    "supportedEditions",
    "supportedArchitectures",
    "availableUpdates",
    "editionType",
    "supportEndDate",
    "buildVersion",
    "releaseMonth",
    "releaseYear",
    "value",
    "@odata.nextLink",
    "@odata.count",
    "@odata.context",
];

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
        3 => prop::sample::select(KNOWN).prop_map(str::to_owned),
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
        .prop_map(|(id, editions, architectures, extra)| {
            let mut image = serde_json::json!({
                "id": id,
                "supportedEditions": editions,
                "supportedArchitectures": architectures,
                "availableUpdates": [{"buildVersion": "10.0.26100.1", "releaseMonth": 11, "releaseYear": 2026}],
            });
            for (k, v) in extra {
                if !KNOWN.contains(&k.as_str()) {
                    image[k] = v;
                }
            }
            image
        })
}

/// Whatever decodes re-encodes to a value that decodes to the same thing (the decoder is a fixed point).
fn assert_stable<T>(decoded: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let encoded = serde_json::to_vec(decoded).unwrap();
    let again: T = serde_json::from_slice(&encoded)
        .unwrap_or_else(|e| panic!("re-encoded {decoded:?} does not decode: {e}"));
    let (before, after) = (
        serde_json::to_value(decoded).unwrap(),
        serde_json::to_value(&again).unwrap(),
    );
    assert!(
        same(&before, &after),
        "decode(encode(x)) != x:\n{before}\n{after}"
    );
}

/// Equal JSON, except that floats (which random bytes can spell with more digits than an f64 holds) may differ in
/// their last bit.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= f64::EPSILON * 4.0 * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
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
}
