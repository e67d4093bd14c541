//! Helpers shared by the CLI's tests: the `osimages` binary run as a command ([`osimages`]), on a terminal
//! ([`pty`]), as an emulator process ([`process`]), and the emulator served in process ([`in_process`]).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod in_process;
pub mod process;
pub mod pty;

use std::path::PathBuf;

#[allow(unused_imports)] // not every test file starts an emulator process
pub use process::Emulator;

/// The `osimages` binary cargo built for these tests.
pub const BINARY: &str = env!("CARGO_BIN_EXE_osimages");

/// What no run of the binary inherits from the test's environment: credentials (so no test can reach a real
/// tenant) and the log filter (so output is what the test asked for).
pub const SCRUBBED_ENV: &[&str] = &[
    "GRAPH_TOKEN",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_AUTHORITY_HOST",
    "OSIMAGES_CLIENT_ID",
    "RUST_LOG",
];

/// The binary with an environment free of credentials, so no test can reach a real tenant.
pub fn osimages() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(BINARY);
    for var in SCRUBBED_ENV {
        cmd.env_remove(var);
    }
    // No sign-in kept by `osimages login` on this machine is found: a test that wants one sets its own directory.
    cmd.env(
        "XDG_CONFIG_HOME",
        std::env::temp_dir().join(format!("osimages-tests-no-config-{}", std::process::id())),
    );
    cmd
}

/// The binary signing in as the app `app-123` of the tenant `contoso-tenant` with the client secret `secret` at
/// the authority `authority` (`AZURE_AUTHORITY_HOST`); the test adds where Graph is and the command.
pub fn with_client_secret(authority: &str, secret: &str) -> assert_cmd::Command {
    let mut cmd = osimages();
    cmd.env("AZURE_TENANT_ID", "contoso-tenant")
        .env("AZURE_CLIENT_ID", "app-123")
        .env("AZURE_CLIENT_SECRET", secret)
        .env("AZURE_AUTHORITY_HOST", authority);
    cmd
}

/// The binary pointed at a mock Graph (`--base-url SERVER/beta --token t`); the test adds the command.
pub fn against(server: &wiremock::MockServer) -> assert_cmd::Command {
    let mut cmd = osimages();
    cmd.args([
        "--base-url",
        &format!("{}/beta", server.uri()),
        "--token",
        "t",
    ]);
    cmd
}

/// A path under this package's `fixtures/` (a copy of the repository's, so the published crate tests too).
pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
}

/// Runs `cmd` and asserts that it succeeded (showing its stderr when it did not); its output.
pub fn succeeds(cmd: &mut assert_cmd::Command) -> std::process::Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{:?} exited {:?}: {}",
        cmd,
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The ids in a Graph collection body (`{"value":[{"id":...}]}`).
pub fn ids(collection: &serde_json::Value) -> Vec<String> {
    collection["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Parses stdout as JSON.
pub fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// A loopback port with nothing listening on it.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
