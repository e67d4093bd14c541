//! `--data` and `--seed`: the catalog kept in a file across restarts, written before each write is answered, and
//! bad files refused at start with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod serve_support;

use std::path::Path;

use intune_osimages::{Architecture, EditionType, OsImage, OsImagePatch};
use intune_osimages_emulator::{ServeErrorKind, ServeOptions, bind};
use serde_json::{Value, json};
use serve_support::Running;

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
