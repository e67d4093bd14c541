//! `--data` and `--seed`: the catalog kept in a file across restarts, written before each write is answered, and
//! bad files refused at start with the reason.
//!
//! Nothing lost: `osimages serve --data FILE` is killed with SIGKILL in the middle of a stream of concurrent writes,
//! restarted on the same file, and every write it had answered with success is there; the file is whole JSON every
//! time. Concurrent PATCHes to one id leave exactly one writer's state, never a mix. Unknown properties and enum
//! values survive a store, a kill, a restart and a read, as the same JSON values.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use futures::TryStreamExt;
use intune_osimages::Client;
use intune_osimages::transport::RetryPolicy;
use intune_osimages::{Architecture, EditionType, OsImage, OsImagePatch};
use intune_osimages_emulator::{ServeErrorKind, ServeOptions, bind};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::in_process::{Running, ServedGraph};
use support::process::{Emulator, Raw, SET, empty_seed, request, send_raw};

const TOKEN: &str = "data-test-token-91c2";

fn options(data: &Path) -> ServeOptions {
    let mut options = ServeOptions::local();
    options.token = Some(TOKEN.to_owned());
    options.data = Some(data.to_path_buf());
    // The tests store a property the type does not declare (`notes`); strict, the emulator answers 400 as Graph.
    options.lenient = true;
    options
}

fn read_catalog(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(!text.contains(TOKEN), "the data file never holds the token");
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["value"].as_array().unwrap().clone()
}

fn ids(catalog: &[Value]) -> Vec<&str> {
    catalog.iter().map(|i| i["id"].as_str().unwrap()).collect()
}

fn lab_image(id: &str) -> OsImage {
    OsImage::new(id)
        .with_odata_type()
        .edition(
            EditionType::Education,
            chrono::NaiveDate::from_ymd_opt(2031, 3, 11).unwrap(),
        )
        .architecture(Architecture::Arm64)
        .update("10.0.26200.1234", 2026, 10)
}

#[tokio::test]
async fn writes_survive_a_restart_and_are_on_disk_before_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("catalog.json");

    let first = Running::start(options(&data)).await;
    // created at start from the sample catalog
    assert_eq!(read_catalog(&data), first.graph.snapshot());
    let images = first.client(Some(TOKEN)).os_images();

    images
        .create(&lab_image("Lab A"))
        .allow_read_only()
        .await
        .unwrap();
    // answered, so already in the file (the server is still running)
    assert!(ids(&read_catalog(&data)).contains(&"Lab A"));

    let patch = OsImagePatch::new().property("notes", json!("kept across restarts"));
    let updated = images
        .update("Lab A", &patch)
        .allow_read_only()
        .await
        .unwrap();
    assert!(updated.into_image().is_some());
    images.delete("Windows 10 22H2").send().await.unwrap();
    let before_stop = first.graph.snapshot();
    assert_eq!(read_catalog(&data), before_stop);
    first.stop().await;

    let second = Running::start(options(&data)).await;
    assert_eq!(second.graph.snapshot(), before_stop);
    let images = second.client(Some(TOKEN)).os_images();
    let lab = images.get("Lab A").send().await.unwrap();
    assert_eq!(lab.extra.get("notes"), Some(json!("kept across restarts")));
    assert_eq!(lab.architectures(), [Architecture::Arm64]);
    let gone = images.get("Windows 10 22H2").send().await.unwrap_err();
    assert_eq!(gone.status(), Some(404));
    second.stop().await;

    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["catalog.json"], "no temporary file left behind");
}

#[tokio::test]
async fn a_write_that_cannot_be_stored_is_rolled_back_and_answered_500() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("state");
    std::fs::create_dir(&data_dir).unwrap();
    let data = data_dir.join("catalog.json");
    let emulator = Running::start(options(&data)).await;
    let images = emulator.client(Some(TOKEN)).os_images();
    let before = emulator.graph.snapshot();

    // Take the directory away: the temporary file cannot be created, whoever runs the test (root included).
    std::fs::remove_dir_all(&data_dir).unwrap();

    let error = images
        .create(&lab_image("Never stored"))
        .allow_read_only()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(500), "{error}");
    assert_eq!(error.as_graph().unwrap().code, "InternalServerError");
    let patch = OsImagePatch::new().supported_architectures([Architecture::X86]);
    let error = images
        .update("Windows 11 24H2", &patch)
        .allow_read_only()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(500), "{error}");
    assert_eq!(emulator.graph.snapshot(), before, "both writes were undone");

    // reads still work, and writes work again once the directory is back
    assert_eq!(images.count().send().await.unwrap(), before.len() as u64);
    std::fs::create_dir(&data_dir).unwrap();
    images
        .create(&lab_image("Stored"))
        .allow_read_only()
        .await
        .unwrap();
    assert!(ids(&read_catalog(&data)).contains(&"Stored"));
    emulator.stop().await;
}

#[tokio::test]
async fn the_seed_starts_the_catalog_and_the_data_file_wins_afterwards() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(
        &seed,
        r#"{"value":[{"id":"seeded-1","supportedArchitectures":["x64"],"futureProperty":{"kept":true}},{"id":"seeded-2","supportedArchitectures":["quantum"]}]}"#,
    )
    .unwrap();
    let data = dir.path().join("catalog.json");

    let mut with_seed = options(&data);
    with_seed.seed = Some(seed.clone());
    let first = Running::start(with_seed.clone()).await;
    assert_eq!(ids(&first.graph.snapshot()), ["seeded-1", "seeded-2"]);
    // unknown properties and enum values in a seed are kept as written
    assert_eq!(
        first.graph.image("seeded-1").unwrap()["futureProperty"],
        json!({"kept": true})
    );
    assert_eq!(read_catalog(&data), first.graph.snapshot());
    first
        .client(Some(TOKEN))
        .os_images()
        .delete("seeded-1")
        .send()
        .await
        .unwrap();
    first.stop().await;

    let second = Running::start(with_seed).await;
    assert_eq!(
        ids(&second.graph.snapshot()),
        ["seeded-2"],
        "the data file, not the seed"
    );
    second.stop().await;
}

#[tokio::test]
async fn a_bad_seed_is_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "[\n  {\"id\": \"a\"},\n  {\"id\": \"b\",}\n]",
            "line 3, column 14",
        ),
        (
            r#"[{"id":"a"},{"id":"a"}]"#,
            "[1].id \"a\" repeats the id of [0]",
        ),
        (r#"{"value":[{"name":"x"}]}"#, "value[0] has no \"id\""),
        (
            r#"[{"id":"a"}, "b"]"#,
            "[1] must be an object, found a string",
        ),
        (r#"{"images":[]}"#, "no \"value\""),
    ];
    for (text, reason) in cases {
        let seed = dir.path().join("seed.json");
        std::fs::write(&seed, text).unwrap();
        let mut options = ServeOptions::local();
        options.seed = Some(seed.clone());
        let error = bind(options).await.unwrap_err();
        assert_eq!(error.kind(), ServeErrorKind::Seed);
        let message = error.to_string();
        assert!(message.contains("--seed"), "{message}");
        assert!(message.contains(&seed.display().to_string()), "{message}");
        assert!(message.contains(reason), "{text}: {message}");
    }

    let mut options = ServeOptions::local();
    options.seed = Some(dir.path().join("missing.json"));
    let error = bind(options).await.unwrap_err();
    assert!(error.to_string().contains("cannot be read"), "{error}");
}

#[tokio::test]
async fn a_bad_data_file_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("catalog.json");
    std::fs::write(&data, "{\"value\": [ {\"id\": 1} ]}").unwrap();
    let error = bind(options(&data)).await.unwrap_err();
    assert_eq!(error.kind(), ServeErrorKind::Data);
    assert!(error.to_string().contains("--data"), "{error}");
    assert!(
        error.to_string().contains("value[0].id must be a string"),
        "{error}"
    );
    assert_eq!(
        std::fs::read_to_string(&data).unwrap(),
        "{\"value\": [ {\"id\": 1} ]}",
        "a file the emulator cannot read is never overwritten"
    );

    let error = bind(options(dir.path())).await.unwrap_err();
    assert_eq!(error.kind(), ServeErrorKind::Data, "{error}");
}

/// SIGKILLs in the durability test, each after a different number of answered writes.
const KILLS: [usize; 3] = [60, 200, 400];
/// Writers running at once.
const WRITERS: usize = 8;
/// The most operations one writer tries in one round (a bound; the kill comes long before).
const OPS_PER_WRITER: usize = 400;

/// A client that sends each request once: after the kill, failures come back at once instead of after backoff.
fn once_client(serve: &Emulator) -> Client {
    Client::builder()
        .base_url(serve.base_url.clone())
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// An image with a `rev` counter: a property the type does not declare, so the emulators these tests start run
/// `--lenient` (strict, they answer 400 as Graph does).
fn image(id: &str) -> Value {
    json!({
        "id": id,
        "supportedEditions": [{"editionType": "enterprise", "supportEndDate": "2027-10-12"}],
        "supportedArchitectures": ["x64"],
        "availableUpdates": [],
        "rev": 0,
    })
}

/// What each id went through: what was sent, and what was answered with success.
#[derive(Debug, Default, Clone)]
struct History {
    create_acked: bool,
    rev_sent: i64,
    rev_acked: i64,
    delete_sent: bool,
    delete_acked: bool,
}

type Ledger = Arc<Mutex<BTreeMap<String, History>>>;

/// The catalog in the data file; panics if the file is not whole JSON of the right shape.
fn read_data_file(path: &Path) -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let document: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("the data file is not JSON ({e}):\n{text}"));
    document["value"]
        .as_array()
        .expect("the data file holds {\"value\": [...]}")
        .iter()
        .map(|i| (i["id"].as_str().unwrap().to_owned(), i.clone()))
        .collect()
}

/// Checks the restarted emulator against the ledger; returns how many answered writes were checked.
async fn verify(serve: &Emulator, data: &Path, ledger: &Ledger) -> usize {
    let in_file = read_data_file(data);
    let served: BTreeMap<String, Value> = once_client(serve)
        .os_images()
        .list()
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.id.clone().unwrap(), serde_json::to_value(i).unwrap()))
        .collect();
    assert_eq!(
        in_file.keys().collect::<Vec<_>>(),
        served.keys().collect::<Vec<_>>(),
        "the emulator serves what the file holds"
    );
    let ledger = ledger.lock().unwrap();
    let mut checked = 0;
    for id in served.keys() {
        assert!(ledger.contains_key(id), "{id} was never written");
    }
    for (id, history) in ledger.iter() {
        let stored = served.get(id);
        if history.delete_acked {
            assert!(stored.is_none(), "{id}: its answered delete was lost");
            checked += 1;
        } else if history.create_acked && !history.delete_sent {
            let stored = stored.unwrap_or_else(|| panic!("{id}: its answered create was lost"));
            let rev = stored["rev"].as_i64().unwrap();
            assert!(
                rev >= history.rev_acked && rev <= history.rev_sent,
                "{id}: rev {rev}, but {} was answered and {} sent last",
                history.rev_acked,
                history.rev_sent
            );
            // The create, and every answered PATCH up to the last.
            checked += 1 + usize::try_from(history.rev_acked).unwrap();
        }
    }
    checked
}

/// One writer: creates its own ids, patches them with increasing revs, and deletes some, until the server dies.
async fn writer(client: Client, ledger: Ledger, round: usize, w: usize) {
    let images = client.os_images();
    let mut own: Vec<String> = Vec::new();
    for k in 0..OPS_PER_WRITER {
        match k % 4 {
            0 | 1 => {
                let id = format!("r{round} w{w} #{k}");
                ledger
                    .lock()
                    .unwrap()
                    .insert(id.clone(), History::default());
                if images
                    .create_json(image(&id))
                    .allow_read_only()
                    .await
                    .is_err()
                {
                    return;
                }
                ledger.lock().unwrap().get_mut(&id).unwrap().create_acked = true;
                own.push(id);
            }
            2 => {
                let Some(id) = own.get(k % own.len().max(1)).cloned() else {
                    continue;
                };
                let rev = {
                    let mut ledger = ledger.lock().unwrap();
                    let history = ledger.get_mut(&id).unwrap();
                    history.rev_sent += 1;
                    history.rev_sent
                };
                if images.update_json(&id, json!({"rev": rev})).await.is_err() {
                    return;
                }
                let mut ledger = ledger.lock().unwrap();
                let history = ledger.get_mut(&id).unwrap();
                history.rev_acked = history.rev_acked.max(rev);
            }
            _ if own.len() > 3 => {
                let id = own.remove(0);
                ledger.lock().unwrap().get_mut(&id).unwrap().delete_sent = true;
                if images.delete(&id).await.is_err() {
                    return;
                }
                ledger.lock().unwrap().get_mut(&id).unwrap().delete_acked = true;
            }
            _ => {}
        }
    }
}

fn answered(ledger: &Ledger) -> usize {
    ledger
        .lock()
        .unwrap()
        .values()
        .map(|h| {
            usize::from(h.create_acked)
                + usize::try_from(h.rev_acked).unwrap()
                + usize::from(h.delete_acked)
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_concurrent_writes_loses_no_answered_write() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("catalog.json");
    let data_arg = data.to_str().unwrap().to_owned();
    let seed = empty_seed(dir.path());
    let ledger: Ledger = Arc::default();
    let mut checked_total = 0;

    for (round, kill_after) in KILLS.iter().enumerate() {
        let serve = if round == 0 {
            Emulator::start_with_env(&["--lenient", "--data", &data_arg, "--seed", &seed], &[])
        } else {
            Emulator::start_with_env(&["--lenient", "--data", &data_arg], &[])
        };
        checked_total += verify(&serve, &data, &ledger).await;

        let before = answered(&ledger);
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| tokio::spawn(writer(once_client(&serve), ledger.clone(), round, w)))
            .collect();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while answered(&ledger) < before + kill_after {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the writers made no progress"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        // SIGKILL with writes in flight.
        let _ = serve.kill();
        for task in writers {
            tokio::time::timeout(Duration::from_secs(20), task)
                .await
                .expect("a writer notices the kill")
                .unwrap();
        }
        read_data_file(&data);
    }

    let serve = Emulator::start_with_env(&["--lenient", "--data", &data_arg], &[]);
    let distinct = verify(&serve, &data, &ledger).await;
    checked_total += distinct;
    let total = answered(&ledger);
    println!(
        "{} SIGKILLs: {total} writes answered; the final state checks {distinct} of them (a deleted image's create \
         and patches are superseded); {checked_total} checks across the restarts",
        KILLS.len()
    );
    assert!(total >= KILLS.iter().sum::<usize>());
    assert!(distinct >= total / 2, "most answered writes are checkable");
}

/// A full state of the three collections, distinct for each writer `t` in round `round`.
fn state(round: usize, t: usize) -> Value {
    const EDITIONS: [&str; 10] = [
        "professional",
        "professionalN",
        "enterprise",
        "enterpriseN",
        "education",
        "educationN",
        "proEducation",
        "proEducationN",
        "proWorkstation",
        "proWorkstationN",
    ];
    const ARCHITECTURES: [&str; 4] = ["x86", "x64", "arm", "arM64"];
    json!({
        "supportedEditions": [
            {"editionType": EDITIONS[t % 10], "supportEndDate": format!("2030-{:02}-{:02}", round % 12 + 1, t + 1)},
            {"editionType": EDITIONS[(t + 3) % 10], "supportEndDate": format!("2031-01-{:02}", t + 1)},
        ],
        "supportedArchitectures": [ARCHITECTURES[t % 4], ARCHITECTURES[(t / 4) % 4]],
        "availableUpdates": [
            {"buildVersion": format!("10.0.{round}.{t}"), "releaseMonth": t % 12 + 1, "releaseYear": 2026},
        ],
    })
}

fn collections(image: &Value) -> Value {
    json!({
        "supportedEditions": image["supportedEditions"],
        "supportedArchitectures": image["supportedArchitectures"],
        "availableUpdates": image["availableUpdates"],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_patches_to_one_id_leave_one_writers_state_never_a_mix() {
    const TASKS: usize = 16;
    const ROUNDS: usize = 8;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("catalog.json");
    let data_arg = data.to_str().unwrap().to_owned();
    let seed = empty_seed(dir.path());
    let serve = Emulator::start_with_env(&["--lenient", "--data", &data_arg, "--seed", &seed], &[]);
    let client = once_client(&serve);
    let id = "contested image";
    client
        .os_images()
        .create_json(image(id))
        .allow_read_only()
        .await
        .unwrap();

    let mut last = Value::Null;
    for round in 0..ROUNDS {
        let tasks: Vec<_> = (0..TASKS)
            .map(|t| {
                let images = client.os_images();
                tokio::spawn(async move {
                    images
                        .update_json(id, state(round, t))
                        .allow_read_only()
                        .await
                        .map(|_| ())
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let stored = serde_json::to_value(client.os_images().get(id).await.unwrap()).unwrap();
        let now = collections(&stored);
        let writers: Vec<usize> = (0..TASKS).filter(|t| state(round, *t) == now).collect();
        assert_eq!(
            writers.len(),
            1,
            "round {round}: the stored collections are not one writer's state: {now}"
        );
        assert_eq!(
            collections(&read_data_file(&data)[id]),
            now,
            "the file agrees"
        );
        last = now;
    }

    let _ = serve.kill();
    let serve = Emulator::start_with_env(&["--lenient", "--data", &data_arg], &[]);
    let stored =
        serde_json::to_value(once_client(&serve).os_images().get(id).await.unwrap()).unwrap();
    assert_eq!(
        collections(&stored),
        last,
        "the last state survived the kill"
    );
}

/// An image written by a newer client: unknown properties at every level and enum values this version does not know.
fn future_image(id: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.managedDeviceWindowsOperatingSystemImage",
        "id": id,
        "supportedEditions": [
            {"@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemEdition",
             "editionType": "holographicPro", "supportEndDate": "2030-01-31",
             "futureEditionProperty": {"nested": [1, "two", null, {"three": 3.5}]}},
            {"editionType": "enterprise", "supportEndDate": "2027-10-12"},
        ],
        "supportedArchitectures": ["x64", "riscV128"],
        "availableUpdates": [
            {"buildVersion": "10.0.26100.9999", "releaseMonth": 11, "releaseYear": 2026, "kbArticle": "KB5099999"},
        ],
        "displayName": "Windows 12 (preview) — ünïcödé",
        "lifecycle": {"stage": "insider", "channels": ["canary", "dev"], "since": "2026-11-10"},
        "emptyThings": [[], {}, ""],
    })
}

async fn raw_get(serve: &Emulator, id: &str) -> Value {
    let path = format!("{SET}/{}", support::process::encode(id));
    let answer = send_raw(serve.addr, &request("GET", &path, &[], b""))
        .await
        .unwrap();
    answer.assert_status(200);
    answer.json()
}

/// Sends `body` as JSON with `method` to `target` over a raw socket, as a client that is not ours would.
async fn send_json(serve: &Emulator, method: &str, target: &str, body: &Value) -> Raw {
    let bytes = request(
        method,
        target,
        &[("Content-Type", "application/json")],
        body.to_string().as_bytes(),
    );
    send_raw(serve.addr, &bytes).await.unwrap()
}

/// Each property `written` has, as the same JSON value in `read`.
fn assert_kept(written: &Value, read: &Value, what: &str) {
    for (key, value) in written.as_object().unwrap() {
        assert_eq!(read.get(key), Some(value), "{what}: {key}");
    }
}

#[tokio::test]
async fn unknown_properties_and_enum_values_survive_a_store_a_kill_a_restart_and_a_read() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("catalog.json");
    let data_arg = data.to_str().unwrap().to_owned();
    let seed_path = dir.path().join("seed.json");
    let seeded = future_image("seeded future");
    std::fs::write(&seed_path, json!([seeded]).to_string()).unwrap();
    let serve = Emulator::start_with_env(
        &[
            "--data",
            &data_arg,
            "--seed",
            seed_path.to_str().unwrap(),
            "--lenient-enums",
        ],
        &[],
    );

    // A client writes one over the wire as a newer SDK would, and patches the seeded one's unknown property.
    let posted = future_image("posted future");
    send_json(&serve, "POST", SET, &posted)
        .await
        .assert_status(201);
    let patch = json!({"lifecycle": {"stage": "retired", "futureFlag": true}, "supportedArchitectures": ["riscV128"]});
    send_json(&serve, "PATCH", &format!("{SET}/seeded%20future"), &patch)
        .await
        .assert_status(200);
    let mut patched = seeded.clone();
    patched["lifecycle"] = patch["lifecycle"].clone();
    patched["supportedArchitectures"] = patch["supportedArchitectures"].clone();

    // The typed facade reads every unknown value.
    let client = once_client(&serve);
    let typed = client.os_images().get("posted future").await.unwrap();
    let as_read = serde_json::to_value(&typed).unwrap();
    assert_kept(&posted, &as_read, "the typed read");

    let _ = serve.kill();
    let file = read_data_file(&data);
    assert_eq!(
        file["posted future"], posted,
        "stored byte-for-byte as a value"
    );
    assert_eq!(file["seeded future"], patched);

    // Restarted (records are checked at start as strictly as writes, so the file a lenient emulator wrote needs
    // --lenient again): what is stored reads back unchanged.
    let serve = Emulator::start_with_env(&["--lenient", "--data", &data_arg], &[]);
    assert_kept(&posted, &raw_get(&serve, "posted future").await, "posted");
    assert_kept(&patched, &raw_get(&serve, "seeded future").await, "seeded");
    let typed = once_client(&serve)
        .os_images()
        .get("seeded future")
        .await
        .unwrap();
    assert_kept(
        &patched,
        &serde_json::to_value(&typed).unwrap(),
        "the typed read after restart",
    );
    let _ = serve.terminate();
}
