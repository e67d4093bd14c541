//! Property test: any image the types can hold survives typed -> JSON -> typed unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use intune_osimages_model::{Architecture, Edition, EditionType, Extra, OsImage, OsUpdate, Page};
use proptest::prelude::*;
use serde_json::Value;

/// Names the types read into their own fields; an `extra` entry with one of these would be read back as the field.
const OWN_NAMES: &[&str] = &[
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
];

/// JSON without floats: serde_json's default float parser is not guaranteed bit-exact, which is serde_json's
/// matter, not this model's.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn extra() -> impl Strategy<Value = Extra> {
    prop::collection::btree_map(any::<String>(), json(), 0..3).prop_map(|m| {
        m.into_iter()
            .filter(|(k, _)| !OWN_NAMES.contains(&k.as_str()))
            .collect()
    })
}

fn edition_type() -> impl Strategy<Value = EditionType> {
    prop_oneof![
        prop::sample::select(EditionType::KNOWN),
        any::<String>().prop_map(|s| EditionType::from_wire(&s)),
    ]
}

fn architecture() -> impl Strategy<Value = Architecture> {
    prop_oneof![
        prop::sample::select(Architecture::KNOWN),
        any::<String>().prop_map(|s| Architecture::from_wire(&s)),
    ]
}

fn date() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
    (0..=(last - first).num_days()).prop_map(move |d| first + chrono::Days::new(d.unsigned_abs()))
}

fn edition() -> impl Strategy<Value = Edition> {
    (
        prop::option::of(any::<String>()),
        prop::option::of(edition_type()),
        prop::option::of(date()),
        extra(),
    )
        .prop_map(|(odata_type, edition_type, date, extra)| {
            let mut e = Edition::default();
            e.odata_type = odata_type;
            e.edition_type = edition_type;
            e.support_end_date = date;
            e.extra = extra;
            e
        })
}

fn update() -> impl Strategy<Value = OsUpdate> {
    (
        prop::option::of(any::<String>()),
        prop::option::of(any::<String>()),
        prop::option::of(any::<i32>()),
        prop::option::of(any::<i32>()),
        extra(),
    )
        .prop_map(|(odata_type, build, month, year, extra)| {
            let mut u = OsUpdate::default();
            u.odata_type = odata_type;
            u.build_version = build;
            u.release_month = month;
            u.release_year = year;
            u.extra = extra;
            u
        })
}

fn image() -> impl Strategy<Value = OsImage> {
    (
        prop::option::of(any::<String>()),
        prop::option::of(any::<String>()),
        prop::option::of(prop::collection::vec(edition(), 0..4)),
        prop::option::of(prop::collection::vec(architecture(), 0..5)),
        prop::option::of(prop::collection::vec(update(), 0..4)),
        extra(),
    )
        .prop_map(
            |(odata_type, id, editions, architectures, updates, extra)| {
                let mut image = OsImage::default();
                image.odata_type = odata_type;
                image.id = id;
                image.supported_editions = editions;
                image.supported_architectures = architectures;
                image.available_updates = updates;
                image.extra = extra;
                image
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_image_round_trips_through_text(image in image()) {
        let text = serde_json::to_string(&image).unwrap();
        let back: OsImage = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &image);
        // And writing it again gives the same bytes: nothing is reordered or reformatted.
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), text);
    }

    #[test]
    fn any_image_round_trips_through_value(image in image()) {
        let value = serde_json::to_value(&image).unwrap();
        let back: OsImage = serde_json::from_value(value).unwrap();
        prop_assert_eq!(back, image);
    }

    #[test]
    fn any_page_round_trips(
        images in prop::collection::vec(image(), 0..3),
        next in prop::option::of(any::<String>()),
        count in prop::option::of(any::<i64>()),
    ) {
        let mut page = Page::new(images);
        page.next_link = next;
        page.count = count;
        let back: Page<OsImage> = serde_json::from_str(&serde_json::to_string(&page).unwrap()).unwrap();
        prop_assert_eq!(back, page);
    }
}
