//! `cargo xtask release plan`: what a release would publish, in which order, and what changed since the last tag.

use std::path::Path;

use crate::metadata::{DepKind, Package, Workspace};
use crate::process;

/// The publishable members in an order where every crate comes after the workspace crates it depends on (of any
/// kind: crates.io wants dev-dependencies that carry a version to exist too). Ties keep cargo's member order.
pub fn publish_order(workspace: &Workspace) -> Result<Vec<&Package>, String> {
    let publishable: Vec<&Package> = workspace
        .packages
        .iter()
        .filter(|p| p.publishable)
        .collect();
    for package in &publishable {
        for dep in workspace.internal_deps(package) {
            let target_publishable = workspace.package(&dep.name).is_some_and(|p| p.publishable);
            if !target_publishable && dep.kind != DepKind::Dev {
                return Err(format!(
                    "{} depends on {}, which has `publish = false`, so it cannot be published",
                    package.name, dep.name
                ));
            }
        }
    }
    let mut ordered: Vec<&Package> = Vec::with_capacity(publishable.len());
    while ordered.len() < publishable.len() {
        let ready = publishable.iter().find(|package| {
            !ordered.iter().any(|done| done.name == package.name)
                && workspace.internal_deps(package).all(|dep| {
                    dep.name == package.name
                        || ordered.iter().any(|done| done.name == dep.name)
                        || !publishable.iter().any(|p| p.name == dep.name)
                })
        });
        match ready {
            Some(package) => ordered.push(package),
            None => {
                let stuck: Vec<&str> = publishable
                    .iter()
                    .filter(|p| !ordered.iter().any(|done| done.name == p.name))
                    .map(|p| p.name.as_str())
                    .collect();
                return Err(format!(
                    "workspace crates depend on each other in a cycle: {}",
                    stuck.join(", ")
                ));
            }
        }
    }
    Ok(ordered)
}

/// The most recent tag reachable from HEAD, if any.
pub fn last_tag(root: &Path) -> Option<String> {
    process::output(process::git(root).args(["describe", "--tags", "--abbrev=0"]))
        .ok()
        .map(|tag| tag.trim().to_owned())
        .filter(|tag| !tag.is_empty())
}

/// One line per commit since `tag` (every commit when there is none), newest first.
pub fn commits_since(root: &Path, tag: Option<&str>) -> Result<Vec<String>, String> {
    let mut command = process::git(root);
    command.args(["log", "--oneline", "--no-decorate"]);
    if let Some(tag) = tag {
        command.arg(format!("{tag}..HEAD"));
    }
    Ok(process::output(&mut command)?
        .lines()
        .map(str::to_owned)
        .collect())
}

/// `cargo xtask release plan`.
pub fn run(root: &Path) -> Result<(), String> {
    let workspace = Workspace::load(root)?;
    let order = publish_order(&workspace)?;
    println!("publish order:");
    for (at, package) in order.iter().enumerate() {
        println!("  {}. {} {}", at + 1, package.name, package.version);
    }
    let held_back: Vec<&str> = workspace
        .packages
        .iter()
        .filter(|p| !p.publishable)
        .map(|p| p.name.as_str())
        .collect();
    if !held_back.is_empty() {
        println!("not published (publish = false): {}", held_back.join(", "));
    }
    let tag = last_tag(root);
    let commits = commits_since(root, tag.as_deref())?;
    match &tag {
        Some(tag) => println!("{} commit(s) since {tag}:", commits.len()),
        None => println!("no tag yet; {} commit(s) in all:", commits.len()),
    }
    for commit in commits {
        println!("  {commit}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::metadata::Dependency;

    fn package(name: &str, publishable: bool, deps: &[(&str, DepKind)]) -> Package {
        Package {
            name: name.to_owned(),
            version: "0.1.0".to_owned(),
            publishable,
            dependencies: deps
                .iter()
                .map(|(to, kind)| Dependency {
                    name: (*to).to_owned(),
                    kind: *kind,
                    req: "^0.1.0".to_owned(),
                    path: Some(PathBuf::from(to)),
                })
                .collect(),
            ..Package::default()
        }
    }

    fn names(workspace: &Workspace) -> Vec<&str> {
        publish_order(workspace)
            .unwrap()
            .into_iter()
            .map(|p| p.name.as_str())
            .collect()
    }

    fn workspace(packages: Vec<Package>) -> Workspace {
        Workspace {
            root: PathBuf::from("/w"),
            target_dir: PathBuf::from("/w/target"),
            packages,
        }
    }

    #[test]
    fn dependencies_come_first_and_unpublishable_crates_are_left_out() {
        use DepKind::{Dev, Normal};
        let ws = workspace(vec![
            package("cli", true, &[("client", Normal), ("fake", Normal)]),
            package(
                "client",
                true,
                &[("model", Normal), ("transport", Normal), ("fake", Dev)],
            ),
            package("fake", true, &[("model", Normal), ("transport", Normal)]),
            package("transport", true, &[]),
            package("model", true, &[]),
            package("xtask", false, &[("client", Normal)]),
        ]);
        assert_eq!(names(&ws), ["transport", "model", "fake", "client", "cli"]);
    }

    #[test]
    fn this_workspace_has_an_order_with_the_client_after_its_layers() {
        let ws = Workspace::load(&crate::project_root()).unwrap();
        let order = names(&ws);
        let at = |name: &str| order.iter().position(|n| *n == name).unwrap();
        assert!(!order.contains(&"xtask"));
        assert!(at("intune-osimages-model") < at("intune-osimages-validate"));
        assert!(at("intune-osimages-transport") < at("intune-osimages-http"));
        assert!(at("intune-osimages-fake") < at("intune-osimages"));
        assert!(at("intune-osimages") < at("intune-osimages-cli"));
    }

    #[test]
    fn a_cycle_or_a_dependency_on_an_unpublishable_crate_is_an_error() {
        let cycle = workspace(vec![
            package("a", true, &[("b", DepKind::Normal)]),
            package("b", true, &[("a", DepKind::Dev)]),
        ]);
        assert!(publish_order(&cycle).unwrap_err().contains("cycle: a, b"));
        let hidden = workspace(vec![
            package("a", true, &[("b", DepKind::Normal)]),
            package("b", false, &[]),
        ]);
        assert!(
            publish_order(&hidden)
                .unwrap_err()
                .contains("a depends on b")
        );
    }

    #[test]
    fn commits_are_listed_from_git() {
        let root = crate::project_root();
        let all = commits_since(&root, None).unwrap();
        assert!(!all.is_empty(), "the repository has commits");
        assert!(
            all.iter().all(|line| line.split_once(' ').is_some()),
            "{all:?}"
        );
    }
}
