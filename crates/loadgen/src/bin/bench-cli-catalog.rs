//! `osimages export` against `osimages list --all --json` of the same 10,000-image emulator catalog, run in
//! alternating rounds (the per-round ratio, as client and server share the cores), and `osimages diff` of two
//! 10,000-image files offline; export's peak RSS against list's (whose memory holds one page) shows export's is flat.
//! Uses the release `osimages` beside this binary; prints result lines for `cargo xtask bench` (see
//! docs/benchmarks.md).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The catalog size the issue names.
const IMAGES: usize = 10_000;
/// Rounds of each measurement; the median is reported.
const ROUNDS: usize = 5;

fn image(i: usize, build: &str) -> Value {
    json!({
        "id": format!("Windows image {i:05}"),
        "supportedArchitectures": ["x64", "arM64"],
        "supportedEditions": [
            {"editionType": "professional", "supportEndDate": "2027-10-12"},
            {"editionType": "enterprise", "supportEndDate": "2028-10-10"},
            {"editionType": "education", "supportEndDate": "2028-10-10"}
        ],
        "availableUpdates": [
            {"buildVersion": format!("10.0.26100.{build}"), "releaseMonth": 5, "releaseYear": 2025},
            {"buildVersion": "10.0.26100.1", "releaseMonth": 10, "releaseYear": 2024}
        ]
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs `osimages ARGS` under GNU time with stdout discarded, and returns how long it took and its peak RSS in KiB.
fn timed(osimages: &Path, args: &[&str]) -> Result<(Duration, u64), String> {
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "maxrss_kib=%M"])
        .arg(osimages)
        .args(args)
        .env_remove("GRAPH_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run /usr/bin/time (apt-get install time): {e}"))?;
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // diff exits 1 when the files differ, which they do here.
    if !matches!(out.status.code(), Some(0 | 1)) {
        return Err(format!(
            "osimages {} failed: {}: {stderr}",
            args.join(" "),
            out.status
        ));
    }
    let peak = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("maxrss_kib="))
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("GNU time printed no peak: {stderr}"))?;
    Ok((elapsed, peak))
}

struct Emulator(Child);

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_emulator(osimages: &Path, seed: &Path) -> Result<(Emulator, String), String> {
    let mut child = Command::new(osimages)
        // Graph pages its collections; an emulator answering 10,000 images in one page would measure the page.
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--page-size",
            "1000",
            "--seed",
        ])
        .arg(seed)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start the emulator: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let emulator = Emulator(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("reading the emulator's address: {e}"))?;
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .ok_or_else(|| format!("unexpected first line {line:?}"))?
        .to_owned();
    Ok((emulator, base))
}

fn run() -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let osimages: PathBuf = exe
        .parent()
        .ok_or("no directory")?
        .join(format!("osimages{}", std::env::consts::EXE_SUFFIX));
    let dir = std::env::temp_dir().join(format!("bench-cli-catalog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let write = |name: &str, images: Vec<Value>| -> Result<PathBuf, String> {
        let path = dir.join(name);
        let text = serde_json::to_vec(&json!({ "value": images })).map_err(|e| e.to_string())?;
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
        Ok(path)
    };
    let old = write("old.json", (0..IMAGES).map(|i| image(i, "4061")).collect())?;
    // One image in a hundred got a new build; one in a thousand is new.
    let new = write(
        "new.json",
        (0..IMAGES + IMAGES / 1000)
            .map(|i| image(i, if i % 100 == 0 { "4202" } else { "4061" }))
            .collect(),
    )?;

    let (emulator, base) = start_emulator(&osimages, &old)?;
    let (mut list, mut export, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut list_peak, mut export_peak) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let (l, l_peak) = timed(&osimages, &["--base-url", &base, "--json", "list", "--all"])?;
        let (e, e_peak) = timed(&osimages, &["--base-url", &base, "export"])?;
        list.push(l.as_secs_f64() * 1e3);
        export.push(e.as_secs_f64() * 1e3);
        ratios.push(e.as_secs_f64() / l.as_secs_f64());
        list_peak.push(l_peak as f64 / 1024.0);
        export_peak.push(e_peak as f64 / 1024.0);
    }
    drop(emulator);
    let (old_s, new_s) = (old.to_string_lossy(), new.to_string_lossy());
    let mut diff = Vec::new();
    for _ in 0..ROUNDS {
        let (d, _) = timed(&osimages, &["diff", &old_s, "--against", &new_s])?;
        diff.push(d.as_secs_f64() * 1e3);
    }
    let _ = std::fs::remove_dir_all(&dir);
    for (name, value, unit) in [
        (
            "cli_list_all_json_10k_peak_rss_mib",
            median(list_peak),
            "MiB",
        ),
        ("cli_export_10k_peak_rss_mib", median(export_peak), "MiB"),
        ("cli_list_all_json_10k_ms", median(list), "ms"),
        ("cli_export_10k_ms", median(export), "ms"),
        ("cli_export_vs_list_all_json_ratio", median(ratios), "ratio"),
        ("cli_diff_two_10k_files_ms", median(diff), "ms"),
    ] {
        println!(
            "{}",
            json!({"name": name, "value": value, "unit": unit, "images": IMAGES, "rounds": ROUNDS})
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-cli-catalog: {e}");
            ExitCode::FAILURE
        }
    }
}
