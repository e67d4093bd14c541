//! `$filter`: every supported form, evaluated over the sample catalog through the HTTP surface, and every error.
//! Bad input through the same async entry point the emulator and the fake transport use (`FakeGraph::handle`): any
//! text as `$filter` on list, `$count` and `getAll` is a 200 or a 400 with Graph's error body naming `$filter`,
//! never a panic or a 5xx; and the three agree on what a filter selects.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use bytes::Bytes;
use http::StatusCode;
use intune_osimages_fake::FakeGraph;
use intune_osimages_fake::filter::Filter;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use proptest::prelude::*;
use serde_json::Value;
use support::*;

const W10: &str = "Windows 10 22H2";
const W22: &str = "Windows 11 22H2";
const W23: &str = "Windows 11 23H2";
const W24: &str = "Windows 11 24H2";
const W25: &str = "Windows 11 25H2";
const W261: &str = "Windows 11 26H1";
const W262: &str = "Windows 11 26H2";

fn filtered(graph: &FakeGraph, filter: &str) -> intune_osimages_transport::Response {
    get(graph, &format!("{SET}?$filter={}", enc(filter)))
}

#[test]
fn filter_forms() {
    let graph = FakeGraph::with_sample_catalog();
    let all = [W10, W22, W23, W24, W25, W261, W262];
    let cases: &[(&str, &[&str])] = &[
        ("id eq 'Windows 11 24H2'", &[W24]),
        ("id ne 'Windows 11 24H2'", &[W10, W22, W23, W25, W261, W262]),
        ("id gt 'Windows 11 23H2'", &[W24, W25, W261, W262]),
        ("id ge 'Windows 11 23H2'", &[W23, W24, W25, W261, W262]),
        ("id lt 'Windows 11 22H2'", &[W10]),
        ("id le 'Windows 11 22H2'", &[W10, W22]),
        ("startswith(id,'Windows 10')", &[W10]),
        ("endswith(id,'H2')", &[W10, W22, W23, W24, W25, W262]),
        ("contains(id,'23')", &[W23]),
        ("tolower(id) eq 'windows 10 22h2'", &[W10]),
        ("toupper(id) eq 'WINDOWS 11 25H2'", &[W25]),
        (
            "id in ('Windows 10 22H2', 'Windows 11 25H2', 'nope')",
            &[W10, W25],
        ),
        ("supportedArchitectures/any(a: a eq 'x86')", &[W10]),
        ("supportedArchitectures/any(a:a eq 'arM64')", &all),
        (
            "supportedArchitectures/all(a: a ne 'x86')",
            &[W22, W23, W24, W25, W261, W262],
        ),
        ("supportedArchitectures/any()", &all),
        (
            "supportedEditions/any(e: e/editionType eq 'enterprise')",
            &all,
        ),
        (
            "supportedEditions/any(e: e/editionType eq 'enterprise' and e/supportEndDate lt 2026-10-13)",
            &[W10, W22],
        ),
        (
            "supportedEditions/any(e: e/editionType eq 'professional' and e/supportEndDate gt 2026-10-13)",
            &[W25, W261, W262],
        ),
        (
            "supportedEditions/any(e: e/editionType eq 'professional' and e/supportEndDate ge 2026-10-13)",
            &[W24, W25, W261, W262],
        ),
        (
            "supportedEditions/any(e: e/supportEndDate le 2024-10-08)",
            &[W22],
        ),
        (
            "supportedEditions/any(e: e/supportEndDate ge 2028-01-01)",
            &[W25, W261, W262],
        ),
        (
            "supportedEditions/any(e: e/supportEndDate eq 2026-11-10)",
            &[W23],
        ),
        (
            "supportedEditions/all(e: e/supportEndDate gt 2025-01-01)",
            &[W10, W23, W24, W25, W261, W262],
        ),
        (
            "availableUpdates/any(u: u/releaseMonth eq 11 and startswith(u/buildVersion, '10.0.26100'))",
            &[W24],
        ),
        (
            "availableUpdates/all(u: u/releaseYear eq 2026)",
            &[W23, W24, W25, W261, W262],
        ),
        ("availableUpdates/any(u: u/releaseMonth gt 11)", &[]),
        ("not startswith(id,'Windows 11')", &[W10]),
        ("not(startswith(id,'Windows 11'))", &[W10]),
        (
            "not (id eq 'Windows 10 22H2' or id eq 'Windows 11 22H2')",
            &[W23, W24, W25, W261, W262],
        ),
        ("not not id eq 'Windows 11 25H2'", &[W25]),
        (
            "(id eq 'x' or startswith(id,'Windows 10')) and supportedArchitectures/any(a: a eq 'x86')",
            &[W10],
        ),
        (
            "id eq 'Windows 11 22H2' or id eq 'Windows 11 23H2' and id eq 'nope'",
            &[W22],
        ),
        (
            "supportedEditions/any(e: supportedArchitectures/any(a: a eq 'x86') and e/editionType eq 'education')",
            &[W10],
        ),
        ("$it/id eq 'Windows 10 22H2'", &[W10]),
        ("id eq null", &[]),
        ("id ne null", &all),
        ("true", &all),
        ("false", &[]),
        ("startswith(id,'Windows 11') eq false", &[W10]),
        ("id eq 'it''s'", &[]),
        ("  id   eq\t'Windows 10 22H2'  ", &[W10]),
    ];
    for (filter, expected) in cases {
        let resp = filtered(&graph, filter);
        assert_eq!(
            resp.status(),
            StatusCode::OK,
            "{filter}: {}",
            String::from_utf8_lossy(resp.body())
        );
        assert_eq!(ids(&resp), *expected, "{filter}");
    }
}

#[test]
fn filter_errors_name_the_problem_and_position() {
    let graph = FakeGraph::with_sample_catalog();
    // (filter, fragments the message must contain)
    let cases: &[(&str, &[&str])] = &[
        ("id eq", &["position 6", "expected a property, a literal"]),
        (
            "name eq 'x'",
            &["Could not find a property named 'name'", "position 1"],
        ),
        ("id eq 'x", &["unterminated", "position 7"]),
        (
            "id eq 5",
            &["cannot compare Edm.String with Edm.Int32", "position 4"],
        ),
        (
            "supportedArchitectures eq 'x64'",
            &["cannot be compared", "any()"],
        ),
        (
            "supportedArchitectures/any(a: a eq 'ARM64')",
            &["did you mean 'arM64'", "position 36"],
        ),
        (
            "supportedEditions/any(e: e/editionType eq 'Enterprise')",
            &["did you mean 'enterprise'"],
        ),
        (
            "supportedEditions/any(e: e/editionType gt 'enterprise')",
            &["only with eq and ne"],
        ),
        (
            "supportedEditions/any(e: e/supportEndDate lt '2026-10-13')",
            &["without quotes"],
        ),
        (
            "supportedEditions/any(e: e/supportEndDate lt 2026-13-01)",
            &["invalid date literal 2026-13-01"],
        ),
        (
            "supportedEditions/any(e: e/supportEndDate lt 2026-10-13T00:00:00Z)",
            &["date-time"],
        ),
        ("length(id) eq 5", &["'length' is not supported"]),
        ("foo(id)", &["'foo' is not supported"]),
        ("startswith(id)", &["takes 2 arguments"]),
        ("contains(supportedEditions, 'x')", &["takes strings"]),
        (
            "supportedEditions/editionType eq 'enterprise'",
            &["is a collection", "any("],
        ),
        (
            "supportedEditions/any(e: e/nope eq 1)",
            &["Could not find a property named 'nope'", "Edition"],
        ),
        (
            "supportedEditions/any(e: x/editionType eq 'x')",
            &["'x'", "lambda variables in scope: e"],
        ),
        (
            "supportedEditions/any(e: supportedArchitectures/any(e: e eq 'x64'))",
            &["already in use"],
        ),
        ("id/any(a: a eq 'x')", &["apply to collections"]),
        ("supportedArchitectures/all()", &["all() needs"]),
        (
            "supportedArchitectures/any(a a eq 'x64')",
            &["lambda variable and ':'"],
        ),
        ("id eq 'x' and", &["expected a property"]),
        ("id eq 'x' eq 'y'", &["expected 'and', 'or'"]),
        ("id eq 'x'))", &["expected 'and', 'or'"]),
        ("(id eq 'x'", &["expected ')'"]),
        ("id", &["expected a condition"]),
        ("'x'", &["expected a condition, found the literal 'x'"]),
        ("id == 'x'", &["unexpected character '='", "eq"]),
        ("id eq \"x\"", &["single quotes"]),
        ("id eq 99999999999999999999", &["out of range"]),
    ];
    for (filter, fragments) in cases {
        let resp = filtered(&graph, filter);
        let message = expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest");
        assert!(message.starts_with("Invalid $filter: "), "{message}");
        for fragment in *fragments {
            assert!(
                message.contains(fragment),
                "{filter}: {message} lacks {fragment}"
            );
        }
    }
}

#[test]
fn plus_in_a_query_is_a_space_and_percent_2b_is_a_plus() {
    let graph = FakeGraph::builder()
        .catalog(vec![
            serde_json::from_str::<serde_json::Value>(&image_json("C++ build")).unwrap(),
            serde_json::from_str::<serde_json::Value>(&image_json("C build")).unwrap(),
        ])
        .build();
    let resp = get(&graph, &format!("{SET}?$filter=id+eq+'C%2B%2B+build'"));
    assert_eq!(ids(&resp), ["C++ build"]);
    let resp = get(&graph, &format!("{SET}?%24filter=startswith(id,+'C+')"));
    assert_eq!(ids(&resp), ["C build"]);
    let resp = get(&graph, &format!("{SET}?$filter=id%20eq%20'x'%2B1"));
    let message = expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest");
    assert!(
        message.contains("'+'") && message.contains("arithmetic"),
        "{message}"
    );
}

#[test]
fn lenient_mode_accepts_enum_strings_that_are_not_members() {
    let graph = FakeGraph::builder()
        .catalog(intune_osimages_fake::sample_catalog())
        .strict_enums(false)
        .build();
    let resp = filtered(&graph, "supportedArchitectures/any(a: a eq 'ARM64')");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(ids(&resp).is_empty());
    assert!(Filter::parse_lenient("supportedArchitectures/any(a: a eq 'riscV64')").is_ok());
    assert!(Filter::parse("supportedArchitectures/any(a: a eq 'riscV64')").is_err());
}

#[test]
fn odd_stored_data_never_matches_and_never_fails() {
    let weird = serde_json::json!([
        {"id": "a", "supportedArchitectures": "x64", "supportedEditions": [{"editionType": 5, "supportEndDate": "soon"}]},
        {"id": "b", "supportedArchitectures": [null, 1, "x64"], "supportedEditions": [null, "x"]},
        {"id": "c"},
    ]);
    let graph = FakeGraph::builder()
        .catalog(weird.as_array().unwrap().clone())
        .build();
    let cases: &[(&str, &[&str])] = &[
        ("supportedArchitectures/any(a: a eq 'x64')", &["b"]),
        ("supportedArchitectures/all(a: a eq 'x64')", &["a", "c"]),
        (
            "supportedEditions/any(e: e/supportEndDate lt 2030-01-01)",
            &[],
        ),
        (
            "supportedEditions/any(e: e/editionType eq 'enterprise')",
            &[],
        ),
        (
            "supportedEditions/any(e: e/editionType ne 'enterprise')",
            &["a", "b"],
        ),
        ("supportedEditions/any()", &["a", "b"]),
        ("availableUpdates/any()", &[]),
    ];
    for (filter, expected) in cases {
        let resp = filtered(&graph, filter);
        assert_eq!(resp.status(), StatusCode::OK, "{filter}");
        assert_eq!(ids(&resp), *expected, "{filter}");
    }
}

#[test]
fn filter_errors_carry_positions_through_the_public_parser() {
    let err = Filter::parse("id eq 'x' and nope eq 'y'").unwrap_err();
    assert_eq!(err.position(), 15);
    assert!(err.to_string().contains("at position 15"));
}

/// The inputs each property below is tried with.
const CASES: u32 = 256;

/// Filter words, so generated text reaches past the lexer into the parser and evaluator.
const WORDS: &[&str] = &[
    "id",
    "eq",
    "ne",
    "lt",
    "ge",
    "and",
    "or",
    "not",
    "(",
    ")",
    ",",
    ":",
    "/",
    "'Windows 11 24H2'",
    "'Windows'",
    "'it''s'",
    "'",
    "2026-10-13",
    "2027-13-45",
    "null",
    "true",
    "12",
    "-0",
    "1e999",
    "startswith",
    "startswith(id,'Windows 11')",
    "supportedArchitectures/any(a:a eq 'x64')",
    "supportedEditions/any(e:e/editionType eq 'enterprise')",
    "supportedEditions/any(e:e/supportEndDate lt 2026-10-13)",
    "supportedEditions/all(e:true)",
    "availableUpdates/any(u:u/releaseYear eq 2026)",
    "e/editionType",
    "a",
    "any",
    "$it",
    "%",
    "+",
    "é",
    "\u{0}",
    "\u{202E}",
];

fn filter_text() -> impl Strategy<Value = String> {
    let worded = prop::collection::vec((prop::sample::select(WORDS), any::<bool>()), 0..24)
        .prop_map(|words| {
            words
                .into_iter()
                .map(|(w, space)| if space { format!("{w} ") } else { w.to_owned() })
                .collect::<String>()
        });
    prop_oneof![any::<String>(), worded, "[ -~]{0,60}"]
}

/// `GET uri` with a bearer token, as `FakeGraph::handle` takes it.
fn authorized_get(uri: &str) -> http::Request<Bytes> {
    http::Request::get(uri)
        .header("authorization", "Bearer x")
        .body(Bytes::new())
        .unwrap()
}

/// Checks an answer to a request with a filter: 200, or 400 with Graph's error body naming the filter.
fn answer_is_sound(status: StatusCode, body: &[u8], what: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        status == StatusCode::OK || status == StatusCode::BAD_REQUEST,
        "{}: status {}",
        what,
        status
    );
    if status == StatusCode::BAD_REQUEST {
        let error: Value = serde_json::from_slice(body).unwrap();
        prop_assert_eq!(
            error["error"]["code"].as_str(),
            Some("BadRequest"),
            "{}",
            what
        );
        let message = error["error"]["message"].as_str().unwrap_or("");
        prop_assert!(
            message.contains("$filter"),
            "{}: the message names the option: {}",
            what,
            message
        );
        prop_assert!(error["error"]["innerError"]["request-id"].is_string());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn any_filter_through_handle_is_a_200_or_a_graph_400_and_the_operations_agree(text in filter_text()) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let graph = FakeGraph::with_sample_catalog();
        let encoded = utf8_percent_encode(&text, NON_ALPHANUMERIC).to_string();
        let list_uri = format!("{SET}?$filter={encoded}");
        let count_uri = format!("{SET}/$count?$filter={encoded}");
        let get_all_uri =
            format!("{SET}/Windows%2011%2024H2/getAllManagedDeviceWindowsOSImages()?$filter={encoded}");
        let (list, count, get_all) = runtime.block_on(async {
            (
                graph.handle(authorized_get(&list_uri)).await.unwrap(),
                graph.handle(authorized_get(&count_uri)).await.unwrap(),
                graph.handle(authorized_get(&get_all_uri)).await.unwrap(),
            )
        });
        answer_is_sound(list.status(), list.body(), &list_uri)?;
        answer_is_sound(count.status(), count.body(), &count_uri)?;
        answer_is_sound(get_all.status(), get_all.body(), &get_all_uri)?;
        // One parser: either every operation accepts the filter or none does.
        prop_assert_eq!(list.status(), count.status(), "{}", text);
        prop_assert_eq!(list.status(), get_all.status(), "{}", text);
        if list.status() == StatusCode::OK {
            let listed = ids(&list);
            let counted: usize = std::str::from_utf8(count.body()).unwrap().trim().parse().unwrap();
            prop_assert_eq!(listed.len(), counted, "{}", text);
            prop_assert_eq!(&listed, &ids(&get_all), "{}", text);
            // A filter only ever narrows: every id it returns is in the catalog, once.
            let catalog: Vec<String> = graph
                .snapshot()
                .iter()
                .map(|i| i["id"].as_str().unwrap().to_owned())
                .collect();
            let mut unique = listed.clone();
            unique.dedup();
            prop_assert_eq!(unique.len(), listed.len());
            prop_assert!(listed.iter().all(|id| catalog.contains(id)));
        }
        // Reading never changes the catalog.
        prop_assert_eq!(graph.len(), FakeGraph::with_sample_catalog().len());
    }

    #[test]
    fn a_filter_in_raw_unencoded_form_never_panics(text in "[ -~]{0,60}") {
        // Some clients send spaces and quotes unencoded; `http::Uri` refuses what it cannot carry, and whatever it
        // carries is answered soundly.
        let uri = format!("{SET}?$filter={text}");
        let Ok(request) = http::Request::get(uri.as_str()).body(Bytes::new()) else {
            return Ok(());
        };
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let graph = FakeGraph::with_sample_catalog();
        let response = runtime.block_on(graph.handle(request)).unwrap();
        prop_assert!(
            response.status().is_success() || response.status().is_client_error(),
            "{}: {}",
            uri,
            response.status()
        );
    }
}
