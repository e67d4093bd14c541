//! `cargo xtask release publish [--execute]`: the checks that stop a release, then a dry run or the real thing.

use std::path::Path;

use super::changelog;
use super::plan::publish_order;
use crate::ci;
use crate::metadata::Workspace;
use crate::process;

/// Refuses a tree with uncommitted changes: what is published must be what is committed.
pub fn require_clean_tree(root: &Path) -> Result<(), String> {
    let status = process::output(process::git(root).args(["status", "--porcelain"]))?;
    if status.trim().is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = status.lines().take(10).collect();
    Err(format!(
        "the working tree is dirty; commit or remove these first:\n{}",
        shown.join("\n")
    ))
}

/// Refuses a version without its own, non-empty CHANGELOG.md section.
pub fn require_changelog_entry(root: &Path, version: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(root.join("CHANGELOG.md"))
        .map_err(|err| format!("cannot read CHANGELOG.md: {err}"))?;
    if changelog::has_release_entry(&text, version) {
        Ok(())
    } else {
        Err(format!(
            "missing changelog entry: CHANGELOG.md has no non-empty `## [{version}]` section \
             (run `cargo xtask release bump ...` after writing the Unreleased entries)"
        ))
    }
}

/// Reads `cargo info NAME@VERSION`'s result: `Ok(true)` published, `Ok(false)` not, `Err` when the registry could
/// not be asked (offline, for instance), with cargo's reason.
pub fn classify_info(
    success: bool,
    stderr: &str,
    name: &str,
    version: &str,
) -> Result<bool, String> {
    if success {
        return Ok(true);
    }
    if stderr.contains(&format!("could not find `{name}@{version}`")) {
        return Ok(false);
    }
    Err(format!(
        "could not ask crates.io whether {name} {version} is published: {}",
        stderr.trim()
    ))
}

fn is_published(name: &str, version: &str) -> Result<bool, String> {
    // Outside the workspace, so cargo asks the registry instead of describing the local member.
    let out = process::cargo(&std::env::temp_dir())
        .args([
            "info",
            &format!("{name}@{version}"),
            "--registry",
            "crates-io",
        ])
        .output()
        .map_err(|err| format!("could not start `cargo info`: {err}"))?;
    classify_info(
        out.status.success(),
        &String::from_utf8_lossy(&out.stderr),
        name,
        version,
    )
}

/// `cargo xtask release publish [--execute]`.
pub fn run(root: &Path, execute: bool) -> Result<(), String> {
    require_clean_tree(root)?;
    let workspace = Workspace::load(root)?;
    let order = publish_order(&workspace)?;
    let version = order
        .first()
        .map(|p| p.version.clone())
        .ok_or("no publishable crate in the workspace")?;
    if let Some(odd) = order.iter().find(|p| p.version != version) {
        return Err(format!(
            "{} is at {}, not the lockstep version {version}",
            odd.name, odd.version
        ));
    }
    require_changelog_entry(root, &version)?;
    println!("release {version}: clean tree and changelog entry found; running ci");
    ci::run(root).map_err(|err| format!("release stopped: {err}"))?;

    if !execute {
        let mut command = process::cargo(root);
        command.args(["publish", "--dry-run", "--locked"]);
        for package in &order {
            command.args(["-p", &package.name]);
        }
        process::run(&mut command)?;
        println!(
            "dry run passed for {version}; `cargo xtask release publish --execute` publishes for real"
        );
        return Ok(());
    }
    for package in order {
        if is_published(&package.name, &version)? {
            println!(
                "{} {version} is already on crates.io; skipped",
                package.name
            );
            continue;
        }
        process::run(process::cargo(root).args(["publish", "--locked", "-p", &package.name]))?;
    }
    println!("published {version}; tag it: git tag v{version} && git push --tags");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_info_answers_are_classified() {
        assert_eq!(classify_info(true, "", "a", "0.1.0"), Ok(true));
        let missing = "    Updating crates.io index\nerror: could not find `a@0.1.0` in registry `crates-io`\n";
        assert_eq!(classify_info(false, missing, "a", "0.1.0"), Ok(false));
        let offline = "error: failed to query replaced source registry `crates-io`\n\nCaused by:\n  network down";
        let err = classify_info(false, offline, "a", "0.1.0").unwrap_err();
        assert!(
            err.contains("could not ask crates.io whether a 0.1.0") && err.contains("network down"),
            "{err}"
        );
        // Another crate's or version's absence is not an answer about this one.
        assert!(classify_info(false, "error: could not find `a@0.2.0`", "a", "0.1.0").is_err());
    }

    #[test]
    fn a_dirty_tree_stops_the_release_with_the_files_named() {
        let dir = crate::tempdir::TempDir::new("dirty");
        let git = |args: &[&str]| process::output(process::git(dir.path()).args(args)).unwrap();
        git(&["init", "--quiet"]);
        assert_eq!(require_clean_tree(dir.path()), Ok(()));
        std::fs::write(dir.path().join("stray.txt"), "x").unwrap();
        let err = require_clean_tree(dir.path()).unwrap_err();
        assert!(err.contains("dirty") && err.contains("stray.txt"), "{err}");
    }

    #[test]
    fn a_version_without_a_changelog_section_stops_the_release() {
        let dir = crate::tempdir::TempDir::new("changelog");
        std::fs::write(
            dir.path().join("CHANGELOG.md"),
            "# Changelog\n\n## [Unreleased]\n\n## [0.1.0] - 2030-01-01\n- x\n",
        )
        .unwrap();
        assert_eq!(require_changelog_entry(dir.path(), "0.1.0"), Ok(()));
        let err = require_changelog_entry(dir.path(), "0.2.0").unwrap_err();
        assert!(
            err.starts_with("missing changelog entry") && err.contains("## [0.2.0]"),
            "{err}"
        );
    }
}
