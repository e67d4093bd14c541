//! `cargo xtask ci`'s proof that every published crate stands on its own: each is packaged as crates.io would
//! receive it, unpacked, checked for its licence files and tested there, offline, against the unpacked packages of
//! its workspace siblings (which are not on crates.io, so they are patched in by path).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::metadata::{Package, Workspace};
use crate::process;

/// The licence files every package (and the repository root) must hold, as `license = "MIT OR Apache-2.0"` promises.
pub const LICENCE_FILES: [&str; 2] = ["LICENSE-MIT", "LICENSE-APACHE"];

/// The licence files missing from `dir`, named with `owner`.
pub fn missing_licence_files(dir: &Path, owner: &str) -> Vec<String> {
    let missing = LICENCE_FILES.iter().filter(|file| !dir.join(file).is_file());
    missing.map(|file| format!("{owner}: no {file} in {}", dir.display())).collect()
}

/// Packages, unpacks and tests every publishable member of `workspace`; stops at the first failure, naming it.
pub fn run(workspace: &Workspace) -> Result<(), String> {
    let publishable: Vec<&Package> = workspace.publishable().collect();
    if publishable.is_empty() {
        return Err("no publishable crate in the workspace".to_owned());
    }
    let mut package = process::cargo(&workspace.root);
    package.args(["package", "--no-verify", "--allow-dirty", "--locked"]);
    process::run(package.args(publishable.iter().flat_map(|member| ["-p", &member.name])))?;

    // Inside the workspace's `target/`, which the root manifest excludes from the workspace, so each unpacked
    // package is a workspace of its own, as it is for whoever downloads it.
    let unpacked = workspace.root.join("target/packaged");
    if unpacked.exists() {
        std::fs::remove_dir_all(&unpacked)
            .map_err(|err| format!("cannot clear {}: {err}", unpacked.display()))?;
    }
    std::fs::create_dir_all(&unpacked)
        .map_err(|err| format!("cannot create {}: {err}", unpacked.display()))?;
    let dir = |package: &Package| unpacked.join(format!("{}-{}", package.name, package.version));
    for member in &publishable {
        let archive =
            workspace.target_dir.join(format!("package/{}-{}.crate", member.name, member.version));
        // The system's `tar` reads a .crate (a gzipped tarball) in one step; a decoder crate would add two
        // dependencies for the same.
        process::run(Command::new("tar").arg("-xzf").arg(&archive).arg("-C").arg(&unpacked))?;
        let missing = missing_licence_files(&dir(member), &member.name);
        if !missing.is_empty() {
            return Err(format!("packaged crate without its licence: {}", missing.join("; ")));
        }
    }

    // The workspace's own target directory and profiles (which packaging drops from each manifest), without
    // incremental artifacts: the registry dependencies the `test` step built are reused instead of built again
    // with full debug info. A separate directory with cargo's default profile took 14 GB and ran a CI machine out
    // of disk.
    let profile = profile_config(&workspace.root, &unpacked)?;
    let target = &workspace.target_dir;
    for member in &publishable {
        // Every other published crate, by path: cargo uses those the build reaches and ignores the rest.
        let patches: Vec<String> =
            (publishable.iter().filter(|sibling| sibling.name != member.name))
                .map(|sibling| format!("patch.crates-io.{}.path={:?}", sibling.name, dir(sibling)))
                .collect();
        // `check` first: without the dev-dependencies, so a feature the crate uses but does not name (a tokio
        // feature, say) fails here instead of being lent by a dev-dependency.
        let mut runs = vec![vec!["check"], vec!["test", "--all-targets"]];
        if member.targets.iter().any(|t| t.is_lib()) {
            runs.push(vec!["test", "--doc"]);
        }
        for args in runs {
            let mut test = process::cargo(&dir(member));
            test.args(&args)
                .args(["--all-features", "--offline", "--quiet"])
                .env("CARGO_TARGET_DIR", target)
                .env("CARGO_INCREMENTAL", "0");
            test.args(patches.iter().flat_map(|patch| ["--config", patch]))
                .arg("--config")
                .arg(&profile);
            println!("--> {} {}: {}", member.name, member.version, args.join(" "));
            process::run(&mut test).map_err(|err| {
                let (name, shown) = (&member.name, dir(member).display().to_string());
                format!(
                    "the published {name} does not pass its own tests (unpacked in {shown}): {err}"
                )
            })?;
        }
    }
    Ok(())
}

/// Writes the root manifest's `[profile.*]` tables as a cargo config file in `dir` and returns its path, for
/// `--config`: a package built outside the workspace is then built as it is inside.
fn profile_config(root: &Path, dir: &Path) -> Result<PathBuf, String> {
    let read = std::fs::read_to_string(root.join("Cargo.toml"));
    let text = read.map_err(|err| format!("cannot read {}/Cargo.toml: {err}", root.display()))?;
    let mut config = toml_edit::DocumentMut::new();
    if let Some(profile) = crate::parse_toml(&text, "Cargo.toml")?.remove("profile") {
        config.insert("profile", profile);
    }
    let path = dir.join("profile.toml");
    std::fs::write(&path, config.to_string())
        .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-crate workspace whose test reads the file `include` names; `licences` are the licence files it ships.
    fn workspace(include: &str, licences: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let test = format!(
            "#[test]\nfn reads() {{\n    assert!(!include_str!({include:?}).is_empty());\n}}\n"
        );
        let manifest = "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
                        license = \"MIT OR Apache-2.0\"\ndescription = \"a\"\n";
        crate::write_files(
            dir.path(),
            &[
                (
                    "Cargo.toml",
                    "[workspace]\nresolver = \"3\"\nmembers = [\"a\"]\nexclude = [\"target\"]\n\n\
                     [profile.dev.package.\"*\"]\ndebug = false\n",
                ),
                ("a/Cargo.toml", manifest),
                ("a/src/lib.rs", "//! a\n"),
                ("a/fixture.txt", "inside"),
                ("outside.txt", "outside"),
                ("a/tests/reads.rs", &test),
            ],
        );
        for licence in licences {
            crate::write_files(dir.path(), &[(&format!("a/{licence}"), "licence text")]);
        }
        process::run(process::cargo(dir.path()).args([
            "generate-lockfile",
            "--offline",
            "--quiet",
        ]))
        .unwrap();
        dir
    }

    #[test]
    fn the_profiles_become_a_config_file_and_the_rest_of_the_manifest_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let profiles = "[profile.dev]\ndebug = \"line-tables-only\" # small\n\n\
                        [profile.dev.package.\"*\"]\ndebug = false\n";
        crate::write_files(dir.path(), &[("Cargo.toml", &format!("[workspace]\n\n{profiles}"))]);
        let config = || std::fs::read_to_string(profile_config(dir.path(), dir.path()).unwrap());
        assert_eq!(config().unwrap().trim_start(), profiles);
        crate::write_files(dir.path(), &[("Cargo.toml", "[workspace]\n")]);
        assert_eq!(config().unwrap(), "");
    }

    #[test]
    fn a_package_whose_tests_read_outside_it_or_lacks_a_licence_fails_and_a_self_contained_one_passes()
     {
        let outside = workspace("../../outside.txt", &LICENCE_FILES);
        // The test passes in the workspace, where `../../outside.txt` exists...
        process::run(process::cargo(outside.path()).args(["test", "--quiet", "--offline"]))
            .unwrap();
        // ...but not in the package, which does not hold it.
        let err = run(&Workspace::load(outside.path()).unwrap()).unwrap_err();
        assert!(err.contains("the published a does not pass its own tests"), "{err}");

        let unlicensed = workspace("../fixture.txt", &["LICENSE-MIT"]);
        let err = run(&Workspace::load(unlicensed.path()).unwrap()).unwrap_err();
        assert!(err.contains("without its licence") && err.contains("LICENSE-APACHE"), "{err}");

        let inside = workspace("../fixture.txt", &LICENCE_FILES);
        run(&Workspace::load(inside.path()).unwrap()).unwrap();
    }
}
