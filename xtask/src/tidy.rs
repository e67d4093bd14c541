//! Repository checks, run by `cargo test` (and so by `cargo xtask ci`). Each failure names the rule it breaks and
//! where. The checks are pure functions over parsed metadata and file text (the layer rules are in `layers.rs`); the
//! `#[test]`s at the top run them on this repository, those in `bad_input` feed them bad input.
//!
//! What cargo and clippy refuse by themselves is not checked again here: a `readme` that does not exist and a path
//! dependency without a version (`cargo package`, run by the packaged step and the release rehearsal), a workspace
//! crate's requirement that its version does not meet (every build), and a published crate without the metadata
//! crates.io shows (clippy's `cargo_common_metadata`, set in the workspace lints).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use toml_edit::{DocumentMut, Item, TableLike};

use crate::metadata::{Package, Workspace};
use crate::packaged::missing_licence_files;
use crate::release::changelog::has_section;

fn root() -> PathBuf {
    crate::project_root()
}

fn workspace() -> &'static Workspace {
    static WORKSPACE: OnceLock<Workspace> = OnceLock::new();
    WORKSPACE.get_or_init(|| Workspace::load(&root()).unwrap())
}

fn read(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

fn assert_none(problems: &[String], what: &str) {
    assert!(problems.is_empty(), "{what}:\n  {}", problems.join("\n  "));
}

/// A rule every member (`false`) or every published crate (`true`) must keep: the problems it finds, each naming
/// the crate or the file.
type PackageRule = (&'static str, bool, fn(&Package) -> Vec<String>);

const PACKAGE_RULES: &[PackageRule] = &[
    ("publishable crates have keywords crates.io accepts", true, |package| {
        refused_keywords(&package.name, &package.keywords)
    }),
    // A member's own entry for a workspace crate would not move with `release bump`, or would come from crates.io.
    ("workspace crates are inherited from [workspace.dependencies]", false, |package| {
        let names: Vec<&str> = workspace().packages.iter().map(|p| p.name.as_str()).collect();
        let shown =
            package.manifest_path.strip_prefix(&workspace().root).unwrap_or(&package.manifest_path);
        let not_inherited = internal_deps_not_inherited(&read(&package.manifest_path), &names);
        not_inherited.into_iter().map(|problem| format!("{shown}: {problem}")).collect()
    }),
    // `rust-version` is a promise only when CI builds with it: CI builds with the pinned toolchain, so they agree
    // (docs/release.md, "Minimum supported Rust version").
    ("the MSRV is the pinned toolchain CI builds with", true, |package| {
        let pinned = pinned_toolchain(&read(root().join("rust-toolchain.toml"))).unwrap();
        let msrv = package.rust_version.as_ref();
        if msrv.is_some_and(|msrv| (msrv.major, msrv.minor) == (pinned.major, pinned.minor)) {
            return vec![];
        }
        let msrv = msrv.map_or("none".to_owned(), ToString::to_string);
        let name = &package.name;
        vec![format!("{name}: rust-version {msrv} is not the toolchain CI builds with ({pinned})")]
    }),
    ("public items may not go undocumented", false, |package| {
        let mut problems = Vec::new();
        if !inherits_workspace_lints(&read(&package.manifest_path)) {
            problems.push(format!("{}: Cargo.toml lacks `[lints] workspace = true`", package.name));
        }
        for target in
            package.targets.iter().filter(|t| t.is_lib() && allows_missing_docs(&read(&t.src_path)))
        {
            problems.push(format!("{}: allows missing_docs", target.src_path));
        }
        problems
    }),
    ("crate fixtures are the repository's fixtures/, byte for byte", false, |package| {
        let copy = package.manifest_path.parent().unwrap().join("fixtures");
        if copy.is_dir() {
            drifted_copies(&root().join("fixtures"), copy.as_std_path())
        } else {
            vec![]
        }
    }),
    // docs.rs shows the fake, the transports and the credentials only when it builds every feature, and marks them
    // with their feature only when the crate turns `doc_cfg` on under `--cfg docsrs`.
    ("docs.rs documents every feature of every published crate", true, |package| {
        let mut problems = Vec::new();
        if package.metadata["docs"]["rs"]["all-features"] != true {
            let name = &package.name;
            problems.push(format!(
                "{name}: Cargo.toml lacks `[package.metadata.docs.rs] all-features = true`"
            ));
        }
        let attribute = "#![cfg_attr(docsrs, feature(doc_cfg))]";
        for target in
            package.targets.iter().filter(|t| t.is_lib() && !read(&t.src_path).contains(attribute))
        {
            problems.push(format!("{}: no `{attribute}`", target.src_path));
        }
        problems
    }),
];

#[test]
fn every_member_keeps_the_package_rules() {
    let ws = workspace();
    let mut broken = Vec::new();
    for (rule, published_only, check) in PACKAGE_RULES {
        let members: Vec<&Package> =
            if *published_only { ws.publishable().collect() } else { ws.packages.iter().collect() };
        let problems: Vec<String> = members.into_iter().flat_map(check).collect();
        if !problems.is_empty() {
            broken.push(format!("{rule}:\n    {}", problems.join("\n    ")));
        }
    }
    assert_none(&broken, "package rules broken");
}

#[test]
fn the_workspace_keeps_its_rules() {
    let violations = crate::layers::check_layers(workspace());
    assert_none(&violations, "layer rules of DESIGN.md (xtask/src/layers.rs) broken");
    assert!(
        workspace_requires_docs(&read(root().join("Cargo.toml"))),
        "Cargo.toml: [workspace.lints.rust] must set missing_docs = \"warn\" (clippy -D warnings makes it an error)"
    );
    assert_none(&missing_licence_files(&root(), "the repository root"), "licence files missing");
    let changelog = read(root().join("CHANGELOG.md"));
    assert!(
        has_section(&changelog, "Unreleased"),
        "CHANGELOG.md needs a `## [Unreleased]` section"
    );
}

#[test]
fn ci_runs_the_readme_test_command() {
    let script_path = root().join(".ci/run");
    let script = read(&script_path);
    assert!(script.contains("set -euo pipefail"), ".ci/run must `set -euo pipefail`");
    assert!(shows_command(&script, "cargo xtask ci"), ".ci/run must run `cargo xtask ci`");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&script_path).unwrap().permissions().mode();
        assert!(mode & 0o111 != 0, ".ci/run must be executable");
    }
    let readme = read(root().join("README.md"));
    assert!(
        shows_command(&readme, "cargo xtask ci"),
        "README.md must show `cargo xtask ci` as its test command"
    );
}

#[test]
fn the_readme_links_every_document_in_docs() {
    let readme = read(root().join("README.md"));
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

/// Keywords crates.io would refuse at upload (cargo does not check them): more than five, or not short ASCII words.
pub fn refused_keywords(name: &str, keywords: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    if keywords.len() > 5 {
        let count = keywords.len();
        problems.push(format!("{name}: {count} keywords; crates.io takes at most 5"));
    }
    let word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+');
    for keyword in keywords {
        if keyword.len() > 20
            || !keyword.starts_with(|c: char| c.is_ascii_alphabetic())
            || !keyword.chars().all(word)
        {
            problems.push(format!("{name}: keyword `{keyword}` is not accepted by crates.io"));
        }
    }
    problems
}

/// Entries of a member's Cargo.toml that declare a workspace crate without `workspace = true`, in
/// `[dependencies]` and its kin and their `[target.'cfg(..)'.*]` forms; a `package = "..."` rename is named by the
/// real crate.
pub fn internal_deps_not_inherited(manifest: &str, internal: &[&str]) -> Vec<String> {
    let doc = match manifest.parse::<DocumentMut>() {
        Ok(doc) => doc,
        Err(err) => return vec![format!("not valid TOML: {err}")],
    };
    let mut tables: Vec<(String, &dyn TableLike)> = vec![(String::new(), doc.as_table())];
    let targets =
        doc.get("target").and_then(Item::as_table_like).into_iter().flat_map(|t| t.iter());
    tables.extend(
        targets.filter_map(|(cfg, t)| Some((format!("target.{cfg}."), t.as_table_like()?))),
    );
    let mut problems = Vec::new();
    for (prefix, table) in tables {
        for kind in ["dependencies", "dev-dependencies", "build-dependencies"] {
            let deps = table.get(kind).and_then(Item::as_table_like);
            for (name, item) in deps.into_iter().flat_map(|deps| deps.iter()) {
                let name = item.get("package").and_then(Item::as_str).unwrap_or(name);
                let inherits = item.get("workspace").and_then(Item::as_bool) == Some(true);
                // A crate's dev-dependency on itself (for its own `test-util` feature) has no version to inherit.
                let is_self = item.get("path").and_then(Item::as_str) == Some(".");
                if internal.contains(&name) && !inherits && !is_self {
                    problems.push(format!(
                        "[{prefix}{kind}] `{name}` must be `{name}.workspace = true` (versions come from the root)"
                    ));
                }
            }
        }
    }
    problems
}

/// The pinned toolchain of rust-toolchain.toml: `channel` must be a release number such as `1.95.0`.
pub fn pinned_toolchain(rust_toolchain: &str) -> Result<semver::Version, String> {
    let doc = crate::parse_toml(rust_toolchain, "rust-toolchain.toml")?;
    let channel = (doc.get("toolchain").and_then(|t| t.get("channel")).and_then(Item::as_str))
        .ok_or("rust-toolchain.toml: no `channel` in [toolchain]")?;
    match semver::Version::parse(channel) {
        Ok(version) if version.pre.is_empty() => Ok(version),
        _ => Err(format!(
            "rust-toolchain.toml: channel `{channel}` is not a pinned release like `1.95.0`"
        )),
    }
}

/// Files under `copy` that are not byte-for-byte the file of the same relative path under `original`.
pub fn drifted_copies(original: &Path, copy: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for entry in walkdir::WalkDir::new(copy).sort_by_file_name() {
        let path = match entry {
            Ok(entry) if entry.file_type().is_dir() => continue,
            Ok(entry) => entry.into_path(),
            Err(err) => {
                problems.push(format!("cannot read {}: {err}", copy.display()));
                continue;
            }
        };
        let source = original.join(path.strip_prefix(copy).unwrap_or(&path));
        let (shown, source_shown) = (path.display(), source.display());
        match (std::fs::read(&path), std::fs::read(&source)) {
            (Ok(a), Ok(b)) if a == b => {}
            (_, Err(_)) => problems.push(format!("{shown} has no original at {source_shown}")),
            _ => problems.push(format!("{shown} differs from {source_shown}")),
        }
    }
    problems
}

/// True when a crate root's inner attributes allow (or expect) undocumented public items.
pub fn allows_missing_docs(crate_root: &str) -> bool {
    crate_root.lines().map(str::trim_start).any(|line| {
        line.starts_with("#![")
            && line.contains("missing_docs")
            && (line.contains("allow") || line.contains("expect"))
    })
}

/// True when the root manifest warns or denies `missing_docs` for the whole workspace.
pub fn workspace_requires_docs(root_manifest: &str) -> bool {
    root_manifest.parse::<DocumentMut>().is_ok_and(|doc| {
        let level =
            doc.get("workspace").and_then(|w| w.get("lints")?.get("rust")?.get("missing_docs"));
        // `missing_docs = "warn"` or `missing_docs = { level = "warn", priority = .. }`.
        let level = level.and_then(|l| l.as_str().or_else(|| l.get("level")?.as_str()));
        matches!(level, Some("warn" | "deny" | "forbid"))
    })
}

/// True when a member's manifest inherits the workspace lints (`[lints]` with `workspace = true`).
pub fn inherits_workspace_lints(manifest: &str) -> bool {
    manifest.parse::<DocumentMut>().is_ok_and(|doc| {
        doc.get("lints").and_then(|l| l.get("workspace")).and_then(Item::as_bool) == Some(true)
    })
}

/// True when `text` shows `command` as a command line of its own (in a code block or on a `$` prompt).
pub fn shows_command(text: &str, command: &str) -> bool {
    text.lines().map(str::trim).any(|line| {
        let line = line.strip_prefix("$ ").unwrap_or(line);
        line == command
            || line.starts_with(&format!("{command} "))
            || line.starts_with(&format!("exec {command}"))
    })
}

mod bad_input {
    use super::*;

    type TextCheck = fn(&str) -> bool;

    #[test]
    fn keywords_crates_io_refuses_are_named() {
        let refused = |keywords: &[&str]| {
            refused_keywords("model", &keywords.iter().map(|k| k.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(refused(&["intune", "api-bindings"]), Vec::<String>::new());
        assert_eq!(refused(&["a", "b", "c", "d", "e", "f"]).len(), 1);
        let problems = refused(&["microsoft graph", "a-very-long-keyword-indeed", "9lives"]);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("`microsoft graph`"), "{}", problems[0]);
    }

    #[test]
    fn internal_dependencies_must_come_from_the_workspace() {
        let internal = ["intune-osimages-model", "intune-osimages", "b"];
        let good = "[dependencies]\nintune-osimages-model.workspace = true\n\
                    intune-osimages = { workspace = true, features = [\"fake\"] }\nserde = \"1\"\n\
                    renamed = { package = \"b\", workspace = true }\n\
                    [dev-dependencies.intune-osimages-model]\nworkspace = true\n";
        assert_eq!(internal_deps_not_inherited(good, &internal), Vec::<String>::new());

        let bad = "[dependencies]\nintune-osimages-model = { path = \"../model\", version = \"0.1.0\" }\n\
                   renamed = { package = \"b\", path = \"../b\" }\n\
                   [target.'cfg(unix)'.dev-dependencies]\nintune-osimages = \"0.1\"\n\
                   [build-dependencies.intune-osimages-model]\npath = \"../model\"\n";
        let problems = internal_deps_not_inherited(bad, &internal);
        let starts = [
            "[dependencies] `intune-osimages-model`",
            "[dependencies] `b`",
            "[build-dependencies] `intune-osimages-model`",
            "[target.cfg(unix).dev-dependencies] `intune-osimages`",
        ];
        assert_eq!(problems.len(), starts.len(), "{problems:?}");
        for (problem, start) in problems.iter().zip(starts) {
            assert!(problem.starts_with(start), "{problem}");
        }
        assert!(
            internal_deps_not_inherited("[dependencies", &internal)[0].contains("not valid TOML")
        );
    }

    #[test]
    fn the_toolchain_must_be_a_pinned_release() {
        let pinned = pinned_toolchain("[toolchain]\nchannel = \"1.95.0\"\n");
        assert_eq!(pinned, Ok(semver::Version::new(1, 95, 0)));
        for channel in ["stable", "1.95", "nightly-2025-01-01", "1.95.x"] {
            let err =
                pinned_toolchain(&format!("[toolchain]\nchannel = \"{channel}\"\n")).unwrap_err();
            assert!(err.contains(channel), "{err}");
        }
        assert!(pinned_toolchain("[toolchain]\n").is_err());
    }

    #[test]
    fn text_checks_recognise_what_they_look_for_and_only_that() {
        #[rustfmt::skip]
        let cases: &[(TextCheck, &str, bool)] = &[
            (allows_missing_docs, "//! doc\n#![allow(missing_docs)]\n", true),
            (allows_missing_docs, "#![allow(dead_code, missing_docs)]\n", true),
            (allows_missing_docs, "#![cfg_attr(test, expect(missing_docs))]\n", true),
            (allows_missing_docs, "#![warn(missing_docs)]\n//! allow missing_docs is banned\n", false),
            (inherits_workspace_lints, "[package]\nname = \"a\"\n\n[lints]\nworkspace = true\n", true),
            (inherits_workspace_lints, "[package]\nname = \"a\"\n", false),
            (workspace_requires_docs, "[workspace.lints.rust]\nmissing_docs = \"warn\"\n", true),
            (workspace_requires_docs, "[workspace.lints.rust]\nmissing_docs = \"allow\"\n", false),
            (workspace_requires_docs, "[workspace.lints.rust]\nmissing_docs = { level = \"deny\", priority = 1 }\n", true),
            (|t| has_section(t, "Unreleased"), "# Changelog\n\n## [Unreleased]\n", true),
            (|t| has_section(t, "Unreleased"), "# Changelog\n\n## Unreleased\n", false),
            (|t| shows_command(t, "cargo xtask ci"), "```sh\ncargo xtask ci\n```\n", true),
            (|t| shows_command(t, "cargo xtask ci"), "run:\n$ cargo xtask ci\n", true),
            (|t| shows_command(t, "cargo xtask ci"), "set -e\nexec cargo xtask ci\n", true),
            (|t| shows_command(t, "cargo xtask ci"), "we used to run cargo xtask ci here\n", false),
        ];
        for (check, text, expected) in cases {
            assert_eq!(check(text), *expected, "{text:?}");
        }
    }

    #[test]
    fn missing_licence_files_and_drifted_copies_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| crate::write_files(dir.path(), &[(path, text)]);
        write("LICENSE-MIT", "mit");
        let missing = missing_licence_files(dir.path(), "pkg");
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(missing[0].starts_with("pkg: no LICENSE-APACHE"), "{}", missing[0]);

        write("original/seed/a.json", "{}");
        write("copy/seed/a.json", "{}");
        let drifted = || drifted_copies(&dir.path().join("original"), &dir.path().join("copy"));
        assert_eq!(drifted(), Vec::<String>::new());
        write("copy/seed/a.json", "{ }");
        write("copy/seed/b.json", "{}");
        let drifted = drifted();
        assert_eq!(drifted.len(), 2, "{drifted:?}");
        assert!(drifted[0].contains("a.json differs"), "{}", drifted[0]);
        assert!(drifted[1].contains("b.json has no original"), "{}", drifted[1]);
    }
}
