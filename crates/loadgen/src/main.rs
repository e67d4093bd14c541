//! Load generators for `cargo xtask bench`. Every scenario talks only to loopback, to an `osimages serve` this
//! program starts itself, and is bounded in both request count and time. Each prints one JSON object per
//! measurement on stdout: `{"name", "value", "unit", ...}`.

mod callgrind;
mod emulator;
mod hello;
mod idle;
mod measure;
mod memory;
mod patches;
mod pinned;
mod scenarios;
mod wire;
mod wrk;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("loadgen: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(scenarios::run(&args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loadgen: {e}");
            ExitCode::FAILURE
        }
    }
}
