//! `cargo xtask release plan | bump major|minor|patch | publish [--execute]`.

mod bump;
mod changelog;
mod date;
mod plan;
mod publish;
mod version;

use std::path::Path;

use version::Level;

/// Dispatches the release subcommands.
pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    match args {
        ["plan"] => plan::run(root),
        ["bump", level] => {
            let level = Level::parse(level)?;
            publish::require_clean_tree(root)?;
            let bumped = bump::bump_files(root, level, &date::today_utc())?;
            println!(
                "bumped {} -> {}: Cargo.toml, Cargo.lock, CHANGELOG.md.\n\
                 Next: review, commit \"release {}\", then `cargo xtask release publish`.",
                bumped.old, bumped.new, bumped.new
            );
            Ok(())
        }
        ["publish"] => publish::run(root, false),
        ["publish", "--execute"] => publish::run(root, true),
        other => Err(format!(
            "unknown release command `{}`; expected `plan`, `bump major|minor|patch` or `publish [--execute]`",
            other.join(" ")
        )),
    }
}

/// Today in UTC, `YYYY-MM-DD` (also used to date benchmark reports).
pub fn today() -> String {
    date::today_utc()
}
