//! `osimages export` against `osimages list --all --json` of the same 10,000-image emulator catalog, run in
//! alternating rounds (the per-round ratio, as client and server share the cores), and `osimages diff` of two
//! 10,000-image files offline; export's peak RSS against list's (whose memory holds one page) shows export's is flat.
//! And `list --all --json` of 100,000 images against the SDK's own stream of them (this program, run again as
//! `bench-cli-catalog sdk-stream`), both in release against one emulator paging by 1,000, in alternating rounds:
//! the per-round ratio of the child's CPU time (user + sys, from GNU time; the emulator's share is the same for both
//! and left out) and of wall time.
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
/// The catalog size of the CLI-against-SDK rounds (the issue's).
const STREAM_IMAGES: usize = 100_000;
/// How long the SDK's stream of them may take before it counts as a hang.
const STREAM_LIMIT: Duration = Duration::from_secs(60);

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

/// One run of a child process: wall time, CPU time (user + sys) and peak RSS.
struct Run {
    wall: Duration,
    cpu: f64,
    peak_kib: u64,
}

/// Runs `program ARGS` under GNU time with stdout discarded, and returns what it cost; an exit code outside `ok`
/// is a failure.
fn timed_program(program: &Path, args: &[&str], ok: &[i32]) -> Result<Run, String> {
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "maxrss_kib=%M\ncpu_seconds=%U %S"])
        .arg(program)
        .args(args)
        .env_remove("GRAPH_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run /usr/bin/time (apt-get install time): {e}"))?;
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.code().is_some_and(|code| ok.contains(&code)) {
        return Err(format!(
            "{} {} failed: {}: {stderr}",
            program.display(),
            args.join(" "),
            out.status
        ));
    }
    let field = |name: &str| stderr.lines().find_map(|l| l.trim().strip_prefix(name));
    let peak_kib = field("maxrss_kib=")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("GNU time printed no peak: {stderr}"))?;
    let cpu = field("cpu_seconds=")
        .map(|v| v.split(' ').filter_map(|s| s.parse::<f64>().ok()).sum())
        .ok_or_else(|| format!("GNU time printed no CPU time: {stderr}"))?;
    Ok(Run {
        wall,
        cpu,
        peak_kib,
    })
}

/// Runs `osimages ARGS` under GNU time with stdout discarded, and returns how long it took and its peak RSS in KiB.
fn timed(osimages: &Path, args: &[&str]) -> Result<(Duration, u64), String> {
    // diff exits 1 when the files differ, which they do here.
    timed_program(osimages, args, &[0, 1]).map(|run| (run.wall, run.peak_kib))
}

/// `bench-cli-catalog sdk-stream URL N`: streams every image through the SDK (`client.os_images().list()`), on a
/// one-thread runtime like the CLI's, writing nothing; fails unless it saw `N`.
fn sdk_stream(base_url: &str, expect: usize) -> Result<(), String> {
    use futures::TryStreamExt;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let seen = runtime.block_on(async {
        let client = intune_osimages::Client::builder()
            .base_url(base_url)
            .build()
            .map_err(|e| e.to_string())?;
        let mut stream = std::pin::pin!(client.os_images().list().stream());
        let mut seen = 0usize;
        let counting = async {
            while let Some(image) = stream.try_next().await.map_err(|e| e.to_string())? {
                seen += usize::from(image.id.is_some());
            }
            Ok::<_, String>(())
        };
        tokio::time::timeout(STREAM_LIMIT, counting)
            .await
            .map_err(|_| format!("the stream took over {STREAM_LIMIT:?}"))??;
        Ok::<_, String>(seen)
    })?;
    if seen != expect {
        return Err(format!("streamed {seen} images, expected {expect}"));
    }
    Ok(())
}

/// `list --all --json` of [`STREAM_IMAGES`] images against the SDK's stream of them, in alternating rounds; prints
/// the medians of the per-round ratios.
fn list_vs_sdk_stream(exe: &Path, osimages: &Path, dir: &Path) -> Result<(), String> {
    let seed = dir.join("stream.json");
    let images: Vec<Value> = (0..STREAM_IMAGES).map(|i| image(i, "4061")).collect();
    let text = serde_json::to_vec(&json!({ "value": images })).map_err(|e| e.to_string())?;
    std::fs::write(&seed, text).map_err(|e| e.to_string())?;
    let (emulator, base) = start_emulator(osimages, &seed)?;
    let expect = STREAM_IMAGES.to_string();
    let cli = || {
        timed_program(
            osimages,
            &["--base-url", &base, "--json", "list", "--all"],
            &[0],
        )
    };
    let sdk = || timed_program(exe, &["sdk-stream", &base, &expect], &[0]);
    // One of each first, not counted: the emulator's answers and the page cache settle.
    cli()?;
    sdk()?;
    let (mut cpu_ratios, mut wall_ratios) = (Vec::new(), Vec::new());
    let (mut cli_cpu, mut sdk_cpu, mut cli_wall, mut sdk_wall) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let (c, s) = if round % 2 == 0 {
            let c = cli()?;
            (c, sdk()?)
        } else {
            let s = sdk()?;
            (cli()?, s)
        };
        // GNU time reports CPU time in hundredths; a floor keeps a ratio finite.
        cpu_ratios.push(c.cpu / s.cpu.max(0.01));
        wall_ratios.push(c.wall.as_secs_f64() / s.wall.as_secs_f64());
        cli_cpu.push(c.cpu * 1e3);
        sdk_cpu.push(s.cpu * 1e3);
        cli_wall.push(c.wall.as_secs_f64() * 1e3);
        sdk_wall.push(s.wall.as_secs_f64() * 1e3);
    }
    drop(emulator);
    let context = json!({
        "images": STREAM_IMAGES, "rounds": ROUNDS, "page_size": 1000,
        "cli_cpu_ms": median(cli_cpu), "sdk_cpu_ms": median(sdk_cpu),
        "cli_wall_ms": median(cli_wall), "sdk_wall_ms": median(sdk_wall),
    });
    // Only wall time, what a user waits for, has a target: the CPU ratio counts the text the stream never writes
    // (docs/benchmarks.md).
    for (name, ratios, target) in [
        (
            "cli_list_all_json_vs_sdk_stream_cpu_ratio",
            &cpu_ratios,
            None,
        ),
        (
            "cli_list_all_json_vs_sdk_stream_wall_ratio",
            &wall_ratios,
            Some(1.2),
        ),
    ] {
        println!(
            "{}",
            json!({"name": name, "value": median(ratios.clone()), "unit": "ratio", "per_round": ratios,
                   "target": target, "context": context})
        );
    }
    Ok(())
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [mode, base_url, expect] = &args[..]
        && mode == "sdk-stream"
    {
        let expect = expect
            .parse()
            .map_err(|_| format!("not a count: {expect}"))?;
        return sdk_stream(base_url, expect);
    }
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
    let streamed = list_vs_sdk_stream(&exe, &osimages, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    streamed?;
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
