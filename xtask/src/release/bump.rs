//! `cargo xtask release bump`: the lockstep version bump as text edits of Cargo.toml, Cargo.lock and CHANGELOG.md.

use std::path::Path;

use super::changelog;
use super::version::{Level, Version};
use crate::manifest;
use crate::toml_text;

/// The three files a bump rewrites, before or after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseFiles {
    /// The root Cargo.toml.
    pub root_manifest: String,
    /// CHANGELOG.md.
    pub changelog: String,
    /// Cargo.lock, when the workspace has one.
    pub lock: Option<String>,
}

/// What a bump did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bumped {
    /// The version before.
    pub old: Version,
    /// The version after.
    pub new: Version,
    /// The rewritten files.
    pub files: ReleaseFiles,
}

/// Bumps the workspace version at `level`, dated `date`:
/// - `[workspace.package] version`, which every publishable crate inherits;
/// - the `version` of each `[workspace.dependencies]` entry with a `path` (the internal requirements);
/// - the `version` of each Cargo.lock package without a `source` that had the old version (the members);
/// - CHANGELOG.md's `## [Unreleased]` becomes `## [new] - date` under a fresh, empty `## [Unreleased]`.
///
/// Refuses, changing nothing, when the Unreleased section is empty or an internal requirement is not the old version.
pub fn bump_texts(files: &ReleaseFiles, level: Level, date: &str) -> Result<Bumped, String> {
    let (version_line, old_text) = manifest::workspace_version(&files.root_manifest)?;
    let old = Version::parse(&old_text)
        .map_err(|err| format!("Cargo.toml [workspace.package]: {err}"))?;
    let new = old.bump(level);
    let new_text = new.to_string();

    let changelog = changelog::release_unreleased(&files.changelog, &new_text, date)?;

    let mut root = set_string_field(&files.root_manifest, version_line, "version", &new_text)?;
    for dep in manifest::root_internal_deps(&files.root_manifest) {
        let Some(requirement) = dep.version.as_deref() else {
            return Err(format!(
                "Cargo.toml line {}: workspace crate `{}` has no version requirement",
                dep.index + 1,
                dep.name
            ));
        };
        let operator = requirement.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
        if requirement[operator.len()..] != old_text {
            return Err(format!(
                "Cargo.toml line {}: `{}` requires {requirement}, not the workspace version {old_text}; fix it first",
                dep.index + 1,
                dep.name
            ));
        }
        root = set_string_field(
            &root,
            dep.index,
            "version",
            &format!("{operator}{new_text}"),
        )?;
    }

    let lock = files
        .lock
        .as_deref()
        .map(|lock| bump_lock(lock, &old_text, &new_text))
        .transpose()?;
    Ok(Bumped {
        old,
        new,
        files: ReleaseFiles {
            root_manifest: root,
            changelog,
            lock,
        },
    })
}

/// Replaces the string value of `field` on line `index` of `text`.
fn set_string_field(text: &str, index: usize, field: &str, value: &str) -> Result<String, String> {
    let line = text
        .lines()
        .nth(index)
        .ok_or_else(|| format!("line {} is missing", index + 1))?;
    let (start, end) = toml_text::string_field_span(line, field)
        .ok_or_else(|| format!("line {}: no `{field} = \"...\"`", index + 1))?;
    let new_line = format!("{}{value}{}", &line[..start], &line[end..]);
    Ok(toml_text::replace_line(text, index, &new_line))
}

/// Cargo.lock with every workspace member at `old` moved to `new`. Members are the packages without `source`.
fn bump_lock(lock: &str, old: &str, new: &str) -> Result<String, String> {
    struct Entry {
        version_line: Option<usize>,
        version_matches: bool,
        has_source: bool,
    }
    let mut to_change = Vec::new();
    let mut entry: Option<Entry> = None;
    let lines: Vec<&str> = lock.lines().collect();
    let mut finish = |entry: Option<Entry>| {
        if let Some(Entry {
            version_line: Some(index),
            version_matches: true,
            has_source: false,
        }) = entry
        {
            to_change.push(index);
        }
    };
    for (index, line) in lines.iter().enumerate() {
        if line.trim() == "[[package]]" || toml_text::header(line).is_some() {
            finish(entry.take());
            if line.trim() == "[[package]]" {
                entry = Some(Entry {
                    version_line: None,
                    version_matches: false,
                    has_source: false,
                });
            }
            continue;
        }
        if let Some(current) = entry.as_mut() {
            match toml_text::key(line) {
                Some("version") => {
                    current.version_line = Some(index);
                    current.version_matches = toml_text::string_field(line, "version") == Some(old);
                }
                Some("source") => current.has_source = true,
                _ => {}
            }
        }
    }
    finish(entry.take());
    let mut out = lock.to_owned();
    for index in to_change {
        out = set_string_field(&out, index, "version", new)?;
    }
    Ok(out)
}

/// Reads the release files under `root`, bumps them and writes them back; nothing is written when the bump refuses.
pub fn bump_files(root: &Path, level: Level, date: &str) -> Result<Bumped, String> {
    let read = |name: &str| {
        std::fs::read_to_string(root.join(name)).map_err(|err| format!("cannot read {name}: {err}"))
    };
    let lock_path = root.join("Cargo.lock");
    let files = ReleaseFiles {
        root_manifest: read("Cargo.toml")?,
        changelog: read("CHANGELOG.md")?,
        lock: if lock_path.exists() {
            Some(read("Cargo.lock")?)
        } else {
            None
        },
    };
    let bumped = bump_texts(&files, level, date)?;
    let write = |name: &str, text: &str| {
        std::fs::write(root.join(name), text).map_err(|err| format!("cannot write {name}: {err}"))
    };
    write("Cargo.toml", &bumped.files.root_manifest)?;
    if let Some(lock) = &bumped.files.lock {
        write("Cargo.lock", lock)?;
    }
    write("CHANGELOG.md", &bumped.files.changelog)?;
    Ok(bumped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tempdir::TempDir;

    fn project_file(name: &str) -> String {
        std::fs::read_to_string(crate::project_root().join(name)).unwrap()
    }

    /// A copy of this repository's own release files in a fresh directory.
    fn copy_of_the_repository() -> TempDir {
        let dir = TempDir::new("bump");
        for name in ["Cargo.toml", "Cargo.lock", "CHANGELOG.md"] {
            std::fs::write(dir.path().join(name), project_file(name)).unwrap();
        }
        dir
    }

    fn lock_versions(lock: &str, name: &str) -> Vec<String> {
        let mut versions = Vec::new();
        let lines: Vec<&str> = lock.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            if *line == format!("name = \"{name}\"") {
                versions.push(
                    toml_text::string_field(lines[index + 1], "version")
                        .unwrap()
                        .to_owned(),
                );
            }
        }
        versions
    }

    fn add_unreleased_entry(dir: &Path, entry: &str) {
        let path = dir.join("CHANGELOG.md");
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.replacen(
            "## [Unreleased]\n",
            &format!("## [Unreleased]\n\n- {entry}\n"),
            1,
        );
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn bumping_a_copy_of_the_repository_changes_versions_requirements_lock_and_changelog() {
        let dir = copy_of_the_repository();
        let root = dir.path();
        add_unreleased_entry(root, "a change to release");
        let before = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        let (_, old_text) = manifest::workspace_version(&before).unwrap();
        let old = Version::parse(&old_text).unwrap();
        let internal = manifest::root_internal_deps(&before);
        assert!(
            internal.len() >= 6,
            "the root lists the workspace crates: {internal:?}"
        );

        let bumped = bump_files(root, Level::Minor, "2030-05-06").unwrap();
        assert_eq!(bumped.old, old);
        assert_eq!(bumped.new, old.bump(Level::Minor));
        let new = bumped.new.to_string();

        let after = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        assert_eq!(manifest::workspace_version(&after).unwrap().1, new);
        for dep in manifest::root_internal_deps(&after) {
            assert_eq!(dep.version.as_deref(), Some(new.as_str()), "{}", dep.name);
        }
        assert_eq!(
            crate::checks::root_requirements_off_version(&after).unwrap(),
            Vec::<String>::new()
        );
        // Only the version strings changed: same line count, and every other line is byte-for-byte the same.
        let changed: Vec<(&str, &str)> = before
            .lines()
            .zip(after.lines())
            .filter(|(b, a)| b != a)
            .collect();
        assert_eq!(before.lines().count(), after.lines().count());
        assert_eq!(changed.len(), 1 + internal.len(), "{changed:#?}");
        for (b, a) in changed {
            assert_eq!(b.replace(&old_text, &new), a);
        }

        let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
        for name in [
            "intune-osimages-model",
            "intune-osimages",
            "intune-osimages-cli",
        ] {
            assert_eq!(
                lock_versions(&lock, name),
                std::slice::from_ref(&new),
                "{name} in Cargo.lock"
            );
        }
        assert_eq!(
            lock_versions(&lock, "xtask"),
            ["0.0.0"],
            "xtask is not released"
        );
        assert_eq!(
            lock_versions(&lock, "serde_json"),
            lock_versions(&project_file("Cargo.lock"), "serde_json")
        );

        let changelog = std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap();
        let unreleased = changelog.find("## [Unreleased]").unwrap();
        let released = changelog.find(&format!("## [{new}] - 2030-05-06")).unwrap();
        let entry = changelog.find("- a change to release").unwrap();
        assert!(unreleased < released && released < entry, "{changelog}");
        assert!(changelog::has_release_entry(&changelog, &new));
        assert_eq!(changelog.matches("## [Unreleased]").count(), 1);
    }

    #[test]
    fn bumping_twice_refuses_until_there_is_a_new_entry_then_bumps_cleanly() {
        let dir = copy_of_the_repository();
        let root = dir.path();
        add_unreleased_entry(root, "first");
        let first = bump_files(root, Level::Patch, "2030-01-01").unwrap();
        let snapshot: Vec<String> = ["Cargo.toml", "Cargo.lock", "CHANGELOG.md"]
            .iter()
            .map(|name| std::fs::read_to_string(root.join(name)).unwrap())
            .collect();

        // The Unreleased section is empty now: the second bump refuses and writes nothing.
        let err = bump_files(root, Level::Patch, "2030-01-02").unwrap_err();
        assert!(err.starts_with("missing changelog entry"), "{err}");
        for (name, before) in ["Cargo.toml", "Cargo.lock", "CHANGELOG.md"]
            .iter()
            .zip(&snapshot)
        {
            assert_eq!(
                &std::fs::read_to_string(root.join(name)).unwrap(),
                before,
                "{name} changed"
            );
        }

        add_unreleased_entry(root, "second");
        let second = bump_files(root, Level::Major, "2030-01-03").unwrap();
        assert_eq!(second.old, first.new);
        assert_eq!(second.new, first.new.bump(Level::Major));
        let manifest_text = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
        assert_eq!(
            crate::checks::root_requirements_off_version(&manifest_text).unwrap(),
            Vec::<String>::new()
        );
        let changelog = std::fs::read_to_string(root.join("CHANGELOG.md")).unwrap();
        let order: Vec<usize> = [
            "## [Unreleased]".to_owned(),
            format!("## [{}] - 2030-01-03", second.new),
            "- second".to_owned(),
            format!("## [{}] - 2030-01-01", first.new),
            "- first".to_owned(),
        ]
        .iter()
        .map(|needle| changelog.find(needle.as_str()).unwrap())
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{changelog}");
    }

    #[test]
    fn requirement_operators_are_kept_and_a_stray_requirement_is_refused() {
        let files = ReleaseFiles {
            root_manifest: "[workspace.package]\nversion = \"1.2.3\"\n\n[workspace.dependencies]\n\
                            a = { path = \"a\", version = \"=1.2.3\" }\nb = { version = \"1.2.3\", path = \"b\" }\n\
                            serde = { version = \"1.2.3\" }\n"
                .to_owned(),
            changelog: "## [Unreleased]\n- x\n".to_owned(),
            lock: None,
        };
        let bumped = bump_texts(&files, Level::Major, "2030-01-01").unwrap();
        assert_eq!(
            bumped.files.root_manifest,
            "[workspace.package]\nversion = \"2.0.0\"\n\n[workspace.dependencies]\n\
             a = { path = \"a\", version = \"=2.0.0\" }\nb = { version = \"2.0.0\", path = \"b\" }\n\
             serde = { version = \"1.2.3\" }\n"
        );

        let stray = ReleaseFiles {
            root_manifest: files.root_manifest.replace("=1.2.3", "1.2.0"),
            ..files
        };
        let err = bump_texts(&stray, Level::Major, "2030-01-01").unwrap_err();
        assert!(err.contains("`a` requires 1.2.0"), "{err}");
    }

    #[test]
    fn only_source_less_lock_entries_at_the_old_version_move() {
        let lock = "version = 4\n\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\ndependencies = [\n \"b\",\n]\n\n\
                    [[package]]\nname = \"b\"\nversion = \"0.1.0\"\nsource = \"registry+https://example.invalid\"\n\n\
                    [[package]]\nname = \"xtask\"\nversion = \"0.0.0\"\n";
        let bumped = bump_lock(lock, "0.1.0", "0.2.0").unwrap();
        assert_eq!(
            bumped,
            lock.replacen(
                "version = \"0.1.0\"\ndependencies",
                "version = \"0.2.0\"\ndependencies",
                1
            )
        );
    }
}
