//! Repository checks as pure functions over parsed metadata and file text. `tidy.rs` runs them on this repository;
//! the unit tests here feed them bad input. Compiled for tests only: `cargo test` is how they run.

use toml_edit::Item;

use crate::manifest;
use crate::metadata::{Package, Workspace};

/// The metadata fields a publishable crate must set, with what is missing.
pub fn missing_publish_metadata(package: &Package) -> Vec<String> {
    let mut missing = Vec::new();
    let mut require = |present: bool, field: &str| {
        if !present {
            missing.push(format!("{}: `{field}` is not set", package.name));
        }
    };
    require(
        package
            .description
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty()),
        "description",
    );
    require(package.license.is_some(), "license");
    require(package.repository.is_some(), "repository");
    require(package.readme.is_some(), "readme");
    require(!package.keywords.is_empty(), "keywords");
    require(!package.categories.is_empty(), "categories");
    require(package.rust_version.is_some(), "rust-version");
    // crates.io refuses more than five keywords, and keywords that are long or not plain ASCII words.
    if package.keywords.len() > 5 {
        missing.push(format!(
            "{}: {} keywords; crates.io takes at most 5",
            package.name,
            package.keywords.len()
        ));
    }
    for keyword in &package.keywords {
        let plain = keyword.len() <= 20
            && keyword.starts_with(|c: char| c.is_ascii_alphabetic())
            && keyword
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '+');
        if !plain {
            missing.push(format!(
                "{}: keyword `{keyword}` is not accepted by crates.io",
                package.name
            ));
        }
    }
    missing
}

/// Workspace dependencies of `package` whose requirement is not the workspace version.
pub fn internal_requirements_off_version(
    workspace: &Workspace,
    package: &Package,
    version: &str,
) -> Vec<String> {
    workspace
        .internal_deps(package)
        .filter(|dep| dep.req.trim_start_matches(['^', '=', '~']) != version)
        .map(|dep| {
            format!(
                "{} -> {}: requirement `{}` is not the workspace version {version}",
                package.name, dep.name, dep.req
            )
        })
        .collect()
}

/// Entries of a member's Cargo.toml that declare a workspace crate without `workspace = true`.
pub fn internal_deps_not_inherited(manifest: &str, internal: &[&str]) -> Vec<String> {
    let doc = match manifest::parse(manifest, "the manifest") {
        Ok(doc) => doc,
        Err(err) => return vec![err],
    };
    manifest::all_dependencies(&doc)
        .into_iter()
        .filter(|(section, name, item)| {
            !section.starts_with("workspace.")
                && internal.contains(&name.as_str())
                && !manifest::inherits(item)
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
    Ok(manifest::root_internal_deps(&root)
        .into_iter()
        .filter(|(_, req)| req.as_deref().map(|v| v.trim_start_matches(['^', '=', '~'])) != Some(&version))
        .map(|(name, req)| match req {
            None => format!("Cargo.toml [workspace.dependencies]: `{name}` has a path but no version"),
            Some(found) => format!(
                "Cargo.toml [workspace.dependencies]: `{name}` requires {found}, not the workspace version {version}"
            ),
        })
        .collect())
}

/// The pinned toolchain of rust-toolchain.toml: `channel` must be a release number such as `1.95.0`.
pub fn pinned_toolchain(rust_toolchain: &str) -> Result<String, String> {
    let doc = manifest::parse(rust_toolchain, "rust-toolchain.toml")?;
    let channel = doc
        .get("toolchain")
        .and_then(|t| t.get("channel"))
        .and_then(Item::as_str)
        .ok_or("rust-toolchain.toml: no `channel` in [toolchain]")?;
    if semver::Version::parse(channel).is_ok_and(|v| v.pre.is_empty()) {
        Ok(channel.to_owned())
    } else {
        Err(format!(
            "rust-toolchain.toml: channel `{channel}` is not a pinned release like `1.95.0`"
        ))
    }
}

/// Files under `copy` that are not byte-for-byte the file of the same relative path under `original`.
pub fn drifted_copies(original: &std::path::Path, copy: &std::path::Path) -> Vec<String> {
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
            let relative = path.strip_prefix(copy).unwrap_or(&path);
            let source = original.join(relative);
            match (std::fs::read(&path), std::fs::read(&source)) {
                (Ok(a), Ok(b)) if a == b => {}
                (_, Err(_)) => problems.push(format!(
                    "{} has no original at {}",
                    path.display(),
                    source.display()
                )),
                _ => problems.push(format!(
                    "{} differs from {}",
                    path.display(),
                    source.display()
                )),
            }
        }
    }
    problems.sort();
    problems
}

/// True when a crate root's inner attributes allow (or expect) undocumented public items.
pub fn allows_missing_docs(crate_root: &str) -> bool {
    crate_root.lines().any(|line| {
        let line = line.trim_start();
        line.starts_with("#![")
            && line.contains("missing_docs")
            && (line.contains("allow") || line.contains("expect"))
    })
}

/// True when the root manifest warns or denies `missing_docs` for the whole workspace.
pub fn workspace_requires_docs(root_manifest: &str) -> bool {
    manifest::parse(root_manifest, "Cargo.toml").is_ok_and(|doc| {
        let level = doc
            .get("workspace")
            .and_then(|w| w.get("lints"))
            .and_then(|l| l.get("rust"))
            .and_then(|r| r.get("missing_docs"));
        // `missing_docs = "warn"` or `missing_docs = { level = "warn", priority = .. }`.
        let level = level.and_then(|l| l.as_str().or_else(|| l.get("level")?.as_str()));
        matches!(level, Some("warn" | "deny" | "forbid"))
    })
}

/// True when a member's manifest inherits the workspace lints (`[lints]` with `workspace = true`).
pub fn inherits_workspace_lints(manifest: &str) -> bool {
    manifest::parse(manifest, "the manifest").is_ok_and(|doc| {
        doc.get("lints")
            .and_then(|l| l.get("workspace"))
            .and_then(Item::as_bool)
            == Some(true)
    })
}

/// True when a Keep a Changelog file has an `## [Unreleased]` section.
pub fn has_unreleased_section(changelog: &str) -> bool {
    changelog
        .lines()
        .any(|line| line.trim_end() == "## [Unreleased]")
}

/// True when `text` shows `command` as a command line of its own (in a code block or on a `$` prompt).
pub fn shows_command(text: &str, command: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        let line = line.strip_prefix("$ ").unwrap_or(line);
        line == command
            || line.starts_with(&format!("{command} "))
            || line.starts_with(&format!("exec {command}"))
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::metadata::{DepKind, Dependency};

    fn full_package() -> Package {
        Package {
            name: "intune-osimages-model".to_owned(),
            version: "0.1.0".to_owned(),
            manifest_path: PathBuf::from("/w/crates/model/Cargo.toml"),
            publishable: true,
            description: Some("types".to_owned()),
            license: Some("MIT OR Apache-2.0".to_owned()),
            repository: Some("https://example.invalid/repo".to_owned()),
            readme: Some("README.md".to_owned()),
            keywords: vec!["intune".to_owned()],
            categories: vec!["api-bindings".to_owned()],
            rust_version: Some("1.88".to_owned()),
            ..Package::default()
        }
    }

    #[test]
    fn complete_metadata_passes_and_each_gap_is_named() {
        assert_eq!(
            missing_publish_metadata(&full_package()),
            Vec::<String>::new()
        );
        let mut bare = full_package();
        bare.description = Some("  ".to_owned());
        bare.keywords.clear();
        bare.rust_version = None;
        assert_eq!(
            missing_publish_metadata(&bare),
            [
                "intune-osimages-model: `description` is not set",
                "intune-osimages-model: `keywords` is not set",
                "intune-osimages-model: `rust-version` is not set"
            ]
        );
    }

    #[test]
    fn keywords_crates_io_would_refuse_are_named() {
        let mut package = full_package();
        package.keywords = ["a", "b", "c", "d", "e", "f"].map(String::from).to_vec();
        assert_eq!(missing_publish_metadata(&package).len(), 1);
        package.keywords = vec![
            "microsoft graph".to_owned(),
            "a-very-long-keyword-indeed".to_owned(),
            "9lives".to_owned(),
        ];
        let problems = missing_publish_metadata(&package);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("`microsoft graph`"), "{}", problems[0]);
    }

    #[test]
    fn internal_requirements_must_match_the_workspace_version() {
        let mut validate = full_package();
        validate.name = "intune-osimages-validate".to_owned();
        validate.dependencies.push(Dependency {
            name: "intune-osimages-model".to_owned(),
            kind: DepKind::Normal,
            req: "^0.0.9".to_owned(),
            path: Some(PathBuf::from("/w/crates/model")),
        });
        let workspace = Workspace {
            root: PathBuf::from("/w"),
            target_dir: PathBuf::from("/w/target"),
            packages: vec![full_package(), validate.clone()],
        };
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
        let internal = ["intune-osimages-model", "intune-osimages"];
        let good = "[dependencies]\nintune-osimages-model.workspace = true\n\
                    intune-osimages = { workspace = true, features = [\"fake\"] }\nserde = \"1\"\n\
                    [dev-dependencies.intune-osimages-model]\nworkspace = true\n";
        assert_eq!(
            internal_deps_not_inherited(good, &internal),
            Vec::<String>::new()
        );

        let bad = "[dependencies]\nintune-osimages-model = { path = \"../model\", version = \"0.1.0\" }\n\
                   [target.'cfg(unix)'.dev-dependencies]\nintune-osimages = \"0.1\"\n\
                   [build-dependencies.intune-osimages-model]\npath = \"../model\"\n";
        let problems = internal_deps_not_inherited(bad, &internal);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems[0].starts_with("[dependencies] `intune-osimages-model`"),
            "{}",
            problems[0]
        );
        assert!(
            problems[1].starts_with("[build-dependencies] `intune-osimages-model`"),
            "{}",
            problems[1]
        );
        assert!(
            problems[2].starts_with("[target.cfg(unix).dev-dependencies] `intune-osimages`"),
            "{}",
            problems[2]
        );
    }

    #[test]
    fn root_requirements_are_read_and_checked() {
        let root = "[workspace.package]\nversion = \"0.3.0\"\nrust-version = \"1.88\"\n\n\
                    [workspace.dependencies]\na = { path = \"crates/a\", version = \"0.3.0\" }\n\
                    b = { path = \"crates/b\", version = \"0.2.0\" }\nc = { path = \"crates/c\" }\nserde = \"1\"\n";
        let problems = root_requirements_off_version(root).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].contains("`b` requires 0.2.0"),
            "{}",
            problems[0]
        );
        assert!(
            problems[1].contains("`c` has a path but no version"),
            "{}",
            problems[1]
        );
    }

    #[test]
    fn the_toolchain_must_be_a_pinned_release() {
        assert_eq!(
            pinned_toolchain("[toolchain]\nchannel = \"1.95.0\"\n").unwrap(),
            "1.95.0"
        );
        for channel in ["stable", "1.95", "nightly-2025-01-01", "1.95.x"] {
            let err =
                pinned_toolchain(&format!("[toolchain]\nchannel = \"{channel}\"\n")).unwrap_err();
            assert!(err.contains(channel), "{err}");
        }
        assert!(pinned_toolchain("[toolchain]\n").is_err());
    }

    #[test]
    fn allowing_missing_docs_is_detected() {
        assert!(allows_missing_docs("//! doc\n#![allow(missing_docs)]\n"));
        assert!(allows_missing_docs("#![allow(dead_code, missing_docs)]\n"));
        assert!(allows_missing_docs(
            "#![cfg_attr(test, expect(missing_docs))]\n"
        ));
        assert!(!allows_missing_docs(
            "#![warn(missing_docs)]\n//! allow missing_docs is banned\n"
        ));
    }

    #[test]
    fn lint_inheritance_and_docs_requirement_are_read() {
        assert!(inherits_workspace_lints(
            "[package]\nname = \"a\"\n\n[lints]\nworkspace = true\n"
        ));
        assert!(!inherits_workspace_lints("[package]\nname = \"a\"\n"));
        assert!(workspace_requires_docs(
            "[workspace.lints.rust]\nmissing_docs = \"warn\"\n"
        ));
        assert!(!workspace_requires_docs(
            "[workspace.lints.rust]\nmissing_docs = \"allow\"\n"
        ));
        assert!(workspace_requires_docs(
            "[workspace.lints.rust]\nmissing_docs = { level = \"deny\", priority = 1 }\n"
        ));
    }

    #[test]
    fn changelog_and_commands_are_recognised() {
        assert!(has_unreleased_section("# Changelog\n\n## [Unreleased]\n"));
        assert!(!has_unreleased_section("# Changelog\n\n## Unreleased\n"));
        assert!(shows_command(
            "```sh\ncargo xtask ci\n```\n",
            "cargo xtask ci"
        ));
        assert!(shows_command("run:\n$ cargo xtask ci\n", "cargo xtask ci"));
        assert!(shows_command(
            "set -e\nexec cargo xtask ci\n",
            "cargo xtask ci"
        ));
        assert!(!shows_command(
            "we used to run cargo xtask ci here\n",
            "cargo xtask ci"
        ));
    }

    #[test]
    fn missing_licence_files_and_drifted_copies_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("LICENSE-MIT"), "mit").unwrap();
        let missing = crate::packaged::missing_licence_files(dir.path(), "pkg");
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(
            missing[0].starts_with("pkg: no LICENSE-APACHE"),
            "{}",
            missing[0]
        );

        let original = dir.path().join("original/seed");
        let copy = dir.path().join("copy/seed");
        std::fs::create_dir_all(&original).unwrap();
        std::fs::create_dir_all(&copy).unwrap();
        std::fs::write(original.join("a.json"), "{}").unwrap();
        std::fs::write(copy.join("a.json"), "{}").unwrap();
        assert_eq!(
            drifted_copies(&dir.path().join("original"), &dir.path().join("copy")),
            Vec::<String>::new()
        );
        std::fs::write(copy.join("a.json"), "{ }").unwrap();
        std::fs::write(copy.join("b.json"), "{}").unwrap();
        let drifted = drifted_copies(&dir.path().join("original"), &dir.path().join("copy"));
        assert_eq!(drifted.len(), 2, "{drifted:?}");
        assert!(drifted[0].contains("a.json differs"), "{}", drifted[0]);
        assert!(
            drifted[1].contains("b.json has no original"),
            "{}",
            drifted[1]
        );
    }
}
