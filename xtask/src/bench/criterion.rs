//! The criterion benches of the workspace: each bench target run once, then every estimate written in this run.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::Value;

use super::sample::Sample;
use super::{BenchContext, Measurement, Results};
use crate::process;

/// Short runs keep the whole `cargo xtask bench` within minutes; criterion still reports its confidence interval.
const CRITERION_ARGS: [&str; 5] = ["--warm-up-time", "1", "--measurement-time", "3", "--noplot"];

/// Runs every `[[bench]]` target of the workspace (xtask's excepted) with `cargo bench`.
pub struct CriterionBenches;

impl Measurement for CriterionBenches {
    fn name(&self) -> &'static str {
        "criterion benches"
    }

    fn run(&self, ctx: &BenchContext<'_>, results: &mut Results) -> Result<(), String> {
        for package in ctx.workspace.packages.iter().filter(|p| p.name != "xtask") {
            for target in package.targets.iter().filter(|t| t.is("bench")) {
                let mut command = process::cargo(ctx.root);
                command.args(["bench", "-p", &package.name, "--bench", &target.name, "--"]);
                command.args(CRITERION_ARGS);
                if let Err(err) = process::run(&mut command) {
                    results.fail(format!("{} bench `{}`: {err}", package.name, target.name));
                }
            }
        }
        for sample in collect(&ctx.workspace.target_dir.join("criterion"), ctx.started)? {
            results.push(sample);
        }
        Ok(())
    }
}

/// Every criterion result under `dir` whose estimates were written at or after `since`.
pub fn collect(dir: &Path, since: SystemTime) -> Result<Vec<Sample>, String> {
    let mut samples = Vec::new();
    if !dir.exists() {
        return Ok(samples);
    }
    for new_dir in find_new_dirs(dir)? {
        let estimates = new_dir.join("estimates.json");
        let benchmark = new_dir.join("benchmark.json");
        let fresh = std::fs::metadata(&estimates)
            .and_then(|meta| meta.modified())
            .is_ok_and(|modified| modified >= since);
        if !fresh || !benchmark.exists() {
            continue;
        }
        let read = |path: &Path| {
            std::fs::read_to_string(path)
                .map_err(|err| format!("cannot read {}: {err}", path.display()))
        };
        let sample = parse_result(&read(&benchmark)?, &read(&estimates)?)
            .map_err(|err| format!("{}: {err}", new_dir.display()))?;
        samples.push(sample);
    }
    samples.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(samples)
}

fn find_new_dirs(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current)
            .map_err(|err| format!("cannot list {}: {err}", current.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            if entry.file_name() == "new" {
                found.push(path);
            } else if entry.file_name() != "base" && entry.file_name() != "report" {
                pending.push(path);
            }
        }
    }
    Ok(found)
}

/// One result from criterion's `benchmark.json` (for the id) and `estimates.json` (nanoseconds). The figure is the
/// one criterion prints: the slope estimate when there is one, the mean otherwise.
pub fn parse_result(benchmark_json: &str, estimates_json: &str) -> Result<Sample, String> {
    let benchmark: Value =
        serde_json::from_str(benchmark_json).map_err(|err| format!("benchmark.json: {err}"))?;
    let estimates: Value =
        serde_json::from_str(estimates_json).map_err(|err| format!("estimates.json: {err}"))?;
    let id = benchmark
        .get("full_id")
        .and_then(Value::as_str)
        .ok_or("benchmark.json: no `full_id`")?;
    let point = |name: &str| {
        estimates
            .get(name)
            .and_then(|estimate| estimate.get("point_estimate"))
            .and_then(Value::as_f64)
    };
    let nanos = point("slope")
        .or_else(|| point("mean"))
        .ok_or("estimates.json: neither `slope` nor `mean` has a point_estimate")?;
    Ok(Sample::nanos(id, nanos))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::tempdir::TempDir;

    fn estimates(mean: f64, slope: Option<f64>) -> String {
        let estimate = |v: f64| {
            format!(
                r#"{{"confidence_interval":{{"confidence_level":0.95,"lower_bound":{v},"upper_bound":{v}}},"point_estimate":{v},"standard_error":0.1}}"#
            )
        };
        format!(
            r#"{{"mean":{},"median":{},"median_abs_dev":{},"slope":{},"std_dev":{}}}"#,
            estimate(mean),
            estimate(mean),
            estimate(1.0),
            slope.map_or("null".to_owned(), estimate),
            estimate(1.0)
        )
    }

    fn benchmark(full_id: &str) -> String {
        format!(
            r#"{{"group_id":"g","function_id":"f","value_str":null,"throughput":null,"full_id":"{full_id}","directory_name":"g/f","title":"{full_id}"}}"#
        )
    }

    #[test]
    fn the_slope_is_preferred_and_the_mean_used_without_one() {
        assert_eq!(
            parse_result(&benchmark("decode/typed_1000"), &estimates(10.0, Some(9.5))).unwrap(),
            Sample::nanos("decode/typed_1000", 9.5)
        );
        assert_eq!(
            parse_result(&benchmark("a/b"), &estimates(10.0, None)).unwrap(),
            Sample::nanos("a/b", 10.0)
        );
        assert!(
            parse_result("{}", &estimates(1.0, None))
                .unwrap_err()
                .contains("full_id")
        );
    }

    #[test]
    fn only_results_of_this_run_are_collected() {
        let dir = TempDir::new("criterion");
        let write = |group: &str, id: &str, nanos: f64| {
            let new = dir.path().join(group).join("new");
            std::fs::create_dir_all(&new).unwrap();
            std::fs::write(new.join("benchmark.json"), benchmark(id)).unwrap();
            std::fs::write(new.join("estimates.json"), estimates(nanos, None)).unwrap();
            let base = dir.path().join(group).join("base");
            std::fs::create_dir_all(&base).unwrap();
            std::fs::write(base.join("benchmark.json"), benchmark("stale/base")).unwrap();
            std::fs::write(base.join("estimates.json"), estimates(1.0, None)).unwrap();
        };
        write("decode/typed_1000", "decode/typed_1000", 5.0);
        write("validate/update_body", "validate/update_body", 7.0);
        let all = collect(dir.path(), SystemTime::UNIX_EPOCH).unwrap();
        let ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["decode/typed_1000", "validate/update_body"]);

        let later = SystemTime::now() + Duration::from_secs(3600);
        assert_eq!(collect(dir.path(), later).unwrap(), []);
        assert_eq!(
            collect(&dir.path().join("absent"), SystemTime::UNIX_EPOCH).unwrap(),
            []
        );
    }
}
