//! Request logging: the emulator logs each request at debug level, and no log line ever carries a bearer token.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod serve_support;

use intune_osimages_emulator::ServeOptions;
use serve_support::Running;

const TOKEN: &str = "logging-test-token-0a9d";

/// Log lines written by the subscriber, kept for inspection.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn request_logs_never_show_the_token() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    // The only test in this binary, so a global subscriber sees every event of the server and the client.
    tracing::subscriber::set_global_default(subscriber).unwrap();
    let emulator = Running::start({
        let mut options = ServeOptions::local();
        options.token = Some(TOKEN.to_owned());
        options
    })
    .await;
    let images = emulator.client(Some(TOKEN)).os_images();
    images.get("Windows 11 24H2").send().await.unwrap();
    let refused = emulator
        .client(Some("wrong-token-b3"))
        .os_images()
        .count()
        .send()
        .await;
    assert!(refused.is_err());
    emulator.stop().await;
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("osimages serve: request"), "{logs}");
    assert!(logs.contains("status=401"), "{logs}");
    assert!(!logs.contains(TOKEN), "{logs}");
    assert!(!logs.contains("wrong-token-b3"), "{logs}");
}
