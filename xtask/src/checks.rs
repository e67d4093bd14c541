//! Repository checks as pure functions over parsed metadata and file text. `tidy.rs` runs them on this repository;
//! the unit tests here feed them bad input. Compiled for tests only: `cargo test` is how they run.

use crate::manifest::{root_internal_deps, workspace_version};
use crate::metadata::{Package, Workspace};
use crate::toml_text;

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

/// Lines of a member's Cargo.toml that declare a workspace crate without `workspace = true`.
pub fn internal_deps_not_inherited(manifest: &str, internal: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let lines = toml_text::lines(manifest);
    for line in &lines {
        let Some((_, named)) = dependency_table_kind(line.table) else {
            continue;
        };
        match named {
            // `[dependencies.NAME]`: the table must hold `workspace = true`.
            Some(name) if internal.contains(&name) => {
                if toml_text::header(line.text).is_some() {
                    let inherits = lines
                        .iter()
                        .filter(|other| {
                            other.table == line.table && toml_text::header(other.text).is_none()
                        })
                        .any(|other| sets_true(other.text, "workspace"));
                    if !inherits {
                        problems.push(format!(
                            "line {}: [{}] must set `workspace = true`",
                            line.index + 1,
                            line.table
                        ));
                    }
                }
            }
            Some(_) => {}
            None => {
                let Some(key) = toml_text::key(line.text) else {
                    continue;
                };
                let name = key
                    .split('.')
                    .next()
                    .unwrap_or(key)
                    .trim()
                    .trim_matches('"');
                if internal.contains(&name) && !sets_true(line.text, "workspace") {
                    problems.push(format!(
                        "line {}: `{}` must be `{name}.workspace = true` (versions come from the root)",
                        line.index + 1,
                        line.text.trim()
                    ));
                }
            }
        }
    }
    problems
}

/// Root entries for workspace crates whose version requirement is missing or not the workspace version.
pub fn root_requirements_off_version(root_manifest: &str) -> Result<Vec<String>, String> {
    let (_, version) = workspace_version(root_manifest)?;
    Ok(root_internal_deps(root_manifest)
        .into_iter()
        .filter(|dep| {
            dep.version
                .as_deref()
                .map(|v| v.trim_start_matches(['^', '=', '~']))
                != Some(&version)
        })
        .map(|dep| match dep.version {
            None => format!(
                "Cargo.toml line {}: `{}` has a path but no version",
                dep.index + 1,
                dep.name
            ),
            Some(found) => format!(
                "Cargo.toml line {}: `{}` requires {found}, not the workspace version {version}",
                dep.index + 1,
                dep.name
            ),
        })
        .collect())
}

/// The pinned toolchain of rust-toolchain.toml: `channel` must be a release number such as `1.95.0`.
pub fn pinned_toolchain(rust_toolchain: &str) -> Result<String, String> {
    let channel = toml_text::lines(rust_toolchain)
        .into_iter()
        .filter(|line| line.table == "toolchain")
        .find_map(|line| toml_text::string_field(line.text, "channel"))
        .ok_or("rust-toolchain.toml: no `channel` in [toolchain]")?;
    let parts: Vec<&str> = channel.split('.').collect();
    let numeric = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if numeric {
        Ok(channel.to_owned())
    } else {
        Err(format!(
            "rust-toolchain.toml: channel `{channel}` is not a pinned release like `1.95.0`"
        ))
    }
}

/// The licence files every package (and the repository root) must hold, as `license = "MIT OR Apache-2.0"` promises.
pub const LICENCE_FILES: [&str; 2] = ["LICENSE-MIT", "LICENSE-APACHE"];

/// The licence files missing from `dir`, named with `owner`.
pub fn missing_licence_files(dir: &std::path::Path, owner: &str) -> Vec<String> {
    LICENCE_FILES
        .iter()
        .filter(|file| !dir.join(file).is_file())
        .map(|file| format!("{owner}: no {file} in {}", dir.display()))
        .collect()
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
    toml_text::lines(root_manifest).into_iter().any(|line| {
        line.table == "workspace.lints.rust"
            && toml_text::key(line.text) == Some("missing_docs")
            && (line.text.contains("\"warn\"")
                || line.text.contains("\"deny\"")
                || line.text.contains("\"forbid\""))
    })
}

/// True when a member's manifest inherits the workspace lints (`[lints]` with `workspace = true`).
pub fn inherits_workspace_lints(manifest: &str) -> bool {
    toml_text::lines(manifest).into_iter().any(|line| {
        (line.table == "lints"
            && toml_text::key(line.text) == Some("workspace")
            && sets_true(line.text, "workspace"))
            || (line.table.is_empty() && toml_text::key(line.text) == Some("lints.workspace"))
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

/// True when the `key = value` line sets `field = true` (`x.workspace = true` or `x = { workspace = true }`).
fn sets_true(line: &str, field: &str) -> bool {
    let code = toml_text::strip_comment(line);
    let Some((key, value)) = code.split_once('=') else {
        return false;
    };
    let key = key.trim();
    if key == field || key.ends_with(&format!(".{field}")) {
        return value.trim() == "true";
    }
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    compact.starts_with('{')
        && (compact.contains(&format!("{{{field}=true"))
            || compact.contains(&format!(",{field}=true")))
}

/// The dependency section a table name stands for, and the dependency it names when written `[dependencies.NAME]`.
fn dependency_table_kind(table: &str) -> Option<(&str, Option<&str>)> {
    const KINDS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];
    let unprefixed = if let Some(rest) = table.strip_prefix("target.") {
        // `target.'cfg(unix)'.dependencies`: skip the quoted or dotted platform part.
        let rest = rest.trim_start();
        let after = if let Some(quoted) = rest.strip_prefix('\'') {
            quoted.split_once('\'')?.1
        } else if let Some(quoted) = rest.strip_prefix('"') {
            quoted.split_once('"')?.1
        } else {
            rest.split_once('.')
                .map(|(_, after)| after)
                .map_or("", |after| after)
        };
        after.trim_start_matches('.')
    } else {
        table.strip_prefix("workspace.").unwrap_or(table)
    };
    KINDS.iter().find_map(|kind| {
        let rest = unprefixed.strip_prefix(kind)?;
        if rest.is_empty() {
            Some((*kind, None))
        } else {
            rest.strip_prefix('.')
                .map(|name| (*kind, Some(name.trim_matches('"'))))
        }
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
        assert!(problems[0].starts_with("line 2:"), "{}", problems[0]);
        assert!(problems[1].starts_with("line 4:"), "{}", problems[1]);
        assert!(problems[2].starts_with("line 5:"), "{}", problems[2]);
    }

    #[test]
    fn root_requirements_are_read_and_checked() {
        let root = "[workspace.package]\nversion = \"0.3.0\"\nrust-version = \"1.88\"\n\n\
                    [workspace.dependencies]\na = { path = \"crates/a\", version = \"0.3.0\" }\n\
                    b = { path = \"crates/b\", version = \"0.2.0\" }\nc = { path = \"crates/c\" }\nserde = \"1\"\n";
        assert_eq!(workspace_version(root).unwrap(), (1, "0.3.0".to_owned()));
        let names: Vec<String> = root_internal_deps(root)
            .into_iter()
            .map(|d| d.name)
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
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
    fn workspace_flags_are_recognised_in_both_spellings() {
        assert!(sets_true("a.workspace = true", "workspace"));
        assert!(sets_true(
            "a = { workspace = true, features = [\"x\"] }",
            "workspace"
        ));
        assert!(sets_true(
            "a = {features = [\"x\"], workspace=true}",
            "workspace"
        ));
        assert!(!sets_true(
            "a = { path = \"../a\", version = \"0.1\" }",
            "workspace"
        ));
        assert!(!sets_true("a = \"0.1\"", "workspace"));
    }

    #[test]
    fn dependency_tables_are_classified() {
        assert_eq!(
            dependency_table_kind("dependencies"),
            Some(("dependencies", None))
        );
        assert_eq!(
            dependency_table_kind("dev-dependencies.x"),
            Some(("dev-dependencies", Some("x")))
        );
        assert_eq!(
            dependency_table_kind("target.'cfg(unix)'.build-dependencies"),
            Some(("build-dependencies", None))
        );
        assert_eq!(
            dependency_table_kind("workspace.dependencies"),
            Some(("dependencies", None))
        );
        assert_eq!(dependency_table_kind("package"), None);
        assert_eq!(dependency_table_kind("features"), None);
    }
    #[test]
    fn missing_licence_files_and_drifted_copies_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("LICENSE-MIT"), "mit").unwrap();
        let missing = missing_licence_files(dir.path(), "pkg");
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
