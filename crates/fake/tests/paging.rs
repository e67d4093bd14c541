//! Server-driven paging and `$top` paging: `@odata.nextLink` is absolute, keeps the original options, and
//! following it visits every item once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashSet;

use http::StatusCode;
use intune_osimages_fake::FakeGraph;
use serde_json::Value;
use support::*;

/// Follows `@odata.nextLink` from `first` to the end; returns every id in order and the number of pages.
fn walk(graph: &FakeGraph, first: &str) -> (Vec<String>, usize) {
    let mut ids_seen = Vec::new();
    let mut next = Some(first.to_owned());
    let mut pages = 0;
    while let Some(uri) = next {
        let resp = get(graph, &uri);
        assert_eq!(resp.status(), StatusCode::OK, "{uri}");
        let b = body(&resp);
        ids_seen.extend(
            b["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["id"].as_str().unwrap().to_owned()),
        );
        next = b
            .get("@odata.nextLink")
            .and_then(Value::as_str)
            .map(str::to_owned);
        pages += 1;
        assert!(pages < 1000, "paging does not end");
    }
    (ids_seen, pages)
}

fn expected(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("img-{i:03}")).collect()
}

#[test]
fn page_size_100_over_250_items_returns_each_item_once_in_three_pages() {
    let mut graph = numbered(250);
    graph = FakeGraph::builder()
        .catalog(graph.snapshot())
        .page_size(Some(100))
        .build();
    let (seen, pages) = walk(&graph, &format!("https://graph.example{SET}"));
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 250);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 250);
    assert_eq!(seen, expected(0..250));
}

#[test]
fn top_100_pages_the_same_way_without_a_server_page_size() {
    let graph = numbered(250);
    let (seen, pages) = walk(&graph, &format!("{SET}?$top=100"));
    assert_eq!(pages, 3);
    assert_eq!(seen, expected(0..250));
}

#[test]
fn next_link_is_absolute_and_keeps_the_options() {
    let graph = FakeGraph::builder()
        .catalog(numbered(250).snapshot())
        .page_size(Some(100))
        .build();
    let first = format!(
        "https://graph.example{SET}?$filter={}&$select=id&$count=true&custom=1",
        enc("startswith(id,'img-1')")
    );
    let resp = get(&graph, &first);
    let b = body(&resp);
    assert_eq!(b["@odata.count"], 100);
    assert_eq!(b["value"].as_array().unwrap().len(), 100);
    assert!(
        b.get("@odata.nextLink").is_none(),
        "100 matches fit one page"
    );

    let resp = get(
        &graph,
        &format!("https://graph.example{SET}?$select=id&$count=true&$orderby=id%20desc&x=%20y"),
    );
    let b = body(&resp);
    let link = b["@odata.nextLink"].as_str().unwrap();
    assert_eq!(
        link,
        format!(
            "https://graph.example/beta/deviceManagement/managedDeviceWindowsOSImages?$select=id&$count=true&$orderby=id%20desc&x=%20y&$skiptoken={}",
            token("img-150")
        )
    );
    assert_eq!(b["@odata.count"], 250);
    let next = get(&graph, link);
    let nb = body(&next);
    assert_eq!(nb["@odata.count"], 250);
    assert_eq!(
        nb["value"][0],
        serde_json::json!({"@odata.type": "#microsoft.graph.managedDeviceWindowsOperatingSystemImage", "id": "img-149"})
    );
    let third = get(&graph, nb["@odata.nextLink"].as_str().unwrap());
    let tb = body(&third);
    assert_eq!(tb["value"].as_array().unwrap().len(), 50);
    assert!(tb.get("@odata.nextLink").is_none());
    assert_eq!(tb["value"][49]["id"], "img-000");
}

#[test]
fn paging_table() {
    // (server page size, query, expected ids across all pages, expected pages)
    let cases: &[(Option<usize>, &str, std::ops::Range<usize>, usize)] = &[
        (None, "", 0..25, 1),
        (Some(10), "", 0..25, 3),
        (Some(25), "", 0..25, 1),
        (Some(26), "", 0..25, 1),
        (Some(10), "$top=4", 0..25, 7),
        (Some(4), "$top=10", 0..25, 7),
        (Some(10), "$skip=20", 20..25, 1),
        (Some(10), "$skip=5", 5..25, 2),
        (None, "$skip=5&$top=10", 5..25, 2),
        (Some(1), "$filter=startswith(id,'img-01')", 10..20, 10),
        (Some(10), "$top=0", 0..0, 1),
        (Some(0), "", 0..25, 25),
    ];
    for (page_size, query, ids, pages) in cases {
        let graph = FakeGraph::builder()
            .catalog(numbered(25).snapshot())
            .page_size(*page_size)
            .build();
        let (seen, n) = walk(&graph, &format!("{SET}?{query}"));
        assert_eq!(seen, expected(ids.clone()), "{page_size:?} {query}");
        assert_eq!(n, *pages, "{page_size:?} {query}");
    }
}

#[test]
fn a_skiptoken_past_the_end_is_an_empty_last_page() {
    let graph = numbered(5);
    let resp = get(
        &graph,
        &format!("{SET}?$top=2&$skiptoken={}", token("img-999")),
    );
    let b = body(&resp);
    assert_eq!(b["value"].as_array().unwrap().len(), 0);
    assert!(b.get("@odata.nextLink").is_none());
    // A token the service did not issue is refused rather than guessed at.
    let resp = get(&graph, &format!("{SET}?$top=2&$skiptoken=%FF%FE"));
    expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest");
}

/// The token the service issues for the page after `last` (URL-safe base64 of the id; clients never build it).
fn token(last: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(last)
}

#[test]
fn keyset_paging_skips_and_repeats_nothing_when_images_come_and_go_between_pages() {
    for descending in [false, true] {
        let graph = FakeGraph::builder()
            .catalog(numbered(30).snapshot())
            .page_size(Some(10))
            .build();
        let order = if descending {
            "?$orderby=id%20desc"
        } else {
            ""
        };
        let first = body(&get(&graph, &format!("{SET}{order}")));
        let mut seen: Vec<String> = first["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_str().unwrap().to_owned())
            .collect();
        // Between pages: delete two images already seen and one not yet seen, create one before and one after
        // the boundary.
        let (seen_a, seen_b, unseen) = if descending {
            ("img-029", "img-025", "img-005")
        } else {
            ("img-000", "img-004", "img-025")
        };
        for id in [seen_a, seen_b, unseen] {
            let resp = graph.handle_sync(&req(http::Method::DELETE, &format!("{SET}/{id}")));
            assert_eq!(resp.status(), StatusCode::NO_CONTENT);
        }
        for id in ["img-0005", "img-0155"] {
            let resp = graph.handle_sync(&json_req(http::Method::POST, SET, &image_json(id)));
            assert_eq!(resp.status(), StatusCode::CREATED);
        }
        let (rest, _) = walk(&graph, first["@odata.nextLink"].as_str().unwrap());
        seen.extend(rest);
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "no image repeated: {seen:?}");
        // Every image present from the first page to the last was listed exactly once.
        let mut survivors: Vec<String> = (0..30)
            .map(|i| format!("img-{i:03}"))
            .filter(|id| ![seen_a, seen_b, unseen].contains(&id.as_str()))
            .collect();
        survivors.retain(|id| !seen.contains(id));
        assert!(survivors.is_empty(), "skipped: {survivors:?}");
        assert!(
            !seen.contains(&unseen.to_owned()),
            "a deleted image is not listed"
        );
    }
}

#[test]
fn writes_between_pages_do_not_break_paging() {
    let graph = FakeGraph::builder()
        .catalog(numbered(30).snapshot())
        .page_size(Some(10))
        .build();
    let resp = get(&graph, SET);
    let link = body(&resp)["@odata.nextLink"].as_str().unwrap().to_owned();
    graph.handle_sync(&req(http::Method::DELETE, &format!("{SET}/img-000")));
    let next = get(&graph, &link);
    assert_eq!(next.status(), StatusCode::OK);
    // The next page starts after the last image listed, not at an offset a delete shifted.
    assert_eq!(ids(&next).first().unwrap(), "img-010");
}
