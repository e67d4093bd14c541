//! Warnings at the default level: what an unattended emulator must say without `-v` (an ignored `--seed`, a write
//! that could not be stored, a slow-header connection closed, the connection cap reached) is logged at WARN, so
//! `osimages serve`'s default filter (`warn`) shows it, while routine lines (the catalog loaded) stay at INFO.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use intune_osimages_emulator::test_util::{Running, SET, request, send};
use intune_osimages_emulator::{ServeOptions, bind};
use intune_osimages_transport::test_util::LogCapture;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// A subscriber filtered as `osimages serve` is without `-v`. Global, since the catalog is served on blocking
/// threads; so this binary has only one test.
fn default_level_logs() -> LogCapture {
    let captured = LogCapture::new();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("warn"))
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();
    captured
}

#[tokio::test]
async fn warnings_are_logged_at_the_default_level_and_routine_lines_are_not() {
    let logs = default_level_logs();
    an_ignored_seed_and_a_failed_write(&logs).await;
    a_slow_header_connection_and_the_connection_cap(&logs).await;
    let text = logs.text();
    assert!(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .all(|l| l.contains("WARN")),
        "only warnings at the default level: {text}"
    );
}

/// `--seed` ignored because the data file exists, and a write that could not be stored.
async fn an_ignored_seed_and_a_failed_write(logs: &LogCapture) {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    std::fs::create_dir(&state).unwrap();
    let data = state.join("catalog.json");
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, r#"[{"id":"seeded"}]"#).unwrap();
    let mut options = ServeOptions::local();
    options.data = Some(data.clone());
    drop(bind(options.clone()).await.unwrap()); // writes the data file
    options.seed = Some(seed);
    let emulator = Running::start(options).await;
    let text = logs.text();
    assert!(
        text.contains("WARN") && text.contains("the --seed file is not"),
        "{text}"
    );
    assert!(
        !text.contains("catalog loaded"),
        "info stays hidden: {text}"
    );

    std::fs::remove_dir_all(&state).unwrap();
    let answer = send(
        emulator.addr,
        &request(
            "POST",
            SET,
            &[("Content-Type", "application/json")],
            br#"{"id":"Lab"}"#,
        ),
    )
    .await;
    assert_eq!(answer.status, 500);
    let text = logs.text();
    assert!(text.contains("persisting a change failed"), "{text}");
    emulator.stop().await;
}

/// A connection closed by the header-read timeout, and one refused past the cap.
async fn a_slow_header_connection_and_the_connection_cap(logs: &LogCapture) {
    let mut options = ServeOptions::local();
    options.header_read_timeout = Duration::from_millis(200);
    options.max_connections = 1;
    let emulator = Running::start(options).await;

    let mut slow = TcpStream::connect(emulator.addr).await.unwrap();
    slow.write_all(b"GET /beta HTTP/1.1\r\nHo").await.unwrap();
    // Past the cap while the slow one holds the only slot.
    let refused = emulator.call("GET", SET, b"").await;
    assert_eq!(refused.status, 503);
    tokio::time::sleep(Duration::from_millis(800)).await;
    let text = logs.text();
    assert!(
        text.contains("connections are open, the limit; answering new ones 503"),
        "{text}"
    );
    assert!(
        text.contains("closed a connection that sent part of a request's headers"),
        "{text}"
    );
    drop(slow);
    emulator.stop().await;
}
