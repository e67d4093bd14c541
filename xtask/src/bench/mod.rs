//! `cargo xtask bench`: a release build, every measurement in order, and one side-by-side table on stdout and in
//! `target/bench-report.md`.
//!
//! Extending it:
//! - a new criterion bench in any crate is picked up as it is; give it the id a row of `rows.rs` names;
//! - a `bench-*` binary in any crate is run from the release build and prints JSON result lines (`json_lines.rs`);
//! - a measurement written here (a load generator, a process timing) is a module with a type implementing
//!   [`Measurement`], added to [`measurements`]; it pushes [`Sample`]s whose ids rows of `rows.rs`
//!   name.

mod binaries;
mod criterion;
mod json_lines;
mod loadgen;
mod report;
mod rows;
mod sample;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::metadata::Workspace;
use crate::process;
use sample::Sample;

/// What every measurement may use.
pub struct BenchContext<'a> {
    /// The workspace root.
    pub root: &'a Path,
    /// The workspace as `cargo metadata` describes it.
    pub workspace: &'a Workspace,
}

impl BenchContext<'_> {
    /// The path of a binary of the release build.
    pub fn release_binary(&self, name: &str) -> PathBuf {
        self.workspace
            .target_dir
            .join("release")
            .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
    }
}

/// What the measurements of one run produced.
#[derive(Debug, Default)]
pub struct Results {
    samples: Vec<Sample>,
    failures: Vec<String>,
}

impl Results {
    /// Records that part of a measurement failed; the run goes on and the report lists it.
    pub fn fail(&mut self, reason: String) {
        self.failures.push(reason);
    }

    /// Records what a bench program produced: its samples, or why it failed (also when it printed no result).
    pub fn record(&mut self, program: &str, outcome: Result<Vec<Sample>, String>) {
        match outcome {
            Ok(samples) if samples.is_empty() => {
                self.fail(format!("`{program}` printed no result line"))
            }
            Ok(samples) => self.samples.extend(samples),
            Err(err) => self.fail(format!("`{program}`: {err}")),
        }
    }
}

/// One kind of measurement of `cargo xtask bench`.
pub trait Measurement {
    /// Its name in the log and in failure messages.
    fn name(&self) -> &'static str;
    /// Measures and pushes samples into `results`; an `Err` means the whole measurement failed.
    fn run(&self, ctx: &BenchContext<'_>, results: &mut Results) -> Result<(), String>;
}

/// Every measurement, in the order they run. Add new measurement modules here.
fn measurements() -> Vec<Box<dyn Measurement>> {
    vec![
        Box::new(criterion::CriterionBenches),
        Box::new(binaries::BenchBinaries),
        Box::new(loadgen::Loadgen),
    ]
}

/// Runs `command` with its stdout captured (stderr passes through), stopping it after `limit`.
pub fn run_bounded(command: &mut Command, limit: Duration) -> Result<String, String> {
    let described = process::describe(command);
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("could not start `{described}`: {err}"))?;
    // Read stdout on a thread so a chatty child cannot block on a full pipe while we wait.
    let mut stdout = child.stdout.take().ok_or("no stdout pipe")?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{described}` ran longer than {}s and was stopped",
                    limit.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(err) => return Err(format!("waiting for `{described}`: {err}")),
        }
    };
    let text = reader
        .join()
        .map_err(|_| "stdout reader panicked".to_owned())?;
    if status.success() {
        Ok(text)
    } else {
        Err(format!("`{described}` failed ({status})"))
    }
}

fn environment(root: &Path) -> report::Environment {
    let cores = process::output(&mut Command::new("nproc"))
        .ok()
        .and_then(|out| out.trim().parse().ok())
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1);
    let rustc = process::output(Command::new("rustc").arg("-V").current_dir(root))
        .map_or_else(|_| "rustc ?".to_owned(), |out| out.trim().to_owned());
    let commit = process::output(process::git(root).args(["rev-parse", "--short", "HEAD"]))
        .map_or_else(|_| "?".to_owned(), |out| out.trim().to_owned());
    report::Environment {
        cores,
        rustc,
        commit,
        date: chrono::Utc::now().date_naive().to_string(),
    }
}

/// `cargo xtask bench`.
pub fn run(root: &Path) -> Result<(), String> {
    let workspace = Workspace::load(root)?;
    println!("==> release build");
    process::run(process::cargo(root).args([
        "build",
        "--release",
        "--workspace",
        "--exclude",
        "xtask",
    ]))?;

    let ctx = BenchContext {
        root,
        workspace: &workspace,
    };
    let mut results = Results::default();
    for measurement in measurements() {
        println!("==> {}", measurement.name());
        if let Err(err) = measurement.run(&ctx, &mut results) {
            results.fail(format!("{}: {err}", measurement.name()));
        }
    }

    let text = report::render(
        rows::ROWS,
        &results.samples,
        &results.failures,
        &environment(root),
    );
    println!("\n{text}");
    let path = workspace.target_dir.join("bench-report.md");
    std::fs::write(&path, &text)
        .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    println!("written to {}", path.display());
    if results.failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} measurement(s) failed; see the report",
            results.failures.len()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounded_run_returns_stdout_or_stops_the_child() {
        let out = run_bounded(
            Command::new("echo").arg("BENCH a 1 ns"),
            Duration::from_secs(30),
        )
        .unwrap();
        assert_eq!(out, "BENCH a 1 ns\n");
        let err =
            run_bounded(Command::new("sleep").arg("30"), Duration::from_millis(200)).unwrap_err();
        assert!(err.contains("was stopped"), "{err}");
        let err = run_bounded(&mut Command::new("false"), Duration::from_secs(30)).unwrap_err();
        assert!(err.contains("failed"), "{err}");
    }
}
