//! `client.batch()` in process against the fake Graph service: typed results per step, dependsOn, splitting past 20,
//! throttled items resent after their own Retry-After, validation before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use http::{Method, StatusCode};
use intune_osimages::transport::{ManualClock, RetryPolicy};
use intune_osimages::{Client, ErrorKind, OsImagePatch, RawStep, Updated};
use intune_osimages_fake::{BatchItem, FakeGraph, FakeTransport, Fault};
use serde_json::json;

fn client(graph: &FakeGraph, clock: &ManualClock) -> Client {
    Client::builder()
        .transport(FakeTransport::new(graph.clone()))
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap()
}

fn batches_received(graph: &FakeGraph) -> Vec<serde_json::Value> {
    graph
        .requests()
        .iter()
        .filter(|r| r.path().ends_with("/$batch"))
        .map(|r| r.json().unwrap())
        .collect()
}

fn arch_patch(arch: &str) -> OsImagePatch {
    OsImagePatch::new().property("supportedArchitectures", json!([arch]))
}

#[tokio::test]
async fn each_step_gets_its_own_typed_result_from_one_request() {
    let graph = FakeGraph::with_sample_catalog();
    let clock = ManualClock::new();
    let client = client(&graph, &clock);
    let images = client.os_images();
    let mut batch = client.batch().allow_read_only();
    let got = batch.get("Windows 11 24H2");
    let missing = batch.get("Windows 95");
    let page = batch.add(images.list().filter("startswith(id,'Windows 11')").top(2));
    let count = batch.count();
    let filtered = batch.add(images.count().filter("id eq 'Windows 10 22H2'"));
    let updated = batch.update("Windows 11 23H2", &arch_patch("x64"));
    let deleted = batch.delete("Windows 10 22H2");
    let raw = batch.raw(RawStep::new(
        Method::GET,
        "deviceManagement/managedDeviceWindowsOSImages/Windows%2011%2025H2",
    ));
    let results = batch.send().await.unwrap();

    assert_eq!(results.requests_sent(), 1);
    assert_eq!(results.get(&got).unwrap().id_str(), "Windows 11 24H2");
    let e = results.get(&missing).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Graph);
    assert_eq!(e.status(), Some(404));
    assert_eq!(e.as_graph().unwrap().code, "NotFound");
    assert!(e.request_id().is_some(), "each item has its own request-id");
    let page = results.get(&page).unwrap();
    assert_eq!(page.value.len(), 2);
    assert!(page.next_link.is_some());
    assert_eq!(results.get(&count).unwrap(), 7);
    assert_eq!(results.get(&filtered).unwrap(), 1);
    match results.get(&updated).unwrap() {
        Updated::Image(image) => assert_eq!(image.id_str(), "Windows 11 23H2"),
        Updated::NoContent => panic!("the fake answers 200 with the image"),
    }
    results.get(&deleted).unwrap();
    assert_eq!(results.get(&raw).unwrap().status, Some(200));
    assert!(graph.image("Windows 10 22H2").is_none());
    assert!(!results.all_succeeded());
    let listed: Vec<(String, Option<u16>)> = results
        .responses()
        .map(|r| (r.id.clone(), r.status))
        .collect();
    assert_eq!(listed[1], ("2".to_owned(), Some(404)));
    assert_eq!(batches_received(&graph).len(), 1);
}

#[tokio::test]
async fn depends_on_is_sent_and_a_failed_dependency_answers_424() {
    let graph = FakeGraph::with_sample_catalog();
    let clock = ManualClock::new();
    let client = client(&graph, &clock);
    let mut batch = client.batch().allow_read_only();
    let missing = batch.get("nope");
    let delete = batch.delete("Windows 11 24H2");
    batch.depends_on(&delete, &missing);
    let results = batch.send().await.unwrap();
    let e = results.get(&delete).unwrap_err();
    assert_eq!(e.status(), Some(424));
    assert_eq!(e.as_graph().unwrap().code, "FailedDependency");
    assert!(graph.image("Windows 11 24H2").is_some());
    let sent = &batches_received(&graph)[0];
    assert_eq!(sent["requests"][1]["dependsOn"], json!(["1"]));
    assert!(clock.slept().is_empty(), "a 424 after a 404 is final");
}

#[tokio::test]
async fn a_throttled_item_is_resent_after_its_retry_after_with_its_dependents() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::throttled_item(2, 1, 3));
    let clock = ManualClock::new();
    let client = client(&graph, &clock);
    let mut batch = client.batch().allow_read_only();
    let a = batch.count();
    let b = batch.update("Windows 11 24H2", &arch_patch("arM64"));
    let c = batch.get("Windows 11 24H2");
    batch.depends_on(&c, &b);
    let d = batch.get("Windows 11 23H2");
    let results = batch.send().await.unwrap();
    assert_eq!(results.requests_sent(), 2);
    assert_eq!(clock.slept(), [Duration::from_secs(3)]);
    assert_eq!(results.get(&a).unwrap(), 7);
    assert!(results.get(&b).is_ok());
    assert_eq!(
        results.get(&c).unwrap().extra.get("supportedArchitectures"),
        None
    );
    assert_eq!(
        results.get(&c).unwrap().architectures(),
        [intune_osimages::Architecture::Arm64]
    );
    results.get(&d).unwrap();
    let sent = batches_received(&graph);
    // The second round carries only the throttled item and its 424 dependent, marked as a retry.
    let ids: Vec<&str> = sent[1]["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["2", "3"]);
    assert_eq!(sent[1]["requests"][0]["headers"]["Retry-Attempt"], "1");
    assert_eq!(sent[1]["requests"][1]["dependsOn"], json!(["2"]));
}

#[tokio::test]
async fn retrying_items_stops_at_the_policy_budget() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::BatchItem {
        item: BatchItem::Id("1".into()),
        status: StatusCode::SERVICE_UNAVAILABLE,
        retry_after: None,
        times: 10,
    });
    let clock = ManualClock::new();
    let client = Client::builder()
        .transport(FakeTransport::new(graph.clone()))
        .retry_policy(RetryPolicy::default().max_retries(2))
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    let mut batch = client.batch();
    let a = batch.count();
    let results = batch.send().await.unwrap();
    assert_eq!(results.requests_sent(), 3, "one send and two retries");
    assert_eq!(results.get(&a).unwrap_err().status(), Some(503));
    assert_eq!(clock.slept().len(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_maximum_delay_is_not_waited_out() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::throttled_item(1, 1, 3600));
    let clock = ManualClock::new();
    let client = client(&graph, &clock);
    let mut batch = client.batch();
    let a = batch.count();
    let results = batch.send().await.unwrap();
    let e = results.get(&a).unwrap_err();
    assert_eq!(e.status(), Some(429));
    assert_eq!(
        e.as_graph().unwrap().retry_after,
        Some(Duration::from_secs(3600))
    );
    assert!(clock.slept().is_empty());
}

#[tokio::test]
async fn more_than_twenty_steps_are_split_and_chains_kept_whole() {
    let graph = FakeGraph::with_sample_catalog();
    let clock = ManualClock::new();
    let client = client(&graph, &clock);
    let mut batch = client.batch();
    for _ in 0..15 {
        batch.count();
    }
    // A chain of 10 cannot share the first batch's last 5 places: it goes whole to the second.
    let mut previous = batch.get("Windows 11 24H2");
    for _ in 0..9 {
        let next = batch.get("Windows 11 24H2");
        batch.depends_on(&next, &previous);
        previous = next;
    }
    let results = batch.send().await.unwrap();
    assert_eq!(results.requests_sent(), 2);
    let sizes: Vec<usize> = batches_received(&graph)
        .iter()
        .map(|b| b["requests"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [15, 10]);
    assert!(results.all_succeeded());
    assert_eq!(results.responses().len(), 25);
}

#[tokio::test]
async fn a_chain_longer_than_twenty_is_refused_before_sending() {
    let graph = FakeGraph::with_sample_catalog();
    let clock = ManualClock::new();
    let client = client(&graph, &clock);
    let mut batch = client.batch();
    let mut previous = batch.count();
    for _ in 0..20 {
        let next = batch.count();
        batch.depends_on(&next, &previous);
        previous = next;
    }
    let e = batch.send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Configuration);
    assert!(e.to_string().contains("21 steps are linked"), "{e}");
    assert!(graph.requests().is_empty());
}

#[tokio::test]
async fn every_body_is_validated_before_anything_is_sent() {
    let graph = FakeGraph::with_sample_catalog();
    let clock = ManualClock::new();
    let client = client(&graph, &clock);
    let mut batch = client.batch();
    batch.count();
    batch.update("Windows 11 24H2", &arch_patch("ARM64"));
    batch.raw(
        RawStep::new(
            Method::PATCH,
            "/deviceManagement/managedDeviceWindowsOSImages/x",
        )
        .body(json!({"supportedArchitectures": "x64"})),
    );
    let e = batch.send().await.unwrap_err();
    let report = e.as_validation().expect("a validation error");
    let paths: Vec<&str> = report.errors().map(|f| f.path.as_str()).collect();
    assert!(
        paths.contains(&"/requests/1/body/supportedArchitectures/0"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"/requests/2/body/supportedArchitectures"),
        "{paths:?}"
    );
    assert!(graph.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn step_ids_and_handles_are_checked() {
    let graph = FakeGraph::with_sample_catalog();
    let clock = ManualClock::new();
    let client = client(&graph, &clock);
    let mut batch = client.batch();
    batch.raw(
        RawStep::new(
            Method::GET,
            "/deviceManagement/managedDeviceWindowsOSImages",
        )
        .id("A"),
    );
    batch.raw(
        RawStep::new(
            Method::GET,
            "/deviceManagement/managedDeviceWindowsOSImages",
        )
        .id("a"),
    );
    let e = batch.send().await.unwrap_err();
    assert!(e.to_string().contains("repeats the id of step 0"), "{e}");

    let mut batch = client.batch();
    let first = batch.count();
    let second = batch.count();
    batch.depends_on(&first, &second);
    let e = batch.send().await.unwrap_err();
    assert!(e.to_string().contains("added after it"), "{e}");

    let mut one = client.batch();
    let foreign = one.count();
    let mut other = client.batch();
    other.count();
    let results = other.send().await.unwrap();
    assert_eq!(
        results.get(&foreign).unwrap_err().kind(),
        ErrorKind::Configuration
    );
    // User ids are kept and numbered ids go around them.
    let mut batch = client.batch();
    batch.raw(
        RawStep::new(
            Method::GET,
            "/deviceManagement/managedDeviceWindowsOSImages/$count",
        )
        .id("2"),
    );
    batch.count();
    let results = batch.send().await.unwrap();
    let ids: Vec<String> = results.responses().map(|r| r.id.clone()).collect();
    assert_eq!(ids, ["2", "1"]);
}

#[tokio::test]
async fn a_throttled_batch_request_goes_through_the_normal_retry_stack() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::throttled(1, 2));
    let clock = ManualClock::new();
    let client = client(&graph, &clock);
    let mut batch = client.batch();
    let a = batch.count();
    let results = batch.send().await.unwrap();
    assert_eq!(results.get(&a).unwrap(), 7);
    assert_eq!(clock.slept(), [Duration::from_secs(2)]);
    assert_eq!(
        results.requests_sent(),
        1,
        "the stack resent it, not the batch"
    );
}

#[tokio::test]
async fn a_batch_request_that_fails_whole_gives_each_step_the_error() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::DropConnection { times: 1 });
    let clock = ManualClock::new();
    let client = client(&graph, &clock);
    let mut batch = client.batch().allow_read_only();
    let a = batch.update("Windows 11 24H2", &arch_patch("x64"));
    let b = batch.count();
    let results = batch.send().await.unwrap();
    for e in [results.get(&a).unwrap_err(), results.get(&b).unwrap_err()] {
        assert_eq!(e.kind(), ErrorKind::Transport);
        assert!(e.may_have_been_sent());
    }
    assert_eq!(results.responses().next().unwrap().status, None);
    assert_eq!(
        graph.requests().len(),
        1,
        "a POST that may have been sent is not resent"
    );
}
