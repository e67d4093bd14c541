//! Bad input at the fake's `$filter`, through the same async entry point the emulator and the fake transport use
//! (`FakeGraph::handle`): any text as `$filter` on list, `$count` and `getAll` is a 200 or a 400 with Graph's error
//! body naming `$filter`, never a panic or a 5xx; and the three agree on what a filter selects.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use http::StatusCode;
use intune_osimages_fake::FakeGraph;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use proptest::prelude::*;
use serde_json::Value;

/// The inputs each property below is tried with.
const CASES: u32 = 256;

const SET: &str = "/beta/deviceManagement/managedDeviceWindowsOSImages";

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

fn get(uri: &str) -> http::Request<Bytes> {
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

fn ids(body: &[u8]) -> Vec<String> {
    let page: Value = serde_json::from_slice(body).unwrap();
    page["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
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
                graph.handle(get(&list_uri)).await.unwrap(),
                graph.handle(get(&count_uri)).await.unwrap(),
                graph.handle(get(&get_all_uri)).await.unwrap(),
            )
        });
        answer_is_sound(list.status(), list.body(), &list_uri)?;
        answer_is_sound(count.status(), count.body(), &count_uri)?;
        answer_is_sound(get_all.status(), get_all.body(), &get_all_uri)?;
        // One parser: either every operation accepts the filter or none does.
        prop_assert_eq!(list.status(), count.status(), "{}", text);
        prop_assert_eq!(list.status(), get_all.status(), "{}", text);
        if list.status() == StatusCode::OK {
            let listed = ids(list.body());
            let counted: usize = std::str::from_utf8(count.body()).unwrap().trim().parse().unwrap();
            prop_assert_eq!(listed.len(), counted, "{}", text);
            prop_assert_eq!(&listed, &ids(get_all.body()), "{}", text);
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
