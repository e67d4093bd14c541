//! Reading the root Cargo.toml: the workspace version and the workspace crates of `[workspace.dependencies]`.

use crate::toml_text;

/// The `version` of `[workspace.package]` in the root Cargo.toml, with its line index.
pub fn workspace_version(root_manifest: &str) -> Result<(usize, String), String> {
    toml_text::lines(root_manifest)
        .into_iter()
        .filter(|line| {
            line.table == "workspace.package" && toml_text::key(line.text) == Some("version")
        })
        .find_map(|line| {
            toml_text::string_field(line.text, "version").map(|v| (line.index, v.to_owned()))
        })
        .ok_or_else(|| "Cargo.toml: no `version = \"...\"` in [workspace.package]".to_owned())
}

/// One workspace crate entry of the root's `[workspace.dependencies]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootInternalDep {
    /// Line index in the root Cargo.toml.
    pub index: usize,
    /// The dependency key.
    pub name: String,
    /// The `version = "..."` requirement as written, if any.
    pub version: Option<String>,
}

/// The entries of `[workspace.dependencies]` that are workspace crates: they carry a `path`.
pub fn root_internal_deps(root_manifest: &str) -> Vec<RootInternalDep> {
    toml_text::lines(root_manifest)
        .into_iter()
        .filter(|line| line.table == "workspace.dependencies")
        .filter(|line| toml_text::string_field(line.text, "path").is_some())
        .filter_map(|line| {
            Some(RootInternalDep {
                index: line.index,
                name: toml_text::key(line.text)?.to_owned(),
                version: toml_text::string_field(line.text, "version").map(str::to_owned),
            })
        })
        .collect()
}
