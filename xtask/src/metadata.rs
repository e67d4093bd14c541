//! The workspace as `cargo metadata --no-deps` describes it, in the `cargo_metadata` crate's types.

use std::path::{Path, PathBuf};

pub use cargo_metadata::Package;
// The layer rules, which read the dependencies, run as tests.
#[cfg(test)]
pub use cargo_metadata::{Dependency, DependencyKind as DepKind};

/// The workspace's root directory, cargo's target directory, and every member in cargo's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    pub root: PathBuf,
    pub target_dir: PathBuf,
    pub packages: Vec<Package>,
}

impl Workspace {
    /// Runs `cargo metadata --no-deps` for the workspace at `root` (with the cargo in `$CARGO`, the one running
    /// xtask, as cargo_metadata does by default).
    pub fn load(root: &Path) -> Result<Workspace, String> {
        let mut command = cargo_metadata::MetadataCommand::new();
        let metadata = (command.current_dir(root).no_deps().exec())
            .map_err(|err| format!("cargo metadata in {}: {err}", root.display()))?;
        Ok(Workspace {
            packages: metadata.workspace_packages().into_iter().cloned().collect(),
            root: metadata.workspace_root.into(),
            target_dir: metadata.target_directory.into(),
        })
    }

    /// The member named `name`.
    pub fn package(&self, name: &str) -> Option<&Package> {
        self.packages.iter().find(|package| package.name == name)
    }

    /// The members that are published: `publish` absent means any registry, and `false` becomes an empty list.
    pub fn publishable(&self) -> impl Iterator<Item = &Package> {
        self.packages
            .iter()
            .filter(|package| package.publish.as_ref().is_none_or(|list| !list.is_empty()))
    }

    /// The dependencies of `package` on other workspace members (read by the layer rules).
    #[cfg(test)]
    pub fn internal_deps<'a>(
        &'a self,
        package: &'a Package,
    ) -> impl Iterator<Item = &'a Dependency> {
        (package.dependencies.iter())
            // A dev-dependency of a crate on itself (path "."), for its own `test-util` feature, is no edge.
            .filter(|dep| dep.name.as_str() != package.name.as_str())
            .filter(|dep| dep.path.is_some() && self.package(&dep.name).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_workspace_is_read_with_its_members_dependencies_and_targets() {
        let ws = Workspace::load(&crate::project_root()).unwrap();
        assert_eq!(ws.root, crate::project_root());
        let published: Vec<&str> = ws.publishable().map(|p| p.name.as_str()).collect();
        assert!(!published.contains(&"xtask"), "xtask has publish = false");
        assert!(published.contains(&"intune-osimages"));
        let client = ws.package("intune-osimages").unwrap();
        assert!(client.rust_version.is_some() && client.features.contains_key("fake"));
        let model =
            |dep: &&Dependency| dep.name == "intune-osimages-model" && dep.kind == DepKind::Normal;
        assert!(ws.internal_deps(client).any(|dep| model(&dep)));
        // Third-party crates and a crate's dev-dependency on itself (for its own test-util) are no edges.
        assert!(client.dependencies.iter().any(|dep| dep.name == "serde"));
        assert!(ws.internal_deps(client).all(|dep| ws.package(&dep.name).is_some()));
        let transport = ws.package("intune-osimages-transport").unwrap();
        assert!(transport.dependencies.iter().any(|dep| dep.name == transport.name.as_str()));
        assert!(ws.internal_deps(transport).all(|dep| dep.name != transport.name.as_str()));
        assert!(client.targets.iter().any(|t| t.is_lib()));
    }

    #[test]
    fn a_directory_without_a_workspace_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = Workspace::load(dir.path()).unwrap_err();
        assert!(err.contains(&dir.path().display().to_string()), "{err}");
    }
}
