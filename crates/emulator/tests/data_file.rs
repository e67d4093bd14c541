//! The `--data` and `--seed` files at start: records are checked as strictly as writes, and a bad one is refused
//! naming where it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_emulator::{ServeErrorKind, ServeOptions, bind};

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
