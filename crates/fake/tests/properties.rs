//! Properties: the `$filter` parser never panics, and `handle_sync` never panics and never answers 500, whatever
//! the path, query or body.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use bytes::Bytes;
use http::{Method, StatusCode};
use intune_osimages_fake::FakeGraph;
use intune_osimages_fake::filter::Filter;
use proptest::prelude::*;
use serde_json::Value;
use support::{SET, enc, image_json};

const VOCABULARY: &[&str] = &[
    "id",
    "eq",
    "ne",
    "gt",
    "ge",
    "lt",
    "le",
    "in",
    "and",
    "or",
    "not",
    "(",
    ")",
    ",",
    ":",
    "/",
    "'x'",
    "'it''s'",
    "'",
    "''",
    "'Windows 11 24H2'",
    "2026-10-13",
    "2026-02-30",
    "5",
    "-1",
    "99999999999999999999",
    "true",
    "false",
    "null",
    "$it",
    "supportedEditions",
    "supportedArchitectures",
    "availableUpdates",
    "any",
    "all",
    "e",
    "a",
    "e/editionType",
    "e/supportEndDate",
    "u/releaseMonth",
    "'enterprise'",
    "'ARM64'",
    "'x64'",
    "startswith",
    "endswith",
    "contains",
    "tolower",
    "toupper",
    "length",
    "+",
    "=",
    "é",
    "\t",
];

/// Strings made of filter words, which reach deeper into the parser than random text.
fn filterish() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(VOCABULARY), prop::bool::ANY), 0..40).prop_map(
        |words| {
            words
                .into_iter()
                .map(|(w, space)| if space { format!("{w} ") } else { w.to_owned() })
                .collect()
        },
    )
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), filterish(), "[ -~]{0,40}"]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn the_filter_parser_never_panics(input in any_text()) {
        let sample = FakeGraph::with_sample_catalog().snapshot();
        for parsed in [Filter::parse(&input), Filter::parse_lenient(&input)] {
            match parsed {
                Ok(filter) => {
                    for image in &sample {
                        let _ = filter.matches(image);
                    }
                    let _ = filter.matches(&Value::Null);
                    let _ = filter.matches(&serde_json::json!({"supportedEditions": [1, null, {"editionType": []}]}));
                }
                Err(e) => prop_assert!(e.position() >= 1 && e.position() <= input.chars().count() + 1),
            }
        }
    }
}

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>().prop_map(|s| enc(&s)),
        prop::sample::select(vec![
            "$count",
            "getAllManagedDeviceWindowsOSImages()",
            "Windows%2011%2024H2",
            "",
            "..",
            "%",
            "%zz",
            "%FF",
            "a%2Fb",
            "%24count",
            "managedDeviceWindowsOSImages",
        ])
        .prop_map(str::to_owned),
    ]
}

fn query() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        prop::sample::select(vec![
            "$filter",
            "$select",
            "$top",
            "$skip",
            "$orderby",
            "$count",
            "$skiptoken",
            "$expand",
            "$search",
            "filter",
            "$format",
            "x",
            "",
            "$",
        ])
        .prop_map(str::to_owned),
        any::<String>().prop_map(|s| enc(&s)),
    ];
    let value = prop_oneof![
        any::<String>().prop_map(|s| enc(&s)),
        filterish().prop_map(|s| enc(&s)),
        prop::sample::select(vec![
            "true",
            "id desc",
            "id,supportedEditions",
            "0",
            "3",
            "%",
            "%FF",
            "+"
        ])
        .prop_map(str::to_owned),
    ];
    prop::collection::vec((name, value), 0..4).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        prop::sample::select(vec![
            "x64",
            "ARM64",
            "enterprise",
            "2026-10-13",
            "2026-02-30",
            "id"
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    prop::sample::select(vec![
                        "id",
                        "supportedEditions",
                        "supportedArchitectures",
                        "availableUpdates",
                        "editionType",
                        "supportEndDate",
                        "buildVersion",
                        "releaseMonth",
                        "releaseYear",
                        "@odata.type",
                        "@odata.context",
                    ])
                    .prop_map(str::to_owned),
                    any::<String>(),
                ],
                inner,
                0..6,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        json_value().prop_map(|v| v.to_string().into_bytes()),
        (
            json_value(),
            prop::sample::select(vec![
                "id",
                "supportedEditions",
                "supportedArchitectures",
                "availableUpdates"
            ])
        )
            .prop_map(|(v, key)| {
                let mut image: Value =
                    serde_json::from_str(&image_json("Windows 11 24H2")).unwrap();
                image[key] = v;
                image.to_string().into_bytes()
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn handle_sync_never_panics_and_never_answers_500(
        method in prop::sample::select(vec![Method::GET, Method::POST, Method::PATCH, Method::DELETE, Method::PUT]),
        segments in prop::collection::vec(segment(), 0..3),
        query in query(),
        body in body(),
        content_type in prop::sample::select(vec![None, Some("application/json"), Some("text/plain"), Some("")]),
        strict in any::<bool>(),
        page_size in prop::option::of(0usize..4),
    ) {
        let mut uri = SET.to_owned();
        for s in &segments {
            uri.push('/');
            uri.push_str(s);
        }
        if !query.is_empty() {
            uri.push('?');
            uri.push_str(&query);
        }
        let mut builder = http::Request::builder().method(method).uri(&uri);
        if let Some(ct) = content_type {
            builder = builder.header("content-type", ct);
        }
        let Ok(request) = builder.body(Bytes::from(body)) else {
            return Err(TestCaseError::reject("not a valid URI"));
        };
        let graph = FakeGraph::builder()
            .catalog(intune_osimages_fake::sample_catalog())
            .strict_enums(strict)
            .page_size(page_size)
            .build();
        let resp = graph.handle_sync(&request);
        prop_assert_ne!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR, "{}: {}", uri, String::from_utf8_lossy(resp.body()));
        prop_assert!(resp.headers().contains_key("request-id"));
        if !resp.status().is_success() {
            let b: Value = serde_json::from_slice(resp.body()).unwrap();
            prop_assert!(b["error"]["code"].is_string());
            prop_assert!(b["error"]["message"].is_string());
        }
        // Whatever was stored can still be listed and read back.
        let list = graph.handle_sync(&http::Request::builder().uri(SET).body(Bytes::new()).unwrap());
        prop_assert_eq!(list.status(), StatusCode::OK);
    }
}
