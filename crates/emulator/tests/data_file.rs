//! The `--data` and `--seed` files: records are checked at start as strictly as writes, and a bad one is refused
//! naming where it is; one emulator per data file (a lock naming the holder's PID); a hand edit made while running
//! is kept and the next write refused with a 500 saying so; temporary files a killed emulator left are removed at
//! start.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use intune_osimages_emulator::test_util::{Running, SET, request, send};
use intune_osimages_emulator::{ServeErrorKind, ServeOptions, bind};

fn with_data(data: &Path) -> ServeOptions {
    let mut options = ServeOptions::local();
    options.data = Some(data.to_path_buf());
    options
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_second_emulator_on_the_same_data_file_refuses_to_start_naming_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("catalog.json");
    let first = Running::start(with_data(&data)).await;
    let lock = dir.path().join("catalog.json.lock");
    assert_eq!(
        std::fs::read_to_string(&lock).unwrap().trim(),
        std::process::id().to_string(),
        "the lock file holds the holder's PID"
    );
    let before = std::fs::read(&data).unwrap();

    let e = bind(with_data(&data)).await.unwrap_err();
    assert_eq!(e.kind(), ServeErrorKind::DataInUse, "{e}");
    let message = e.message();
    assert!(message.contains("--data file"), "{message}");
    assert!(message.contains(&data.display().to_string()), "{message}");
    assert!(message.contains("in use by another emulator"), "{message}");
    assert!(
        message.contains(&format!("PID {}", std::process::id())),
        "{message}"
    );
    assert_eq!(
        std::fs::read(&data).unwrap(),
        before,
        "the refused emulator wrote nothing"
    );

    // The holder still works, and once it stops the file is free again, the lock file gone with it.
    let answer = first.call("POST", SET, br#"{"id":"Lab"}"#).await;
    assert_eq!(answer.status, 201);
    first.stop().await;
    assert_eq!(names_in(dir.path()), ["catalog.json"]);
    let second = Running::start(with_data(&data)).await;
    let answer = second.call("GET", &format!("{SET}/Lab"), b"").await;
    assert_eq!(answer.status, 200, "the first one's write was kept");
    second.stop().await;
}

#[tokio::test]
async fn a_hand_edit_while_running_is_kept_and_the_next_write_refused_with_a_500_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("catalog.json");
    let emulator = Running::start(with_data(&data)).await;
    let item = format!("{SET}/Windows%2011%2024H2");
    // Writes before the edit are stored as usual.
    let answer = emulator
        .call("PATCH", &item, br#"{"supportedArchitectures":["x64"]}"#)
        .await;
    assert_eq!(answer.status, 200);

    let edited = r#"{"value":[{"id":"Edited by hand","supportedArchitectures":["arM64"]}]}"#;
    std::fs::write(&data, edited).unwrap();

    let answer = emulator
        .call("PATCH", &item, br#"{"supportedArchitectures":["x86"]}"#)
        .await;
    assert_eq!(answer.status, 500);
    answer.assert_graph_error("InternalServerError");
    let message = answer.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains(&data.display().to_string()), "{message}");
    assert!(
        message.contains("was changed outside the emulator"),
        "{message}"
    );
    assert!(message.contains("keeps that change"), "{message}");
    assert_eq!(
        std::fs::read_to_string(&data).unwrap(),
        edited,
        "the hand edit is kept"
    );
    // The refused write was rolled back in memory too, and every later write is refused the same way.
    let answer = emulator.call("GET", &item, b"").await;
    assert_eq!(
        answer.json()["supportedArchitectures"],
        serde_json::json!(["x64"])
    );
    let answer = emulator.call("DELETE", &item, b"").await;
    assert_eq!(answer.status, 500);
    assert_eq!(std::fs::read_to_string(&data).unwrap(), edited);
    emulator.stop().await;

    // A restart serves the edited file.
    let restarted = Running::start(with_data(&data)).await;
    let answer = restarted.call("GET", SET, b"").await;
    let ids: Vec<_> = answer.json()["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["Edited by hand"]);
    restarted.stop().await;
}

#[tokio::test]
async fn temporary_files_a_killed_emulator_left_are_removed_at_start_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("catalog.json");
    let stale = [".catalog.json.4242.tmp", ".catalog.json.1.tmp"];
    let unrelated = [
        "notes.txt",
        ".catalog.json.tmp",
        ".catalog.json.backup.tmp",
        "catalog.json.4242.tmp",
        ".other.json.4242.tmp",
    ];
    for name in stale.iter().chain(&unrelated) {
        std::fs::write(dir.path().join(name), "{\"value\":[").unwrap();
    }
    let emulator = Running::start(with_data(&data)).await;
    let names = names_in(dir.path());
    for name in stale {
        assert!(
            !names.contains(&name.to_owned()),
            "{name} removed: {names:?}"
        );
    }
    for name in unrelated {
        assert!(names.contains(&name.to_owned()), "{name} kept: {names:?}");
    }
    emulator.stop().await;
}

/// Numbers an `f64` cannot hold; a `serde_json::Value` round trip would change both.
const BIG: &str = "123456789012345678901234567890";
const LONG_DECIMAL: &str = "0.10000000000000000000000000000000000001";

#[tokio::test]
async fn wide_numbers_survive_a_patch_and_a_restart_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("catalog.json");
    std::fs::write(
        &data,
        format!(
            "{{\"value\": [\n  {{\"id\": \"a\", \"futureCount\": {BIG},\n   \"futureRatio\": {LONG_DECIMAL}}}\n]}}\n"
        ),
    )
    .unwrap();
    let mut options = ServeOptions::local();
    options.data = Some(data.clone());
    options.lenient = true;
    let running = Running::start(options.clone()).await;
    let body = format!(r#"{{"futureNew": -{LONG_DECIMAL}, "futureBig": {BIG}0}}"#);
    let answer = send(
        running.addr,
        &request(
            "PATCH",
            &format!("{SET}/a"),
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        ),
    )
    .await;
    answer.assert_status(200);
    running.stop().await;
    let exact = [
        format!("\"futureCount\":{BIG}"),
        format!("\"futureRatio\":{LONG_DECIMAL}"),
        format!("\"futureNew\":-{LONG_DECIMAL}"),
        format!("\"futureBig\":{BIG}0"),
    ];
    let written = std::fs::read_to_string(&data).unwrap();
    let running = Running::start(options).await;
    let answer = running.call("GET", &format!("{SET}/a"), b"").await;
    let text = String::from_utf8(answer.body).unwrap();
    for expected in &exact {
        assert!(
            written.contains(expected),
            "{expected} missing from the data file: {written}"
        );
        assert!(
            text.contains(expected),
            "{expected} missing after the restart: {text}"
        );
    }
    running.stop().await;
}

#[tokio::test]
async fn a_record_that_breaks_the_model_is_refused_at_start_naming_its_pointer() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("catalog.json");
    let text = r#"{"value":[{"id":"a","supportedArchitectures":["x64"]},{"id":"b","supportedArchitectures":"x64"}]}"#;
    std::fs::write(&data, text).unwrap();
    let mut options = ServeOptions::local();
    options.data = Some(data.clone());
    let e = bind(options.clone()).await.unwrap_err();
    assert_eq!(e.kind(), ServeErrorKind::Data);
    assert!(e.message().contains("image [1]"), "{e}");
    assert!(e.message().contains("/supportedArchitectures"), "{e}");
    assert_eq!(
        std::fs::read_to_string(&data).unwrap(),
        text,
        "the file is left untouched"
    );
    // --lenient does not make a wrong type acceptable.
    options.lenient = true;
    assert!(bind(options).await.is_err());
}

#[tokio::test]
async fn an_undeclared_property_in_a_seed_is_refused_unless_lenient() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, r#"[{"id":"a","displayName":"x"}]"#).unwrap();
    let mut options = ServeOptions::local();
    options.seed = Some(seed);
    let e = bind(options.clone()).await.unwrap_err();
    assert_eq!(e.kind(), ServeErrorKind::Seed);
    assert!(e.message().contains("/displayName"), "{e}");
    options.lenient = true;
    let server = bind(options).await.unwrap();
    assert_eq!(server.graph().image("a").unwrap()["displayName"], "x");
}
