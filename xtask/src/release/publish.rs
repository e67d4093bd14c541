//! `cargo xtask release publish [--execute]` and `release tag`: the checks that stop a release, then cargo's own
//! workspace publishing (`cargo publish --workspace`, which orders the crates by dependency), dry run first.

use std::path::Path;

use super::{changelog, last_release, lockstep_version, require_clean_tree, semver_guard};
use crate::metadata::Workspace;
use crate::{ci, process, tools};

/// The release checks that need no build: a clean tree, one lockstep version, its changelog section, and no tag of
/// that version on another commit. Returns the version.
pub fn preflight(root: &Path) -> Result<String, String> {
    require_clean_tree(root)?;
    let version = lockstep_version(&Workspace::load(root)?)?;
    let text = std::fs::read_to_string(root.join("CHANGELOG.md"))
        .map_err(|err| format!("cannot read CHANGELOG.md: {err}"))?;
    if !changelog::has_release_entry(&text, &version) {
        return Err(format!(
            "missing changelog entry: CHANGELOG.md has no non-empty `## [{version}]` section \
             (run `cargo xtask release bump ...` after writing the Unreleased entries)"
        ));
    }
    let tag = format!("v{version}");
    let tagged = process::output(process::git(root).args(["rev-list", "-n", "1", &tag, "--"])).ok();
    let head = process::output(process::git(root).args(["rev-parse", "HEAD"]))?;
    if let Some(tagged) = tagged
        && tagged.trim() != head.trim()
    {
        return Err(format!(
            "{tag} already tags another commit: {version} is released; bump first"
        ));
    }
    Ok(version)
}

/// `cargo publish --workspace --dry-run --locked`: packages every publishable crate and builds each against the
/// others, in dependency order, without uploading.
pub fn dry_run(root: &Path) -> std::process::Command {
    let mut command = process::cargo(root);
    command.args(["publish", "--workspace", "--dry-run", "--locked"]);
    command
}

/// `cargo xtask release publish [--execute]`.
pub fn run(root: &Path, execute: bool) -> Result<(), String> {
    let version = preflight(root)?;
    match last_release(root)? {
        Some((tag, _)) if tag != format!("v{version}") => semver_guard(root, &tag)?,
        Some(_) => {
            println!("semver guard: {version} is the tagged release itself; nothing to compare")
        }
        None => println!("semver guard: first release, no baseline to compare with"),
    }
    // The advisory database is fetched from the network, so only here, not in `cargo xtask ci`.
    tools::CARGO_DENY.ensure(root)?;
    process::run(process::cargo(root).args(["deny", "check", "advisories"]))?;
    ci::run(root).map_err(|err| format!("release stopped: {err}"))?;
    process::run(&mut dry_run(root))?;
    if !execute {
        println!(
            "dry run passed for {version}; `cargo xtask release publish --execute` publishes for real"
        );
        return Ok(());
    }
    // An interrupted release is resumed by running the command again: what crates.io has already is left out.
    let workspace = Workspace::load(root)?;
    let mut publish = process::cargo(root);
    publish.args(["publish", "--workspace", "--locked"]);
    for package in workspace.publishable() {
        if is_published(&package.name, &version)? {
            println!("{} {version} is already on crates.io; skipped", package.name);
            publish.args(["--exclude", &package.name]);
        }
    }
    process::run(&mut publish)?;
    println!("published {version}; now `cargo xtask release tag` and push the tag");
    Ok(())
}

/// `cargo xtask release tag`: an annotated `vX.Y.Z` tag on the release commit.
pub fn tag(root: &Path) -> Result<(), String> {
    let version = preflight(root)?;
    process::run(process::git(root).args([
        "tag",
        "-a",
        &format!("v{version}"),
        "-m",
        &format!("release {version}"),
    ]))?;
    println!("tagged v{version}; push it: git push origin v{version}");
    Ok(())
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
    Err(format!("could not ask crates.io whether {name} {version} is published: {}", stderr.trim()))
}

fn is_published(name: &str, version: &str) -> Result<bool, String> {
    // Outside the workspace, so cargo asks the registry instead of describing the local member.
    let out = process::cargo(&std::env::temp_dir())
        .args(["info", &format!("{name}@{version}"), "--registry", "crates-io"])
        .output()
        .map_err(|err| format!("could not start `cargo info`: {err}"))?;
    classify_info(out.status.success(), &String::from_utf8_lossy(&out.stderr), name, version)
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
}
