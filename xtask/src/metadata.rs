//! The workspace as `cargo metadata --no-deps` describes it (read with the `cargo_metadata` crate), reduced to what
//! the checks and the release use. The checks keep their own small types so their unit tests can build a workspace
//! by hand.

use std::path::{Path, PathBuf};

use cargo_metadata::{DependencyKind, MetadataCommand};

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

/// One workspace member.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Package {
    /// The package name, as published.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its Cargo.toml.
    pub manifest_path: PathBuf,
    /// False when `publish = false` (or an empty registry list).
    pub publishable: bool,
    /// `description`.
    pub description: Option<String>,
    /// `license`.
    pub license: Option<String>,
    /// `repository`.
    pub repository: Option<String>,
    /// `readme`, relative to the manifest's directory.
    pub readme: Option<String>,
    /// `keywords`.
    pub keywords: Vec<String>,
    /// `categories`.
    pub categories: Vec<String>,
    /// `rust-version`.
    pub rust_version: Option<String>,
    /// The features it declares.
    pub features: Vec<String>,
    /// `[package.metadata.docs.rs] all-features = true`: docs.rs documents every feature.
    pub docs_rs_all_features: bool,
    /// Every dependency, of every kind.
    pub dependencies: Vec<Dependency>,
    /// Its build targets.
    pub targets: Vec<Target>,
}

/// One dependency of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The depended-on package's name (not a rename).
    pub name: String,
    /// Normal, dev or build.
    pub kind: DepKind,
    /// The version requirement, as cargo normalised it (`^0.1.0`).
    pub req: String,
    /// Set for path dependencies.
    pub path: Option<PathBuf>,
}

/// The section a dependency is declared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepKind {
    /// `[dependencies]`.
    Normal,
    /// `[dev-dependencies]`.
    Dev,
    /// `[build-dependencies]`.
    Build,
}

/// One build target (lib, bin, bench, test, example).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The target's name.
    pub name: String,
    /// Its kinds, such as `lib`, `bin` or `bench`.
    pub kinds: Vec<String>,
    /// Its root source file.
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
        let metadata = command
            .exec()
            .map_err(|err| format!("cargo metadata in {}: {err}", root.display()))?;
        let packages = metadata
            .workspace_packages()
            .into_iter()
            .map(|package| Package {
                name: package.name.to_string(),
                version: package.version.to_string(),
                manifest_path: package.manifest_path.clone().into(),
                // `publish`: absent means any registry, and `false` becomes an empty list.
                publishable: package.publish.as_ref().is_none_or(|list| !list.is_empty()),
                description: package.description.clone(),
                license: package.license.clone(),
                repository: package.repository.clone(),
                readme: package.readme.as_ref().map(ToString::to_string),
                keywords: package.keywords.clone(),
                categories: package.categories.clone(),
                rust_version: package.rust_version.as_ref().map(ToString::to_string),
                features: package.features.keys().cloned().collect(),
                docs_rs_all_features: package.metadata["docs"]["rs"]["all-features"] == true,
                dependencies: package
                    .dependencies
                    .iter()
                    .map(|dep| Dependency {
                        name: dep.name.clone(),
                        kind: match dep.kind {
                            DependencyKind::Development => DepKind::Dev,
                            DependencyKind::Build => DepKind::Build,
                            _ => DepKind::Normal,
                        },
                        req: dep.req.to_string(),
                        path: dep.path.clone().map(Into::into),
                    })
                    .collect(),
                targets: package
                    .targets
                    .iter()
                    .map(|target| Target {
                        name: target.name.clone(),
                        kinds: target.kind.iter().map(ToString::to_string).collect(),
                        src_path: target.src_path.clone().into(),
                    })
                    .collect(),
            })
            .collect();
        Ok(Workspace {
            root: metadata.workspace_root.into(),
            target_dir: metadata.target_directory.into(),
            packages,
        })
    }

    /// The member named `name`.
    pub fn package(&self, name: &str) -> Option<&Package> {
        self.packages.iter().find(|package| package.name == name)
    }

    /// True when `name` is a workspace member.
    pub fn is_member(&self, name: &str) -> bool {
        self.package(name).is_some()
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
        package
            .dependencies
            .iter()
            .filter(|dep| dep.path.is_some() && self.is_member(&dep.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_workspace_is_read_with_its_members_dependencies_and_targets() {
        let ws = Workspace::load(&crate::project_root()).unwrap();
        assert_eq!(ws.root, crate::project_root());
        let xtask = ws.package("xtask").unwrap();
        assert!(!xtask.publishable, "xtask has publish = false");
        let client = ws.package("intune-osimages").unwrap();
        assert!(client.publishable);
        assert!(client.features.iter().any(|f| f == "fake"));
        assert!(
            ws.internal_deps(client)
                .any(|dep| dep.name == "intune-osimages-model" && dep.kind == DepKind::Normal)
        );
        assert!(client.targets.iter().any(|t| t.is("lib")));
        assert!(client.rust_version.is_some());
    }

    #[test]
    fn a_directory_without_a_workspace_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let err = Workspace::load(dir.path()).unwrap_err();
        assert!(err.contains(&dir.path().display().to_string()), "{err}");
    }
}
