//! Repository automation for intune-osimages, in the style of rust-analyzer's xtask: one binary run through the
//! `cargo xtask` alias of `.cargo/config.toml`. `cargo xtask --help` and `cargo xtask <command> --help` describe
//! every command.
//!
//! The repository checks (layer rules, manifest metadata, changelog, toolchain, licences) are ordinary `#[test]`s in
//! `src/tidy.rs`, so `cargo test --workspace` runs them and so does `cargo xtask ci`.

mod bench;
mod ci;
#[cfg(test)]
mod downstream;
mod interop;
#[cfg(test)]
mod layers;
mod metadata;
mod packaged;
mod process;
mod release;
#[cfg(test)]
mod tidy;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Repository automation for intune-osimages.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The gate: rustfmt, clippy -D warnings, tests, rustdoc as docs.rs builds it, cargo-deny, and every published
    /// crate packaged, unpacked and tested on its own.
    Ci,
    /// A release build, every benchmark, one side-by-side table in target/bench-report.md.
    Bench,
    /// Cutting a release: plan, bump, semver, publish, tag (see docs/release.md).
    #[command(subcommand)]
    Release(release::Command),
    /// Microsoft's Python and JavaScript Graph clients and Azure's identity libraries (pinned, installed from PyPI
    /// and npm on first use) run the checks in interop/ against `osimages serve`.
    Interop {
        /// Run one suite only.
        #[arg(long, value_enum)]
        only: Option<interop::Suite>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = project_root();
    let outcome = match cli.command {
        Command::Ci => ci::run(&root),
        Command::Bench => bench::run(&root),
        Command::Release(command) => release::run(&root, command),
        Command::Interop { only } => interop::run(&root, only),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask lives one directory below it.
fn project_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map_or_else(|| manifest_dir.to_path_buf(), Path::to_path_buf)
}

/// Parses TOML with `toml_edit`, which keeps comments, order and layout on every edit; `what` names the file in
/// the error.
fn parse_toml(text: &str, what: &str) -> Result<toml_edit::DocumentMut, String> {
    text.parse().map_err(|err| format!("{what} is not valid TOML: {err}"))
}

/// Writes `files` (path, text) under `dir`, creating directories: the small crates and workspaces of the tests.
#[cfg(test)]
fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// Every command and subcommand answers `--help` (clap exits with success, printing it).
    #[test]
    fn every_command_has_help() {
        Cli::command().debug_assert();
        let mut paths = vec![vec!["cargo xtask"]];
        let root = Cli::command();
        for command in root.get_subcommands() {
            paths.push(vec!["cargo xtask", command.get_name()]);
            for sub in command.get_subcommands() {
                paths.push(vec!["cargo xtask", command.get_name(), sub.get_name()]);
            }
        }
        assert!(paths.iter().any(|p| p.ends_with(&["release", "bump"])), "{paths:?}");
        for mut path in paths {
            path.push("--help");
            let err = Cli::try_parse_from(&path).unwrap_err();
            assert_eq!(err.kind(), clap::error::ErrorKind::DisplayHelp, "{path:?}");
            assert!(err.exit_code() == 0, "{path:?}");
        }
    }

    #[test]
    fn an_unknown_command_is_an_error() {
        let err = Cli::try_parse_from(["cargo xtask", "release", "cut"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::InvalidSubcommand);
    }
}
