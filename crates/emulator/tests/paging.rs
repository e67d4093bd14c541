//! Keyset paging through the emulator crate alone: an image deleted or created between two pages never makes
//! another one skipped or listed twice.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_emulator::ServeOptions;
use intune_osimages_emulator::test_util::{Running, SET, request, send};
use serde_json::Value;

fn ids(page: &Value) -> Vec<String> {
    page["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The path and query of an absolute `@odata.nextLink` that points back at `emulator` (by the `Host` sent).
fn next_target(emulator: &Running, page: &Value) -> Option<String> {
    let link = page["@odata.nextLink"].as_str()?;
    let origin = format!("http://{}", emulator.addr);
    Some(
        link.strip_prefix(&origin)
            .unwrap_or_else(|| panic!("{link} points back at {origin}"))
            .to_owned(),
    )
}

async fn get(emulator: &Running, target: &str) -> Value {
    let host = emulator.addr.to_string();
    let answer = send(
        emulator.addr,
        &request("GET", target, &[("Host", &host)], b""),
    )
    .await;
    assert_eq!(answer.status, 200, "{target}");
    answer.json()
}

#[tokio::test]
async fn a_delete_and_a_create_between_pages_skip_and_repeat_nothing() {
    let mut options = ServeOptions::local();
    options.page_size = Some(2);
    let emulator = Running::start(options).await;
    let mut all = Vec::new();
    let mut page = get(&emulator, SET).await;
    while let Some(next) = next_target(&emulator, &page) {
        all.extend(ids(&page));
        page = get(&emulator, &next).await;
    }
    all.extend(ids(&page));
    assert_eq!(all.len(), 7, "the sample catalog, whole: {all:?}");

    // First page, then delete the image it ended with (the page's anchor) and the first image already seen.
    let first = get(&emulator, SET).await;
    let seen = ids(&first);
    assert_eq!(seen, all[..2]);
    for id in [&seen[1], &seen[0]] {
        let target = format!("{SET}/{}", id.replace(' ', "%20"));
        let answer = emulator.call("DELETE", &target, b"").await;
        assert_eq!(answer.status, 204, "{id}");
    }
    // And create one that sorts before everything already listed: it belongs to no later page.
    let answer = emulator.call("POST", SET, br#"{"id":"!early"}"#).await;
    assert_eq!(answer.status, 201);

    let mut listed = seen.clone();
    let mut next = next_target(&emulator, &first);
    while let Some(target) = next {
        let page = get(&emulator, &target).await;
        listed.extend(ids(&page));
        next = next_target(&emulator, &page);
    }
    assert_eq!(
        listed, all,
        "every image listed once, in order: none skipped after the deletes, none repeated"
    );
    emulator.stop().await;
}
