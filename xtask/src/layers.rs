//! The layer rules of DESIGN.md as data, and a checker over `cargo metadata`.
//!
//! One table for every kind of dependency. Normal and build dependencies may use exactly the crates a layer lists. A
//! dev-dependency may point down too but never up or sideways; since each layer's list already holds everything below
//! it (the table is transitively closed, which a test asserts), "down" is the same list.

use std::fmt;

use crate::metadata::{DepKind, Workspace};

/// One workspace crate and the workspace crates it may depend on.
#[derive(Debug, Clone, Copy)]
pub struct Layer {
    /// The short name used in DESIGN.md (`model`, `client`, ...).
    pub short: &'static str,
    /// The package name in Cargo.toml.
    pub package: &'static str,
    /// The short names of the crates it may depend on.
    pub may_use: &'static [&'static str],
}

/// DESIGN.md's layers, bottom up.
pub const LAYERS: &[Layer] = &[
    Layer {
        short: "model",
        package: "intune-osimages-model",
        may_use: &[],
    },
    Layer {
        short: "validate",
        package: "intune-osimages-validate",
        may_use: &["model"],
    },
    Layer {
        short: "transport",
        package: "intune-osimages-transport",
        may_use: &[],
    },
    Layer {
        short: "http",
        package: "intune-osimages-http",
        may_use: &["transport"],
    },
    Layer {
        short: "fake",
        package: "intune-osimages-fake",
        may_use: &["transport", "model", "validate"],
    },
    Layer {
        short: "client",
        package: "intune-osimages",
        may_use: &["model", "validate", "transport", "http", "fake"],
    },
    // The HTTP shell of the fake: beside the client, never on top of it, so a test suite that starts it in process
    // gets no HTTP client stack.
    Layer {
        short: "emulator",
        package: "intune-osimages-emulator",
        may_use: &["transport", "model", "validate", "fake"],
    },
    Layer {
        short: "cli",
        package: "intune-osimages-cli",
        may_use: &[
            "model",
            "validate",
            "transport",
            "http",
            "fake",
            "client",
            "emulator",
        ],
    },
    // Tooling at the very top, imported by nothing: the load generators behind `cargo xtask bench` drive the client.
    Layer {
        short: "loadgen",
        package: "intune-osimages-loadgen",
        may_use: &[
            "model",
            "validate",
            "transport",
            "http",
            "fake",
            "client",
            "emulator",
        ],
    },
    Layer {
        short: "xtask",
        package: "xtask",
        may_use: &[
            "model",
            "validate",
            "transport",
            "http",
            "fake",
            "client",
            "emulator",
        ],
    },
];

/// The crates that are not libraries for others: binaries and tooling.
const NOT_IMPORTED: [&str; 3] = ["cli", "loadgen", "xtask"];

/// A workspace dependency that the layer rules forbid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The depending package.
    pub from: String,
    /// The depended-on package.
    pub to: String,
    /// The section it is declared in.
    pub kind: DepKind,
    /// The rule it breaks, in words.
    pub rule: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            DepKind::Normal => "dependency",
            DepKind::Dev => "dev-dependency",
            DepKind::Build => "build-dependency",
        };
        write!(
            f,
            "{} -> {} ({kind}) breaks the rule: {}",
            self.from, self.to, self.rule
        )
    }
}

fn layer_of_package(package: &str) -> Option<&'static Layer> {
    LAYERS.iter().find(|layer| layer.package == package)
}

fn layer(short: &str) -> Option<&'static Layer> {
    LAYERS.iter().find(|layer| layer.short == short)
}

/// The rule of `layer`, in words.
pub fn rule_text(layer: &Layer) -> String {
    match layer.may_use {
        [] => format!("`{}` imports no workspace crate", layer.short),
        allowed => format!("`{}` imports only {}", layer.short, allowed.join(", ")),
    }
}

/// Every dependency between workspace crates that the layer rules forbid, and every member missing from the table.
pub fn check_layers(workspace: &Workspace) -> Vec<Violation> {
    let mut violations = Vec::new();
    for package in &workspace.packages {
        let Some(from) = layer_of_package(&package.name) else {
            violations.push(Violation {
                from: package.name.clone(),
                to: String::new(),
                kind: DepKind::Normal,
                rule: format!(
                    "every workspace crate has a row in LAYERS (xtask/src/layers.rs); `{}` has none",
                    package.name
                ),
            });
            continue;
        };
        for dep in workspace.internal_deps(package) {
            let rule = match layer_of_package(&dep.name) {
                None => format!(
                    "`{}` is not in LAYERS, so no crate may depend on it",
                    dep.name
                ),
                Some(to) if NOT_IMPORTED.contains(&to.short) => {
                    format!("nothing imports `{}`", to.short)
                }
                Some(to) if from.may_use.contains(&to.short) => continue,
                Some(_) => rule_text(from),
            };
            violations.push(Violation {
                from: package.name.clone(),
                to: dep.name.clone(),
                kind: dep.kind,
                rule,
            });
        }
    }
    violations
}

/// Layers whose list misses something that a crate on their list may use (the table must be closed).
pub fn unclosed_layers() -> Vec<String> {
    let mut problems = Vec::new();
    for upper in LAYERS {
        for short in upper.may_use {
            match layer(short) {
                None => problems.push(format!("`{}` lists unknown layer `{short}`", upper.short)),
                Some(lower) => {
                    for below in lower.may_use {
                        if !upper.may_use.contains(below) {
                            problems.push(format!(
                                "`{}` may use `{short}`, which may use `{below}`, but `{}` may not",
                                upper.short, upper.short
                            ));
                        }
                    }
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::metadata::{Dependency, Package};

    fn package(name: &str, deps: &[(&str, DepKind)]) -> Package {
        Package {
            name: name.to_owned(),
            version: "0.1.0".to_owned(),
            manifest_path: PathBuf::from(format!("/w/{name}/Cargo.toml")),
            publishable: true,
            dependencies: deps
                .iter()
                .map(|(to, kind)| Dependency {
                    name: (*to).to_owned(),
                    kind: *kind,
                    req: "^0.1.0".to_owned(),
                    path: Some(PathBuf::from(format!("/w/{to}"))),
                })
                .collect(),
            ..Package::default()
        }
    }

    fn workspace(packages: Vec<Package>) -> Workspace {
        Workspace {
            root: PathBuf::from("/w"),
            target_dir: PathBuf::from("/w/target"),
            packages,
        }
    }

    /// The graph DESIGN.md draws, dev-dependency of client on fake included.
    fn legal_graph() -> Vec<Package> {
        use DepKind::{Dev, Normal};
        vec![
            package("intune-osimages-model", &[]),
            package(
                "intune-osimages-validate",
                &[("intune-osimages-model", Normal)],
            ),
            package("intune-osimages-transport", &[]),
            package(
                "intune-osimages-http",
                &[("intune-osimages-transport", Normal)],
            ),
            package(
                "intune-osimages-fake",
                &[
                    ("intune-osimages-model", Normal),
                    ("intune-osimages-validate", Normal),
                    ("intune-osimages-transport", Normal),
                ],
            ),
            package(
                "intune-osimages",
                &[
                    ("intune-osimages-model", Normal),
                    ("intune-osimages-http", Normal),
                    ("intune-osimages-fake", Dev),
                ],
            ),
            package(
                "intune-osimages-emulator",
                &[
                    ("intune-osimages-fake", Normal),
                    ("intune-osimages-validate", Normal),
                ],
            ),
            package(
                "intune-osimages-cli",
                &[
                    ("intune-osimages", Normal),
                    ("intune-osimages-fake", Normal),
                    ("intune-osimages-emulator", Normal),
                ],
            ),
            package("xtask", &[]),
        ]
    }

    #[test]
    fn the_designed_graph_passes() {
        assert_eq!(check_layers(&workspace(legal_graph())), []);
    }

    #[test]
    fn model_importing_http_breaks_the_model_rule() {
        let mut packages = legal_graph();
        packages[0] = package(
            "intune-osimages-model",
            &[("intune-osimages-http", DepKind::Normal)],
        );
        let violations = check_layers(&workspace(packages));
        assert_eq!(violations.len(), 1);
        assert_eq!(violations[0].from, "intune-osimages-model");
        assert_eq!(violations[0].to, "intune-osimages-http");
        assert_eq!(violations[0].rule, "`model` imports no workspace crate");
        assert_eq!(
            violations[0].to_string(),
            "intune-osimages-model -> intune-osimages-http (dependency) breaks the rule: \
             `model` imports no workspace crate"
        );
    }

    #[test]
    fn a_dev_dependency_pointing_up_is_a_violation() {
        let mut packages = legal_graph();
        packages[4] = package("intune-osimages-fake", &[("intune-osimages", DepKind::Dev)]);
        let violations = check_layers(&workspace(packages));
        assert_eq!(violations.len(), 1);
        assert_eq!(violations[0].kind, DepKind::Dev);
        assert_eq!(
            violations[0].rule,
            "`fake` imports only transport, model, validate"
        );
    }

    #[test]
    fn transport_importing_model_and_validate_importing_transport_are_violations() {
        let mut packages = legal_graph();
        packages[2] = package(
            "intune-osimages-transport",
            &[("intune-osimages-model", DepKind::Build)],
        );
        packages[1] = package(
            "intune-osimages-validate",
            &[("intune-osimages-transport", DepKind::Normal)],
        );
        let rules: Vec<String> = check_layers(&workspace(packages))
            .into_iter()
            .map(|v| v.rule)
            .collect();
        assert_eq!(
            rules,
            [
                "`validate` imports only model",
                "`transport` imports no workspace crate"
            ]
        );
    }

    #[test]
    fn nothing_imports_cli_or_xtask() {
        let mut packages = legal_graph();
        packages[5] = package(
            "intune-osimages",
            &[
                ("intune-osimages-cli", DepKind::Dev),
                ("xtask", DepKind::Normal),
            ],
        );
        let rules: Vec<String> = check_layers(&workspace(packages))
            .into_iter()
            .map(|v| v.rule)
            .collect();
        assert_eq!(rules, ["nothing imports `cli`", "nothing imports `xtask`"]);
    }

    #[test]
    fn the_emulator_may_not_import_the_client_or_http_even_in_tests() {
        let mut packages = legal_graph();
        packages[6] = package(
            "intune-osimages-emulator",
            &[
                ("intune-osimages", DepKind::Dev),
                ("intune-osimages-http", DepKind::Normal),
            ],
        );
        let rules: Vec<String> = check_layers(&workspace(packages))
            .into_iter()
            .map(|v| v.rule)
            .collect();
        assert_eq!(
            rules,
            [
                "`emulator` imports only transport, model, validate, fake",
                "`emulator` imports only transport, model, validate, fake"
            ]
        );
    }

    #[test]
    fn a_crate_missing_from_the_table_is_reported() {
        let mut packages = legal_graph();
        packages.push(package("intune-osimages-extra", &[]));
        let violations = check_layers(&workspace(packages));
        assert_eq!(violations.len(), 1);
        assert!(
            violations[0].rule.contains("has a row in LAYERS"),
            "{}",
            violations[0].rule
        );
    }

    #[test]
    fn third_party_dependencies_are_ignored() {
        let mut packages = legal_graph();
        packages[0].dependencies.push(Dependency {
            name: "serde".to_owned(),
            kind: DepKind::Normal,
            req: "^1".to_owned(),
            path: None,
        });
        assert_eq!(check_layers(&workspace(packages)), []);
    }

    #[test]
    fn the_table_is_transitively_closed() {
        assert_eq!(unclosed_layers(), Vec::<String>::new());
    }
}
