//! `cargo xtask ci`: the one command that decides whether a change is green. `.ci/run` and the README call it.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::metadata::Workspace;
use crate::process::{self, describe};
use crate::{packaged, release};

/// One command of the ci run, named in the log and in the failure message.
pub type Step = (&'static str, Command);

/// Environment variables of a step.
type Env = &'static [(&'static str, &'static str)];

/// The cargo steps of `cargo xtask ci`, in order: name, arguments, environment. The repository checks are
/// `#[test]`s of xtask, so the `test` step runs them.
#[rustfmt::skip]
const STEPS: &[(&str, &[&str], Env)] = &[
    ("fmt", &["fmt", "--all", "--", "--check"], &[]),
    ("clippy", &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"], &[]),
    ("test", &["test", "--workspace", "--locked"], &[]),
    // As docs.rs builds it: every feature, `--cfg docsrs` for the `doc(cfg)` badges. docs.rs uses a nightly
    // rustdoc; RUSTC_BOOTSTRAP lets the pinned stable one accept `feature(doc_cfg)` in the same way.
    ("doc", &["doc", "--workspace", "--no-deps", "--all-features", "--locked"],
     &[("RUSTDOCFLAGS", "--cfg docsrs -D warnings"), ("RUSTC_BOOTSTRAP", "1")]),
    // The advisory database cannot be fetched here; `cargo xtask release publish` checks it (docs/release.md).
    ("deny", &["deny", "--offline", "check", "licenses", "bans", "sources"], &[]),
];

/// [`STEPS`] as commands.
pub fn ci_steps() -> Vec<Step> {
    // Incremental artifacts only cost time and disk on a cold machine; respect a caller who chose otherwise.
    let incremental = std::env::var("CARGO_INCREMENTAL").unwrap_or_else(|_| "0".to_owned());
    let step = |&(name, args, env): &(&'static str, &[&str], Env)| {
        let mut command = process::cargo(Path::new("."));
        command.args(args).envs(env.iter().copied()).env("CARGO_INCREMENTAL", &incremental);
        (name, command)
    };
    STEPS.iter().map(step).collect()
}

/// Runs `steps` in order in `cwd`, logging each with its duration; stops at the first failure, naming the step, its
/// command and exit status (or why it could not start).
pub fn run_steps(
    steps: Vec<Step>,
    cwd: &Path,
    log: &mut dyn Write,
) -> Result<Vec<(&'static str, Duration)>, (&'static str, String)> {
    let mut timings = Vec::new();
    for (name, mut command) in steps {
        // Log write failures must not hide the real result, so they are ignored here and below.
        let _ = writeln!(log, "==> {name}: {}", describe(&command)).and_then(|()| log.flush());
        let started = Instant::now();
        let outcome = process::run(command.current_dir(cwd));
        let verdict = if outcome.is_ok() { "ok in" } else { "FAILED after" };
        let _ = writeln!(log, "<== {name}: {verdict} {}", seconds(started.elapsed()));
        outcome.map_err(|err| (name, err))?;
        timings.push((name, started.elapsed()));
    }
    Ok(timings)
}

/// `cargo xtask ci`.
pub fn run(root: &Path) -> Result<(), String> {
    let started = Instant::now();
    // cargo-semver-checks is installed by the semver guard itself, when there is a release to compare with.
    process::ensure(process::CARGO_DENY, root)?;
    let failed = |step: &str, err: String| format!("ci failed at step `{step}`: {err}");
    let mut timings = run_steps(ci_steps(), root, &mut std::io::stdout())
        .map_err(|(step, err)| failed(step, err))?;

    println!("==> packaged: every published crate tested from its unpacked .crate");
    let step = Instant::now();
    packaged::run(&Workspace::load(root)?).map_err(|err| failed("packaged", err))?;
    timings.push(("packaged", step.elapsed()));

    let step = Instant::now();
    release::semver_guard(root, None).map_err(|err| failed("semver", err))?;
    timings.push(("semver", step.elapsed()));

    println!("ci passed in {}:", seconds(started.elapsed()));
    timings.iter().for_each(|(name, elapsed)| println!("  {name:<9} {}", seconds(*elapsed)));
    Ok(())
}

fn seconds(duration: Duration) -> String {
    format!("{:.1}s", duration.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(name: &str) -> Vec<Step> {
        ci_steps().into_iter().filter(|step| step.0 == name).collect()
    }

    fn step(name: &'static str, program: &str, arguments: &[&str]) -> Step {
        let mut command = Command::new(program);
        command.args(arguments);
        (name, command)
    }

    #[test]
    fn the_steps_are_fmt_clippy_test_doc_deny_with_warnings_denied() {
        let names: Vec<&str> = STEPS.iter().map(|step| step.0).collect();
        assert_eq!(names, ["fmt", "clippy", "test", "doc", "deny"]);
        let (_, clippy, _) = STEPS[1];
        assert!(clippy.ends_with(&["-D", "warnings"]) && clippy.contains(&"--all-targets"));
        let (_, doc, env) = STEPS[3];
        assert!(env.contains(&("RUSTDOCFLAGS", "--cfg docsrs -D warnings")), "{env:?}");
        assert!(doc.contains(&"--all-features"));
        assert_eq!(STEPS[4].1[1..], ["--offline", "check", "licenses", "bans", "sources"]);
        for (name, args, _) in &STEPS[1..4] {
            assert!(args.contains(&"--workspace"), "{name} covers the workspace");
            assert!(args.contains(&"--locked"), "{name} uses the lock file");
        }
        assert_eq!(ci_steps().len(), STEPS.len());
    }

    #[test]
    fn a_failing_step_fails_the_run_and_later_steps_do_not_run_and_passing_ones_are_timed() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("ran");
        let marker_arg = marker.to_string_lossy().into_owned();
        let steps = vec![
            step("first", "true", &[]),
            step("broken", "false", &[]),
            step("later", "touch", &[&marker_arg]),
        ];
        let mut log = Vec::new();
        let (failed, _) = run_steps(steps, dir.path(), &mut log).unwrap_err();
        assert_eq!(failed, "broken");
        assert!(!marker.exists(), "a step after the failure ran");
        let log = String::from_utf8(log).unwrap();
        assert!(log.contains("<== first: ok in") && log.contains("<== broken: FAILED"), "{log}");

        let timings = run_steps(
            vec![step("a", "true", &[]), step("b", "true", &[])],
            dir.path(),
            &mut Vec::new(),
        );
        assert_eq!(timings.unwrap().iter().map(|(name, _)| *name).collect::<Vec<_>>(), ["a", "b"]);
        let steps = vec![step("ghost", "xtask-no-such-program", &[])];
        let (failed, reason) = run_steps(steps, dir.path(), &mut Vec::new()).unwrap_err();
        assert_eq!(failed, "ghost");
        assert!(reason.contains("could not start"), "{reason}");
    }

    /// The real `fmt` and `deny` steps (deny with this repository's deny.toml) fail on a crate that is badly
    /// formatted or under a licence deny.toml does not allow, and pass once that is fixed: the failure is about what
    /// the step checks, not the setup.
    #[test]
    fn the_fmt_and_deny_steps_fail_on_what_they_check() {
        let root = crate::project_root();
        process::ensure(process::CARGO_DENY, &root).unwrap();
        let deny = std::fs::read_to_string(root.join("deny.toml")).unwrap();
        let manifest = |license: &str| {
            format!(
                "[package]\nname = \"checked\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
                 license = \"{license}\"\n\n[workspace]\n"
            )
        };
        let (allowed, banned) = (manifest("MIT OR Apache-2.0"), manifest("GPL-3.0-only"));
        let lib = "//! x\npub fn f() -> u8 {\n    1\n}\n";
        for (step, bad, fixed) in [
            ("fmt", ("src/lib.rs", "//! x\npub fn f( )->u8{1}\n"), ("src/lib.rs", lib)),
            ("deny", ("Cargo.toml", banned.as_str()), ("Cargo.toml", allowed.as_str())),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let files =
                [("Cargo.toml", allowed.as_str()), ("deny.toml", &deny), ("src/lib.rs", lib), bad];
            crate::write_files(dir.path(), &files);
            assert_eq!(run_steps(only(step), dir.path(), &mut Vec::new()).unwrap_err().0, step);
            crate::write_files(dir.path(), &[fixed]);
            run_steps(only(step), dir.path(), &mut Vec::new()).unwrap();
        }
    }
}
