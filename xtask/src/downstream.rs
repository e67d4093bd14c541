//! The check that a crate outside the workspace can implement `Transport` with the transport crate as its only
//! dependency, as the transport crate's README promises: the README's "Implementing a transport" example is
//! compiled as the library of such a crate, so the example and the check cannot drift apart.
//!
//! The example is the `rust` block after [`MARKER`], taken as a reader sees it: rustdoc's hidden `# ` lines (which
//! run the example on Tokio in the doc test) are left out. The crate lives under `target/downstream/`, with the
//! workspace's `Cargo.lock` (the same versions, and nothing to fetch) and its own target dir there, so a repeated
//! run only checks the one file.

use std::path::Path;

use crate::process;

/// The file that shows the example.
const README: &str = "crates/transport/README.md";

/// The comment line that precedes the checked block.
const MARKER: &str = "<!-- checked downstream:";

/// The code of the first `rust` block after [`MARKER`] in `markdown`, without rustdoc's hidden lines.
///
/// A scan for one fence after one marker line in a file we write; a Markdown parser would be a new dependency for
/// what ten lines do.
fn documented_example(markdown: &str) -> Result<String, String> {
    let mut lines = markdown.lines();
    lines
        .by_ref()
        .find(|line| line.trim_start().starts_with(MARKER))
        .ok_or_else(|| format!("{README} has no line starting with `{MARKER}`"))?;
    let fence = lines
        .by_ref()
        .find(|line| !line.trim().is_empty())
        .ok_or_else(|| format!("{README}: nothing follows `{MARKER}`"))?;
    if fence.trim() != "```rust" {
        return Err(format!(
            "{README}: the line after `{MARKER}` should open a ```rust block, not `{fence}`"
        ));
    }
    let mut code = String::new();
    for line in lines {
        if line.trim() == "```" {
            return Ok(code);
        }
        let trimmed = line.trim_start();
        if trimmed == "#" || trimmed.starts_with("# ") {
            continue;
        }
        code.push_str(line);
        code.push('\n');
    }
    Err(format!("{README}: the block after `{MARKER}` is never closed"))
}

/// Writes a crate named `name` with `code` as its `src/lib.rs` and the transport crate as its only dependency under
/// `target/downstream/`, and runs `cargo check --offline` on it; cargo's messages when it fails.
fn check_downstream(root: &Path, name: &str, code: &str) -> Result<(), String> {
    let downstream = root.join("target/downstream");
    let dir = downstream.join(name);
    let transport = root.join("crates/transport");
    // An empty [workspace] makes the crate its own workspace, not a stray member of ours.
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nintune-osimages-transport = {{ path = {} }}\n\n[workspace]\n",
        toml_edit::Value::from(transport.display().to_string())
    );
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
    crate::write_files(
        &dir,
        &[("Cargo.toml", &manifest), ("Cargo.lock", &lock), ("src/lib.rs", code)],
    );
    let mut cargo = process::cargo(&dir);
    cargo
        .args(["check", "--offline", "--quiet", "--target-dir"])
        .arg(downstream.join("target"))
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR");
    process::output(&mut cargo).map(drop)
}

#[test]
fn the_documented_transport_compiles_with_only_the_transport_crate() {
    let root = crate::project_root();
    let readme = std::fs::read_to_string(root.join(README)).unwrap();
    let example = documented_example(&readme).unwrap();
    assert!(example.contains("impl<T: Transport> Transport for Recording<T>"), "{example}");
    if let Err(message) = check_downstream(&root, "downstream-transport", &example) {
        panic!(
            "the example in {README} does not compile with only the transport crate:\n{message}"
        );
    }
}

#[test]
fn the_check_fails_for_code_that_needs_another_crate() {
    let root = crate::project_root();
    let code = "pub fn empty() -> serde_json::Value {\n    serde_json::json!({})\n}\n";
    let message = check_downstream(&root, "downstream-needs-more", code).unwrap_err();
    assert!(message.contains("E0433"), "{message}");
    assert!(message.contains("serde_json"), "{message}");
}

#[test]
fn the_example_is_the_block_after_the_marker_without_hidden_lines() {
    let markdown = "```rust\nfn before() {}\n```\n\n<!-- checked downstream: here -->\n```rust\n\
                    use a::b;\n# fn hidden() {}\n#\n    # let x = 1;\npub fn shown() {}\n```\n```rust\nfn after() {}\n```\n";
    assert_eq!(documented_example(markdown).unwrap(), "use a::b;\npub fn shown() {}\n");

    let error = documented_example("no marker").unwrap_err();
    assert!(error.contains(MARKER), "{error}");
    let error = documented_example("<!-- checked downstream: x -->\ntext\n").unwrap_err();
    assert!(error.contains("should open a ```rust block"), "{error}");
    let error =
        documented_example("<!-- checked downstream: x -->\n```rust\nfn open() {}\n").unwrap_err();
    assert!(error.contains("never closed"), "{error}");
}
