//! Idle connections: with 1,000 keep-alive connections held open (each answered once, then silent), a normal
//! client's median GET latency and the emulator's resident memory. The same client's median with no idle
//! connections is measured first, in the same run, as the baseline.

use std::time::{Duration, Instant};

use tokio::net::TcpStream;

use crate::emulator::{Emulator, osimages_binary};
use crate::measure::{current_rss_kib, peak_rss_kib, report};
use crate::scenarios::{IMAGE_PATH, flag, median};
use crate::wire::exchange;

/// How long opening the idle connections may take in all.
const OPEN_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one measured GET may take.
const GET_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens `n` keep-alive connections to `addr`, each answered once (so the emulator holds it as an idle keep-alive
/// connection, buffers and all), and returns them open.
async fn open_idle(addr: &str, path: &str, n: usize) -> Result<Vec<TcpStream>, String> {
    let request = format!("GET {path}/$count HTTP/1.1\r\nHost: {addr}\r\n\r\n").into_bytes();
    let mut tasks = Vec::with_capacity(n);
    for _ in 0..n {
        let (addr, request) = (addr.to_owned(), request.clone());
        tasks.push(tokio::spawn(async move {
            let mut stream = TcpStream::connect(&addr).await.map_err(|e| {
                format!("cannot open an idle connection (is `ulimit -n` above 1,100?): {e}")
            })?;
            let mut buffer = Vec::new();
            match exchange(&mut stream, &request, &mut buffer).await {
                Ok(true) => Ok(stream),
                Ok(false) => Err(format!(
                    "an idle connection's first request was refused: {}",
                    String::from_utf8_lossy(&buffer[..buffer.len().min(200)])
                )),
                Err(e) => Err(format!("an idle connection's first request failed: {e}")),
            }
        }));
    }
    let opened = tokio::time::timeout(OPEN_TIMEOUT, futures::future::join_all(tasks))
        .await
        .map_err(|_| format!("{n} idle connections were not open within {OPEN_TIMEOUT:?}"))?;
    opened
        .into_iter()
        .map(|joined| joined.map_err(|e| format!("an opening task failed: {e}"))?)
        .collect()
}

/// `requests` GETs of one image, one after the other over one keep-alive connection: each latency in ms.
async fn latencies(addr: &str, requests: usize) -> Result<Vec<f64>, String> {
    let request = format!(
        "GET /beta{IMAGE_PATH} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n\r\n"
    )
    .into_bytes();
    let mut stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("the measuring client cannot connect: {e}"))?;
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::with_capacity(16 * 1024);
    let mut times = Vec::with_capacity(requests);
    for _ in 0..requests {
        let started = Instant::now();
        let answered =
            tokio::time::timeout(GET_TIMEOUT, exchange(&mut stream, &request, &mut buffer))
                .await
                .map_err(|_| format!("a measured GET took over {GET_TIMEOUT:?}"))?
                .map_err(|e| format!("a measured GET failed: {e}"))?;
        if !answered || !buffer.ends_with(b"}") {
            return Err("a measured GET was not answered 200 with the image".to_owned());
        }
        times.push(started.elapsed().as_secs_f64() * 1e3);
    }
    Ok(times)
}

/// The idle connections still open: a read that would block, rather than an end of file or an error.
fn still_open(streams: &[TcpStream]) -> usize {
    let mut buffer = [0_u8; 1];
    streams
        .iter()
        .filter(|s| {
            matches!(s.try_read(&mut buffer), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
        })
        .count()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(at).copied().unwrap_or(f64::NAN)
}

/// The scenario: baseline latency, then `--idle` connections opened and held while the latency is measured again
/// and the emulator's memory read.
pub async fn idle_connections(args: &[String]) -> Result<(), String> {
    let idle: usize = flag(args, "--idle", 1_000)?;
    let requests: usize = flag(args, "--requests", 2_000)?;
    let emulator = Emulator::start(&osimages_binary()?, &[])?;
    let addr = emulator.addr().to_owned();
    let pid = emulator.pid().to_string();
    // Warm-up, not counted.
    latencies(&addr, requests / 10 + 1).await?;
    let mut baseline = latencies(&addr, requests).await?;
    baseline.sort_by(f64::total_cmp);
    let rss_before = current_rss_kib(&pid).ok_or("cannot read the emulator's memory")?;

    let held = open_idle(
        &addr,
        "/beta/deviceManagement/managedDeviceWindowsOSImages",
        idle,
    )
    .await?;
    let mut loaded = latencies(&addr, requests).await?;
    loaded.sort_by(f64::total_cmp);
    let rss = current_rss_kib(&pid).ok_or("cannot read the emulator's memory")?;
    let peak = peak_rss_kib(&pid).unwrap_or(0);
    let open = still_open(&held);
    if open != idle {
        return Err(format!(
            "only {open} of the {idle} idle connections were still open after the measurement"
        ));
    }
    drop(held);
    report(
        "idle_connections_get_median_ms",
        median(&loaded),
        "ms",
        serde_json::json!({
            "idle_connections": idle, "requests": requests, "p99_ms": percentile(&loaded, 0.99),
            "baseline_median_ms": median(&baseline), "baseline_p99_ms": percentile(&baseline, 0.99),
            "target": 5,
        }),
    );
    report(
        "idle_connections_emulator_rss_mib",
        rss as f64 / 1024.0,
        "MiB",
        serde_json::json!({
            "idle_connections": idle, "rss_before_mib": rss_before as f64 / 1024.0,
            "peak_mib": peak as f64 / 1024.0, "target": 64,
        }),
    );
    Ok(())
}
