//! Cargo.toml files read and edited with `toml_edit`, which keeps comments, order and layout on every edit.

#[cfg(test)]
use toml_edit::TableLike;
use toml_edit::{DocumentMut, Item};

/// The dependency sections of a manifest.
#[cfg(test)]
const DEPENDENCY_KINDS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];

/// Parses a manifest, naming `what` (a file) when it is not TOML.
pub fn parse(text: &str, what: &str) -> Result<DocumentMut, String> {
    text.parse::<DocumentMut>()
        .map_err(|err| format!("{what} is not valid TOML: {err}"))
}

/// `[workspace.package] version`.
pub fn workspace_version(root: &DocumentMut) -> Result<String, String> {
    root.get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("version"))
        .and_then(Item::as_str)
        .map(str::to_owned)
        .ok_or_else(|| "Cargo.toml: no `version = \"...\"` in [workspace.package]".to_owned())
}

/// The entries of `[workspace.dependencies]` that are workspace crates (they carry a `path`), with their `version`
/// requirement as written.
pub fn root_internal_deps(root: &DocumentMut) -> Vec<(String, Option<String>)> {
    let Some(deps) = root
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(Item::as_table_like)
    else {
        return Vec::new();
    };
    deps.iter()
        .filter_map(|(name, item)| {
            let entry = item.as_table_like()?;
            entry.get("path")?;
            let version = entry
                .get("version")
                .and_then(Item::as_str)
                .map(str::to_owned);
            Some((name.to_owned(), version))
        })
        .collect()
}

/// Every dependency declared in a manifest, as `(section, name, entry)`: `[dependencies]` and its kin, their
/// `[target.'cfg(..)'.*]` forms and `[workspace.dependencies]`. (Used by the repository checks.)
#[cfg(test)]
pub fn all_dependencies(manifest: &DocumentMut) -> Vec<(String, String, &Item)> {
    fn add<'a>(
        sections: &mut Vec<(String, &'a dyn TableLike)>,
        prefix: &str,
        table: &'a dyn TableLike,
    ) {
        for kind in DEPENDENCY_KINDS {
            if let Some(deps) = table.get(kind).and_then(Item::as_table_like) {
                sections.push((format!("{prefix}{kind}"), deps));
            }
        }
    }
    let mut sections = Vec::new();
    add(&mut sections, "", manifest.as_table());
    if let Some(targets) = manifest.get("target").and_then(Item::as_table_like) {
        for (platform, table) in targets.iter() {
            if let Some(table) = table.as_table_like() {
                add(&mut sections, &format!("target.{platform}."), table);
            }
        }
    }
    if let Some(workspace) = manifest.get("workspace").and_then(Item::as_table_like) {
        add(&mut sections, "workspace.", workspace);
    }
    let mut found = Vec::new();
    for (section, deps) in sections {
        for (name, item) in deps.iter() {
            // A `package = "..."` rename declares the real crate under another key.
            let real = item
                .as_table_like()
                .and_then(|entry| entry.get("package"))
                .and_then(Item::as_str)
                .unwrap_or(name);
            found.push((section.clone(), real.to_owned(), item));
        }
    }
    found
}

/// True when a dependency entry inherits from the workspace (`x.workspace = true` or `x = { workspace = true }`).
#[cfg(test)]
pub fn inherits(entry: &Item) -> bool {
    entry
        .as_table_like()
        .and_then(|table| table.get("workspace"))
        .and_then(Item::as_bool)
        == Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_dependencies_are_read_in_every_spelling() {
        let root = parse(
            "[workspace.package]\nversion = \"0.3.0\" # lockstep\n\n[workspace.dependencies]\n\
             a = { path = \"crates/a\", version = \"=0.3.0\" }\n[workspace.dependencies.b]\npath = \"crates/b\"\n\
             version = \"0.3.0\"\nserde = \"1\"\n",
            "Cargo.toml",
        )
        .unwrap();
        assert_eq!(workspace_version(&root).unwrap(), "0.3.0");
        assert_eq!(
            root_internal_deps(&root),
            [
                ("a".to_owned(), Some("=0.3.0".to_owned())),
                ("b".to_owned(), Some("0.3.0".to_owned()))
            ]
        );
        let member = parse(
            "[dependencies]\na.workspace = true\nrenamed = { package = \"b\", workspace = true }\n\
             [target.'cfg(unix)'.dev-dependencies]\nc = \"1\"\n",
            "member",
        )
        .unwrap();
        let deps: Vec<(String, String, bool)> = all_dependencies(&member)
            .into_iter()
            .map(|(section, name, item)| (section, name, inherits(item)))
            .collect();
        assert_eq!(
            deps,
            [
                ("dependencies".to_owned(), "a".to_owned(), true),
                ("dependencies".to_owned(), "b".to_owned(), true),
                (
                    "target.cfg(unix).dev-dependencies".to_owned(),
                    "c".to_owned(),
                    false
                ),
            ]
        );
    }

    #[test]
    fn a_manifest_that_is_not_toml_or_has_no_version_is_an_error() {
        assert!(
            parse("[workspace", "Cargo.toml")
                .unwrap_err()
                .contains("Cargo.toml")
        );
        let root = parse("[workspace]\n", "Cargo.toml").unwrap();
        assert!(
            workspace_version(&root)
                .unwrap_err()
                .contains("[workspace.package]")
        );
    }
}
