//! `cargo xtask release bump`: the lockstep version in the root Cargo.toml (edited with `toml_edit`, so comments and
//! layout stay), Cargo.lock (refreshed by cargo) and the changelog's Unreleased section dated as the release's.

use std::path::Path;
use std::str::FromStr;

use semver::Version;
use toml_edit::{Item, Value};

use super::changelog;
use crate::metadata::Workspace;
use crate::process;

/// What `bump` is asked for: the next major, minor or patch version after the last release, or this version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Major,
    Minor,
    Patch,
    Exact(Version),
}

impl FromStr for Target {
    type Err = String;

    fn from_str(text: &str) -> Result<Target, String> {
        match text {
            "major" => Ok(Target::Major),
            "minor" => Ok(Target::Minor),
            "patch" => Ok(Target::Patch),
            other => Version::parse(other).map(Target::Exact).map_err(|err| {
                format!("`{other}` is neither major, minor, patch nor a version like 0.1.0: {err}")
            }),
        }
    }
}

/// The version to release: `target` counted from `last` (the last release), never below `current` (what the
/// manifests carry). Without a release yet, only an exact version can be asked for: it is the first release.
pub fn next_version(
    current: &Version,
    last: Option<&Version>,
    target: &Target,
) -> Result<Version, String> {
    let next = match (target, last) {
        (Target::Exact(version), _) => version.clone(),
        (_, None) => {
            let hint = format!("cargo xtask release bump {current}");
            return Err(format!("no release tag yet: name the first version, such as `{hint}`"));
        }
        (Target::Major, Some(last)) => Version::new(last.major + 1, 0, 0),
        (Target::Minor, Some(last)) => Version::new(last.major, last.minor + 1, 0),
        (Target::Patch, Some(last)) => Version::new(last.major, last.minor, last.patch + 1),
    };
    match last {
        Some(last) if next <= *last => Err(format!("{next} is not after the last release {last}")),
        _ if next < *current => {
            Err(format!("{next} is below the version the manifests carry, {current}"))
        }
        _ => Ok(next),
    }
}

/// The root manifest with `[workspace.package] version` and every workspace crate's requirement in
/// `[workspace.dependencies]` moved from `old` to `new`, keeping operators, comments and layout. Refuses a
/// requirement that is not at `old`.
pub fn bump_manifest(root: &str, old: &Version, new: &Version) -> Result<String, String> {
    let mut doc = crate::parse_toml(root, "Cargo.toml")?;
    let at = "Cargo.toml [workspace.dependencies]";
    let mut edits = vec![("package.version".to_owned(), new.to_string())];
    // The workspace crates are the entries with a `path`.
    let deps = doc.get("workspace").and_then(|w| w.get("dependencies")?.as_table_like());
    for (name, entry) in deps.into_iter().flat_map(|deps| deps.iter()) {
        let Some(_) = entry.get("path") else { continue };
        let requirement = (entry.get("version").and_then(Item::as_str))
            .ok_or_else(|| format!("{at}: workspace crate `{name}` has no version requirement"))?;
        let operator = requirement
            .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if requirement[operator.len()..] != old.to_string() {
            let problem =
                format!("`{name}` requires {requirement}, not the workspace version {old}");
            return Err(format!("{at}: {problem}; fix it first"));
        }
        edits.push((format!("dependencies.{name}.version"), format!("{operator}{new}")));
    }
    for (path, text) in edits {
        // Crate names hold no dot, so the path splits back into its keys.
        // `get_mut` inserts a missing key as `Item::None`, hence the filter.
        let item = (path.split('.').try_fold(&mut doc["workspace"], |item, key| item.get_mut(key)))
            .filter(|item| item.is_value())
            .ok_or_else(|| format!("Cargo.toml: no `{path}` in [workspace]"))?;
        // The new string keeps the whitespace and comments around the old one.
        let mut value = Value::from(text);
        if let Some(old) = item.as_value() {
            *value.decor_mut() = old.decor().clone();
        }
        *item = Item::Value(value);
    }
    Ok(doc.to_string())
}

/// Bumps the repository at `root` to the version `target` names (dated `date` in the changelog) and returns the
/// old and new versions. Nothing is written when a check fails. Cargo.lock is refreshed by `cargo update
/// --workspace`, cargo's own way of moving the members' versions.
pub fn bump_files(
    root: &Path,
    target: Target,
    last: Option<&Version>,
    date: &str,
) -> Result<(Version, Version), String> {
    let read = |name: &str| {
        std::fs::read_to_string(root.join(name)).map_err(|err| format!("cannot read {name}: {err}"))
    };
    let write = |name: &str, text: &str| {
        std::fs::write(root.join(name), text).map_err(|err| format!("cannot write {name}: {err}"))
    };
    let current = super::lockstep_version(&Workspace::load(root)?)?;
    let new = next_version(&current, last, &target)?;
    let changelog = changelog::release_unreleased(&read("CHANGELOG.md")?, &new.to_string(), date)?;
    let manifest = bump_manifest(&read("Cargo.toml")?, &current, &new)?;
    write("CHANGELOG.md", &changelog)?;
    if new != current {
        write("Cargo.toml", &manifest)?;
        process::run(process::cargo(root).args(["update", "--workspace", "--offline", "--quiet"]))?;
    }
    Ok((current, new))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = "[workspace]\nmembers = [\"crates/a\"]\n\n[workspace.package]\n\
        version = \"0.1.0\" # lockstep: every crate\nedition = \"2024\"\n\n\
        [workspace.dependencies]\n# our crates\na = { path = \"crates/a\", version = \"0.1.0\" }\n\
        [workspace.dependencies.b]\npath = \"crates/b\"\nversion = \"=0.1.0\" # exact\n\nserde = \"1.0\"\n";

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn the_manifest_moves_in_both_table_forms_and_keeps_comments_operators_and_layout() {
        let expected = ROOT
            .replace("version = \"0.1.0\" # lockstep", "version = \"0.2.0\" # lockstep")
            .replace("version = \"0.1.0\" }", "version = \"0.2.0\" }")
            .replace("version = \"=0.1.0\" # exact", "version = \"=0.2.0\" # exact");
        assert_eq!(bump_manifest(ROOT, &v("0.1.0"), &v("0.2.0")).unwrap(), expected);
    }

    #[test]
    fn a_manifest_without_the_workspace_version_or_not_toml_is_an_error() {
        let err = bump_manifest("[workspace", &v("0.1.0"), &v("0.2.0")).unwrap_err();
        assert!(err.contains("Cargo.toml"), "{err}");
        let err = bump_manifest("[workspace]\n", &v("0.1.0"), &v("0.2.0")).unwrap_err();
        assert!(err.contains("no `package.version` in [workspace]"), "{err}");
    }

    #[test]
    fn a_requirement_off_the_workspace_version_is_refused() {
        let stray = ROOT.replace("version = \"=0.1.0\"", "version = \"0.0.9\"");
        let err = bump_manifest(&stray, &v("0.1.0"), &v("0.2.0")).unwrap_err();
        assert!(err.contains("`b` requires 0.0.9"), "{err}");
        let bare = ROOT.replace(", version = \"0.1.0\" }", " }");
        let err = bump_manifest(&bare, &v("0.1.0"), &v("0.2.0")).unwrap_err();
        assert!(err.contains("`a` has no version requirement"), "{err}");
    }

    #[test]
    fn the_first_release_is_named_and_later_ones_count_from_the_last() {
        let (current, last) = (v("0.1.0"), v("0.1.0"));
        assert_eq!(next_version(&current, None, &Target::Exact(v("0.1.0"))), Ok(v("0.1.0")));
        let err = next_version(&current, None, &Target::Patch).unwrap_err();
        assert!(err.contains("release bump 0.1.0"), "{err}");
        for (target, expected) in
            [(Target::Patch, "0.1.1"), (Target::Minor, "0.2.0"), (Target::Major, "1.0.0")]
        {
            assert_eq!(next_version(&current, Some(&last), &target), Ok(v(expected)));
        }
        assert!(next_version(&current, Some(&last), &Target::Exact(v("0.1.0"))).is_err());
        assert!(next_version(&v("0.3.0"), Some(&last), &Target::Minor).is_err());
        assert!("0.1".parse::<Target>().unwrap_err().contains("`0.1`"));
        assert_eq!("minor".parse::<Target>(), Ok(Target::Minor));
    }
}
