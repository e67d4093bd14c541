//! [`LogCapture`]: what `tracing` logs, kept as text for a test to search.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use tracing_subscriber::fmt::MakeWriter;

/// A buffer that a `tracing_subscriber::fmt` subscriber writes into, shared by its clones, so a test can assert
/// what was logged (and, above all, that no secret was).
///
/// Either install the usual subscriber for the current thread with [`LogCapture::set_default`], or hand a clone to
/// a subscriber of your own with `.with_writer(capture.clone())` (a global one, an `EnvFilter`, span events).
///
/// ```
/// use intune_osimages_transport::test_util::LogCapture;
///
/// let capture = LogCapture::new();
/// {
///     let _guard = capture.set_default();
///     tracing::debug!(status = 429, "retrying");
/// }
/// assert!(capture.contains("retrying"));
/// assert!(capture.text().contains("status=429"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

impl LogCapture {
    /// An empty capture.
    pub fn new() -> LogCapture {
        LogCapture::default()
    }

    /// Installs a plain-text subscriber at TRACE (no colours) writing into this capture, for the current thread
    /// until the guard is dropped. Work on other threads (a multi-threaded runtime, `spawn_blocking`) needs a global
    /// subscriber: build one with `.with_writer(capture.clone())`.
    pub fn set_default(&self) -> tracing::subscriber::DefaultGuard {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(self.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    /// Everything written so far, as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes()).into_owned()
    }

    /// Whether the text written so far contains `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        self.text().contains(needle)
    }

    /// Forgets what was written so far.
    pub fn clear(&self) {
        self.buffer().clear();
    }

    fn bytes(&self) -> Vec<u8> {
        self.buffer().clone()
    }

    // A test that panicked while logging leaves the buffer usable: the lines are still worth reading.
    fn buffer(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Write for LogCapture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogCapture {
    type Writer = LogCapture;

    fn make_writer(&'a self) -> LogCapture {
        self.clone()
    }
}
