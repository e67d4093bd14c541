//! Repository automation for intune-osimages, in the style of rust-analyzer's xtask: one binary, few dependencies,
//! run through the `cargo xtask` alias of `.cargo/config.toml`.
//!
//! ```text
//! cargo xtask ci                                   fmt check, clippy -D warnings, tests, rustdoc -D warnings
//! cargo xtask bench                                release build, every bench, one side-by-side table
//! cargo xtask release plan                         publish order, versions, commits since the last tag
//! cargo xtask release bump major|minor|patch       lockstep version bump and CHANGELOG section
//! cargo xtask release publish [--execute]          checks, then a dry run (or the real publish)
//! ```
//!
//! The repository checks (layer rules, manifest metadata, changelog, toolchain) are ordinary `#[test]`s in
//! `src/tidy.rs`, so `cargo test --workspace` runs them and so does `cargo xtask ci`.

mod bench;
#[cfg(test)]
mod checks;
mod ci;
#[cfg(test)]
mod layers;
mod manifest;
mod metadata;
mod process;
mod release;
#[cfg(test)]
mod tempdir;
#[cfg(test)]
mod tidy;
mod toml_text;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  ci                                 rustfmt check, clippy (-D warnings), tests, rustdoc (-D warnings)
  bench                              release build, all benchmarks, table in target/bench-report.md
  release plan                       crates in publish order, versions, commits since the last tag
  release bump major|minor|patch     bump every publishable crate in lockstep, date the changelog
  release publish [--execute]        refuse a dirty tree, a missing changelog entry or a failing ci;
                                     then `cargo publish --dry-run` (or publish for real with --execute)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = project_root();
    let outcome = match args.as_slice() {
        ["ci"] => ci::run(&root),
        ["bench"] => bench::run(&root),
        ["release", rest @ ..] => release::run(&root, rest),
        [] | ["help"] | ["--help"] | ["-h"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => Err(format!("unknown command `{}`\n\n{USAGE}", other.join(" "))),
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
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.to_path_buf(), Path::to_path_buf)
}
