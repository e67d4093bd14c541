//! `$filter`: every supported form, evaluated over the sample catalog through the HTTP surface, and every error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use http::StatusCode;
use intune_osimages_fake::FakeGraph;
use intune_osimages_fake::filter::Filter;

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
