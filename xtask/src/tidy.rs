//! Repository checks, run by `cargo test` (and so by `cargo xtask ci`). Each failure names the rule it breaks and
//! where. The checks are pure functions over parsed metadata and file text (the layer rules are in `layers.rs`); the
//! `#[test]`s at the top run them on this repository, those in `bad_input` feed them bad input.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use toml_edit::{DocumentMut, Item, TableLike};

use crate::manifest;
use crate::metadata::{Package, Workspace};
use crate::packaged::missing_licence_files;

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
    ("publishable crates carry the metadata crates.io shows", true, |package| {
        let mut problems = missing_publish_metadata(package);
        if let (Some(readme), Some(dir)) = (&package.readme, package.manifest_path.parent())
            && !dir.join(readme).is_file()
        {
            problems.push(format!("{}: readme `{readme}` does not exist", package.name));
        }
        problems
    }),
    ("internal dependencies come from the workspace at the workspace version", false, |package| {
        let ws = workspace();
        let version = manifest::workspace_version(
            &manifest::parse(&read(root().join("Cargo.toml")), "").unwrap(),
        );
        let version = version.unwrap();
        let names: Vec<&str> = ws.packages.iter().map(|p| p.name.as_str()).collect();
        let shown = package.manifest_path.strip_prefix(&ws.root).unwrap_or(&package.manifest_path);
        let not_inherited = internal_deps_not_inherited(&read(&package.manifest_path), &names);
        let mut problems: Vec<String> =
            not_inherited.into_iter().map(|problem| format!("{shown}: {problem}")).collect();
        problems.extend(internal_requirements_off_version(ws, package, &version));
        if ws.publishable().any(|p| p.name == package.name)
            && package.version.to_string() != version
        {
            let found = &package.version;
            let fix = "use `version.workspace = true`";
            problems.push(format!(
                "{}: version {found} is not the workspace version {version} ({fix})",
                package.name
            ));
        }
        problems
    }),
    // `rust-version` is a promise only when CI builds with it: CI builds with the pinned toolchain, so they agree
    // (docs/release.md, "Minimum supported Rust version").
    ("the MSRV is the pinned toolchain CI builds with", true, |package| {
        let pinned = pinned_toolchain(&read(root().join("rust-toolchain.toml"))).unwrap();
        let minor = |text: &str| text.split('.').take(2).collect::<Vec<_>>().join(".");
        let msrv = package.rust_version.as_ref().map_or("none".to_owned(), ToString::to_string);
        let problem = format!(
            "{}: rust-version {msrv} is not the toolchain CI builds with ({pinned})",
            package.name
        );
        if minor(&msrv) == minor(&pinned) { vec![] } else { vec![problem] }
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
    ("every publishable crate ships both licence files", true, |package| {
        missing_licence_files(package.manifest_path.parent().unwrap().as_std_path(), &package.name)
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
    let violations: Vec<String> =
        crate::layers::check_layers(workspace()).iter().map(ToString::to_string).collect();
    assert_none(&violations, "layer rules of DESIGN.md (xtask/src/layers.rs) broken");
    let root_manifest = read(root().join("Cargo.toml"));
    assert_none(
        &root_requirements_off_version(&root_manifest).unwrap(),
        "internal dependencies off the version",
    );
    assert!(
        workspace_requires_docs(&root_manifest),
        "Cargo.toml: [workspace.lints.rust] must set missing_docs = \"warn\" (clippy -D warnings makes it an error)"
    );
    assert_none(&missing_licence_files(&root(), "the repository root"), "licence files missing");
    let changelog = read(root().join("CHANGELOG.md"));
    assert!(has_unreleased_section(&changelog), "CHANGELOG.md needs a `## [Unreleased]` section");
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

/// The metadata fields a publishable crate must set, and keywords crates.io would refuse, each named.
pub fn missing_publish_metadata(p: &Package) -> Vec<String> {
    let set = |value: Option<String>| value.is_some_and(|s| !s.trim().is_empty());
    #[rustfmt::skip]
    let fields = [
        ("description", set(p.description.clone())), ("license", set(p.license.clone())),
        ("repository", set(p.repository.clone())), ("readme", p.readme.is_some()),
        ("keywords", !p.keywords.is_empty()), ("categories", !p.categories.is_empty()),
        ("rust-version", p.rust_version.is_some()),
    ];
    let unset = fields.iter().filter(|(_, present)| !present);
    let mut problems: Vec<String> =
        unset.map(|(field, _)| format!("{}: `{field}` is not set", p.name)).collect();
    // crates.io refuses more than five keywords, and keywords that are long or not plain ASCII words.
    if p.keywords.len() > 5 {
        problems.push(format!(
            "{}: {} keywords; crates.io takes at most 5",
            p.name,
            p.keywords.len()
        ));
    }
    for keyword in &p.keywords {
        let word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+');
        if keyword.len() > 20
            || !keyword.starts_with(|c: char| c.is_ascii_alphabetic())
            || !keyword.chars().all(word)
        {
            problems.push(format!("{}: keyword `{keyword}` is not accepted by crates.io", p.name));
        }
    }
    problems
}

/// Workspace dependencies of `package` whose requirement is not the workspace version.
pub fn internal_requirements_off_version(
    workspace: &Workspace,
    package: &Package,
    version: &str,
) -> Vec<String> {
    (workspace.internal_deps(package))
        .filter(|dep| dep.req.to_string().trim_start_matches(['^', '=', '~']) != version)
        .map(|dep| {
            let (from, to, req) = (&package.name, &dep.name, &dep.req);
            format!("{from} -> {to}: requirement `{req}` is not the workspace version {version}")
        })
        .collect()
}

/// Every dependency declared in a manifest, as `(section, name, entry)`: `[dependencies]` and its kin, their
/// `[target.'cfg(..)'.*]` forms and `[workspace.dependencies]`; a `package = "..."` rename is named by the real crate.
fn all_dependencies(manifest: &DocumentMut) -> Vec<(String, String, &Item)> {
    let mut tables: Vec<(String, &dyn TableLike)> = vec![(String::new(), manifest.as_table())];
    let targets =
        manifest.get("target").and_then(Item::as_table_like).into_iter().flat_map(|t| t.iter());
    tables.extend(
        targets.filter_map(|(cfg, table)| Some((format!("target.{cfg}."), table.as_table_like()?))),
    );
    tables.extend(
        manifest
            .get("workspace")
            .and_then(Item::as_table_like)
            .map(|w| ("workspace.".to_owned(), w)),
    );
    let mut found = Vec::new();
    for (prefix, table) in tables {
        for kind in ["dependencies", "dev-dependencies", "build-dependencies"] {
            for (name, item) in table
                .get(kind)
                .and_then(Item::as_table_like)
                .into_iter()
                .flat_map(|deps| deps.iter())
            {
                let real = item.get("package").and_then(Item::as_str).unwrap_or(name);
                found.push((format!("{prefix}{kind}"), real.to_owned(), item));
            }
        }
    }
    found
}

/// Entries of a member's Cargo.toml that declare a workspace crate without `workspace = true`.
pub fn internal_deps_not_inherited(manifest: &str, internal: &[&str]) -> Vec<String> {
    let doc = match manifest::parse(manifest, "the manifest") {
        Ok(doc) => doc,
        Err(err) => return vec![err],
    };
    let inherits = |item: &Item| item.get("workspace").and_then(Item::as_bool) == Some(true);
    // A crate's dev-dependency on itself (for its own `test-util` feature) has no version to inherit.
    let is_self = |item: &Item| item.get("path").and_then(Item::as_str) == Some(".");
    (all_dependencies(&doc).into_iter())
        .filter(|(section, name, item)| {
            !section.starts_with("workspace.") && internal.contains(&name.as_str()) && !inherits(item) && !is_self(item)
        })
        .map(|(section, name, _)| {
            format!("[{section}] `{name}` must be `{name}.workspace = true` (versions come from the root)")
        })
        .collect()
}

/// Root entries for workspace crates whose version requirement is missing or not the workspace version.
pub fn root_requirements_off_version(root_manifest: &str) -> Result<Vec<String>, String> {
    let root = manifest::parse(root_manifest, "Cargo.toml")?;
    let version = manifest::workspace_version(&root)?;
    let at = "Cargo.toml [workspace.dependencies]";
    Ok((manifest::root_internal_deps(&root).into_iter())
        .filter_map(|(name, req)| match req {
            None => Some(format!("{at}: `{name}` has a path but no version")),
            Some(req) if req.trim_start_matches(['^', '=', '~']) == version => None,
            Some(req) => {
                Some(format!("{at}: `{name}` requires {req}, not the workspace version {version}"))
            }
        })
        .collect())
}

/// The pinned toolchain of rust-toolchain.toml: `channel` must be a release number such as `1.95.0`.
pub fn pinned_toolchain(rust_toolchain: &str) -> Result<String, String> {
    let doc = manifest::parse(rust_toolchain, "rust-toolchain.toml")?;
    let channel = (doc.get("toolchain").and_then(|t| t.get("channel")).and_then(Item::as_str))
        .ok_or("rust-toolchain.toml: no `channel` in [toolchain]")?;
    match semver::Version::parse(channel) {
        Ok(version) if version.pre.is_empty() => Ok(channel.to_owned()),
        _ => Err(format!(
            "rust-toolchain.toml: channel `{channel}` is not a pinned release like `1.95.0`"
        )),
    }
}

/// Files under `copy` that are not byte-for-byte the file of the same relative path under `original`.
pub fn drifted_copies(original: &Path, copy: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut pending = vec![copy.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            problems.push(format!("cannot read {}", dir.display()));
            continue;
        };
        for path in entries.flatten().map(|entry| entry.path()) {
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let source = original.join(path.strip_prefix(copy).unwrap_or(&path));
            let (shown, source_shown) = (path.display(), source.display());
            match (std::fs::read(&path), std::fs::read(&source)) {
                (Ok(a), Ok(b)) if a == b => {}
                (_, Err(_)) => problems.push(format!("{shown} has no original at {source_shown}")),
                _ => problems.push(format!("{shown} differs from {source_shown}")),
            }
        }
    }
    problems.sort();
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
    manifest::parse(root_manifest, "Cargo.toml").is_ok_and(|doc| {
        let level =
            doc.get("workspace").and_then(|w| w.get("lints")?.get("rust")?.get("missing_docs"));
        // `missing_docs = "warn"` or `missing_docs = { level = "warn", priority = .. }`.
        let level = level.and_then(|l| l.as_str().or_else(|| l.get("level")?.as_str()));
        matches!(level, Some("warn" | "deny" | "forbid"))
    })
}

/// True when a member's manifest inherits the workspace lints (`[lints]` with `workspace = true`).
pub fn inherits_workspace_lints(manifest: &str) -> bool {
    manifest::parse(manifest, "the manifest").is_ok_and(|doc| {
        doc.get("lints").and_then(|l| l.get("workspace")).and_then(Item::as_bool) == Some(true)
    })
}

/// True when a Keep a Changelog file has an `## [Unreleased]` section.
pub fn has_unreleased_section(changelog: &str) -> bool {
    changelog.lines().any(|line| line.trim_end() == "## [Unreleased]")
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
    use serde_json::json;

    use super::*;
    use crate::metadata::{DepKind, package, path_dependency};

    type TextCheck = fn(&str) -> bool;

    fn full_package() -> Package {
        let metadata = json!({
            "description": "types", "license": "MIT OR Apache-2.0", "repository": "https://example.invalid/repo",
            "readme": "README.md", "keywords": ["intune"], "categories": ["api-bindings"], "rust_version": "1.88",
        });
        package("intune-osimages-model", metadata)
    }

    #[test]
    fn complete_metadata_passes_and_each_gap_and_refused_keyword_is_named() {
        assert_eq!(missing_publish_metadata(&full_package()), Vec::<String>::new());
        let mut bare = full_package();
        (bare.description, bare.rust_version) = (Some("  ".to_owned()), None);
        bare.keywords.clear();
        let expected = ["description", "keywords", "rust-version"]
            .map(|f| format!("intune-osimages-model: `{f}` is not set"));
        assert_eq!(missing_publish_metadata(&bare), expected);

        let mut package = full_package();
        package.keywords = ["a", "b", "c", "d", "e", "f"].map(String::from).to_vec();
        assert_eq!(missing_publish_metadata(&package).len(), 1);
        package.keywords =
            ["microsoft graph", "a-very-long-keyword-indeed", "9lives"].map(String::from).to_vec();
        let problems = missing_publish_metadata(&package);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("`microsoft graph`"), "{}", problems[0]);
    }

    #[test]
    fn internal_requirements_must_match_the_workspace_version() {
        let model = path_dependency("intune-osimages-model", DepKind::Normal, "^0.0.9");
        let validate = package("intune-osimages-validate", json!({ "dependencies": [model] }));
        let packages = vec![full_package(), validate.clone()];
        let workspace = Workspace { root: "/w".into(), target_dir: "/w/target".into(), packages };
        let problems = internal_requirements_off_version(&workspace, &validate, "0.1.0");
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].contains("`^0.0.9` is not the workspace version 0.1.0"),
            "{}",
            problems[0]
        );
        assert_eq!(
            internal_requirements_off_version(&workspace, &validate, "0.0.9"),
            Vec::<String>::new()
        );
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
    fn root_requirements_are_read_and_checked() {
        let root = "[workspace.package]\nversion = \"0.3.0\"\nrust-version = \"1.88\"\n\n\
                    [workspace.dependencies]\na = { path = \"crates/a\", version = \"0.3.0\" }\n\
                    b = { path = \"crates/b\", version = \"0.2.0\" }\nc = { path = \"crates/c\" }\nserde = \"1\"\n\
                    [workspace.dependencies.d]\npath = \"crates/d\"\nversion = \"=0.3.0\"\n";
        let problems = root_requirements_off_version(root).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("`b` requires 0.2.0"), "{}", problems[0]);
        assert!(problems[1].contains("`c` has a path but no version"), "{}", problems[1]);
    }

    #[test]
    fn the_toolchain_must_be_a_pinned_release() {
        assert_eq!(pinned_toolchain("[toolchain]\nchannel = \"1.95.0\"\n").unwrap(), "1.95.0");
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
            (has_unreleased_section, "# Changelog\n\n## [Unreleased]\n", true),
            (has_unreleased_section, "# Changelog\n\n## Unreleased\n", false),
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
