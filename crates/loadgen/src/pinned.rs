//! Rows measured with the server alone on CPU 0 and this process alone on CPU 1, so a figure is bound by the side
//! it names: the emulator against an axum hello world answering the same bytes (driven by the raw-TCP generator),
//! and the facade against a raw reqwest loop on a server answering canned bytes.

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use intune_osimages::Client;

use crate::emulator::{Emulator, osimages_binary, pin_self, pinning_available};
use crate::measure::{LoadResult, bounded_load, report};
use crate::scenarios::{IMAGE_PATH, MAX_REQUESTS, check_clean, flag, median};
use crate::{wire, wrk};

/// The emulator (CPU 0), the answer it gives for the sample image, and a hello world (CPU 0) answering exactly
/// those bytes. This process moves to CPU 1.
pub struct Pair {
    pub emulator: Emulator,
    pub hello: Emulator,
    pub body: Bytes,
    pub pinned: bool,
    dir: PathBuf,
}

impl Drop for Pair {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub async fn start_pair() -> Result<Pair, String> {
    let emulator = Emulator::spawn(
        &osimages_binary()?,
        &["serve".into(), "--addr".into(), "127.0.0.1:0".into()],
        Some(0),
    )?;
    let url = format!("{}{IMAGE_PATH}", emulator.base_url);
    let answer = reqwest::get(&url)
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    if answer.status() != 200 {
        return Err(format!("GET {url}: status {}", answer.status()));
    }
    let body = answer
        .bytes()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let dir = std::env::temp_dir().join(format!("osimages-loadgen-pair-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let body_file = dir.join("answer.json");
    std::fs::write(&body_file, &body)
        .map_err(|e| format!("cannot write {}: {e}", body_file.display()))?;
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let hello = Emulator::spawn(
        &me,
        &[
            "hello-server".into(),
            "--body-file".into(),
            body_file.display().to_string(),
        ],
        Some(0),
    )?;
    let pinned = pinning_available() && pin_self(1);
    Ok(Pair {
        emulator,
        hello,
        body,
        pinned,
        dir,
    })
}

/// Emulator GETs/s as a ratio of the hello world's, both driven by the raw-TCP generator in alternating rounds;
/// when wrk is installed, the generator's hello-world rate is also given as a ratio of wrk's (at least 1.0 shows
/// the generator is not the ceiling), wrk run in each round right beside the generator's hello-world run: one wrk
/// run after all the rounds compared minutes of other load with one moment of it (0.9 in one run, 1.47 in another).
pub async fn emulator_vs_hello(args: &[String]) -> Result<(), String> {
    let connections: usize = flag(args, "--connections", 32)?;
    let millis: u64 = flag(args, "--millis", 1000)?;
    let rounds: usize = flag(args, "--rounds", 5)?;
    let pair = start_pair().await?;
    let path = format!("/beta{IMAGE_PATH}");
    let duration = Duration::from_millis(millis);
    let run = |addr: String| {
        let path = path.clone();
        async move { wire::get_load(&addr, &path, connections, duration, b"}").await }
    };
    run(pair.emulator.addr().to_owned()).await;
    run(pair.hello.addr().to_owned()).await;
    let (mut emu_rates, mut hello_rates, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut wrk_rates, mut wrk_ratios) = (Vec::new(), Vec::new());
    let (mut cpu_ratios, mut busy) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        // wrk goes on the hello world's side of the pair, so it always runs next to the generator's hello run.
        let (emu, hello, wrk) = if round % 2 == 0 {
            let e = run(pair.emulator.addr().to_owned()).await;
            let h = run(pair.hello.addr().to_owned()).await;
            (
                e,
                h,
                wrk::run(pair.hello.addr(), &path, connections, millis)?,
            )
        } else {
            let w = wrk::run(pair.hello.addr(), &path, connections, millis)?;
            let h = run(pair.hello.addr().to_owned()).await;
            (run(pair.emulator.addr().to_owned()).await, h, w)
        };
        check_clean("emulator GETs", &emu)?;
        check_clean("hello world GETs", &hello)?;
        emu_rates.push(emu.per_second());
        hello_rates.push(hello.per_second());
        ratios.push(emu.per_second() / hello.per_second().max(1e-9));
        if let Some(cpu) = hello.cpu {
            busy.push(cpu.as_secs_f64() / hello.elapsed.as_secs_f64().max(1e-9));
        }
        if let Some(wrk) = wrk {
            wrk_rates.push(wrk.per_second);
            wrk_ratios.push(hello.per_second() / wrk.per_second.max(1e-9));
            if let (Some(ours), Some(theirs)) = (hello.cpu_per_answer(), wrk.cpu_per_answer) {
                cpu_ratios.push(ours / theirs.max(1e-12));
            }
        }
    }
    let hello_rate = median(&hello_rates);
    report(
        "emulator_pinned_gets_per_second",
        median(&emu_rates),
        "req/s",
        serde_json::json!({ "connections": connections, "pinned": pair.pinned }),
    );
    report(
        "hello_pinned_gets_per_second",
        hello_rate,
        "req/s",
        serde_json::json!({ "connections": connections, "pinned": pair.pinned }),
    );
    report(
        "emulator_vs_hello_ratio",
        median(&ratios),
        "ratio",
        serde_json::json!({ "target": 0.8, "rounds": ratios, "pinned": pair.pinned }),
    );
    if !wrk_rates.is_empty() {
        report(
            "wrk_hello_gets_per_second",
            median(&wrk_rates),
            "req/s",
            serde_json::json!({}),
        );
        // Both usually reach the hello world's own ceiling, so the rates differ by the machine's noise; what shows
        // the generator is not the ceiling is the CPU it spends per answer against wrk's (below 1: it could push
        // harder than wrk), and the share of its core it used (below 1: it had room to spare).
        report(
            "generator_vs_wrk_ratio",
            median(&wrk_ratios),
            "ratio",
            serde_json::json!({ "target": 1.0, "rounds": wrk_ratios,
                                "cpu_per_answer_vs_wrk": median(&cpu_ratios), "cpu_rounds": cpu_ratios,
                                "generator_core_share": median(&busy) }),
        );
    }
    Ok(())
}

/// GETs/s of the facade versus a raw reqwest loop sending the same headers (the same `client-request-id` source)
/// against the hello world answering the emulator's bytes, so the client is the bound; median of alternating rounds.
pub async fn client_bound(args: &[String]) -> Result<(), String> {
    let workers: usize = flag(args, "--workers", 8)?;
    let millis: u64 = flag(args, "--millis", 1000)?;
    let rounds: usize = flag(args, "--rounds", 5)?;
    let pair = start_pair().await?;
    let client = Client::builder()
        .base_url(pair.hello.base_url.clone())
        .build()
        .map_err(|e| e.to_string())?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(workers)
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| e.to_string())?;
    let url = format!("{}{IMAGE_PATH}", pair.hello.base_url);
    let duration = Duration::from_millis(millis);
    let raw_run = || {
        let (http, url) = (http.clone(), url.clone());
        bounded_load(workers, duration, MAX_REQUESTS, move |_| {
            let (http, url) = (http.clone(), url.clone());
            async move { raw_get(&http, &url).await }
        })
    };
    let facade_run = || {
        let client = client.clone();
        bounded_load(workers, duration, MAX_REQUESTS, move |_| {
            let client = client.clone();
            async move { client.os_images().get("Windows 11 24H2").await.is_ok() }
        })
    };
    raw_run().await;
    facade_run().await;
    let (mut raw_rates, mut facade_rates, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (raw, facade): (LoadResult, LoadResult) = if round % 2 == 0 {
            let raw = raw_run().await;
            (raw, facade_run().await)
        } else {
            let facade = facade_run().await;
            (raw_run().await, facade)
        };
        check_clean("raw GETs", &raw)?;
        check_clean("facade GETs", &facade)?;
        raw_rates.push(raw.per_second());
        facade_rates.push(facade.per_second());
        ratios.push(facade.per_second() / raw.per_second().max(1e-9));
    }
    let context = serde_json::json!({ "workers": workers, "pinned": pair.pinned,
                                      "answer_bytes": pair.body.len() });
    report(
        "raw_client_gets_per_second",
        median(&raw_rates),
        "req/s",
        context.clone(),
    );
    report(
        "facade_client_gets_per_second",
        median(&facade_rates),
        "req/s",
        context,
    );
    report(
        "facade_vs_raw_gets_ratio",
        median(&ratios),
        "ratio",
        serde_json::json!({ "target": 0.85, "rounds": ratios }),
    );
    Ok(())
}

/// The raw loop's request: the headers the facade sends, the `client-request-id` drawn the way the facade draws it
/// (thread-local generator, no system call), the body read whole.
pub async fn raw_get(http: &reqwest::Client, url: &str) -> bool {
    let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
    let mut buffer = uuid::Uuid::encode_buffer();
    let sent = http
        .get(url)
        .header("Accept", "application/json")
        .header(
            "client-request-id",
            &*id.hyphenated().encode_lower(&mut buffer),
        )
        .header("SdkVersion", intune_osimages::SDK_VERSION)
        .header("User-Agent", intune_osimages::SDK_VERSION)
        .send()
        .await;
    match sent {
        Ok(r) if r.status() == 200 => r.bytes().await.is_ok(),
        _ => false,
    }
}
