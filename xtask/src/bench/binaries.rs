//! `bench-*` binaries of the workspace: each is run from the release build and reports its figures on stdout in the
//! format of `json_lines.rs`.

use std::time::Duration;

use super::{BenchContext, Measurement, Results, json_lines};

/// A bench binary that runs longer than this is stopped; load generators must bound themselves well below it.
const TIME_LIMIT: Duration = Duration::from_secs(300);

/// Runs every binary target named `bench-*` (built by the release build) and reads its result lines.
pub struct BenchBinaries;

impl Measurement for BenchBinaries {
    fn name(&self) -> &'static str {
        "bench-* binaries"
    }

    fn run(&self, ctx: &BenchContext<'_>, results: &mut Results) -> Result<(), String> {
        for package in &ctx.workspace.packages {
            for target in package
                .targets
                .iter()
                .filter(|t| t.is("bin") && t.name.starts_with("bench-"))
            {
                let mut command = std::process::Command::new(ctx.release_binary(&target.name));
                command.current_dir(ctx.root);
                results.record(
                    &target.name,
                    super::run_bounded(&mut command, TIME_LIMIT)
                        .and_then(|out| json_lines::parse(&out)),
                );
            }
        }
        Ok(())
    }
}
