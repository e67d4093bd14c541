//! The layer rules of DESIGN.md as data, and a checker over `cargo metadata`.
//!
//! One table for every kind of dependency. Normal and build dependencies may use exactly the crates a layer lists. A
//! dev-dependency may point down too but never up or sideways; since each layer's list already holds everything below
//! it (the table is transitively closed, which a test asserts), "down" is the same list.

use crate::metadata::{DepKind, Workspace};

/// One workspace crate: its short name in DESIGN.md, its package name, and the short names of the crates it may use.
pub type Layer = (&'static str, &'static str, &'static [&'static str]);

const BELOW_CLI: &[&str] =
    &["model", "validate", "transport", "http", "fake", "client", "emulator"];

/// DESIGN.md's layers, bottom up.
#[rustfmt::skip]
pub const LAYERS: &[Layer] = &[
    ("model", "intune-osimages-model", &[]),
    ("validate", "intune-osimages-validate", &["model"]),
    ("transport", "intune-osimages-transport", &[]),
    ("http", "intune-osimages-http", &["transport"]),
    ("fake", "intune-osimages-fake", &["transport", "model", "validate"]),
    ("client", "intune-osimages", &["model", "validate", "transport", "http", "fake"]),
    // The HTTP shell of the fake: beside the client, never on top of it, so a test suite that starts it in process
    // gets no HTTP client stack.
    ("emulator", "intune-osimages-emulator", &["transport", "model", "validate", "fake"]),
    ("cli", "intune-osimages-cli", BELOW_CLI),
    // Tooling at the very top, imported by nothing: the load generators behind `cargo xtask bench` drive the client.
    ("loadgen", "intune-osimages-loadgen", BELOW_CLI),
    ("xtask", "xtask", BELOW_CLI),
];

/// The crates that are not libraries for others: binaries and tooling.
const NOT_IMPORTED: [&str; 3] = ["cli", "loadgen", "xtask"];

/// A dependency between two workspace crates: from, to (package names), and its kind.
pub type Edge<'a> = (&'a str, &'a str, DepKind);

/// Every dependency between workspace crates that the layer rules forbid, as `from -> to (kind) breaks the rule:
/// ...`, and every member missing from the table.
pub fn check_layers(workspace: &Workspace) -> Vec<String> {
    let members: Vec<&str> = workspace.packages.iter().map(|p| p.name.as_str()).collect();
    let edges = workspace.packages.iter().flat_map(|package| {
        let deps = workspace.internal_deps(package);
        deps.map(|dep| (package.name.as_str(), dep.name.as_str(), dep.kind))
    });
    check_graph(&members, edges)
}

/// [`check_layers`] over plain names: the members, and the dependencies between them.
fn check_graph<'a>(members: &[&str], edges: impl IntoIterator<Item = Edge<'a>>) -> Vec<String> {
    let layer = |package: &str| LAYERS.iter().find(|layer| layer.1 == package);
    let mut violations: Vec<String> = (members.iter().filter(|name| layer(name).is_none()))
        .map(|name| {
            format!("{name}: every workspace crate has a row in LAYERS (xtask/src/layers.rs); `{name}` has none")
        })
        .collect();
    for (package, dep, kind) in edges {
        let Some((from, _, may_use)) = layer(package) else { continue };
        let rule = match layer(dep) {
            None => format!("`{dep}` is not in LAYERS, so no crate may depend on it"),
            Some((to, ..)) if NOT_IMPORTED.contains(to) => format!("nothing imports `{to}`"),
            Some((to, ..)) if may_use.contains(to) => continue,
            Some(_) if may_use.is_empty() => format!("`{from}` imports no workspace crate"),
            Some(_) => format!("`{from}` imports only {}", may_use.join(", ")),
        };
        let kind = match kind {
            DepKind::Development => "dev-dependency",
            DepKind::Build => "build-dependency",
            _ => "dependency",
        };
        violations.push(format!("{package} -> {dep} ({kind}) breaks the rule: {rule}"));
    }
    violations
}

/// Layers whose list misses something that a crate on their list may use (the table must be closed).
pub fn unclosed_layers() -> Vec<String> {
    let mut problems = Vec::new();
    for (upper, _, may_use) in LAYERS {
        for short in *may_use {
            let Some((_, _, lower)) = LAYERS.iter().find(|layer| layer.0 == *short) else {
                problems.push(format!("`{upper}` lists unknown layer `{short}`"));
                continue;
            };
            for below in lower.iter().filter(|below| !may_use.contains(below)) {
                problems.push(format!(
                    "`{upper}` may use `{short}`, which may use `{below}`, but `{upper}` may not"
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use DepKind::{Build, Development as Dev, Normal};

    type Edges = &'static [(&'static str, DepKind)];
    type Change = (&'static str, Edges);

    /// The graph DESIGN.md draws, by short name, dev-dependency of client on fake included.
    #[rustfmt::skip]
    const LEGAL: &[(&str, Edges)] = &[
        ("model", &[]),
        ("validate", &[("model", Normal)]),
        ("transport", &[]),
        ("http", &[("transport", Normal)]),
        ("fake", &[("model", Normal), ("validate", Normal), ("transport", Normal)]),
        ("client", &[("model", Normal), ("http", Normal), ("fake", Dev)]),
        ("emulator", &[("fake", Normal), ("validate", Normal)]),
        ("cli", &[("client", Normal), ("fake", Normal), ("emulator", Normal)]),
        ("xtask", &[]),
    ];

    /// The package of a short name (a name not in LAYERS stands for itself).
    fn package_name(short: &'static str) -> &'static str {
        LAYERS.iter().find(|layer| layer.0 == short).map_or(short, |layer| layer.1)
    }

    /// The legal graph with the crates `changed` names given those dependencies instead (or added).
    fn check(changed: &[Change]) -> Vec<String> {
        let mut graph: Vec<(&str, Edges)> = LEGAL.to_vec();
        for (short, edges) in changed {
            match graph.iter_mut().find(|(s, _)| s == short) {
                Some(entry) => entry.1 = edges,
                None => graph.push((short, edges)),
            }
        }
        let members: Vec<&str> = graph.iter().map(|(short, _)| package_name(short)).collect();
        let edges = graph.iter().flat_map(|(from, edges)| {
            edges.iter().map(|(to, kind)| (package_name(from), package_name(to), *kind))
        });
        check_graph(&members, edges)
    }

    #[test]
    fn each_forbidden_dependency_breaks_the_rule_it_names() {
        #[rustfmt::skip]
        let cases: &[(&[Change], &[&str])] = &[
            (&[], &[]),
            (&[("model", &[("http", Normal)])], &["`model` imports no workspace crate"]),
            // A dev-dependency pointing up.
            (&[("fake", &[("client", Dev)])], &["`fake` imports only transport, model, validate"]),
            (&[("transport", &[("model", Build)]), ("validate", &[("transport", Normal)])],
             &["`validate` imports only model", "`transport` imports no workspace crate"]),
            (&[("client", &[("cli", Dev), ("xtask", Normal)])], &["nothing imports `cli`", "nothing imports `xtask`"]),
            // The emulator may not import the client or http, even in tests.
            (&[("emulator", &[("client", Dev), ("http", Normal)])],
             &["`emulator` imports only transport, model, validate, fake"; 2]),
            (&[("intune-osimages-extra", &[])],
             &["intune-osimages-extra: every workspace crate has a row in LAYERS (xtask/src/layers.rs); `intune-osimages-extra` has none"]),
        ];
        for (changed, rules) in cases {
            let found = check(changed);
            let found: Vec<&str> = found
                .iter()
                .map(|v| v.split_once("breaks the rule: ").map_or(v.as_str(), |(_, rule)| rule))
                .collect();
            assert_eq!(found, *rules, "{changed:?}");
        }
        assert_eq!(
            check(&[("fake", &[("client", Dev)])]),
            ["intune-osimages-fake -> intune-osimages (dev-dependency) breaks the rule: \
             `fake` imports only transport, model, validate"]
        );
        assert_eq!(
            check(&[("model", &[("http", Normal)])]),
            ["intune-osimages-model -> intune-osimages-http (dependency) breaks the rule: \
             `model` imports no workspace crate"]
        );
    }

    #[test]
    fn the_table_is_transitively_closed() {
        assert_eq!(unclosed_layers(), Vec::<String>::new());
    }
}
