//! `cargo xtask release bump`: the lockstep version in the root Cargo.toml (edited with `toml_edit`, so comments and
//! layout stay), Cargo.lock (refreshed by cargo) and the changelog's Unreleased section dated as the release's.

use std::path::Path;
use std::str::FromStr;

use semver::Version;
use toml_edit::{DocumentMut, Item, Value};

use super::changelog;
use crate::{manifest, process};

/// What `bump` is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The next major version after the last release.
    Major,
    /// The next minor version after the last release.
    Minor,
    /// The next patch version after the last release.
    Patch,
    /// This version.
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
            return Err(format!(
                "no release tag yet: name the first version, such as `cargo xtask release bump {current}`"
            ));
        }
        (Target::Major, Some(last)) => Version::new(last.major + 1, 0, 0),
        (Target::Minor, Some(last)) => Version::new(last.major, last.minor + 1, 0),
        (Target::Patch, Some(last)) => Version::new(last.major, last.minor, last.patch + 1),
    };
    if let Some(last) = last
        && next <= *last
    {
        return Err(format!("{next} is not after the last release {last}"));
    }
    if next < *current {
        return Err(format!("{next} is below the version the manifests carry, {current}"));
    }
    Ok(next)
}

/// The root manifest with `[workspace.package] version` and every workspace crate's requirement in
/// `[workspace.dependencies]` moved from `old` to `new`, keeping operators, comments and layout. Refuses a
/// requirement that is not at `old`.
pub fn bump_manifest(root: &str, old: &Version, new: &Version) -> Result<String, String> {
    let mut doc: DocumentMut = manifest::parse(root, "Cargo.toml")?;
    let version = doc
        .get_mut("workspace")
        .and_then(|w| w.get_mut("package"))
        .and_then(|p| p.get_mut("version"))
        .ok_or("Cargo.toml: no `version` in [workspace.package]")?;
    set_keeping_decor(version, &new.to_string());
    for (name, requirement) in manifest::root_internal_deps(&doc) {
        let requirement = requirement.ok_or_else(|| {
            format!("Cargo.toml [workspace.dependencies]: workspace crate `{name}` has no version requirement")
        })?;
        let operator = requirement
            .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if requirement[operator.len()..] != old.to_string() {
            return Err(format!(
                "Cargo.toml [workspace.dependencies]: `{name}` requires {requirement}, not the workspace version \
                 {old}; fix it first"
            ));
        }
        let item = doc
            .get_mut("workspace")
            .and_then(|w| w.get_mut("dependencies"))
            .and_then(|d| d.get_mut(&name))
            .and_then(|entry| entry.get_mut("version"))
            .ok_or_else(|| {
                format!("Cargo.toml [workspace.dependencies]: no version for `{name}`")
            })?;
        set_keeping_decor(item, &format!("{operator}{new}"));
    }
    Ok(doc.to_string())
}

/// Replaces a string value, keeping the whitespace and comments around it.
fn set_keeping_decor(item: &mut Item, text: &str) {
    let decor = item.as_value().map(|value| value.decor().clone());
    let mut value = Value::from(text);
    if let Some(decor) = decor {
        *value.decor_mut() = decor;
    }
    *item = Item::Value(value);
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
    let root_manifest = read("Cargo.toml")?;
    let current = manifest::workspace_version(&manifest::parse(&root_manifest, "Cargo.toml")?)?;
    let current = Version::parse(&current)
        .map_err(|err| format!("Cargo.toml [workspace.package] version: {err}"))?;
    let new = next_version(&current, last, &target)?;
    let changelog = changelog::release_unreleased(&read("CHANGELOG.md")?, &new.to_string(), date)?;
    let manifest = bump_manifest(&root_manifest, &current, &new)?;

    let write = |name: &str, text: &str| {
        std::fs::write(root.join(name), text).map_err(|err| format!("cannot write {name}: {err}"))
    };
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
        let bumped = bump_manifest(ROOT, &v("0.1.0"), &v("0.2.0")).unwrap();
        assert_eq!(
            bumped,
            ROOT.replace("version = \"0.1.0\" # lockstep", "version = \"0.2.0\" # lockstep")
                .replace("version = \"0.1.0\" }", "version = \"0.2.0\" }")
                .replace("version = \"=0.1.0\" # exact", "version = \"=0.2.0\" # exact")
        );
    }

    #[test]
    fn a_requirement_off_the_workspace_version_is_refused() {
        let stray = ROOT.replace("version = \"=0.1.0\"", "version = \"0.0.9\"");
        let err = bump_manifest(&stray, &v("0.1.0"), &v("0.2.0")).unwrap_err();
        assert!(err.contains("`b` requires 0.0.9"), "{err}");
    }

    #[test]
    fn the_first_release_is_named_and_later_ones_count_from_the_last() {
        let current = v("0.1.0");
        assert_eq!(next_version(&current, None, &Target::Exact(v("0.1.0"))), Ok(v("0.1.0")));
        let err = next_version(&current, None, &Target::Patch).unwrap_err();
        assert!(err.contains("release bump 0.1.0"), "{err}");
        let last = v("0.1.0");
        assert_eq!(next_version(&current, Some(&last), &Target::Patch), Ok(v("0.1.1")));
        assert_eq!(next_version(&current, Some(&last), &Target::Minor), Ok(v("0.2.0")));
        assert_eq!(next_version(&current, Some(&last), &Target::Major), Ok(v("1.0.0")));
        assert!(next_version(&current, Some(&last), &Target::Exact(v("0.1.0"))).is_err());
        assert!(next_version(&v("0.3.0"), Some(&last), &Target::Minor).is_err());
        assert!("0.1".parse::<Target>().unwrap_err().contains("`0.1`"));
        assert_eq!("minor".parse::<Target>(), Ok(Target::Minor));
    }
}
