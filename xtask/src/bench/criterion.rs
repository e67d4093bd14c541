//! The criterion benches of the workspace, each bench target run once, read from what criterion prints with its
//! documented `--output-format bencher` (not from its private files under target/criterion).

use super::sample::Sample;
use super::{BenchContext, Measurement, Results, run_bounded};
use crate::process;

/// Short runs keep the whole `cargo xtask bench` within minutes; criterion still reports its spread.
const CRITERION_ARGS: [&str; 7] = [
    "--warm-up-time",
    "1",
    "--measurement-time",
    "3",
    "--noplot",
    "--output-format",
    "bencher",
];

/// A bench target that runs longer than this is stopped and reported as failed.
const BENCH_LIMIT: std::time::Duration = std::time::Duration::from_secs(600);

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
                let program = format!("{} bench `{}`", package.name, target.name);
                results.record(
                    &program,
                    run_bounded(&mut command, BENCH_LIMIT).map(|out| parse_bencher(&out)),
                );
            }
        }
        Ok(())
    }
}

/// The results in criterion's bencher format, `test ID ... bench:   1,234 ns/iter (+/- 56)`: the median, in the
/// unit criterion chose for machines (nanoseconds for time).
pub fn parse_bencher(output: &str) -> Vec<Sample> {
    output
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("test ")?;
            let (id, figures) = rest.split_once(" ... bench:")?;
            let mut words = figures.split_whitespace();
            let value: f64 = words.next()?.replace(',', "").parse().ok()?;
            (words.next()? == "ns/iter").then(|| Sample::nanos(id.trim(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bencher_lines_become_samples_and_other_lines_are_ignored() {
        let out = "Gnuplot not found, using plotters backend\n\
                   test decode/typed_1000 ... bench:     912,345 ns/iter (+/- 1,234)\n\
                   \n\
                   test validate/update_body ... bench:        2571 ns/iter (+/- 40)\n\
                   test odd ... bench: many widgets/iter (+/- 1)\n\
                   test throughput ... bench:      12 B/iter (+/- 1)\n";
        assert_eq!(
            parse_bencher(out),
            [
                Sample::nanos("decode/typed_1000", 912_345.0),
                Sample::nanos("validate/update_body", 2_571.0)
            ]
        );
    }
}
