//! `cargo xtask interop`: Microsoft's own clients (the Python Graph SDK with Azure's identity libraries, the
//! JavaScript Graph client with `@azure/identity`) run their checks in `interop/` against `osimages serve`.
//!
//! Not part of `cargo xtask ci`: the Python side installs about 760 MB of pinned packages from PyPI (the Node side
//! 56 MB from npm), which would double the gate's time on a fresh machine; docs/emulator.md says when to run it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use wait_timeout::ChildExt;

use crate::metadata::Workspace;
use crate::process::{self, cargo};

/// Which client's checks to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Suite {
    /// `interop/python`: msgraph-beta-sdk, msgraph-core, azure-identity, msal.
    Python,
    /// `interop/node`: @microsoft/microsoft-graph-client, @azure/identity.
    Node,
}

/// How long an emulator may take to print its listening line.
const START_LIMIT: Duration = Duration::from_secs(30);
/// How long one suite may run, its package installation included.
const SUITE_LIMIT: Duration = Duration::from_secs(900);

/// Builds `osimages`, starts the emulators the suites expect, and runs the chosen suites (both when `only` is none).
pub fn run(root: &Path, only: Option<Suite>) -> Result<(), String> {
    let ws = Workspace::load(root)?;
    process::run(cargo(root).args(["build", "-p", "intune-osimages-cli", "--bin", "osimages"]))?;
    let osimages = ws.target_dir.join("debug").join("osimages");
    // Every emulator pages by four, so seven sample images take two pages.
    let open = Emulator::start(&osimages, &[])?;
    let tls = Emulator::start(&osimages, &["--tls", "--authority", "--authority-interval", "1"])?;
    let identity = Emulator::start(&osimages, &["--authority"])?;
    let certificate = tls.certificate.clone().ok_or("the --tls emulator named no certificate")?;
    let authority = tls.base_url.trim_start_matches("https://").trim_end_matches("/beta");
    let env = [
        ("OSIMAGES_BASE_URL", open.base_url.as_str()),
        ("OSIMAGES_TLS_AUTHORITY", authority),
        ("OSIMAGES_TLS_ORIGIN", tls.base_url.trim_end_matches("/beta")),
        ("OSIMAGES_MI_BASE_URL", identity.base_url.as_str()),
        ("REQUESTS_CA_BUNDLE", certificate.as_str()),
        ("SSL_CERT_FILE", certificate.as_str()),
        ("NODE_EXTRA_CA_CERTS", certificate.as_str()),
    ];
    let dir = root.join("interop");
    for suite in [Suite::Python, Suite::Node] {
        if only.is_some_and(|chosen| chosen != suite) {
            continue;
        }
        let mut command = match suite {
            Suite::Python => python(&dir.join("python"), &ws.target_dir.join("interop-venv"))?,
            Suite::Node => node(&dir.join("node"))?,
        };
        println!("==> interop: {suite:?}");
        run_limited(command.envs(env), SUITE_LIMIT)?;
    }
    Ok(())
}

/// The Python suite's command, after installing its pinned packages into a virtual environment under target/.
fn python(dir: &Path, venv: &Path) -> Result<Command, String> {
    let python = venv.join("bin").join("python");
    if !python.exists() {
        process::run(Command::new("python3").arg("-m").arg("venv").arg(venv))?;
    }
    // Quick when every pin is installed already; pip itself is the cache.
    let requirements = dir.join("requirements.txt");
    run_limited(
        Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
        SUITE_LIMIT,
    )?;
    let mut command = Command::new(python);
    command.arg(dir.join("test_msgraph_beta.py"));
    Ok(command)
}

/// The Node suite's command (`node --test`), after `npm ci` when the lock file is newer than the installed tree.
fn node(dir: &Path) -> Result<Command, String> {
    let modified = |path: PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let installed = modified(dir.join("node_modules").join(".package-lock.json"));
    if installed.is_none() || installed < modified(dir.join("package-lock.json")) {
        run_limited(
            Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(dir),
            SUITE_LIMIT,
        )?;
    }
    let mut command = Command::new("node");
    command.arg("--test").current_dir(dir);
    Ok(command)
}

/// Runs `command` with inherited stdio, stopping it after `limit`.
fn run_limited(command: &mut Command, limit: Duration) -> Result<(), String> {
    let described = process::describe(command);
    let mut child =
        command.spawn().map_err(|err| format!("could not start `{described}`: {err}"))?;
    match child.wait_timeout(limit).map_err(|err| format!("waiting for `{described}`: {err}"))? {
        Some(status) if status.success() => Ok(()),
        Some(status) => Err(format!("`{described}` failed ({status})")),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            Err(format!("`{described}` ran longer than {}s and was stopped", limit.as_secs()))
        }
    }
}

/// An `osimages serve` on a free port of 127.0.0.1, stopped when dropped.
struct Emulator {
    child: Child,
    base_url: String,
    certificate: Option<String>,
}

impl Emulator {
    fn start(osimages: &Path, flags: &[&str]) -> Result<Emulator, String> {
        let mut command = Command::new(osimages);
        command.args(["serve", "--addr", "127.0.0.1:0", "--page-size", "4"]).args(flags);
        let described = process::describe(&command);
        let mut child = (command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn())
            .map_err(|err| format!("could not start `{described}`: {err}"))?;
        let stdout = child.stdout.take().ok_or("no stdout pipe")?;
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = send.send(line);
        });
        let line = receive.recv_timeout(START_LIMIT).unwrap_or_default();
        // The emulator's first line: `listening on URL`, then ` (certificate: PATH)` with --tls.
        let Some(rest) = line.trim_end().strip_prefix("listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "`{described}` printed no listening line within {}s",
                START_LIMIT.as_secs()
            ));
        };
        let (base_url, certificate) = match rest.split_once(" (certificate: ") {
            Some((url, path)) => (url, Some(path.trim_end_matches(')').to_owned())),
            None => (rest, None),
        };
        Ok(Emulator { child, base_url: base_url.to_owned(), certificate })
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // SIGTERM first: a stopped emulator removes its certificate file, a killed one leaves it in the temp dir.
        let asked = Command::new("kill").arg(self.child.id().to_string()).status();
        let stopped = asked.is_ok_and(|status| status.success())
            && matches!(self.child.wait_timeout(Duration::from_secs(5)), Ok(Some(_)));
        if !stopped {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_suites_read_the_variables_the_runner_sets() {
        let runner = include_str!("interop.rs");
        let suites = [
            include_str!("../../interop/python/test_msgraph_beta.py"),
            include_str!("../../interop/node/graph_client.test.mjs"),
        ];
        for suite in suites {
            for name in suite.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if name.starts_with("OSIMAGES_") {
                    assert!(
                        runner.contains(&format!("(\"{name}\"")),
                        "the runner does not set {name}"
                    );
                }
            }
        }
    }
}
