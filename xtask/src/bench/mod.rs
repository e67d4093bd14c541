//! `cargo xtask bench`: a release build, every measurement in order, and one side-by-side table on stdout and in
//! `target/bench-report.md`.
//!
//! What is measured (docs/benchmarks.md, "Adding a benchmark"):
//! - every criterion bench of the workspace, read from its documented `--output-format bencher` lines;
//! - every `bench-*` binary of the workspace, and the load generators of `crates/loadgen`
//!   (`intune-osimages-loadgen all`), each printing one JSON object per line: `{"name", "value", "unit", ...}`.
//!
//! A row of `rows.rs` names the ids it reads.

mod report;
mod rows;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use wait_timeout::ChildExt;

use crate::metadata::Workspace;
use crate::process;
use report::{Sample, Unit};

/// Short runs keep the whole `cargo xtask bench` within minutes; criterion still reports its spread.
const CRITERION_ARGS: [&str; 7] =
    ["--warm-up-time", "1", "--measurement-time", "3", "--noplot", "--output-format", "bencher"];

/// Time limits: a criterion bench target; a `bench-*` binary (it must bound itself well below); the loadgen, whose
/// scenarios are each bounded to seconds (this only guards against a hang).
const BENCH_LIMIT: Duration = Duration::from_secs(600);
const BINARY_LIMIT: Duration = Duration::from_secs(300);
const LOADGEN_LIMIT: Duration = Duration::from_secs(900);
const LOADGEN: &str = "intune-osimages-loadgen";

/// `cargo xtask bench`.
pub fn run(root: &Path) -> Result<(), String> {
    let ws = Workspace::load(root)?;
    println!("==> release build");
    process::run(process::cargo(root).args([
        "build",
        "--release",
        "--workspace",
        "--exclude",
        "xtask",
    ]))?;
    let release = |name: &str| {
        ws.target_dir.join("release").join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
    };
    let (mut samples, mut failures) = (Vec::new(), Vec::new());
    let mut record = |program: String, outcome: Result<Vec<Sample>, String>| match outcome {
        Ok(found) if found.is_empty() => {
            failures.push(format!("`{program}` printed no result line"))
        }
        Ok(found) => samples.extend(found),
        Err(err) => failures.push(format!("`{program}`: {err}")),
    };

    println!("==> criterion benches");
    for package in ws.packages.iter().filter(|p| p.name != "xtask") {
        for target in package.targets.iter().filter(|t| t.is_bench()) {
            let mut command = process::cargo(root);
            command
                .args(["bench", "-p", &package.name, "--bench", &target.name, "--"])
                .args(CRITERION_ARGS);
            let outcome = run_bounded(&mut command, BENCH_LIMIT).map(|out| parse_bencher(&out));
            record(format!("{} bench `{}`", package.name, target.name), outcome);
        }
    }
    println!("==> bench-* binaries");
    for target in ws.packages.iter().flat_map(|p| &p.targets) {
        if target.is_bin() && target.name.starts_with("bench-") {
            let mut command = Command::new(release(&target.name));
            let outcome = run_bounded(command.current_dir(root), BINARY_LIMIT);
            record(target.name.clone(), outcome.and_then(|out| parse_json_lines(&out)));
        }
    }
    // Without the loadgen crate its rows show "not run".
    if ws.package(LOADGEN).is_some() {
        println!("==> loadgen (loopback load, process start, memory)");
        let mut command = Command::new(release(LOADGEN));
        command.arg("all").current_dir(root).env("OSIMAGES_BIN", release("osimages"));
        let outcome =
            run_bounded(&mut command, LOADGEN_LIMIT).and_then(|out| parse_json_lines(&out));
        record(LOADGEN.to_owned(), outcome);
    }

    let text = report::render(rows::ROWS, &samples, &failures, &environment(root));
    println!("\n{text}");
    let path = ws.target_dir.join("bench-report.md");
    std::fs::write(&path, &text)
        .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    println!("written to {}", path.display());
    match failures.len() {
        0 => Ok(()),
        n => Err(format!("{n} measurement(s) failed; see the report")),
    }
}

/// Runs `command` with its stdout captured (stderr passes through), stopping it after `limit`.
fn run_bounded(command: &mut Command, limit: Duration) -> Result<String, String> {
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
    let status =
        child.wait_timeout(limit).map_err(|err| format!("waiting for `{described}`: {err}"))?;
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(format!("`{described}` ran longer than {}s and was stopped", limit.as_secs()));
    };
    let text = reader.join().map_err(|_| "stdout reader panicked".to_owned())?;
    status.success().then_some(text).ok_or_else(|| format!("`{described}` failed ({status})"))
}

/// Criterion's bencher lines, `test ID ... bench:   1,234 ns/iter (+/- 56)`: the median, in nanoseconds.
fn parse_bencher(output: &str) -> Vec<Sample> {
    let sample = |line: &str| {
        let (id, figures) = line.trim().strip_prefix("test ")?.split_once(" ... bench:")?;
        let mut words = figures.split_whitespace();
        let value: f64 = words.next()?.replace(',', "").parse().ok()?;
        (words.next()? == "ns/iter").then(|| Sample::new(id.trim(), value, Unit::Nanoseconds))
    };
    output.lines().filter_map(sample).collect()
}

/// A bench program's result lines: one JSON object each, `{"name", "value", "unit", ...}` (further keys are context).
#[derive(serde::Deserialize)]
struct ResultLine {
    name: String,
    value: f64,
    unit: String,
}

/// The samples in a bench program's output. Lines that do not start with `{` are progress and ignored; an object
/// without a string `name`, a non-negative `value` and a known `unit` is an error naming the line.
fn parse_json_lines(stdout: &str) -> Result<Vec<Sample>, String> {
    let objects = stdout.lines().map(str::trim).filter(|line| line.starts_with('{'));
    objects
        .map(|line| {
            let bad = |why: &str| format!("`{line}`: {why}");
            let ResultLine { name, value, unit } = serde_json::from_str(line).map_err(|err| {
                bad(&format!("expected a string name, a number value and a unit ({err})"))
            })?;
            if !(value.is_finite() && value >= 0.0) {
                return Err(bad("the value must be finite and non-negative"));
            }
            let (scale, unit) = match unit.as_str() {
                "ns" => (1.0, Unit::Nanoseconds),
                "us" | "µs" => (1e3, Unit::Nanoseconds),
                "ms" => (1e6, Unit::Nanoseconds),
                "s" => (1e9, Unit::Nanoseconds),
                "req/s" | "per_s" | "/s" => (1.0, Unit::PerSecond),
                "MiB" => (1.0, Unit::Mebibytes),
                "ratio" => (1.0, Unit::Ratio),
                other => return Err(bad(&format!("unknown unit `{other}`"))),
            };
            Ok(Sample::new(&name, value * scale, unit))
        })
        .collect()
}

/// The machine and the run, above the table: `cores (nproc): 2 · rustc 1.95.0 (..) · commit abc1234 · 2030-01-01`.
fn environment(root: &Path) -> String {
    let read = |command: &mut Command| process::output(command).map(|out| out.trim().to_owned());
    // What `nproc` prints: the CPUs this process may run on.
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let rustc = read(Command::new("rustc").arg("-V").current_dir(root))
        .unwrap_or_else(|_| "rustc ?".to_owned());
    let commit = read(process::git(root).args(["rev-parse", "--short", "HEAD"]))
        .unwrap_or_else(|_| "?".to_owned());
    let date = chrono::Utc::now().date_naive();
    format!("cores (nproc): {cores} · {rustc} · commit {commit} · {date}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_machine_line_names_cores_rustc_and_commit() {
        let line = environment(&crate::project_root());
        assert!(
            line.starts_with("cores (nproc): ")
                && line.contains(" · rustc 1.")
                && line.contains(" · commit ")
        );
    }

    #[test]
    fn a_bounded_run_returns_stdout_or_stops_the_child() {
        let out =
            run_bounded(Command::new("echo").arg("BENCH a 1 ns"), Duration::from_secs(30)).unwrap();
        assert_eq!(out, "BENCH a 1 ns\n");
        let err =
            run_bounded(Command::new("sleep").arg("30"), Duration::from_millis(200)).unwrap_err();
        assert!(err.contains("was stopped"), "{err}");
        let err = run_bounded(&mut Command::new("false"), Duration::from_secs(30)).unwrap_err();
        assert!(err.contains("failed"), "{err}");
    }

    #[test]
    fn bencher_lines_become_samples_and_other_lines_are_ignored() {
        let out = "Gnuplot not found, using plotters backend\n\
                   test decode/typed_1000 ... bench:     912,345 ns/iter (+/- 1,234)\n\n\
                   test validate/update_body ... bench:        2571 ns/iter (+/- 40)\n\
                   test odd ... bench: many widgets/iter (+/- 1)\n\
                   test throughput ... bench:      12 B/iter (+/- 1)\n";
        let expected = [("decode/typed_1000", 912_345.0), ("validate/update_body", 2_571.0)];
        assert_eq!(
            parse_bencher(out),
            expected.map(|(id, v)| Sample::new(id, v, Unit::Nanoseconds))
        );
    }

    #[test]
    fn result_lines_are_read_and_converted() {
        let out = "starting the emulator\n\
                   {\"name\":\"emulator_gets_per_second\",\"value\":23456.5,\"unit\":\"req/s\",\"connections\":32}\n\
                   {\"name\":\"cli_list_ms\",\"value\":7.5,\"unit\":\"ms\"}\n\
                   {\"name\":\"soak_emulator_peak_rss_mib\",\"value\":21.5,\"unit\":\"MiB\"}\n\
                   [1, 2]\n";
        assert_eq!(
            parse_json_lines(out).unwrap(),
            [
                Sample::new("emulator_gets_per_second", 23_456.5, Unit::PerSecond),
                Sample::new("cli_list_ms", 7_500_000.0, Unit::Nanoseconds),
                Sample::new("soak_emulator_peak_rss_mib", 21.5, Unit::Mebibytes),
            ]
        );
    }

    #[test]
    fn malformed_result_lines_are_errors_naming_the_line() {
        for bad in [
            r#"{"name":"a","value":1}"#,
            r#"{"name":"a","value":"fast","unit":"ms"}"#,
            r#"{"name":"a","value":1,"unit":"fortnights"}"#,
            r#"{"name":"a","value":-1,"unit":"ns"}"#,
            r#"{"value":1,"unit":"ns"}"#,
        ] {
            let err = parse_json_lines(bad).unwrap_err();
            assert!(err.contains(bad), "{err}");
        }
    }
}
