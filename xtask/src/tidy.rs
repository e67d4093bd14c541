//! Repository checks, run by `cargo test` (and so by `cargo xtask ci`). Each failure names the rule it breaks and
//! where; the checks themselves are pure functions in `checks.rs` and `layers.rs`, unit-tested with bad input.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::checks;
use crate::layers;
use crate::manifest;
use crate::metadata::Workspace;

fn root() -> PathBuf {
    crate::project_root()
}

fn workspace() -> &'static Workspace {
    static WORKSPACE: OnceLock<Workspace> = OnceLock::new();
    WORKSPACE.get_or_init(|| Workspace::load(&root()).unwrap())
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

fn assert_none(problems: &[String], what: &str) {
    assert!(problems.is_empty(), "{what}:\n  {}", problems.join("\n  "));
}

#[test]
fn workspace_dependencies_follow_the_layer_rules() {
    let violations: Vec<String> = layers::check_layers(workspace())
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_none(
        &violations,
        "layer rules of DESIGN.md (xtask/src/layers.rs) broken",
    );
}

#[test]
fn publishable_crates_carry_the_metadata_crates_io_shows() {
    let mut problems = Vec::new();
    for package in workspace().packages.iter().filter(|p| p.publishable) {
        problems.extend(checks::missing_publish_metadata(package));
        if let (Some(readme), Some(dir)) = (&package.readme, package.manifest_path.parent())
            && !dir.join(readme).is_file()
        {
            problems.push(format!(
                "{}: readme `{readme}` does not exist",
                package.name
            ));
        }
    }
    assert_none(&problems, "publishable crates with missing metadata");
}

#[test]
fn internal_dependencies_come_from_the_workspace_at_the_workspace_version() {
    let ws = workspace();
    let root_manifest = read(&root().join("Cargo.toml"));
    let version =
        manifest::workspace_version(&manifest::parse(&root_manifest, "Cargo.toml").unwrap())
            .unwrap();
    let names: Vec<&str> = ws.packages.iter().map(|p| p.name.as_str()).collect();
    let mut problems = checks::root_requirements_off_version(&root_manifest).unwrap();
    for package in &ws.packages {
        let text = read(&package.manifest_path);
        let shown = package
            .manifest_path
            .strip_prefix(&ws.root)
            .unwrap_or(&package.manifest_path);
        problems.extend(
            checks::internal_deps_not_inherited(&text, &names)
                .into_iter()
                .map(|problem| format!("{}: {problem}", shown.display())),
        );
        problems.extend(checks::internal_requirements_off_version(
            ws, package, &version,
        ));
        if package.publishable && package.version != version {
            problems.push(format!(
                "{}: version {} is not the workspace version {version} (use `version.workspace = true`)",
                package.name, package.version
            ));
        }
    }
    assert_none(
        &problems,
        "internal dependencies not taken from the workspace",
    );
}

/// `rust-version` is a promise only when CI builds with it: CI builds with the pinned toolchain, so they agree
/// (docs/release.md, "Minimum supported Rust version").
#[test]
fn the_toolchain_is_pinned_and_is_the_msrv_ci_builds() {
    let pinned = checks::pinned_toolchain(&read(&root().join("rust-toolchain.toml"))).unwrap();
    let minor = |text: &str| -> String { text.split('.').take(2).collect::<Vec<_>>().join(".") };
    for package in workspace().packages.iter().filter(|p| p.publishable) {
        let msrv = package.rust_version.as_deref().unwrap_or("none");
        assert_eq!(
            minor(msrv),
            minor(&pinned),
            "{}: rust-version {msrv} is not the toolchain CI builds with ({pinned})",
            package.name
        );
    }
}

#[test]
fn undocumented_public_items_fail_the_build() {
    assert!(
        checks::workspace_requires_docs(&read(&root().join("Cargo.toml"))),
        "Cargo.toml: [workspace.lints.rust] must set missing_docs = \"warn\" (clippy -D warnings makes it an error)"
    );
    let mut problems = Vec::new();
    for package in &workspace().packages {
        if !checks::inherits_workspace_lints(&read(&package.manifest_path)) {
            problems.push(format!(
                "{}: Cargo.toml lacks `[lints] workspace = true`",
                package.name
            ));
        }
        for target in package.targets.iter().filter(|t| t.is("lib")) {
            if checks::allows_missing_docs(&read(&target.src_path)) {
                problems.push(format!(
                    "{}: allows missing_docs",
                    target.src_path.display()
                ));
            }
        }
    }
    assert_none(&problems, "public items may go undocumented");
}

#[test]
fn ci_runs_the_readme_test_command() {
    let script_path = root().join(".ci/run");
    let script = read(&script_path);
    assert!(
        script.contains("set -euo pipefail"),
        ".ci/run must `set -euo pipefail`"
    );
    assert!(
        checks::shows_command(&script, "cargo xtask ci"),
        ".ci/run must run `cargo xtask ci`"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&script_path)
            .unwrap()
            .permissions()
            .mode();
        assert!(mode & 0o111 != 0, ".ci/run must be executable");
    }
    let readme = read(&root().join("README.md"));
    assert!(
        checks::shows_command(&readme, "cargo xtask ci"),
        "README.md must show `cargo xtask ci` as its test command"
    );
}

#[test]
fn the_changelog_has_an_unreleased_section() {
    assert!(
        checks::has_unreleased_section(&read(&root().join("CHANGELOG.md"))),
        "CHANGELOG.md needs a `## [Unreleased]` section"
    );
}

#[test]
fn the_readme_links_every_document_in_docs() {
    let readme = read(&root().join("README.md"));
    let mut unlinked = Vec::new();
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && !readme.contains(&format!("docs/{name}")) {
            unlinked.push(format!("docs/{name}"));
        }
    }
    unlinked.sort();
    assert_none(&unlinked, "README.md does not link");
}

#[test]
fn every_publishable_crate_ships_both_licence_files() {
    let mut problems = crate::packaged::missing_licence_files(&root(), "the repository root");
    for package in workspace().packages.iter().filter(|p| p.publishable) {
        let dir = package.manifest_path.parent().unwrap();
        problems.extend(crate::packaged::missing_licence_files(dir, &package.name));
    }
    assert_none(&problems, "licence files missing");
}

#[test]
fn packaged_fixture_copies_match_the_repository_fixtures() {
    let fixtures = root().join("fixtures");
    let mut problems = Vec::new();
    for package in &workspace().packages {
        let copy = package.manifest_path.parent().unwrap().join("fixtures");
        if copy.is_dir() {
            problems.extend(checks::drifted_copies(&fixtures, &copy));
        }
    }
    assert_none(&problems, "crate fixtures differ from fixtures/");
}

/// docs.rs shows the fake, the transports and the credentials only when it builds every feature, and marks them
/// with their feature only when the crate turns `doc_cfg` on under `--cfg docsrs`.
#[test]
fn docs_rs_documents_every_feature_of_every_published_crate() {
    let mut problems = Vec::new();
    for package in workspace().packages.iter().filter(|p| p.publishable) {
        if !package.docs_rs_all_features {
            problems.push(format!(
                "{}: Cargo.toml lacks `[package.metadata.docs.rs] all-features = true`",
                package.name
            ));
        }
        for target in package.targets.iter().filter(|t| t.is("lib")) {
            if !read(&target.src_path).contains("#![cfg_attr(docsrs, feature(doc_cfg))]") {
                problems.push(format!(
                    "{}: no `#![cfg_attr(docsrs, feature(doc_cfg))]`",
                    target.src_path.display()
                ));
            }
        }
    }
    assert_none(&problems, "crates docs.rs would document partly");
}
