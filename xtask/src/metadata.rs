//! The workspace as `cargo metadata --no-deps` describes it (read with the `cargo_metadata` crate), reduced to what
//! the checks and the release use: cargo_metadata's own types are `#[non_exhaustive]`, and the checks' unit tests
//! build a workspace by hand.

use std::path::{Path, PathBuf};

pub use cargo_metadata::DependencyKind as DepKind;
use cargo_metadata::MetadataCommand;

/// The workspace's members and where things are.
#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    /// The directory of the root Cargo.toml.
    pub root: PathBuf,
    /// Cargo's target directory.
    pub target_dir: PathBuf,
    /// Every member, in cargo's order.
    pub packages: Vec<Package>,
}

/// One workspace member; the optional fields are its manifest's, `None` when unset.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Package {
    pub name: String,
    pub version: String,
    pub manifest_path: PathBuf,
    /// False when `publish = false` (or an empty registry list).
    pub publishable: bool,
    pub description: Option<String>,
    pub license: Option<String>,
    pub repository: Option<String>,
    /// Relative to the manifest's directory.
    pub readme: Option<String>,
    pub keywords: Vec<String>,
    pub categories: Vec<String>,
    pub rust_version: Option<String>,
    pub features: Vec<String>,
    /// `[package.metadata.docs.rs] all-features = true`: docs.rs documents every feature.
    pub docs_rs_all_features: bool,
    /// Every dependency, of every kind, named by the depended-on package (not a rename).
    pub dependencies: Vec<Dependency>,
    pub targets: Vec<Target>,
}

/// One dependency of a package: its requirement as cargo normalised it (`^0.1.0`), its path for path dependencies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    pub kind: DepKind,
    pub req: String,
    pub path: Option<PathBuf>,
}

/// One build target: its name, kinds (`lib`, `bin`, `bench`, ...) and root source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    pub kinds: Vec<String>,
    pub src_path: PathBuf,
}

impl Target {
    /// True when the target is of `kind`.
    pub fn is(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k == kind)
    }
}

impl Workspace {
    /// Runs `cargo metadata --no-deps` for the workspace at `root`.
    pub fn load(root: &Path) -> Result<Workspace, String> {
        let mut command = MetadataCommand::new();
        command.current_dir(root).no_deps();
        if let Some(cargo) = std::env::var_os("CARGO") {
            command.cargo_path(cargo);
        }
        let metadata =
            command.exec().map_err(|err| format!("cargo metadata in {}: {err}", root.display()))?;
        let package = |p: &cargo_metadata::Package| Package {
            name: p.name.to_string(),
            version: p.version.to_string(),
            manifest_path: p.manifest_path.clone().into(),
            // `publish`: absent means any registry, and `false` becomes an empty list.
            publishable: p.publish.as_ref().is_none_or(|list| !list.is_empty()),
            description: p.description.clone(),
            license: p.license.clone(),
            repository: p.repository.clone(),
            readme: p.readme.as_ref().map(ToString::to_string),
            keywords: p.keywords.clone(),
            categories: p.categories.clone(),
            rust_version: p.rust_version.as_ref().map(ToString::to_string),
            features: p.features.keys().cloned().collect(),
            docs_rs_all_features: p.metadata["docs"]["rs"]["all-features"] == true,
            dependencies: (p.dependencies.iter())
                .map(|d| Dependency {
                    name: d.name.clone(),
                    kind: d.kind,
                    req: d.req.to_string(),
                    path: d.path.clone().map(Into::into),
                })
                .collect(),
            targets: (p.targets.iter())
                .map(|t| Target {
                    name: t.name.clone(),
                    kinds: t.kind.iter().map(ToString::to_string).collect(),
                    src_path: t.src_path.clone().into(),
                })
                .collect(),
        };
        Ok(Workspace {
            packages: metadata.workspace_packages().into_iter().map(package).collect(),
            root: metadata.workspace_root.into(),
            target_dir: metadata.target_directory.into(),
        })
    }

    /// The member named `name`.
    pub fn package(&self, name: &str) -> Option<&Package> {
        self.packages.iter().find(|package| package.name == name)
    }

    /// The members that are published.
    pub fn publishable(&self) -> impl Iterator<Item = &Package> {
        self.packages.iter().filter(|package| package.publishable)
    }

    /// The dependencies of `package` on other workspace members.
    pub fn internal_deps<'a>(
        &'a self,
        package: &'a Package,
    ) -> impl Iterator<Item = &'a Dependency> {
        (package.dependencies.iter())
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
        assert!(!ws.package("xtask").unwrap().publishable, "xtask has publish = false");
        let client = ws.package("intune-osimages").unwrap();
        assert!(client.publishable && client.rust_version.is_some());
        assert!(client.features.iter().any(|f| f == "fake"));
        let model =
            |dep: &Dependency| dep.name == "intune-osimages-model" && dep.kind == DepKind::Normal;
        assert!(ws.internal_deps(client).any(model));
        assert!(client.targets.iter().any(|t| t.is("lib")));
    }

    #[test]
    fn a_directory_without_a_workspace_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = Workspace::load(dir.path()).unwrap_err();
        assert!(err.contains(&dir.path().display().to_string()), "{err}");
    }
}
