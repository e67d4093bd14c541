//! The measurements. Each is bounded in count and time and talks only to an emulator on loopback.

use std::path::Path;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::TryStreamExt;
use intune_osimages::{Architecture, Client, OsImagePatch};

use crate::emulator::{Emulator, osimages_binary};
use crate::measure::{LoadResult, bounded_load, current_rss_kib, peak_rss_kib, report};
use crate::{callgrind, hello, idle, memory, patches, pinned};

pub(crate) const IMAGE_PATH: &str =
    "/deviceManagement/managedDeviceWindowsOSImages/Windows%2011%2024H2";
pub(crate) const MAX_REQUESTS: u64 = 5_000_000;

/// Reads `--name value` from the arguments.
pub(crate) fn flag<T: std::str::FromStr>(
    args: &[String],
    name: &str,
    default: T,
) -> Result<T, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(i) => args
            .get(i + 1)
            .ok_or_else(|| format!("{name} needs a value"))?
            .parse()
            .map_err(|_| format!("{name}: not a valid value")),
    }
}

/// Dispatches on the first argument.
pub async fn run(args: &[String]) -> Result<(), String> {
    let rest = args.get(1..).unwrap_or(&[]);
    match args.first().map(String::as_str) {
        Some("emulator-gets") => emulator_gets(rest).await,
        Some("facade-vs-raw") => facade_vs_raw(rest).await,
        Some("cli-startup") => cli_startup(rest),
        Some("soak") => soak(rest).await,
        Some("stream-memory") => stream_memory(rest).await,
        Some("stream-client") => stream_client(rest).await,
        Some("batch-vs-single") => batch_vs_single(rest).await,
        Some("emulator-vs-hello") => pinned::emulator_vs_hello(rest).await,
        Some("emulator-patches") => patches::emulator_patches(rest).await,
        Some("client-bound") => pinned::client_bound(rest).await,
        Some("instructions") => callgrind::instructions(rest).await,
        Some("memory-100k") => memory::hundred_thousand(rest),
        Some("idle-connections") => idle::idle_connections(rest).await,
        Some("client-ops") => callgrind::client_ops(rest).await,
        Some("hello-server") => {
            let file: String = flag(rest, "--body-file", String::new())?;
            let body = std::fs::read(&file).map_err(|e| format!("cannot read {file}: {e}"))?;
            hello::serve(Bytes::from(body)).await
        }
        Some("all") | None => {
            emulator_gets(&[]).await?;
            idle::idle_connections(&[]).await?;
            facade_vs_raw(&[]).await?;
            batch_vs_single(&[]).await?;
            cli_startup(&[])?;
            soak(&[]).await?;
            stream_memory(&[]).await?;
            memory::hundred_thousand(&[])?;
            // Last: these pin this process to one CPU.
            pinned::emulator_vs_hello(&[]).await?;
            patches::emulator_patches(&[]).await?;
            pinned::client_bound(&[]).await?;
            callgrind::instructions(&[]).await
        }
        Some(other) => Err(format!(
            "unknown scenario {other:?}: expected emulator-gets, idle-connections, facade-vs-raw, batch-vs-single, \
             cli-startup, soak, stream-memory, emulator-vs-hello, emulator-patches, client-bound, instructions, memory-100k or all"
        )),
    }
}

fn http_client(connections: usize) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// Emulator GETs per second with N concurrent connections.
async fn emulator_gets(args: &[String]) -> Result<(), String> {
    let connections: usize = flag(args, "--connections", 32)?;
    let seconds: u64 = flag(args, "--seconds", 5)?;
    let emulator = Emulator::start(&osimages_binary()?, &[])?;
    let http = http_client(connections)?;
    let url = format!("{}{IMAGE_PATH}", emulator.base_url);
    let result = bounded_load(
        connections,
        Duration::from_secs(seconds),
        MAX_REQUESTS,
        move |_| {
            let (http, url) = (http.clone(), url.clone());
            async move {
                match http.get(&url).send().await {
                    Ok(r) if r.status() == 200 => r
                        .bytes()
                        .await
                        .map(|b| contains(&b, b"\"Windows 11 24H2\""))
                        .unwrap_or(false),
                    _ => false,
                }
            }
        },
    )
    .await;
    report(
        "emulator_gets_per_second",
        result.per_second(),
        "req/s",
        serde_json::json!({ "connections": connections, "ok": result.ok, "failed": result.failed,
                            "seconds": result.elapsed.as_secs_f64() }),
    );
    Ok(())
}

/// 200 updates through `client.batch()` (10 `$batch` requests of 20) against 200 single updates, one request after
/// the other over one connection, with the emulator's latency fault at 10 ms per answer: same bodies, same
/// emulator, one run. Reports how many times faster the batches are end to end.
async fn batch_vs_single(args: &[String]) -> Result<(), String> {
    let updates: usize = flag(args, "--updates", 200)?;
    let latency_ms: u64 = flag(args, "--latency-ms", 10)?;
    let dir = std::env::temp_dir().join(format!("osimages-batch-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let seed = dir.join("seed.json");
    write_seed(&seed, updates)?;
    let emulator = Emulator::start(
        &osimages_binary()?,
        &["--seed".to_owned(), seed.display().to_string()],
    );
    let _ = std::fs::remove_dir_all(&dir);
    let emulator = emulator?;
    let origin = emulator.base_url.trim_end_matches("/beta").to_owned();
    let fault = http_client(1)?
        .post(format!("{origin}/_emulator/faults"))
        .header("content-type", "application/json")
        .body(format!(
            "{{\"kind\":\"latency\",\"milliseconds\":{latency_ms}}}"
        ))
        .send()
        .await
        .map_err(|e| format!("cannot script the latency fault: {e}"))?;
    if fault.status() != 204 {
        return Err(format!(
            "the emulator refused the latency fault: {}",
            fault.status()
        ));
    }
    // One connection: requests go one after the other, so the pool never opens a second.
    let client = Client::builder()
        .base_url(emulator.base_url.clone())
        .build()
        .map_err(|e| e.to_string())?;
    let images = client.os_images();
    let patch =
        OsImagePatch::new().supported_architectures([Architecture::X64, Architecture::Arm64]);
    let ids: Vec<String> = (0..updates).map(|i| format!("Load image {i:06}")).collect();

    let started = Instant::now();
    for id in &ids {
        let updated = images
            .update(id, &patch)
            .allow_read_only()
            .await
            .map_err(|e| format!("single update of {id}: {e}"))?;
        updated
            .into_image()
            .ok_or_else(|| format!("single update of {id}: no image in the answer"))?;
    }
    let single = started.elapsed();

    let started = Instant::now();
    let mut batch = client.batch().allow_read_only();
    let steps: Vec<_> = ids.iter().map(|id| batch.update(id, &patch)).collect();
    let results = batch.send().await.map_err(|e| format!("batch: {e}"))?;
    let batched = started.elapsed();
    for (id, step) in ids.iter().zip(&steps) {
        results
            .get(step)
            .map_err(|e| format!("batched update of {id}: {e}"))?
            .into_image()
            .ok_or_else(|| format!("batched update of {id}: no image in the answer"))?;
    }
    report(
        "batch_vs_single_updates_ratio",
        single.as_secs_f64() / batched.as_secs_f64().max(1e-9),
        "ratio",
        serde_json::json!({
            "updates": updates, "latency_ms": latency_ms,
            "single_ms": single.as_secs_f64() * 1e3, "batched_ms": batched.as_secs_f64() * 1e3,
            "batch_requests": results.requests_sent(),
        }),
    );
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Updates per second through the facade's HTTP transport versus a raw reqwest loop, same requests, same server.
/// Client and server share two cores, so single runs are noisy: rounds alternate which side goes first, and the
/// ratio reported is the median of the per-round ratios.
async fn facade_vs_raw(args: &[String]) -> Result<(), String> {
    let workers: usize = flag(args, "--workers", 8)?;
    let millis: u64 = flag(args, "--millis", 1000)?;
    let rounds: usize = flag(args, "--rounds", 7)?;
    let emulator = Emulator::start(&osimages_binary()?, &[])?;
    let patch =
        OsImagePatch::new().supported_architectures([Architecture::X64, Architecture::Arm64]);
    let body = Bytes::from(serde_json::to_vec(&patch).map_err(|e| e.to_string())?);
    let client = Client::builder()
        .base_url(emulator.base_url.clone())
        .build()
        .map_err(|e| e.to_string())?;
    let http = http_client(workers)?;
    let url = format!("{}{IMAGE_PATH}", emulator.base_url);
    let duration = Duration::from_millis(millis);
    let raw_run = || {
        let (http, url, body) = (http.clone(), url.clone(), body.clone());
        bounded_load(workers, duration, MAX_REQUESTS, move |_| {
            let (http, url, body) = (http.clone(), url.clone(), body.clone());
            async move {
                // The same request the facade sends, header for header, so the server does the same work for both.
                let sent = http
                    .patch(&url)
                    .header("Accept", "application/json")
                    .header("Content-Type", "application/json")
                    .header("client-request-id", uuid::Uuid::new_v4().to_string())
                    .header("SdkVersion", intune_osimages::SDK_VERSION)
                    .header("User-Agent", intune_osimages::SDK_VERSION)
                    .body(body)
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == 200 => r.bytes().await.is_ok(),
                    _ => false,
                }
            }
        })
    };
    let facade_run = || {
        let (client, patch) = (client.clone(), patch.clone());
        bounded_load(workers, duration, MAX_REQUESTS, move |_| {
            let (client, patch) = (client.clone(), patch.clone());
            async move {
                client
                    .os_images()
                    .update("Windows 11 24H2", &patch)
                    .allow_read_only()
                    .await
                    .is_ok()
            }
        })
    };
    // A warm-up of each, not counted: connections, allocator and caches settle.
    raw_run().await;
    facade_run().await;
    let (mut raw_rates, mut facade_rates, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (raw, facade) = if round % 2 == 0 {
            let raw = raw_run().await;
            (raw, facade_run().await)
        } else {
            let facade = facade_run().await;
            (raw_run().await, facade)
        };
        check_clean("raw", &raw)?;
        check_clean("facade", &facade)?;
        raw_rates.push(raw.per_second());
        facade_rates.push(facade.per_second());
        ratios.push(facade.per_second() / raw.per_second().max(1e-9));
    }
    report(
        "raw_updates_per_second",
        median(&raw_rates),
        "req/s",
        serde_json::json!({ "workers": workers }),
    );
    report(
        "facade_updates_per_second",
        median(&facade_rates),
        "req/s",
        serde_json::json!({ "workers": workers }),
    );
    report(
        "facade_vs_raw_ratio",
        median(&ratios),
        "ratio",
        serde_json::json!({ "target": 0.95, "rounds": ratios }),
    );
    Ok(())
}

pub(crate) fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN)
}

pub(crate) fn check_clean(name: &str, result: &LoadResult) -> Result<(), String> {
    if result.failed > 0 {
        return Err(format!(
            "{name}: {} of {} requests failed",
            result.failed,
            result.ok + result.failed
        ));
    }
    Ok(())
}

/// `osimages list` on the sample tenant, process start to exit, against `osimages --version` as the floor.
fn cli_startup(args: &[String]) -> Result<(), String> {
    let runs: usize = flag(args, "--runs", 30)?;
    let binary = osimages_binary()?;
    let time = |cmd_args: &[&str]| -> Result<Vec<f64>, String> {
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            let out = std::process::Command::new(&binary)
                .args(cmd_args)
                .env_remove("GRAPH_TOKEN")
                .env_remove("AZURE_CLIENT_SECRET")
                .output()
                .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            if !out.status.success() {
                return Err(format!(
                    "osimages {cmd_args:?} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
        }
        times.sort_by(f64::total_cmp);
        Ok(times)
    };
    let list = time(&["list"])?;
    let version = time(&["--version"])?;
    let median = |t: &[f64]| t.get(t.len() / 2).copied().unwrap_or(f64::NAN);
    report(
        "cli_list_ms",
        median(&list),
        "ms",
        serde_json::json!({ "runs": runs, "min": list.first(), "target": 20 }),
    );
    report(
        "cli_version_ms",
        median(&version),
        "ms",
        serde_json::json!({ "runs": runs }),
    );
    Ok(())
}

/// 64 clients for 10 s against one emulator: a mix of list, get, update and count, every answer checked; the
/// emulator's memory is sampled throughout.
async fn soak(args: &[String]) -> Result<(), String> {
    let clients: usize = flag(args, "--clients", 64)?;
    let seconds: u64 = flag(args, "--seconds", 10)?;
    let emulator = Emulator::start(&osimages_binary()?, &[])?;
    let pid = emulator.pid().to_string();
    let http = http_client(clients)?;
    let base = emulator.base_url.clone();
    let patch_body = Bytes::from_static(br#"{"supportedArchitectures":["x64","arM64"]}"#);
    // Every answer is checked against the catalog the emulator started with (the soak changes no count).
    let count_url = format!("{base}/deviceManagement/managedDeviceWindowsOSImages/$count");
    let answer = http
        .get(&count_url)
        .send()
        .await
        .map_err(|e| format!("soak: {count_url}: {e}"))?;
    let text = answer
        .text()
        .await
        .map_err(|e| format!("soak: {count_url}: {e}"))?;
    let images: usize = text
        .trim()
        .parse()
        .map_err(|_| format!("soak: {count_url} answered {text:?}, not a count"))?;
    let sampler_pid = pid.clone();
    let sampler = tokio::spawn(async move {
        let mut samples = Vec::new();
        for _ in 0..(seconds * 4 + 8) {
            tokio::time::sleep(Duration::from_millis(250)).await;
            if let Some(rss) = current_rss_kib(&sampler_pid) {
                samples.push(rss);
            }
        }
        samples
    });
    let result = bounded_load(
        clients,
        Duration::from_secs(seconds),
        MAX_REQUESTS,
        move |n| {
            let (http, base, body) = (http.clone(), base.clone(), patch_body.clone());
            async move {
                let collection = format!("{base}/deviceManagement/managedDeviceWindowsOSImages");
                match n % 4 {
                    0 => match http.get(&collection).send().await {
                        Ok(r) if r.status() == 200 => r
                            .bytes()
                            .await
                            .ok()
                            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                            .map(|v| v["value"].as_array().map(Vec::len) == Some(images))
                            .unwrap_or(false),
                        _ => false,
                    },
                    1 => match http.get(format!("{base}{IMAGE_PATH}")).send().await {
                        Ok(r) if r.status() == 200 => r
                            .bytes()
                            .await
                            .ok()
                            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                            .map(|v| v["id"] == "Windows 11 24H2")
                            .unwrap_or(false),
                        _ => false,
                    },
                    2 => match http
                        .patch(format!("{base}{IMAGE_PATH}"))
                        .header("Content-Type", "application/json")
                        .body(body)
                        .send()
                        .await
                    {
                        Ok(r) if r.status() == 200 => r
                            .bytes()
                            .await
                            .ok()
                            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                            .map(|v| {
                                v["supportedArchitectures"] == serde_json::json!(["x64", "arM64"])
                            })
                            .unwrap_or(false),
                        _ => false,
                    },
                    _ => match http.get(format!("{collection}/$count")).send().await {
                        Ok(r) if r.status() == 200 => r
                            .text()
                            .await
                            .map(|t| t.trim() == images.to_string())
                            .unwrap_or(false),
                        _ => false,
                    },
                }
            }
        },
    )
    .await;
    let samples = sampler.await.unwrap_or_default();
    let peak = peak_rss_kib(&pid).unwrap_or(0);
    let first = samples.first().copied().unwrap_or(0);
    let last = samples.last().copied().unwrap_or(0);
    report(
        "soak_requests_per_second",
        result.per_second(),
        "req/s",
        serde_json::json!({ "clients": clients, "ok": result.ok, "failed": result.failed,
                            "seconds": result.elapsed.as_secs_f64() }),
    );
    report(
        "soak_emulator_peak_rss_mib",
        peak as f64 / 1024.0,
        "MiB",
        serde_json::json!({ "rss_first_sample_mib": first as f64 / 1024.0, "rss_last_sample_mib": last as f64 / 1024.0 }),
    );
    check_clean("soak", &result)
}

/// The client streaming N images across pages keeps its memory flat: peak RSS for 1,000 versus N images, each
/// measured in a fresh process.
async fn stream_memory(args: &[String]) -> Result<(), String> {
    let images: usize = flag(args, "--images", 100_000)?;
    let dir = std::env::temp_dir().join(format!("osimages-loadgen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut peaks = Vec::new();
    for n in [1_000, images] {
        let seed = dir.join(format!("seed-{n}.json"));
        write_seed(&seed, n)?;
        let emulator = Emulator::start(
            &osimages_binary()?,
            &[
                "--seed".into(),
                seed.display().to_string(),
                "--page-size".into(),
                "1000".into(),
            ],
        )?;
        let me = std::env::current_exe().map_err(|e| e.to_string())?;
        let out = std::process::Command::new(me)
            .args([
                "stream-client",
                "--base-url",
                &emulator.base_url,
                "--expect",
                &n.to_string(),
            ])
            .output()
            .map_err(|e| format!("cannot run the stream client: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "stream client failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let kib: u64 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .map_err(|_| "the stream client printed no peak".to_owned())?;
        peaks.push((n, kib));
    }
    let _ = std::fs::remove_dir_all(&dir);
    if let [(small_n, small), (large_n, large)] = peaks[..] {
        report(
            "stream_peak_rss_small_mib",
            small as f64 / 1024.0,
            "MiB",
            serde_json::json!({ "images": small_n }),
        );
        report(
            "stream_peak_rss_large_mib",
            large as f64 / 1024.0,
            "MiB",
            serde_json::json!({ "images": large_n }),
        );
        report(
            "stream_peak_rss_ratio",
            large as f64 / small.max(1) as f64,
            "ratio",
            serde_json::json!({}),
        );
    }
    Ok(())
}

fn write_seed(path: &Path, n: usize) -> Result<(), String> {
    let images: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "id": format!("Load image {i:06}"),
                "supportedEditions": [{"editionType": "enterprise", "supportEndDate": "2028-10-10"}],
                "supportedArchitectures": ["x64"],
                "availableUpdates": [{"buildVersion": format!("10.0.26200.{i}"), "releaseMonth": 11, "releaseYear": 2026}]
            })
        })
        .collect();
    let text = serde_json::to_vec(&images).map_err(|e| e.to_string())?;
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Internal: streams every image from `--base-url` through the facade and prints this process's peak RSS in KiB.
async fn stream_client(args: &[String]) -> Result<(), String> {
    let base_url: String = flag(args, "--base-url", String::new())?;
    let expect: usize = flag(args, "--expect", 0)?;
    let client = Client::builder()
        .base_url(base_url)
        .build()
        .map_err(|e| e.to_string())?;
    let mut stream = std::pin::pin!(client.os_images().list().stream());
    let mut seen = 0usize;
    while let Some(image) = stream.try_next().await.map_err(|e| e.to_string())? {
        if image.id.is_some() {
            seen += 1;
        }
    }
    if seen != expect {
        return Err(format!("streamed {seen} images, expected {expect}"));
    }
    let peak = peak_rss_kib("self").ok_or("cannot read /proc/self/status")?;
    println!("{peak}");
    Ok(())
}
