//! Test support for suites that drive the emulator: documented tools, not afterthoughts.
//!
//! - [`Running`] serves an emulator in this process on `127.0.0.1:0` until [`Running::stop`];
//! - [`EmulatorProcess`] is an emulator run as a process (`osimages serve --addr 127.0.0.1:0`, or any command that
//!   prints the same `listening on` line), waited for, its stderr kept, killed when dropped;
//! - [`request`] (or [`raw_request`], written as text), [`send`], [`send_within`], [`exchange`] and [`parse`] speak
//!   HTTP/1.1 over a raw socket, the way a client that is not ours would (and so a test can send what no
//!   well-behaved client would), answering [`Raw`];
//! - [`write_seed`] writes a `--seed` file.
//!
//! Behind the `test-util` feature (as smithy-rs keeps its test doubles): add this crate as a dev-dependency with
//! `features = ["test-util"]`. The helpers panic on failure, with a message saying what went wrong: in a test, a
//! failed helper is a failed test.
//!
//! ```
//! use intune_osimages_emulator::ServeOptions;
//! use intune_osimages_emulator::test_util::{Running, SET, request, send};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let emulator = Running::start(ServeOptions::local()).await;
//! let answer = send(emulator.addr, &request("GET", &format!("{SET}/$count"), &[], b"")).await;
//! assert_eq!(answer.status, 200);
//! assert_eq!(answer.body, b"7");
//! emulator.stop().await;
//! # }
//! ```
// A helper that cannot do its job fails the test it serves, with a message: that is what these are for.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod in_process;
mod process;
mod wire;

pub use in_process::Running;
pub use process::EmulatorProcess;
pub use wire::{Raw, TimedOut, exchange, parse, raw_request, request, send, send_within};

/// The collection's path on the emulator.
pub const SET: &str = "/beta/deviceManagement/managedDeviceWindowsOSImages";

/// Writes `images` (a JSON array of images, as `--seed` reads it) to `dir/seed.json` and returns its path.
pub fn write_seed(dir: &std::path::Path, images: &str) -> std::path::PathBuf {
    let path = dir.join("seed.json");
    std::fs::write(&path, images)
        .unwrap_or_else(|e| panic!("cannot write the seed file {}: {e}", path.display()));
    path
}
