//! Emulator PATCHes per second: the emulator alone on CPU 0, the raw-TCP generator ([`crate::wire`]) on CPU 1, the
//! same update of the sample image over and over. With `--against OLD_OSIMAGES` (an `osimages` built from an older
//! commit) both emulators are driven in alternating rounds and the ratio of their rates is reported, the way
//! docs/benchmarks.md records the PATCH work's gain.

use std::path::PathBuf;
use std::time::Duration;

use intune_osimages::{Architecture, OsImagePatch};

use crate::emulator::{Emulator, osimages_binary, pin_self, pinning_available};
use crate::measure::{LoadResult, report};
use crate::scenarios::{IMAGE_PATH, check_clean, flag, median};
use crate::wire;

/// The whole PATCH request the generator repeats: the facade's update of the sample image's architectures.
fn patch_request(addr: &str) -> Result<Vec<u8>, String> {
    let patch =
        OsImagePatch::new().supported_architectures([Architecture::X64, Architecture::Arm64]);
    let body = serde_json::to_vec(&patch).map_err(|e| e.to_string())?;
    let mut request = format!(
        "PATCH /beta{IMAGE_PATH} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    Ok(request)
}

fn start(binary: &std::path::Path) -> Result<Emulator, String> {
    Emulator::spawn(
        binary,
        &["serve".into(), "--addr".into(), "127.0.0.1:0".into()],
        Some(0),
    )
}

async fn run(
    emulator: &Emulator,
    connections: usize,
    duration: Duration,
) -> Result<LoadResult, String> {
    let request = patch_request(emulator.addr())?;
    // The emulator answers a PATCH with the updated image.
    Ok(wire::load(emulator.addr(), request, connections, duration, b"}").await)
}

/// `emulator-patches [--connections N] [--millis MS] [--rounds N] [--against OLD_OSIMAGES]`.
pub async fn emulator_patches(args: &[String]) -> Result<(), String> {
    let connections: usize = flag(args, "--connections", 32)?;
    let millis: u64 = flag(args, "--millis", 1000)?;
    let rounds: usize = flag(args, "--rounds", 5)?;
    let against: String = flag(args, "--against", String::new())?;
    let duration = Duration::from_millis(millis);
    let emulator = start(&osimages_binary()?)?;
    let old = if against.is_empty() {
        None
    } else {
        Some(start(&PathBuf::from(&against))?)
    };
    let pinned = pinning_available() && pin_self(1);
    // A warm-up of each, not counted: connections, allocator and caches settle.
    run(&emulator, connections, duration).await?;
    if let Some(old) = &old {
        run(old, connections, duration).await?;
    }
    let (mut rates, mut old_rates, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let Some(old) = &old else {
            let now = run(&emulator, connections, duration).await?;
            check_clean("emulator PATCHes", &now)?;
            rates.push(now.per_second());
            continue;
        };
        let (now, before) = if round % 2 == 0 {
            let now = run(&emulator, connections, duration).await?;
            (now, run(old, connections, duration).await?)
        } else {
            let before = run(old, connections, duration).await?;
            (run(&emulator, connections, duration).await?, before)
        };
        check_clean("emulator PATCHes", &now)?;
        check_clean("older emulator PATCHes", &before)?;
        rates.push(now.per_second());
        old_rates.push(before.per_second());
        ratios.push(now.per_second() / before.per_second().max(1e-9));
    }
    report(
        "emulator_pinned_patches_per_second",
        median(&rates),
        "req/s",
        serde_json::json!({ "connections": connections, "pinned": pinned, "rounds": rates }),
    );
    if old.is_some() {
        report(
            "older_emulator_pinned_patches_per_second",
            median(&old_rates),
            "req/s",
            serde_json::json!({ "connections": connections, "pinned": pinned, "binary": against }),
        );
        report(
            "emulator_vs_older_patches_ratio",
            median(&ratios),
            "ratio",
            serde_json::json!({ "target": 1.5, "rounds": ratios }),
        );
    }
    Ok(())
}
