//! The workspace as `cargo metadata --format-version 1 --no-deps` describes it, parsed with serde_json.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::process;

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
    /// Runs `cargo metadata` in `root` and parses it.
    pub fn load(root: &Path) -> Result<Workspace, String> {
        let json = process::output(process::cargo(root).args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
        ]))?;
        Workspace::parse(&json)
    }

    /// Parses `cargo metadata --format-version 1 --no-deps` output.
    pub fn parse(json: &str) -> Result<Workspace, String> {
        let value: Value = serde_json::from_str(json)
            .map_err(|err| format!("cargo metadata is not JSON: {err}"))?;
        let packages = value
            .get("packages")
            .and_then(Value::as_array)
            .ok_or("cargo metadata: no `packages` array")?
            .iter()
            .map(parse_package)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Workspace {
            root: PathBuf::from(str_field(&value, "workspace_root")?),
            target_dir: PathBuf::from(str_field(&value, "target_directory")?),
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

fn parse_package(value: &Value) -> Result<Package, String> {
    let name = str_field(value, "name")?.to_owned();
    let context = |field: &str| format!("cargo metadata: package `{name}`: {field}");
    // `publish`: null means any registry, a list names the allowed ones, and `false` becomes an empty list.
    let publishable = match value.get("publish") {
        None | Some(Value::Null) => true,
        Some(Value::Array(registries)) => !registries.is_empty(),
        Some(_) => return Err(context("`publish` is neither null nor a list")),
    };
    let dependencies = value
        .get("dependencies")
        .and_then(Value::as_array)
        .ok_or_else(|| context("no `dependencies` array"))?
        .iter()
        .map(|dep| parse_dependency(dep).map_err(|err| context(&err)))
        .collect::<Result<Vec<_>, _>>()?;
    let targets = value
        .get("targets")
        .and_then(Value::as_array)
        .ok_or_else(|| context("no `targets` array"))?
        .iter()
        .map(|target| parse_target(target).map_err(|err| context(&err)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Package {
        version: str_field(value, "version")?.to_owned(),
        manifest_path: PathBuf::from(str_field(value, "manifest_path")?),
        publishable,
        description: opt_str(value, "description"),
        license: opt_str(value, "license"),
        repository: opt_str(value, "repository"),
        readme: opt_str(value, "readme"),
        keywords: str_list(value, "keywords"),
        categories: str_list(value, "categories"),
        rust_version: opt_str(value, "rust_version"),
        dependencies,
        targets,
        name,
    })
}

fn parse_dependency(value: &Value) -> Result<Dependency, String> {
    let kind = match value.get("kind").and_then(Value::as_str) {
        None => DepKind::Normal,
        Some("dev") => DepKind::Dev,
        Some("build") => DepKind::Build,
        Some(other) => return Err(format!("unknown dependency kind `{other}`")),
    };
    Ok(Dependency {
        name: str_field(value, "name")?.to_owned(),
        kind,
        req: str_field(value, "req")?.to_owned(),
        path: opt_str(value, "path").map(PathBuf::from),
    })
}

fn parse_target(value: &Value) -> Result<Target, String> {
    Ok(Target {
        name: str_field(value, "name")?.to_owned(),
        kinds: str_list(value, "kind"),
        src_path: PathBuf::from(str_field(value, "src_path")?),
    })
}

fn str_field<'a>(value: &'a Value, field: &str) -> Result<&'a str, String> {
    value
        .get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("cargo metadata: missing string field `{field}`"))
}

fn opt_str(value: &Value, field: &str) -> Option<String> {
    value.get(field).and_then(Value::as_str).map(str::to_owned)
}

fn str_list(value: &Value, field: &str) -> Vec<String> {
    value
        .get(field)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
      "packages": [
        {"name": "a", "version": "0.1.0", "manifest_path": "/w/a/Cargo.toml", "publish": null,
         "description": "A", "license": "MIT", "repository": "https://x", "readme": "README.md",
         "keywords": ["k"], "categories": ["c"], "rust_version": "1.88",
         "dependencies": [
           {"name": "b", "req": "^0.1.0", "kind": null, "path": "/w/b"},
           {"name": "serde", "req": "^1", "kind": null},
           {"name": "b", "req": "^0.1.0", "kind": "dev", "path": "/w/b"}
         ],
         "targets": [{"name": "a", "kind": ["lib"], "src_path": "/w/a/src/lib.rs"},
                     {"name": "speed", "kind": ["bench"], "src_path": "/w/a/benches/speed.rs"}]},
        {"name": "b", "version": "0.1.0", "manifest_path": "/w/b/Cargo.toml", "publish": [],
         "dependencies": [], "targets": []}
      ],
      "workspace_root": "/w", "target_directory": "/w/target"
    }"#;

    #[test]
    fn parses_members_dependencies_and_targets() {
        let ws = Workspace::parse(SAMPLE).unwrap();
        assert_eq!(ws.root, PathBuf::from("/w"));
        let a = ws.package("a").unwrap();
        assert!(a.publishable);
        assert!(!ws.package("b").unwrap().publishable);
        assert_eq!(a.rust_version.as_deref(), Some("1.88"));
        let internal: Vec<DepKind> = ws.internal_deps(a).map(|dep| dep.kind).collect();
        assert_eq!(internal, [DepKind::Normal, DepKind::Dev]);
        assert!(a.targets[1].is("bench"));
    }

    #[test]
    fn rejects_output_without_packages() {
        let err = Workspace::parse(r#"{"workspace_root": "/w"}"#).unwrap_err();
        assert!(err.contains("packages"), "{err}");
    }
}
