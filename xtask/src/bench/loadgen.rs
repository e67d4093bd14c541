//! The loopback load generators of `crates/loadgen` (`intune-osimages-loadgen all`): emulator GETs per second,
//! facade vs raw reqwest updates, 200 updates through `$batch` vs single ones, `osimages list` start to exit, the soak run and streaming memory. The program
//! starts its own `osimages serve` on 127.0.0.1:0 and bounds every scenario in count and time.

use std::time::Duration;

use super::{BenchContext, Measurement, Results, json_lines};

/// The loadgen's scenarios are each bounded to seconds; this only guards against a hang.
const TIME_LIMIT: Duration = Duration::from_secs(900);

/// Runs the loadgen binary of the release build once with every scenario.
pub struct Loadgen;

impl Measurement for Loadgen {
    fn name(&self) -> &'static str {
        "loadgen (loopback load, process start, memory)"
    }

    fn run(&self, ctx: &BenchContext<'_>, results: &mut Results) -> Result<(), String> {
        let name = "intune-osimages-loadgen";
        if !ctx.workspace.is_member(name) {
            // Nothing to run: its rows show "not run".
            return Ok(());
        }
        let mut command = std::process::Command::new(ctx.release_binary(name));
        command.arg("all").current_dir(ctx.root);
        command.env("OSIMAGES_BIN", ctx.release_binary("osimages"));
        results.record(
            name,
            super::run_bounded(&mut command, TIME_LIMIT).and_then(|out| json_lines::parse(&out)),
        );
        Ok(())
    }
}
