//! Memory rows at 100,000 images: the emulator's resident memory holding them (against the seed file's size), and
//! the peak memory of `osimages list --all --json` reading them all.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::emulator::{Emulator, osimages_binary};
use crate::measure::{current_rss_kib, peak_rss_kib, report};
use crate::scenarios::flag;

/// One image the size of a real one (about 1.2 KB of JSON: editions, architectures and a year of updates).
fn image(i: usize) -> serde_json::Value {
    let editions: Vec<_> = ["enterprise", "education", "professional", "iotEnterprise"]
        .iter()
        .map(|e| {
            serde_json::json!({"@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemEdition",
                               "editionType": e, "supportEndDate": "2028-10-10"})
        })
        .collect();
    let updates: Vec<_> = (1..=6)
        .map(|m| {
            serde_json::json!({"@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemUpdate",
                               "buildVersion": format!("10.0.26100.{}", i % 4000 + m), "releaseMonth": m,
                               "releaseYear": 2026})
        })
        .collect();
    serde_json::json!({
        "@odata.type": "#microsoft.graph.managedDeviceWindowsOperatingSystemImage",
        "id": format!("Load image {i:06}"),
        "supportedEditions": editions,
        "supportedArchitectures": ["x64", "arM64"],
        "availableUpdates": updates,
    })
}

/// Writes a seed of `n` images and returns its size in bytes.
pub fn write_seed(path: &Path, n: usize) -> Result<u64, String> {
    let images: Vec<serde_json::Value> = (0..n).map(image).collect();
    let text = serde_json::to_vec(&images).map_err(|e| e.to_string())?;
    std::fs::write(path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(text.len() as u64)
}

/// The emulator's RSS once it holds `--images` images, and the peak RSS of `osimages list --all --json` over them.
pub fn hundred_thousand(args: &[String]) -> Result<(), String> {
    let n: usize = flag(args, "--images", 100_000)?;
    let dir = std::env::temp_dir().join(format!("osimages-loadgen-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let seed = dir.join("seed.json");
    let seed_bytes = write_seed(&seed, n)?;
    let binary = osimages_binary()?;
    let emulator = Emulator::start(
        &binary,
        &[
            "--seed".into(),
            seed.display().to_string(),
            "--page-size".into(),
            "1000".into(),
            // The seed's `iotEnterprise` edition (an edition Graph may add) is refused by the strict start-up check.
            "--lenient".into(),
        ],
    )?;
    // The first line is printed after the catalog is loaded, so this is the memory holding it.
    let pid = emulator.pid().to_string();
    let rss = current_rss_kib(&pid).ok_or("cannot read the emulator's memory")?;
    let load_peak = peak_rss_kib(&pid).unwrap_or(0);
    let seed_mib = seed_bytes as f64 / (1024.0 * 1024.0);
    report(
        "emulator_rss_mib",
        rss as f64 / 1024.0,
        "MiB",
        serde_json::json!({ "images": n, "seed_file_mib": seed_mib, "peak_while_loading_mib": load_peak as f64 / 1024.0 }),
    );
    report(
        "emulator_rss_vs_seed_ratio",
        rss as f64 * 1024.0 / seed_bytes.max(1) as f64,
        "ratio",
        serde_json::json!({ "target": 3.0 }),
    );
    let list_peak = list_all_peak_kib(&binary, &emulator.base_url, n)?;
    report(
        "list_all_json_peak_rss_mib",
        list_peak as f64 / 1024.0,
        "MiB",
        serde_json::json!({ "images": n, "target": 32 }),
    );
    drop(emulator);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Peak RSS (KiB) of `osimages --base-url URL list --all --json`, read by GNU time, after checking it printed
/// `n` images.
fn list_all_peak_kib(binary: &Path, base_url: &str, n: usize) -> Result<u64, String> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "maxrss_kib=%M"])
        .arg(binary)
        .args(["--base-url", base_url, "list", "--all", "--json"])
        .env_remove("AZURE_CLIENT_SECRET")
        .env("GRAPH_TOKEN", "loadgen")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run /usr/bin/time (apt-get install time): {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("osimages list --all --json failed: {stderr}"));
    }
    let printed = serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .ok()
        // The CLI prints the collection as Graph's `{"@odata.context", "value": [...]}`.
        .and_then(|v| v.get("value").and_then(|a| a.as_array()).map(Vec::len))
        .unwrap_or(0);
    if printed != n {
        return Err(format!(
            "osimages list --all --json printed {printed} images, expected {n}"
        ));
    }
    stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("maxrss_kib="))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("GNU time printed no peak: {stderr}"))
}
