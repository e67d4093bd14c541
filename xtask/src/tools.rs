//! The cargo subcommands the gate and the release use, installed by the repository's own step: `cargo install
//! --locked NAME@VERSION` when the pinned version is missing. The binary lands in `~/.cargo/bin`, which is what a CI
//! cache keeps; docs/release.md says what a fresh machine pays.

use std::path::Path;

use crate::process;

/// A cargo subcommand from crates.io, pinned to one version.
#[derive(Debug, Clone, Copy)]
pub struct Tool {
    /// The crate (and binary) name, such as `cargo-deny`.
    pub name: &'static str,
    /// The `cargo` subcommand it adds, such as `deny`.
    pub subcommand: &'static str,
    /// The pinned version.
    pub version: &'static str,
}

/// Licence, ban, source and duplicate-version policy (deny.toml).
pub const CARGO_DENY: Tool = Tool { name: "cargo-deny", subcommand: "deny", version: "0.20.2" };

/// The semver guard: the public API against the last release.
pub const CARGO_SEMVER_CHECKS: Tool =
    Tool { name: "cargo-semver-checks", subcommand: "semver-checks", version: "0.51.0" };

impl Tool {
    /// True when `cargo SUBCOMMAND --version` prints the pinned version.
    pub fn is_installed(&self, root: &Path) -> bool {
        let mut probe = process::cargo(root);
        probe.args([self.subcommand, "--version"]);
        process::output(&mut probe)
            .is_ok_and(|out| out.split_whitespace().any(|w| w == self.version))
    }

    /// Installs the pinned version unless it is there already.
    pub fn ensure(&self, root: &Path) -> Result<(), String> {
        if self.is_installed(root) {
            return Ok(());
        }
        println!(
            "==> installing {} {} (once per machine; kept in ~/.cargo/bin)",
            self.name, self.version
        );
        let mut install = process::cargo(root);
        install.args(["install", "--locked", &format!("{}@{}", self.name, self.version)]);
        process::run(&mut install)
    }
}
