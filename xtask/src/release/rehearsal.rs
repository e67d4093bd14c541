//! The release flow rehearsed end to end in a temporary clone of this repository: the next release is cut (the
//! first one, 0.1.0, while there is no tag), committed, checked and tagged; then a patch release on top, with the
//! manifests, Cargo.lock and the changelog moved; then `cargo publish --workspace --dry-run --no-verify`. Nothing leaves the
//! machine but cargo's reads of the registry index.

use std::path::Path;

use semver::Version;

use super::bump::{self, Target};
use super::tests::git;
use super::{changelog, dry_run, last_release, lockstep_version, preflight, tag};
use crate::metadata::Workspace;
use crate::process;

/// Adds a changelog entry (a release needs one) and commits it.
fn add_entry(dir: &Path, entry: &str) {
    let path = dir.join("CHANGELOG.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replacen("## [Unreleased]\n", &format!("## [Unreleased]\n\n- {entry}\n"), 1);
    std::fs::write(&path, text).unwrap();
    git(dir, &["commit", "--quiet", "-am", entry]);
}

/// Bumps, commits, runs the release checks and tags, as docs/release.md tells a maintainer to.
fn cut(dir: &Path, target: Target) -> Version {
    let last = last_release(dir).unwrap().map(|(_, version)| version);
    let (_, new) = bump::bump_files(dir, target, last.as_ref(), "2026-12-01").unwrap();
    git(dir, &["commit", "--quiet", "-am", &format!("release {new}")]);
    assert_eq!(preflight(dir).unwrap(), new);
    tag(dir).unwrap();
    assert_eq!(last_release(dir).unwrap().map(|(_, v)| v), Some(new.clone()));
    new
}

#[test]
fn a_release_and_the_next_one_are_cut_tagged_and_dry_run_published_from_a_clone() {
    let clone = tempfile::tempdir().unwrap();
    let dir = clone.path();
    let (root, to) = (crate::project_root(), dir.display().to_string());
    git(&root, &["clone", "--quiet", "--no-hardlinks", &root.display().to_string(), &to]);
    git(dir, &["config", "user.email", "rehearsal@example.invalid"]);
    git(dir, &["config", "user.name", "rehearsal"]);

    add_entry(dir, "Rehearsed first release.");
    let current = lockstep_version(&Workspace::load(dir).unwrap()).unwrap();
    let first = match last_release(dir).unwrap() {
        None => cut(dir, Target::Exact(current.clone())),
        Some(_) => cut(dir, Target::Minor),
    };
    assert!(first >= current);

    add_entry(dir, "Rehearsed patch release.");
    let patch = cut(dir, Target::Patch);
    assert_eq!(patch, Version::new(first.major, first.minor, first.patch + 1));

    let workspace = Workspace::load(dir).unwrap();
    assert_eq!(lockstep_version(&workspace).unwrap(), patch);
    let lock = std::fs::read_to_string(dir.join("Cargo.lock")).unwrap();
    for package in workspace.publishable() {
        let entry = format!("name = \"{}\"\nversion = \"{patch}\"\n", package.name);
        assert!(lock.contains(&entry), "Cargo.lock does not move {} to {patch}", package.name);
    }
    let log = std::fs::read_to_string(dir.join("CHANGELOG.md")).unwrap();
    assert!(changelog::has_release_entry(&log, &first.to_string()));
    assert!(changelog::has_release_entry(&log, &patch.to_string()));
    assert!(log.contains(&format!(
        "## [Unreleased]\n\n## [{patch}] - 2026-12-01\n\n- Rehearsed patch release."
    )));
    // Releasing the same version again is refused: it needs a new entry and a bump.
    assert!(
        bump::bump_files(dir, Target::Exact(patch.clone()), Some(&patch), "2026-12-01").is_err()
    );

    // `--no-verify`: cargo packages every crate in dependency order, checks what crates.io would check and resolves
    // each against the others, without building them again: `cargo xtask ci` builds and tests every package
    // already (packaged.rs), and the real `release publish` dry run verifies too.
    let mut dry_run = dry_run(dir);
    dry_run.args(["--no-verify", "--quiet"]);
    process::run(&mut dry_run).unwrap();
}
