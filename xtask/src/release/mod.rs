//! `cargo xtask release plan | bump | semver | publish | tag`: the steps of docs/release.md. Publishing is cargo's
//! own workspace publishing (`cargo publish --workspace`, which orders the crates by dependency), dry run first.

mod bump;
pub mod changelog;
#[cfg(test)]
mod rehearsal;

use std::path::Path;

use semver::Version;

use crate::metadata::Workspace;
use crate::process::{self, git, output};

pub use bump::Target;

/// The release subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The crates a release publishes, their version, and the commits since the last release tag.
    Plan,
    /// Sets every crate to the next version and turns the changelog's Unreleased section into that release's.
    Bump {
        /// `major`, `minor` or `patch` (counted from the last release tag), or a version such as `0.1.0`; the first
        /// release names its version, which may be the one the manifests already carry.
        target: Target,
    },
    /// Compares the public API of every published crate with a release (cargo-semver-checks); fails on a breaking
    /// change that the version does not announce.
    Semver {
        /// The git revision to compare with (default: the last release tag).
        #[arg(long)]
        baseline_rev: Option<String>,
    },
    /// Refuses a dirty tree, a missing changelog section, a semver break or a failing `cargo xtask ci`; then
    /// `cargo publish --workspace --dry-run`.
    Publish {
        /// Publish to crates.io for real (after the same checks and the dry run).
        #[arg(long)]
        execute: bool,
    },
    /// Tags the release commit `vX.Y.Z` (annotated), after checking that the changelog has the release's section.
    Tag,
}

/// Runs one release subcommand.
pub fn run(root: &Path, command: Command) -> Result<(), String> {
    match command {
        Command::Plan => plan(root),
        Command::Bump { target } => {
            require_clean_tree(root)?;
            let last = last_release(root)?.map(|(_, version)| version);
            let today = chrono::Utc::now().date_naive().to_string();
            let (old, new) = bump::bump_files(root, target, last.as_ref(), &today)?;
            println!(
                "release {new} prepared (from {old}): Cargo.toml, Cargo.lock, CHANGELOG.md.\n\
                 Next: review, commit \"release {new}\", `cargo xtask release publish`, `cargo xtask release tag`."
            );
            Ok(())
        }
        Command::Semver { baseline_rev } => semver_guard(root, baseline_rev),
        Command::Publish { execute } => publish(root, execute),
        Command::Tag => tag(root),
    }
}

/// The newest `vX.Y.Z` tag reachable from HEAD, with its version.
pub fn last_release(root: &Path) -> Result<Option<(String, Version)>, String> {
    let tags = output(git(root).args(["tag", "--list", "v*", "--merged", "HEAD"]))?;
    let releases = tags
        .lines()
        .filter_map(|tag| Some((tag.to_owned(), Version::parse(tag.strip_prefix('v')?).ok()?)));
    Ok(releases.max_by(|a, b| a.1.cmp(&b.1)))
}

/// Refuses a tree with uncommitted changes: what is released must be what is committed.
fn require_clean_tree(root: &Path) -> Result<(), String> {
    let status = output(git(root).args(["status", "--porcelain"]))?;
    let dirty = format!("the working tree is dirty; commit or remove these first:\n{status}");
    status.is_empty().then_some(()).ok_or(dirty)
}

/// The one version every publishable crate carries (they are released in lockstep).
fn lockstep_version(workspace: &Workspace) -> Result<Version, String> {
    let mut publishable = workspace.publishable();
    let first = publishable.next().ok_or("no publishable crate in the workspace")?;
    match publishable.find(|p| p.version != first.version) {
        Some(odd) => Err(format!(
            "{} is at {}, not the lockstep version {} of {}",
            odd.name, odd.version, first.version, first.name
        )),
        None => Ok(first.version.clone()),
    }
}

/// The semver guard: cargo-semver-checks compares every published crate's public API with `baseline` (a git
/// revision; by default the last release tag) and fails on a change that the version bump does not allow. The
/// first release has nothing to compare with, and says so.
pub fn semver_guard(root: &Path, baseline: Option<String>) -> Result<(), String> {
    let baseline = match baseline {
        Some(rev) => Some(rev),
        None => last_release(root)?.map(|(tag, _)| tag),
    };
    let Some(baseline) = baseline else {
        println!("==> semver: no release tag yet, nothing to compare with");
        return Ok(());
    };
    println!("==> semver: the public API against {baseline}");
    process::ensure(process::CARGO_SEMVER_CHECKS, root)?;
    let mut check = process::cargo(root);
    check.args(["semver-checks", "--workspace", "--baseline-rev", &baseline]);
    process::run(&mut check).map_err(|err| format!("semver guard against {baseline}: {err}"))
}

fn plan(root: &Path) -> Result<(), String> {
    let workspace = Workspace::load(root)?;
    println!(
        "version {}; published (cargo orders them by dependency):",
        lockstep_version(&workspace)?
    );
    workspace.publishable().for_each(|package| println!("  {}", package.name));
    let last = last_release(root)?;
    let mut log = git(root);
    log.args(["log", "--oneline", "--no-decorate"])
        .args(last.iter().map(|(tag, _)| format!("{tag}..HEAD")));
    let commits = output(&mut log)?;
    match &last {
        Some((tag, _)) => println!("{} commit(s) since {tag}:", commits.lines().count()),
        None => println!("no release tag yet; {} commit(s) in all:", commits.lines().count()),
    }
    print!("{commits}");
    Ok(())
}

/// The release checks that need no build: a clean tree, one lockstep version, its changelog section, and no tag of
/// that version on another commit. Returns the version.
fn preflight(root: &Path) -> Result<Version, String> {
    require_clean_tree(root)?;
    let version = lockstep_version(&Workspace::load(root)?)?;
    let text = std::fs::read_to_string(root.join("CHANGELOG.md"))
        .map_err(|err| format!("cannot read CHANGELOG.md: {err}"))?;
    if !changelog::has_release_entry(&text, &version.to_string()) {
        return Err(format!(
            "missing changelog entry: CHANGELOG.md has no non-empty `## [{version}]` section \
             (run `cargo xtask release bump ...` after writing the Unreleased entries)"
        ));
    }
    let tag = format!("v{version}");
    let tagged = output(git(root).args(["rev-list", "-n", "1", &tag, "--"])).ok();
    let head = output(git(root).args(["rev-parse", "HEAD"]))?;
    match tagged {
        Some(tagged) if tagged.trim() != head.trim() => {
            Err(format!("{tag} already tags another commit: {version} is released; bump first"))
        }
        _ => Ok(version),
    }
}

/// `cargo publish --workspace --dry-run --locked`: packages every publishable crate and builds each against the
/// others, in dependency order, without uploading.
fn dry_run(root: &Path) -> std::process::Command {
    let mut command = process::cargo(root);
    command.args(["publish", "--workspace", "--dry-run", "--locked"]);
    command
}

/// `cargo xtask release publish [--execute]`.
fn publish(root: &Path, execute: bool) -> Result<(), String> {
    let version = preflight(root)?;
    semver_guard(root, None)?;
    // The advisory database is fetched from the network, so only here, not in `cargo xtask ci`.
    process::ensure(process::CARGO_DENY, root)?;
    process::run(process::cargo(root).args(["deny", "check", "advisories"]))?;
    crate::ci::run(root).map_err(|err| format!("release stopped: {err}"))?;
    process::run(&mut dry_run(root))?;
    if !execute {
        println!(
            "dry run passed for {version}; `cargo xtask release publish --execute` publishes for real"
        );
        return Ok(());
    }
    // An interrupted release is resumed by running the command again: what crates.io has already is left out.
    let mut publish = process::cargo(root);
    publish.args(["publish", "--workspace", "--locked"]);
    for package in Workspace::load(root)?.publishable() {
        if is_published(&package.name, &version.to_string())? {
            println!("{} {version} is already on crates.io; skipped", package.name);
            publish.args(["--exclude", &package.name]);
        }
    }
    process::run(&mut publish)?;
    println!("published {version}; now `cargo xtask release tag` and push the tag");
    Ok(())
}

/// `cargo xtask release tag`: an annotated `vX.Y.Z` tag on the release commit.
fn tag(root: &Path) -> Result<(), String> {
    let version = preflight(root)?;
    let (tag, message) = (format!("v{version}"), format!("release {version}"));
    process::run(git(root).args(["tag", "-a", &tag, "-m", &message]))?;
    println!("tagged {tag}; push it: git push origin {tag}");
    Ok(())
}

/// Asks `cargo info NAME@VERSION`: `Ok(true)` published, `Ok(false)` not, `Err` when the registry could not be
/// asked (offline, for instance), with cargo's reason.
fn is_published(name: &str, version: &str) -> Result<bool, String> {
    // Outside the workspace, so cargo asks the registry instead of describing the local member.
    let mut info = process::cargo(&std::env::temp_dir());
    let id = format!("{name}@{version}");
    classify_info(output(info.args(["info", &id, "--registry", "crates-io"])), name, version)
}

/// `cargo info`'s answer (its output, or its failure with cargo's messages) about `name@version`.
fn classify_info(
    answer: Result<String, String>,
    name: &str,
    version: &str,
) -> Result<bool, String> {
    match answer {
        Ok(_) => Ok(true),
        Err(err) if err.contains(&format!("could not find `{name}@{version}`")) => Ok(false),
        Err(err) => {
            Err(format!("could not ask crates.io whether {name} {version} is published: {err}"))
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Runs git in `dir`, panicking with git's reason when it fails.
    pub fn git(dir: &Path, args: &[&str]) -> String {
        output(process::git(dir).args(args)).unwrap_or_else(|err| panic!("{err}"))
    }

    fn repository() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "--quiet"]);
        git(dir.path(), &["config", "user.email", "release@example.invalid"]);
        git(dir.path(), &["config", "user.name", "release"]);
        git(dir.path(), &["commit", "--quiet", "--allow-empty", "-m", "one"]);
        dir
    }

    #[test]
    fn the_last_release_is_the_highest_version_tag_reachable_from_head() {
        let dir = repository();
        assert_eq!(last_release(dir.path()).unwrap(), None);
        for tag in ["v0.9.0", "v0.10.0", "not-a-release"] {
            git(dir.path(), &["tag", tag]);
        }
        let (tag, version) = last_release(dir.path()).unwrap().unwrap();
        assert_eq!((tag.as_str(), version), ("v0.10.0", Version::new(0, 10, 0)));
    }

    #[test]
    fn a_dirty_tree_stops_the_release_with_the_files_named() {
        let dir = repository();
        assert_eq!(require_clean_tree(dir.path()), Ok(()));
        std::fs::write(dir.path().join("stray.txt"), "x").unwrap();
        let err = require_clean_tree(dir.path()).unwrap_err();
        assert!(err.contains("dirty") && err.contains("stray.txt"), "{err}");
    }

    #[test]
    fn cargo_info_answers_are_classified() {
        let failed =
            |stderr: &str| Err(format!("`cargo info a@0.1.0` failed (exit status: 101): {stderr}"));
        assert_eq!(classify_info(Ok(String::new()), "a", "0.1.0"), Ok(true));
        let missing =
            "    Updating crates.io index\nerror: could not find `a@0.1.0` in registry `crates-io`";
        assert_eq!(classify_info(failed(missing), "a", "0.1.0"), Ok(false));
        let offline = "error: failed to query replaced source registry `crates-io`\n\nCaused by:\n  network down";
        let err = classify_info(failed(offline), "a", "0.1.0").unwrap_err();
        assert!(
            err.contains("could not ask crates.io whether a 0.1.0") && err.contains("network down"),
            "{err}"
        );
        // Another crate's or version's absence is not an answer about this one.
        assert!(classify_info(failed("error: could not find `a@0.2.0`"), "a", "0.1.0").is_err());
    }

    /// The guard passes an added function and fails a removed one, in a one-crate repository tagged v0.1.0.
    /// Ignored by a plain `cargo test` because it needs cargo-semver-checks, whose first install compiles for many
    /// minutes: run it with `cargo test -p xtask -- --ignored` (it installs the pinned tool when missing).
    #[test]
    #[ignore = "needs cargo-semver-checks; run with `cargo test -p xtask -- --ignored`"]
    fn the_semver_guard_fails_on_a_removed_public_function() {
        let dir = repository();
        let (kept, added) =
            ("//! g\n/// Kept.\npub fn kept() {}\n", "/// Added.\npub fn added() {}\n");
        let removed = "/// Removed later.\npub fn removed() {}\n";
        let commit = |version: &str, lib: &str, message: &str| {
            let manifest = format!(
                "[package]\nname = \"guarded\"\nversion = \"{version}\"\nedition = \"2024\"\n\
                 license = \"MIT\"\ndescription = \"g\"\n\n[workspace]\n"
            );
            let files = [
                ("Cargo.toml", manifest.as_str()),
                (".gitignore", "/target\n"),
                ("src/lib.rs", lib),
            ];
            crate::write_files(dir.path(), &files);
            git(dir.path(), &["add", "-A"]);
            git(dir.path(), &["commit", "--quiet", "-m", message]);
        };
        commit("0.1.0", &format!("{kept}{removed}"), "0.1.0");
        git(dir.path(), &["tag", "v0.1.0"]);
        commit("0.1.1", &format!("{kept}{removed}{added}"), "add a function");
        semver_guard(dir.path(), Some("v0.1.0".into())).unwrap();
        commit("0.1.1", kept, "remove a function");
        let err = semver_guard(dir.path(), Some("v0.1.0".into())).unwrap_err();
        assert!(err.contains("semver guard against v0.1.0"), "{err}");
    }
}
