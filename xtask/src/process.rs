//! Child processes, with errors that name the command; and the pinned cargo subcommands the gate and the release
//! use, installed by the repository's own step: `cargo install --locked NAME@VERSION` when the pinned version is
//! missing. The binary lands in `~/.cargo/bin`, which is what a CI cache keeps; docs/release.md says what a fresh
//! machine pays.

use std::path::Path;
use std::process::Command;

/// A cargo subcommand from crates.io: its crate, the subcommand it adds, the pinned version.
pub type Tool = (&'static str, &'static str, &'static str);

/// Licence, ban, source and duplicate-version policy (deny.toml).
pub const CARGO_DENY: Tool = ("cargo-deny", "deny", "0.20.2");

/// The semver guard: the public API against the last release.
pub const CARGO_SEMVER_CHECKS: Tool = ("cargo-semver-checks", "semver-checks", "0.51.0");

/// Installs the pinned version of `tool` unless `cargo SUBCOMMAND --version` prints it already.
pub fn ensure((name, subcommand, version): Tool, root: &Path) -> Result<(), String> {
    let installed = output(cargo(root).args([subcommand, "--version"]));
    if installed.is_ok_and(|out| out.split_whitespace().any(|word| word == version)) {
        return Ok(());
    }
    println!("==> installing {name} {version} (once per machine; kept in ~/.cargo/bin)");
    run(cargo(root).args(["install", "--locked", &format!("{name}@{version}")]))
}

/// A `cargo` command run in `dir`: the cargo that runs this xtask (so the pinned toolchain), or `cargo` from PATH.
pub fn cargo(dir: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(dir);
    command
}

/// A `git` command run in `dir`.
pub fn git(dir: &Path) -> Command {
    let mut command = Command::new("git");
    command.current_dir(dir);
    command
}

/// A command's readable form, for messages.
pub fn describe(command: &Command) -> String {
    let words = std::iter::once(command.get_program()).chain(command.get_args());
    words.map(|word| word.to_string_lossy()).collect::<Vec<_>>().join(" ")
}

/// Runs `command` with inherited stdio; an error when it cannot start or exits non-zero.
pub fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|err| format!("could not start `{}`: {err}", describe(command)))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("`{}` failed ({status})", describe(command)))
}

/// Runs `command` and returns its standard output; an error with its standard error when it fails.
pub fn output(command: &mut Command) -> Result<String, String> {
    let out = command
        .output()
        .map_err(|err| format!("could not start `{}`: {err}", describe(command)))?;
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    match out.status.success() {
        true => Ok(stdout.into_owned()),
        false => Err(format!("`{}` failed ({}): {}", describe(command), out.status, stderr.trim())),
    }
}
