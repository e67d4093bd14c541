//! Client instructions per request, counted by callgrind (repeatable under load, where wall time is not): this
//! program runs itself under `valgrind --tool=callgrind` doing N and then N + DELTA requests of one kind, and the
//! difference of the two totals divided by DELTA is the cost of one request without the process's start-up.

use std::path::Path;
use std::process::Command;

use bytes::Bytes;
use intune_osimages::{Client, OsImage};

use crate::measure::report;
use crate::pinned::{raw_get, start_pair};
use crate::scenarios::{IMAGE_PATH, flag};

/// Requests in the short run; the long run does `DELTA` more.
const BASE: u64 = 100;

/// Runs the three kinds under callgrind and reports instructions per request and the ratios to raw reqwest.
pub async fn instructions(args: &[String]) -> Result<(), String> {
    let delta: u64 = flag(args, "--delta", 1000)?;
    if !Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return Err("valgrind is not installed (apt-get install valgrind)".to_owned());
    }
    let pair = start_pair().await?;
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let dir =
        std::env::temp_dir().join(format!("osimages-loadgen-callgrind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut per_request = Vec::new();
    for kind in ["raw", "facade", "decode"] {
        let short = counted(&me, &dir, kind, &pair.hello.base_url, BASE)?;
        let long = counted(&me, &dir, kind, &pair.hello.base_url, BASE + delta)?;
        per_request.push(long.saturating_sub(short) as f64 / delta as f64);
    }
    let _ = std::fs::remove_dir_all(&dir);
    // The result format has no unit for a count, so the counts travel as context of the ratio lines.
    if let [raw, facade, decode] = per_request[..] {
        let counts = serde_json::json!({ "raw_instructions": raw, "facade_instructions": facade,
                                         "decode_instructions": decode, "delta": delta, "target": 1.4 });
        report(
            "facade_vs_raw_instructions_ratio",
            facade / raw.max(1.0),
            "ratio",
            counts.clone(),
        );
        report(
            "decode_vs_raw_instructions_ratio",
            decode / raw.max(1.0),
            "ratio",
            counts,
        );
    }
    Ok(())
}

/// Total instructions of `loadgen client-ops KIND --requests N` under callgrind.
fn counted(
    me: &Path,
    dir: &Path,
    kind: &str,
    base_url: &str,
    requests: u64,
) -> Result<u64, String> {
    let out_file = dir.join(format!("{kind}-{requests}.out"));
    let out = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(me)
        .args([
            "client-ops",
            "--kind",
            kind,
            "--base-url",
            base_url,
            "--requests",
        ])
        .arg(requests.to_string())
        .output()
        .map_err(|e| format!("cannot run valgrind: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "client-ops {kind} under callgrind failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = std::fs::read_to_string(&out_file)
        .map_err(|e| format!("cannot read {}: {e}", out_file.display()))?;
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| format!("{} has no summary line", out_file.display()))
}

/// Internal: `--requests N` sequential requests of `--kind` (raw reqwest GET, facade get, or decoding the answer
/// alone) against `--base-url`, on one connection.
pub async fn client_ops(args: &[String]) -> Result<(), String> {
    let kind: String = flag(args, "--kind", String::new())?;
    let base_url: String = flag(args, "--base-url", String::new())?;
    let requests: u64 = flag(args, "--requests", 0)?;
    let url = format!("{base_url}{IMAGE_PATH}");
    match kind.as_str() {
        "raw" => {
            let http = reqwest::Client::new();
            for _ in 0..requests {
                if !raw_get(&http, &url).await {
                    return Err("a raw GET failed".to_owned());
                }
            }
        }
        "facade" => {
            let client = Client::builder()
                .base_url(base_url)
                .build()
                .map_err(|e| e.to_string())?;
            for _ in 0..requests {
                client
                    .os_images()
                    .get("Windows 11 24H2")
                    .await
                    .map_err(|e| e.to_string())?;
            }
        }
        "decode" => {
            let body: Bytes = reqwest::get(&url)
                .await
                .map_err(|e| e.to_string())?
                .bytes()
                .await
                .map_err(|e| e.to_string())?;
            for _ in 0..requests {
                let image: OsImage = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
                std::hint::black_box(image);
            }
        }
        other => {
            return Err(format!(
                "unknown --kind {other:?}: expected raw, facade or decode"
            ));
        }
    }
    Ok(())
}
