//! `POST /beta/$batch` over real HTTP: what any Graph client (Microsoft's SDKs, curl) sends, with faults scripted
//! through `/_emulator/faults` and the `--data` file kept across restarts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use intune_osimages_emulator::ServeOptions;
use serde_json::{Value, json};
use support::in_process::{Raw, Running, raw};

const SET: &str = "/deviceManagement/managedDeviceWindowsOSImages";

async fn post(emulator: &Running, path: &str, body: &Value) -> Raw {
    let text = body.to_string();
    let head = format!(
        "POST {path} HTTP/1.1\nHost: {}\nContent-Type: application/json\nContent-Length: {}",
        emulator.addr,
        text.len()
    );
    raw(emulator.addr, &head, text.as_bytes()).await
}

fn statuses(answer: &Raw) -> Vec<u64> {
    answer.assert_status(200);
    answer.json()["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect()
}

fn image(id: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.managedDeviceWindowsOperatingSystemImage",
        "id": id,
        "supportedEditions": [{"editionType": "enterprise", "supportEndDate": "2029-10-09"}],
        "supportedArchitectures": ["x64"],
        "availableUpdates": [{"buildVersion": "10.0.26200.1234", "releaseMonth": 10, "releaseYear": 2026}]
    })
}

#[tokio::test]
async fn a_mixed_batch_with_depends_on_and_a_failed_dependency() {
    let emulator = Running::start(ServeOptions::local()).await;
    let body = json!({"requests": [
        {"id": "1", "method": "POST", "url": SET, "body": image("Lab"), "headers": {"Content-Type": "application/json"}},
        {"id": "2", "method": "PATCH", "url": format!("{SET}/Lab"), "dependsOn": ["1"],
         "body": {"supportedArchitectures": ["arM64"]}, "headers": {"Content-Type": "application/json"}},
        {"id": "3", "method": "GET", "url": format!("{}/Lab", SET.trim_start_matches('/')), "dependsOn": ["2"]},
        {"id": "4", "method": "DELETE", "url": format!("{SET}/Windows%2010%2022H2")},
        {"id": "5", "method": "GET", "url": format!("{SET}/not-there")},
        {"id": "6", "method": "DELETE", "url": format!("{SET}/Windows%2011%2022H2"), "dependsOn": ["5"]}
    ]});
    let answer = post(&emulator, "/beta/$batch", &body).await;
    assert_eq!(statuses(&answer), [201, 200, 200, 204, 404, 424]);
    let items = answer.json()["responses"].clone();
    assert_eq!(items[2]["body"]["supportedArchitectures"], json!(["arM64"]));
    assert!(answer.header("request-id").is_some());
    assert!(emulator.graph.image("Windows 10 22H2").is_none());
    assert!(
        emulator.graph.image("Windows 11 22H2").is_some(),
        "a 424 item is not run"
    );
    emulator.stop().await;
}

#[tokio::test]
async fn item_faults_and_batch_faults_are_scripted_over_http() {
    let emulator = Running::start(ServeOptions::local()).await;
    let script = json!([
        {"kind": "status", "status": 503, "times": 1},
        {"kind": "batchItem", "position": 3, "status": 429, "retryAfter": 1}
    ]);
    assert_eq!(
        post(&emulator, "/_emulator/faults", &script).await.status,
        204
    );
    let body = json!({"requests": (1..=4).map(|i| json!({
        "id": format!("r{i}"), "method": "GET", "url": format!("{SET}/$count")
    })).collect::<Vec<_>>()});
    let first = post(&emulator, "/beta/$batch", &body).await;
    assert_eq!(
        first.status, 503,
        "the batch request itself is answered 503"
    );
    let second = post(&emulator, "/beta/$batch", &body).await;
    assert_eq!(statuses(&second), [200, 200, 429, 200]);
    assert_eq!(second.json()["responses"][2]["headers"]["retry-after"], "1");
    let third = post(&emulator, "/beta/$batch", &body).await;
    assert_eq!(statuses(&third), [200, 200, 200, 200]);
    emulator.stop().await;
}

#[tokio::test]
async fn every_malformed_batch_is_answered_400_naming_the_problem() {
    let emulator = Running::start(ServeOptions::local()).await;
    let get = |id: &str| json!({"id": id, "method": "GET", "url": SET});
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"requests": (0..21).map(|i| get(&i.to_string())).collect::<Vec<_>>()}),
            "at most 20",
        ),
        (
            json!({"requests": [get("x"), get("X")]}),
            "/requests/1/id: the id \"X\" repeats",
        ),
        (
            json!({"requests": [{"id": "1", "url": SET}]}),
            "/requests/0/method: missing",
        ),
        (
            json!({"requests": [{"id": "1", "method": "GET"}]}),
            "/requests/0/url: missing",
        ),
        (
            json!({"requests": [{"id": "1", "method": "POST", "url": SET, "body": image("a")}]}),
            "/requests/0/headers: a request with a body must give its Content-Type",
        ),
        (
            json!({"requests": [{"id": "1", "method": "GET", "url": SET, "dependsOn": ["nope"]}]}),
            "no request in this batch has the id \"nope\"",
        ),
        (
            json!({"requests": [
                {"id": "1", "method": "GET", "url": SET, "dependsOn": ["2"]},
                {"id": "2", "method": "GET", "url": SET}
            ]}),
            "comes later in the batch",
        ),
        (
            json!({"requests": [
                {"id": "1", "method": "GET", "url": SET, "dependsOn": ["2"]},
                {"id": "2", "method": "GET", "url": SET, "dependsOn": ["1"]}
            ]}),
            "makes a cycle",
        ),
    ];
    for (body, expected) in cases {
        let answer = post(&emulator, "/beta/$batch", &body).await;
        assert_eq!(answer.status, 400, "{body}");
        let error = &answer.json()["error"];
        assert_eq!(error["code"], "BadRequest");
        assert!(error["innerError"]["request-id"].is_string());
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains(expected),
            "{message:?} should contain {expected:?}"
        );
    }
    emulator.stop().await;
}

#[tokio::test]
async fn batch_writes_survive_a_restart_with_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("catalog.json");
    let mut options = ServeOptions::local();
    options.data = Some(data.clone());
    let first = Running::start(options.clone()).await;
    let body = json!({"requests": [
        {"id": "c", "method": "POST", "url": SET, "body": image("Kept"), "headers": {"Content-Type": "application/json"}},
        {"id": "d", "method": "DELETE", "url": format!("{SET}/Windows%2010%2022H2")},
        {"id": "x", "method": "GET", "url": format!("{SET}/missing")}
    ]});
    assert_eq!(
        statuses(&post(&first, "/beta/$batch", &body).await),
        [201, 204, 404]
    );
    let on_disk = std::fs::read_to_string(&data).unwrap();
    assert!(
        on_disk.contains("\"Kept\""),
        "acknowledged before the answer"
    );
    let before = first.graph.snapshot();
    first.stop().await;
    let second = Running::start(options).await;
    assert_eq!(second.graph.snapshot(), before);
    assert!(second.graph.image("Kept").is_some());
    assert!(second.graph.image("Windows 10 22H2").is_none());
    second.stop().await;
}

#[tokio::test]
async fn the_sdk_splits_past_twenty_and_resends_a_throttled_item_over_http() {
    use intune_osimages::transport::ManualClock;
    use intune_osimages_fake::Fault;
    let emulator = Running::start(ServeOptions::local()).await;
    emulator.graph.push_fault(Fault::throttled_item(3, 1, 1));
    let clock = ManualClock::new();
    let client = intune_osimages::Client::builder()
        .base_url(emulator.base_url.clone())
        .clock(std::sync::Arc::new(clock.clone()))
        .build()
        .unwrap();
    let images = client.os_images();
    let mut batch = client.batch().allow_read_only();
    let patch = intune_osimages::OsImagePatch::new()
        .property("supportedArchitectures", json!(["x64", "arM64"]));
    let mut updates = Vec::new();
    for _ in 0..22 {
        updates.push(batch.update("Windows 11 24H2", &patch));
    }
    let created = batch.add(images.create_json(image("Made in a batch")));
    let read_back = batch.get("Made in a batch");
    batch.depends_on(&read_back, &created);
    let results = batch.send().await.unwrap();
    // 24 steps: two $batch requests (20 + 4), then one more for the throttled third item.
    assert_eq!(results.requests_sent(), 3);
    assert_eq!(clock.slept(), [std::time::Duration::from_secs(1)]);
    assert!(results.all_succeeded());
    for step in &updates {
        assert!(results.get(step).is_ok());
    }
    assert_eq!(results.get(&read_back).unwrap().id_str(), "Made in a batch");
    emulator.stop().await;
}
