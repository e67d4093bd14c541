//! The `on_change` hook: called with the new catalog before the answer, under the write lock; a failure rolls the
//! write back and answers 500.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use http::{Method, StatusCode};
use intune_osimages_fake::{FakeGraph, FakeTransport};
use intune_osimages_transport::Transport;
use serde_json::Value;
use support::*;

#[test]
fn the_hook_sees_each_new_catalog_before_the_answer() {
    let seen: Arc<Mutex<Vec<Vec<String>>>> = Arc::default();
    let sink = seen.clone();
    let graph = FakeGraph::builder()
        .catalog(numbered(2).snapshot())
        .on_change(move |catalog: &[&str]| {
            sink.lock().unwrap().push(
                catalog
                    .iter()
                    .map(|text| {
                        let v: Value = serde_json::from_str(text).unwrap();
                        v["id"].as_str().unwrap().to_owned()
                    })
                    .collect(),
            );
            Ok(())
        })
        .build();
    assert_eq!(
        graph
            .handle_sync(&json_req(Method::POST, SET, &image_json("b")))
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        graph
            .handle_sync(&json_req(Method::PATCH, &format!("{SET}/b"), "{}"))
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        graph
            .handle_sync(&req(Method::DELETE, &format!("{SET}/img-000")))
            .status(),
        StatusCode::NO_CONTENT
    );
    // Reads and failed writes do not call it.
    get(&graph, SET);
    graph.handle_sync(&req(Method::DELETE, &format!("{SET}/nope")));
    graph.handle_sync(&json_req(Method::POST, SET, "{"));
    assert_eq!(
        *seen.lock().unwrap(),
        [
            vec!["b", "img-000", "img-001"],
            vec!["b", "img-000", "img-001"],
            vec!["b", "img-001"]
        ]
    );
}

#[tokio::test]
async fn the_hook_runs_before_the_response_exists() {
    let answered = Arc::new(AtomicBool::new(false));
    let observed_before_answer = Arc::new(AtomicBool::new(false));
    let (a, o) = (answered.clone(), observed_before_answer.clone());
    let graph = FakeGraph::builder()
        .on_change(move |_| {
            o.store(!a.load(Ordering::SeqCst), Ordering::SeqCst);
            Ok(())
        })
        .build();
    let transport = FakeTransport::new(graph);
    let resp = transport
        .send(json_req(Method::POST, SET, &image_json("a")))
        .await
        .unwrap();
    answered.store(true, Ordering::SeqCst);
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert!(observed_before_answer.load(Ordering::SeqCst));
}

#[test]
fn a_failing_hook_rolls_each_kind_of_write_back_and_answers_500() {
    let fail = Arc::new(AtomicBool::new(false));
    let flag = fail.clone();
    let graph = FakeGraph::builder()
        .catalog(intune_osimages_fake::sample_catalog())
        .on_change(move |_| {
            if flag.load(Ordering::SeqCst) {
                Err("disk full".to_owned())
            } else {
                Ok(())
            }
        })
        .build();
    let before = graph.snapshot();
    fail.store(true, Ordering::SeqCst);
    let writes = [
        json_req(Method::POST, SET, &image_json("new")),
        json_req(
            Method::PATCH,
            &format!("{SET}/Windows%2011%2024H2"),
            r#"{"supportedArchitectures":["x64"]}"#,
        ),
        req(Method::DELETE, &format!("{SET}/Windows%2010%2022H2")),
    ];
    for write in &writes {
        let resp = graph.handle_sync(write);
        let message = expect_error(
            &resp,
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
        );
        assert!(
            message.contains("Persisting the change failed") && message.contains("disk full"),
            "{message}"
        );
        assert_eq!(
            graph.snapshot(),
            before,
            "{} {}",
            write.method(),
            write.uri()
        );
    }
    fail.store(false, Ordering::SeqCst);
    assert_eq!(graph.handle_sync(&writes[0]).status(), StatusCode::CREATED);
}

#[test]
fn a_panicking_hook_is_a_failure_and_leaves_the_service_usable() {
    let graph = FakeGraph::builder()
        .on_change(|catalog| {
            if catalog.len() > 1 {
                panic!("hook bug")
            } else {
                Ok(())
            }
        })
        .build();
    assert_eq!(
        graph
            .handle_sync(&json_req(Method::POST, SET, &image_json("a")))
            .status(),
        StatusCode::CREATED
    );
    let resp = graph.handle_sync(&json_req(Method::POST, SET, &image_json("b")));
    expect_error(
        &resp,
        StatusCode::INTERNAL_SERVER_ERROR,
        "InternalServerError",
    );
    assert_eq!(graph.len(), 1);
    assert_eq!(get(&graph, SET).status(), StatusCode::OK);
}

#[test]
fn writes_serialize_under_the_hook() {
    let in_hook = Arc::new(AtomicBool::new(false));
    let overlap = Arc::new(AtomicBool::new(false));
    let (h, o) = (in_hook.clone(), overlap.clone());
    let graph = FakeGraph::builder()
        .on_change(move |_| {
            if h.swap(true, Ordering::SeqCst) {
                o.store(true, Ordering::SeqCst);
            }
            std::thread::yield_now();
            h.store(false, Ordering::SeqCst);
            Ok(())
        })
        .build();
    std::thread::scope(|s| {
        for t in 0..4 {
            let graph = graph.clone();
            s.spawn(move || {
                for i in 0..25 {
                    let id = format!("t{t}-{i}");
                    assert_eq!(
                        graph
                            .handle_sync(&json_req(Method::POST, SET, &image_json(&id)))
                            .status(),
                        StatusCode::CREATED
                    );
                }
            });
        }
    });
    assert_eq!(graph.len(), 100);
    assert!(!overlap.load(Ordering::SeqCst), "two hook calls overlapped");
}
