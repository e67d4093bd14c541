//! `cargo xtask ci`: the one command that decides whether a change is green. `.ci/run` and the README call it.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::metadata::Workspace;
use crate::process::describe;
use crate::{packaged, release, tools};

/// One command of the ci run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Short name printed in the log and in the failure message.
    pub name: &'static str,
    /// The program to start (for cargo steps, the cargo that runs this xtask).
    pub program: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// Extra environment variables for this step only.
    pub env: Vec<(String, String)>,
}

impl Step {
    /// A step that runs `program args..` with no extra environment.
    pub fn new(name: &'static str, program: &str, args: &[&str]) -> Step {
        Step {
            name,
            program: program.to_owned(),
            args: args.iter().map(|arg| (*arg).to_owned()).collect(),
            env: Vec::new(),
        }
    }

    /// The same step with one more environment variable.
    pub fn with_env(mut self, key: &str, value: &str) -> Step {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    fn command(&self, cwd: &Path) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args).current_dir(cwd);
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }
}

/// Why a ci run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFailed {
    /// The name of the step that failed.
    pub step: &'static str,
    /// What went wrong: its exit status, or why it could not start.
    pub reason: String,
}

/// The ci steps, in order. The repository checks are `#[test]`s of xtask, so the `test` step runs them.
pub fn ci_steps() -> Vec<Step> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // Incremental artifacts only cost time and disk on a cold machine; respect a caller who chose otherwise.
    let incremental = std::env::var("CARGO_INCREMENTAL").unwrap_or_else(|_| "0".to_owned());
    let steps = vec![
        Step::new("fmt", &cargo, &["fmt", "--all", "--", "--check"]),
        Step::new(
            "clippy",
            &cargo,
            &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"],
        ),
        Step::new("test", &cargo, &["test", "--workspace", "--locked"]),
        // As docs.rs builds it: every feature, `--cfg docsrs` for the `doc(cfg)` badges. docs.rs uses a nightly
        // rustdoc; RUSTC_BOOTSTRAP lets the pinned stable one accept `feature(doc_cfg)` in the same way.
        Step::new(
            "doc",
            &cargo,
            &["doc", "--workspace", "--no-deps", "--all-features", "--locked"],
        )
        .with_env("RUSTDOCFLAGS", "--cfg docsrs -D warnings")
        .with_env("RUSTC_BOOTSTRAP", "1"),
        // The advisory database cannot be fetched here; `cargo xtask release publish` checks it (docs/release.md).
        Step::new("deny", &cargo, &["deny", "--offline", "check", "licenses", "bans", "sources"]),
    ];
    steps.into_iter().map(|step| step.with_env("CARGO_INCREMENTAL", &incremental)).collect()
}

/// Runs `steps` in order in `cwd`, logging each with its duration; stops at the first failure.
pub fn run_steps(
    steps: &[Step],
    cwd: &Path,
    log: &mut dyn Write,
) -> Result<Vec<(&'static str, Duration)>, StepFailed> {
    let mut timings = Vec::with_capacity(steps.len());
    for step in steps {
        let mut command = step.command(cwd);
        // Log write failures must not hide the real result, so they are ignored here and below.
        let _ = writeln!(log, "==> {}: {}", step.name, describe(&command));
        let _ = log.flush();
        let started = Instant::now();
        let status = command.status().map_err(|err| StepFailed {
            step: step.name,
            reason: format!("could not start `{}`: {err}", step.program),
        })?;
        let elapsed = started.elapsed();
        if !status.success() {
            let _ = writeln!(log, "<== {}: FAILED after {}", step.name, seconds(elapsed));
            return Err(StepFailed { step: step.name, reason: status.to_string() });
        }
        let _ = writeln!(log, "<== {}: ok in {}", step.name, seconds(elapsed));
        timings.push((step.name, elapsed));
    }
    Ok(timings)
}

/// `cargo xtask ci`.
pub fn run(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    // cargo-semver-checks is installed by the semver guard itself, when there is a release to compare with.
    tools::CARGO_DENY.ensure(root)?;
    let mut stdout = std::io::stdout();
    let mut timings = run_steps(&ci_steps(), root, &mut stdout)
        .map_err(|failed| format!("ci failed at step `{}`: {}", failed.step, failed.reason))?;

    println!("==> packaged: every published crate tested from its unpacked .crate");
    let step = Instant::now();
    let workspace = Workspace::load(root)?;
    packaged::run(&workspace).map_err(|err| format!("ci failed at step `packaged`: {err}"))?;
    timings.push(("packaged", step.elapsed()));

    let step = Instant::now();
    match release::last_release(root)? {
        Some((tag, _)) => {
            println!("==> semver: the public API against {tag}");
            release::semver_guard(root, &tag)
                .map_err(|err| format!("ci failed at step `semver`: {err}"))?;
        }
        None => println!("==> semver: no release tag yet, nothing to compare with"),
    }
    timings.push(("semver", step.elapsed()));

    println!("ci passed in {}:", seconds(started.elapsed()));
    for (name, elapsed) in timings {
        println!("  {name:<9} {}", seconds(elapsed));
    }
    Ok(())
}

fn seconds(duration: Duration) -> String {
    format!("{:.1}s", duration.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steps_are_fmt_clippy_test_doc_with_warnings_denied() {
        let steps = ci_steps();
        let names: Vec<&str> = steps.iter().map(|step| step.name).collect();
        assert_eq!(names, ["fmt", "clippy", "test", "doc", "deny"]);
        let clippy = &steps[1];
        assert!(clippy.args.ends_with(&["-D".to_owned(), "warnings".to_owned()]));
        assert!(clippy.args.contains(&"--all-targets".to_owned()));
        let doc = &steps[3];
        assert!(
            doc.env.contains(&("RUSTDOCFLAGS".to_owned(), "--cfg docsrs -D warnings".to_owned()))
        );
        assert!(doc.args.contains(&"--all-features".to_owned()));
        let deny = &steps[4];
        assert_eq!(deny.args[1..], ["--offline", "check", "licenses", "bans", "sources"]);
        for step in &steps[1..4] {
            assert!(
                step.args.contains(&"--workspace".to_owned()),
                "{} covers the workspace",
                step.name
            );
            assert!(step.args.contains(&"--locked".to_owned()), "{} uses the lock file", step.name);
        }
    }

    #[test]
    fn a_failing_step_fails_the_run_and_later_steps_do_not_run() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("ran");
        let marker_arg = marker.to_string_lossy().into_owned();
        let steps = [
            Step::new("first", "true", &[]),
            Step::new("broken", "false", &[]),
            Step::new("later", "touch", &[&marker_arg]),
        ];
        let mut log = Vec::new();
        let failed = run_steps(&steps, dir.path(), &mut log).unwrap_err();
        assert_eq!(failed.step, "broken");
        assert!(!marker.exists(), "a step after the failure ran");
        let log = String::from_utf8(log).unwrap();
        assert!(log.contains("<== first: ok in"), "{log}");
        assert!(log.contains("<== broken: FAILED"), "{log}");
    }

    #[test]
    fn all_passing_steps_report_each_duration() {
        let dir = tempfile::tempdir().unwrap();
        let steps = [Step::new("a", "true", &[]), Step::new("b", "true", &[])];
        let timings = run_steps(&steps, dir.path(), &mut Vec::new()).unwrap();
        let names: Vec<&str> = timings.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn a_step_that_cannot_start_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let steps = [Step::new("ghost", "xtask-no-such-program", &[])];
        let failed = run_steps(&steps, dir.path(), &mut Vec::new()).unwrap_err();
        assert_eq!(failed.step, "ghost");
        assert!(failed.reason.contains("could not start"), "{}", failed.reason);
    }

    /// The real `fmt` step, run on a crate whose code is badly formatted, fails the run.
    #[test]
    fn the_fmt_step_fails_on_badly_formatted_code() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"badly-formatted\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "pub fn f( )->u8{1}\n").unwrap();
        let fmt: Vec<Step> = ci_steps().into_iter().filter(|step| step.name == "fmt").collect();
        let failed = run_steps(&fmt, dir.path(), &mut Vec::new()).unwrap_err();
        assert_eq!(failed.step, "fmt");

        // The same crate, formatted, passes: the failure above is about formatting, not the setup.
        std::fs::write(dir.path().join("src/lib.rs"), "pub fn f() -> u8 {\n    1\n}\n").unwrap();
        run_steps(&fmt, dir.path(), &mut Vec::new()).unwrap();
    }
    /// The real `deny` step, with this repository's deny.toml, fails on a crate under a licence it does not allow.
    #[test]
    fn the_deny_step_fails_on_a_banned_licence() {
        let root = crate::project_root();
        crate::tools::CARGO_DENY.ensure(&root).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(root.join("deny.toml"), dir.path().join("deny.toml")).unwrap();
        std::fs::create_dir_all(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "//! x\n").unwrap();
        let manifest = |license: &str| {
            format!(
                "[package]\nname = \"licensed\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
                 license = \"{license}\"\n\n[workspace]\n"
            )
        };
        let deny: Vec<Step> = ci_steps().into_iter().filter(|step| step.name == "deny").collect();
        std::fs::write(dir.path().join("Cargo.toml"), manifest("GPL-3.0-only")).unwrap();
        let failed = run_steps(&deny, dir.path(), &mut Vec::new()).unwrap_err();
        assert_eq!(failed.step, "deny");

        std::fs::write(dir.path().join("Cargo.toml"), manifest("MIT OR Apache-2.0")).unwrap();
        run_steps(&deny, dir.path(), &mut Vec::new()).unwrap();
    }
}
