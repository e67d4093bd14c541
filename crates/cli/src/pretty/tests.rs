use std::collections::BTreeMap;

use serde_json::json;

use super::*;

/// serde_json's pretty text of `value`, every line after the first indented by `depth` levels.
fn serde_json_at(depth: usize, value: &impl Serialize) -> String {
    let text = serde_json::to_string_pretty(value).unwrap();
    text.replace('\n', &format!("\n{}", "  ".repeat(depth)))
}

fn ours_at(depth: usize, value: &impl Serialize) -> String {
    let mut out = Vec::new();
    write_pretty_at(&mut out, depth, value).unwrap();
    String::from_utf8(out).unwrap()
}

#[derive(Serialize)]
enum Shape {
    Unit,
    Newtype(u8),
    Tuple(i32, String),
    EmptyTuple(),
    Struct { a: f64, b: Option<bool> },
}

#[derive(Serialize)]
struct Everything {
    unit: (),
    none: Option<u8>,
    chars: [char; 3],
    bytes: serde_bytes_like::Bytes,
    floats: [f64; 5],
    small: f32,
    ints: (i8, i16, i64, i128, u8, u16, u64, u128),
    shapes: Vec<Shape>,
    empty_map: BTreeMap<String, u8>,
    number_keys: BTreeMap<i32, &'static str>,
    bool_keys: BTreeMap<bool, u8>,
    empty_struct: Empty,
    deep: serde_json::Value,
    escapes: Vec<&'static str>,
}

#[derive(Serialize)]
struct Empty {}

/// `serialize_bytes` without another crate.
mod serde_bytes_like {
    pub struct Bytes(pub Vec<u8>);
    impl serde::Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(&self.0)
        }
    }
}

fn everything() -> Everything {
    let mut deep = json!(0);
    for i in 0..40 {
        deep = json!({ format!("level {i}"): [deep, {}, []] });
    }
    Everything {
        unit: (),
        none: None,
        chars: ['a', '"', '\u{e9}'],
        bytes: serde_bytes_like::Bytes(vec![0, 7, 255]),
        floats: [1.5, -0.0, 1e300, f64::NAN, f64::INFINITY],
        small: 0.1,
        ints: (
            i8::MIN,
            -300,
            i64::MIN,
            i128::MAX,
            u8::MAX,
            65_535,
            u64::MAX,
            u128::MAX,
        ),
        shapes: vec![
            Shape::Unit,
            Shape::Newtype(3),
            Shape::Tuple(-1, "t".into()),
            Shape::EmptyTuple(),
            Shape::Struct { a: 2.0, b: None },
        ],
        empty_map: BTreeMap::new(),
        number_keys: BTreeMap::from([(-5, "minus five"), (12, "twelve")]),
        bool_keys: BTreeMap::from([(true, 1)]),
        empty_struct: Empty {},
        deep,
        escapes: vec![
            "",
            "plain",
            "quote \" backslash \\ slash /",
            "line\nbreak\ttab\r\u{8}\u{c}",
            "control \u{1} \u{1f} del \u{7f}",
            "unicode \u{e9} \u{1f600} \u{2028}",
        ],
    }
}

#[test]
fn every_kind_of_value_is_written_as_serde_json_pretty_prints_it() {
    let value = everything();
    for depth in [0, 1, 2, 5] {
        assert_eq!(
            ours_at(depth, &value),
            serde_json_at(depth, &value),
            "depth {depth}"
        );
    }
    // Lines deeper than the prepared indent (40 levels of nesting above, 32 prepared).
    assert!(ours_at(0, &value).contains(&format!("\n{}", " ".repeat(2 * 45))));
}

#[test]
fn scalars_and_empty_containers_alone() {
    for value in [
        json!(null),
        json!(true),
        json!(-12),
        json!(2.5),
        json!("a\"b"),
        json!([]),
        json!({}),
        json!([[]]),
        json!([{}, [[], {}]]),
    ] {
        assert_eq!(ours_at(2, &value), serde_json_at(2, &value), "{value}");
    }
}

/// A kept value's text is written as it arrived; its line breaks are indented by the depth the item started
/// at, as re-indenting the item's whole text did.
#[test]
fn raw_values_are_written_as_they_are() {
    let raw = serde_json::value::RawValue::from_string("{\n  \"b\": [1,2]\n}".into()).unwrap();
    let value = BTreeMap::from([("kept", vec![raw])]);
    let expected = "{\n    \"kept\": [\n      {\n    \"b\": [1,2]\n  }\n    ]\n  }";
    assert_eq!(ours_at(1, &value), expected);
    assert_eq!(
        ours_at(0, &value),
        serde_json::to_string_pretty(&value).unwrap()
    );
}

#[test]
fn keys_that_are_no_string_or_number_are_refused() {
    let value = BTreeMap::from([(vec![1], 2)]);
    let mut out = Vec::new();
    let error = write_pretty_at(&mut out, 0, &value).unwrap_err();
    assert_eq!(error.to_string(), "key must be a string");
    assert!(serde_json::to_string_pretty(&value).is_err());
}

#[test]
fn errors_of_a_serialize_impl_are_passed_on() {
    struct Fails;
    impl Serialize for Fails {
        fn serialize<S: ser::Serializer>(&self, _: S) -> std::result::Result<S::Ok, S::Error> {
            Err(ser::Error::custom("no such thing"))
        }
    }
    let error = write_pretty_at(&mut Vec::new(), 0, &[Fails]).unwrap_err();
    assert_eq!(error.to_string(), "no such thing");
}
