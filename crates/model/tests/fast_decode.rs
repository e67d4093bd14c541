//! The schema decoder against serde_json, on the same text: whenever it returns a value, it is the value
//! `serde_json::from_str` returns (and serde_json accepted the text); it gives up only on what it leaves to
//! serde_json (an escape), never on plain Graph-shaped text; and on mutated text (truncated, bytes changed, removed or
//! doubled) it either agrees with serde_json or gives up.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_model::test_util::{image_json, json};
use intune_osimages_model::{Edition, FastDecode, OsImage, OsUpdate, Page};
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Unknown property values that a `serde_json::Value` cannot hold exactly, written as raw text.
const RAW_UNKNOWN: [&str; 9] = [
    "123456789012345678901234567890",
    "-0.10000000000000000000000001",
    "1.5e-300",
    "-0",
    "1E+2",
    r#"{"a":[1,{"b":null}],"c":"x\"y","d":{}}"#,
    "[ [ ], { } , true,false , null ]",
    r#""\u00e9\n\/""#,
    "9223372036854775808",
];

/// A small deterministic generator for the writer's choices.
struct Choices(u64);

impl Choices {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn one_in(&mut self, n: u64) -> bool {
        self.next().is_multiple_of(n)
    }
}

/// How the writer lays the text out.
#[derive(Debug, Clone, Copy)]
struct Layout {
    /// Whitespace between tokens (serde_json's four whitespace bytes).
    pretty: bool,
    /// Object members in a shuffled order rather than serde_json's sorted one.
    shuffle: bool,
    /// Some string characters written as `\u` escapes.
    escapes: bool,
    /// Some members repeated before their last occurrence (with `null` or another value).
    duplicates: bool,
    /// Unknown properties with numbers and texts a `Value` cannot hold.
    raw_unknown: bool,
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(pretty, shuffle, escapes, duplicates, raw_unknown)| Layout {
                pretty,
                shuffle,
                escapes,
                duplicates,
                raw_unknown,
            },
        )
}

struct Writer {
    layout: Layout,
    choices: Choices,
    out: String,
}

impl Writer {
    fn space(&mut self) {
        if self.layout.pretty {
            const SPACES: [&str; 5] = ["", " ", "\n  ", "\t", "\r\n"];
            let pick = SPACES[(self.choices.next() % 5) as usize];
            self.out.push_str(pick);
        }
    }

    fn string(&mut self, s: &str) {
        if self.layout.escapes && self.choices.one_in(3) {
            self.out.push('"');
            for c in s.chars() {
                if self.choices.one_in(4) && (c as u32) < 0x1_0000 {
                    self.out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    let quoted = serde_json::to_string(&c.to_string()).unwrap();
                    self.out.push_str(&quoted[1..quoted.len() - 1]);
                }
            }
            self.out.push('"');
        } else {
            self.out.push_str(&serde_json::to_string(s).unwrap());
        }
    }

    fn value(&mut self, value: &Value) {
        self.space();
        match value {
            Value::Array(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.space();
                        self.out.push(',');
                    }
                    self.value(item);
                }
                self.space();
                self.out.push(']');
            }
            Value::Object(map) => {
                let mut members: Vec<(&str, Option<&Value>, Option<&str>)> = map
                    .iter()
                    .map(|(k, v)| (k.as_str(), Some(v), None))
                    .collect();
                if self.layout.raw_unknown && self.choices.one_in(2) {
                    let raw =
                        RAW_UNKNOWN[(self.choices.next() % RAW_UNKNOWN.len() as u64) as usize];
                    members.push(("zzUnknown", None, Some(raw)));
                }
                if self.layout.duplicates && !members.is_empty() && self.choices.one_in(2) {
                    let at = (self.choices.next() % members.len() as u64) as usize;
                    let key = members[at].0;
                    // An earlier `null` or an earlier other value: the last occurrence is the one both decoders keep.
                    members.insert(
                        at,
                        (
                            key,
                            None,
                            Some(if self.choices.one_in(2) {
                                "null"
                            } else {
                                "\"x\""
                            }),
                        ),
                    );
                }
                if self.layout.shuffle {
                    // Shuffle, keeping each key's occurrences in order (so the last stays the last).
                    for i in (1..members.len()).rev() {
                        let j = (self.choices.next() % (i as u64 + 1)) as usize;
                        if members[i].0 != members[j].0 {
                            members.swap(i, j);
                        }
                    }
                }
                self.out.push('{');
                for (i, (key, value, raw)) in members.into_iter().enumerate() {
                    if i > 0 {
                        self.space();
                        self.out.push(',');
                    }
                    self.space();
                    self.string(key);
                    self.space();
                    self.out.push(':');
                    match (value, raw) {
                        (Some(value), _) => self.value(value),
                        (None, Some(raw)) => {
                            self.space();
                            self.out.push_str(raw);
                        }
                        (None, None) => unreachable!("a member has a value or a text"),
                    }
                }
                self.space();
                self.out.push('}');
            }
            Value::String(s) => self.string(s),
            other => self.out.push_str(&other.to_string()),
        }
    }
}

fn write(value: &Value, layout: Layout, seed: u64) -> String {
    let mut writer = Writer {
        layout,
        choices: Choices(seed | 1),
        out: String::new(),
    };
    writer.value(value);
    writer.space();
    writer.out
}

/// The fast path agrees with serde_json whenever it answers, and answers for text without escapes.
fn agrees<T: FastDecode + std::fmt::Debug + PartialEq>(text: &str) -> Result<(), TestCaseError> {
    let fast = T::fast_decode(text);
    let serde = serde_json::from_str::<T>(text);
    match (&fast, &serde) {
        (Some(fast), Ok(serde)) => prop_assert_eq!(fast, serde, "{}", text),
        (Some(fast), Err(e)) => {
            return Err(TestCaseError::fail(format!(
                "fast path accepted what serde_json refuses ({e}): {fast:?}\n{text}"
            )));
        }
        (None, _) => {}
    }
    prop_assert_eq!(T::from_json_str(text).ok(), serde.ok());
    Ok(())
}

/// The fast path answers for well-formed text without escapes (the only thing it leaves to serde_json here).
fn answers<T: FastDecode>(text: &str) -> Result<(), TestCaseError> {
    if !text.contains('\\') && serde_json::from_str::<T>(text).is_ok() {
        prop_assert!(T::fast_decode(text).is_some(), "gave up on {}", text);
    }
    Ok(())
}

fn page_json() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(image_json(), 0..4),
        prop::option::of(any::<String>()),
        prop::option::of(any::<i64>()),
        prop::option::of(any::<String>()),
        prop::collection::btree_map("[a-z@.]{1,12}", json(), 0..2),
    )
        .prop_map(|(value, context, count, next, unknown)| {
            let mut page = serde_json::Map::new();
            for (k, v) in unknown {
                page.insert(k, v);
            }
            if let Some(c) = context {
                page.insert("@odata.context".into(), c.into());
            }
            if let Some(c) = count {
                page.insert("@odata.count".into(), c.into());
            }
            page.insert("value".into(), Value::Array(value));
            if let Some(n) = next {
                page.insert("@odata.nextLink".into(), n.into());
            }
            Value::Object(page)
        })
}

/// A change to a text: cut it short, or replace, remove or double one byte.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Replace(usize, u8),
    Remove(usize),
    Double(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop::sample::select(b"\"\\{}[],:0-.eE nx1tf\t".to_vec());
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), byte).prop_map(|(at, b)| Mutation::Replace(at, b)),
        any::<usize>().prop_map(Mutation::Remove),
        any::<usize>().prop_map(Mutation::Double),
    ]
}

fn mutate(text: &str, mutation: &Mutation) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    if bytes.is_empty() {
        return None;
    }
    match *mutation {
        Mutation::Truncate(at) => bytes.truncate(at % bytes.len()),
        Mutation::Replace(at, b) => {
            let at = at % bytes.len();
            bytes[at] = b;
        }
        Mutation::Remove(at) => {
            bytes.remove(at % bytes.len());
        }
        Mutation::Double(at) => {
            let at = at % bytes.len();
            bytes.insert(at, bytes[at]);
        }
    }
    String::from_utf8(bytes).ok()
}

/// The text with each mutation applied that leaves it UTF-8.
fn mutated(mut text: String, mutations: &[Mutation]) -> String {
    for m in mutations {
        if let Some(changed) = mutate(&text, m) {
            text = changed;
        }
    }
    text
}

/// Only what serde_json itself accepts or refuses the same way: a mutated text either decodes to serde_json's
/// value or is left to serde_json.
fn never_differs<T: FastDecode + std::fmt::Debug + PartialEq>(
    text: &str,
) -> Result<(), TestCaseError> {
    if let Some(fast) = T::fast_decode(text) {
        match serde_json::from_str::<T>(text) {
            Ok(serde) => prop_assert_eq!(fast, serde, "{}", text),
            Err(e) => {
                return Err(TestCaseError::fail(format!(
                    "serde_json refuses ({e}) what the fast path read: {text}"
                )));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn images_decode_as_serde_json_decodes_them(image in image_json(), layout in layout(), seed in any::<u64>()) {
        let text = write(&image, layout, seed);
        agrees::<OsImage>(&text)?;
        answers::<OsImage>(&text)?;
        let compact = serde_json::to_string(&image).unwrap();
        agrees::<OsImage>(&compact)?;
        answers::<OsImage>(&compact)?;
        let pretty = serde_json::to_string_pretty(&image).unwrap();
        agrees::<OsImage>(&pretty)?;
        answers::<OsImage>(&pretty)?;
    }

    #[test]
    fn pages_decode_as_serde_json_decodes_them(page in page_json(), layout in layout(), seed in any::<u64>()) {
        let text = write(&page, layout, seed);
        agrees::<Page<OsImage>>(&text)?;
        answers::<Page<OsImage>>(&text)?;
        let compact = serde_json::to_string(&page).unwrap();
        agrees::<Page<OsImage>>(&compact)?;
        answers::<Page<OsImage>>(&compact)?;
        let pretty = serde_json::to_string_pretty(&page).unwrap();
        agrees::<Page<OsImage>>(&pretty)?;
        answers::<Page<OsImage>>(&pretty)?;
    }

    #[test]
    fn editions_and_updates_decode_as_serde_json_decodes_them(
        edition in intune_osimages_model::test_util::object_json(&Edition::SCHEMA),
        update in intune_osimages_model::test_util::object_json(&OsUpdate::SCHEMA),
        layout in layout(),
        seed in any::<u64>(),
    ) {
        agrees::<Edition>(&write(&edition, layout, seed))?;
        answers::<Edition>(&serde_json::to_string(&edition).unwrap())?;
        agrees::<OsUpdate>(&write(&update, layout, seed))?;
        answers::<OsUpdate>(&serde_json::to_string(&update).unwrap())?;
    }

    #[test]
    fn mutated_images_decode_as_serde_json_or_not_at_all(
        image in image_json(),
        layout in layout(),
        seed in any::<u64>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        never_differs::<OsImage>(&mutated(write(&image, layout, seed), &mutations))?;
    }

    #[test]
    fn mutated_pages_decode_as_serde_json_or_not_at_all(
        page in page_json(),
        layout in layout(),
        seed in any::<u64>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        never_differs::<Page<OsImage>>(&mutated(write(&page, layout, seed), &mutations))?;
    }
}

/// Forms the generators rarely reach, each either read as serde_json reads it or left to serde_json.
#[test]
fn edge_forms_agree_with_serde_json() {
    let images = [
        r#"{"supportedEditions":[{"editionType":"enterprise","supportEndDate":"2016-12-31T00:00:00Z"}]}"#,
        r#"{"supportedEditions":[{"supportEndDate":"2023-02-30"}]}"#,
        r#"{"supportedEditions":[{"supportEndDate":"2016\u002d12-31"}]}"#,
        r#"{"supportedEditions":[{"supportEndDate":20161231}]}"#,
        r#"{"supportedEditions":[null]}"#,
        r#"{"supportedEditions":null}"#,
        r#"{"supportedArchitectures":["x64",null]}"#,
        r#"{"availableUpdates":[{"releaseMonth":-0}]}"#,
        r#"{"availableUpdates":[{"releaseMonth":-2147483648,"releaseYear":2147483647}]}"#,
        r#"{"availableUpdates":[{"releaseMonth":2147483648}]}"#,
        r#"{"availableUpdates":[{"releaseMonth":1.0}]}"#,
        r#"{"availableUpdates":[{"releaseMonth":1e2}]}"#,
        r#"{"availableUpdates":[{"releaseMonth":012}]}"#,
        r#"{"availableUpdates":[{"releaseMonth":-}]}"#,
        r#"{"id":"a","id":null}"#,
        r#"{"id":null,"id":"a"}"#,
        r##"{"@odata.type":null,"@odata.type":"#microsoft.graph.user"}"##,
        r#"{"@odata.type":5}"#,
        r#"{"id":"a",}"#,
        r#"{"id":"a"} x"#,
        "{\"id\":\"a\tb\"}",
        " \n{ \"id\" : \"a\" } \r\n",
        r#"{"x":nul}"#,
        r#"{"x":nullx}"#,
        r#"{"x":[1,2,]}"#,
        r#"{"x":01}"#,
        r#"{"x":1.}"#,
        r#"{"x":"\ud800"}"#,
        r#"{"x":"\x"}"#,
        r#"{"x":123456789012345678901234567890.5e-7}"#,
        "{\"x\":\"\u{7f}\u{e9}\"}",
        "",
        "null",
        "[]",
        "{",
    ];
    for text in images {
        agrees::<OsImage>(text).unwrap();
    }
    let deep = format!("{{\"x\":{}{}}}", "[".repeat(126), "]".repeat(126));
    agrees::<OsImage>(&deep).unwrap();
    let deep = format!(
        "{{\"value\":[{{\"supportedEditions\":[{{\"x\":{}{}}}]}}]}}",
        "[".repeat(124),
        "]".repeat(124)
    );
    agrees::<Page<OsImage>>(&deep).unwrap();
    for text in [
        r#"{"@odata.count":3}"#,
        r#"{"value":null}"#,
        r#"{"value":[],"@odata.count":-9223372036854775808}"#,
        r#"{"value":[],"@odata.count":9223372036854775808}"#,
        r#"{"value":[],"@odata.nextLink":null,"@odata.nextLink":"n"}"#,
        r#"{"value":[{"id":"a"}],"value":[]}"#,
    ] {
        agrees::<Page<OsImage>>(text).unwrap();
    }
}

/// The fast path reads Graph's own answers: a collection page and an image with their annotations.
#[test]
fn graph_shaped_answers_take_the_fast_path() {
    let image = r##"{"@odata.context":"https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDeviceWindowsOSImages/$entity","@odata.type":"#microsoft.graph.managedDeviceWindowsOperatingSystemImage","availableUpdates":[{"@odata.type":"microsoft.graph.managedDeviceWindowsOperatingSystemUpdate","buildVersion":"10.0.26100.7171","releaseMonth":11,"releaseYear":2026}],"id":"Windows 11 24H2","supportedArchitectures":["x64","arM64"],"supportedEditions":[{"@odata.type":"microsoft.graph.managedDeviceWindowsOperatingSystemEdition","editionType":"enterprise","supportEndDate":"2027-10-12"}]}"##;
    let fast = OsImage::fast_decode(image).expect("the fast path reads an image answer");
    assert_eq!(fast, serde_json::from_str::<OsImage>(image).unwrap());
    assert!(matches!(
        fast.odata_type,
        Some(std::borrow::Cow::Borrowed(_))
    ));
    assert_eq!(
        fast.extra.get_raw("@odata.context").unwrap().get(),
        "\"https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDeviceWindowsOSImages/$entity\""
    );
    let page = format!(
        r#"{{"@odata.context":"c","@odata.count":2,"value":[{image},{image}],"@odata.nextLink":"https://graph.microsoft.com/beta/x?$skiptoken=2"}}"#
    );
    let fast = Page::<OsImage>::fast_decode(&page).expect("the fast path reads a page");
    assert_eq!(fast, serde_json::from_str::<Page<OsImage>>(&page).unwrap());
    assert_eq!(fast.value.len(), 2);
    assert_eq!(fast.count, Some(2));
}

/// Errors are serde_json's, word for word, whichever path was tried first.
#[test]
fn errors_are_serde_json_errors() {
    fn both<T: FastDecode + DeserializeOwned + std::fmt::Debug>(text: &str) {
        assert_eq!(
            T::from_json_str(text).unwrap_err().to_string(),
            serde_json::from_str::<T>(text).unwrap_err().to_string()
        );
    }
    both::<OsImage>(r#"{"supportedEditions":[{"supportEndDate":"2023-02-30"}]}"#);
    both::<OsImage>(r#"{"id":5}"#);
    both::<Page<OsImage>>(r#"{"@odata.count":3}"#);
    both::<Page<OsImage>>(r#"{"value":[{"id":"a"}"#);
}
