//! `proptest` strategies for the model, generated from the schema tables ([`crate::schema`]) rather than from lists
//! of property names: a property added to a type's declaration is generated, with its type, by every property test
//! at once.
//!
//! Behind the `test-util` feature: add this crate as a dev-dependency with `features = ["test-util"]`.
//!
//! ```
//! use intune_osimages_model::OsImage;
//! use intune_osimages_model::test_util::{declared_names, image};
//! use proptest::prelude::*;
//! use proptest::strategy::ValueTree;
//! use proptest::test_runner::TestRunner;
//!
//! let mut runner = TestRunner::deterministic();
//! let image: OsImage = image().new_tree(&mut runner).unwrap().current();
//! // Unknown properties are never named like a declared one (they would be read back into the field).
//! assert!(image.extra.keys().all(|k| !declared_names().contains(k)));
//! ```

use std::collections::BTreeSet;

use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::schema::{ObjectSchema, PropertyType};
use crate::{Extra, OsImage, format_graph_date};

/// Every wire name the model reads into a field, at any level of an image (the image's, its editions' and its
/// updates' declared properties), plus the `@odata.type` annotation every object reads.
pub fn declared_names() -> BTreeSet<&'static str> {
    fn walk(schema: &'static ObjectSchema, names: &mut BTreeSet<&'static str>) {
        for property in schema.properties {
            names.insert(property.wire_name);
            let mut ty = &property.ty;
            while let PropertyType::Collection(element) = ty {
                ty = element;
            }
            if let PropertyType::Complex(inner) = ty {
                walk(inner, names);
            }
        }
    }
    let mut names = BTreeSet::from(["@odata.type"]);
    walk(&OsImage::SCHEMA, &mut names);
    names
}

/// Arbitrary JSON without floats (serde_json's default float parser is not guaranteed bit-exact, which is
/// serde_json's matter, not the model's), nested at most three deep.
pub fn json() -> impl Strategy<Value = Value> {
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

/// A key no type of the model declares: an unknown property.
pub fn undeclared_key() -> impl Strategy<Value = String> {
    let declared = declared_names();
    any::<String>().prop_filter("a declared name is not unknown", move |k| {
        !declared.contains(k.as_str())
    })
}

/// Unknown properties (up to three) with arbitrary JSON values.
pub fn extra() -> impl Strategy<Value = Extra> {
    prop::collection::btree_map(undeclared_key(), json(), 0..3)
        .prop_map(|m| m.into_iter().collect())
}

/// Any `Edm.Date` from 0001-01-01 to 9999-12-31.
pub fn date() -> impl Strategy<Value = NaiveDate> {
    // Days from 0001-01-01 (day 1 of the common era) to 9999-12-31.
    (1..=3_652_059_i32).prop_filter_map(
        "a day of the common era",
        NaiveDate::from_num_days_from_ce_opt,
    )
}

/// Well-typed JSON for a property of type `ty`: a string, an `Edm.Int32`, a date as Graph writes it, a known enum
/// member or an unknown one, an object of the complex type (see [`object_json`]), or a short collection.
pub fn value_of(ty: &'static PropertyType) -> BoxedStrategy<Value> {
    match ty {
        PropertyType::String => any::<String>().prop_map(Value::String).boxed(),
        PropertyType::Int32 => any::<i32>().prop_map(Value::from).boxed(),
        PropertyType::Date => date()
            .prop_map(|d| Value::String(format_graph_date(d)))
            .boxed(),
        PropertyType::Enum(e) => prop_oneof![
            3 => prop::sample::select(e.members).prop_map(|m| Value::String(m.to_owned())),
            1 => any::<String>().prop_map(Value::String),
        ]
        .boxed(),
        PropertyType::Complex(schema) => object_json(schema),
        PropertyType::Collection(element) => prop::collection::vec(value_of(element), 0..4)
            .prop_map(Value::Array)
            .boxed(),
        // A type this module does not know yet: any JSON, which the decoder must refuse or keep.
        #[allow(unreachable_patterns)]
        _ => json().boxed(),
    }
}

/// A JSON object of this type: each declared property absent, `null` or well-typed (see [`value_of`]), sometimes
/// an `@odata.type`, and up to three unknown properties (see [`undeclared_key`]).
pub fn object_json(schema: &'static ObjectSchema) -> BoxedStrategy<Value> {
    let properties: Vec<BoxedStrategy<Option<(&'static str, Value)>>> = schema
        .properties
        .iter()
        .map(|p| {
            prop_oneof![
                2 => Just(None),
                1 => Just(Some((p.wire_name, Value::Null))),
                5 => value_of(&p.ty).prop_map(move |v| Some((p.wire_name, v))),
            ]
            .boxed()
        })
        .collect();
    let odata_type = prop::option::of(prop_oneof![
        Just(schema.odata_type.to_owned()),
        any::<String>()
    ]);
    let unknown = prop::collection::btree_map(undeclared_key(), json(), 0..3);
    (properties, odata_type, unknown)
        .prop_map(|(properties, odata_type, unknown)| {
            let mut object = Map::new();
            if let Some(t) = odata_type {
                object.insert("@odata.type".to_owned(), Value::String(t));
            }
            for (name, value) in properties.into_iter().flatten() {
                object.insert(name.to_owned(), value);
            }
            object.extend(unknown);
            Value::Object(object)
        })
        .boxed()
}

/// An image as JSON, with every declared property of every level generated from the schema.
pub fn image_json() -> BoxedStrategy<Value> {
    object_json(&OsImage::SCHEMA)
}

/// Any image the types can hold: [`image_json`] decoded.
pub fn image() -> impl Strategy<Value = OsImage> {
    image_json().prop_filter_map("a generated image decodes", |v| {
        serde_json::from_value(v).ok()
    })
}
