//! The root Cargo.toml read with `toml_edit`, which keeps comments, order and layout on every edit.

use toml_edit::{DocumentMut, Item};

/// Parses a manifest, naming `what` (a file) when it is not TOML.
pub fn parse(text: &str, what: &str) -> Result<DocumentMut, String> {
    text.parse::<DocumentMut>().map_err(|err| format!("{what} is not valid TOML: {err}"))
}

/// `[workspace.package] version`.
pub fn workspace_version(root: &DocumentMut) -> Result<String, String> {
    (root.get("workspace").and_then(|w| w.get("package")?.get("version")?.as_str()))
        .map(str::to_owned)
        .ok_or_else(|| "Cargo.toml: no `version = \"...\"` in [workspace.package]".to_owned())
}

/// The entries of `[workspace.dependencies]` that are workspace crates (they carry a `path`), with their `version`
/// requirement as written.
pub fn root_internal_deps(root: &DocumentMut) -> Vec<(String, Option<String>)> {
    let deps =
        root.get("workspace").and_then(|w| w.get("dependencies")).and_then(Item::as_table_like);
    let internal = deps
        .into_iter()
        .flat_map(|deps| deps.iter())
        .filter(|(_, entry)| entry.get("path").is_some());
    internal
        .map(|(name, entry)| {
            (name.to_owned(), entry.get("version").and_then(Item::as_str).map(str::to_owned))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_internal_dependencies_are_read_in_every_spelling() {
        let root = parse(
            "[workspace.package]\nversion = \"0.3.0\" # lockstep\n\n[workspace.dependencies]\n\
             a = { path = \"crates/a\", version = \"=0.3.0\" }\n[workspace.dependencies.b]\npath = \"crates/b\"\n\
             version = \"0.3.0\"\nserde = \"1\"\n",
            "Cargo.toml",
        )
        .unwrap();
        assert_eq!(workspace_version(&root).unwrap(), "0.3.0");
        let expected =
            [("a", "=0.3.0"), ("b", "0.3.0")].map(|(n, v)| (n.to_owned(), Some(v.to_owned())));
        assert_eq!(root_internal_deps(&root), expected);
    }

    #[test]
    fn a_manifest_that_is_not_toml_or_has_no_version_is_an_error() {
        assert!(parse("[workspace", "Cargo.toml").unwrap_err().contains("Cargo.toml"));
        let root = parse("[workspace]\n", "Cargo.toml").unwrap();
        assert!(workspace_version(&root).unwrap_err().contains("[workspace.package]"));
    }
}
