//! Client instructions per request, counted by callgrind (repeatable under load, where wall time is not): this
//! program runs itself under `valgrind --tool=callgrind` doing N and then N + DELTA requests of one kind, and the
//! difference of the two totals divided by DELTA is the cost of one request without the process's start-up.

use std::path::Path;
use std::process::Command;

use bytes::Bytes;
use intune_osimages::model::FastDecode;
use intune_osimages::{Client, OsImage, Page};

use crate::measure::report;
use crate::pinned::{raw_get, start_pair};
use crate::scenarios::{IMAGE_PATH, flag};

/// Requests in the short run; the long run does `--delta` more.
const BASE: u64 = 100;

/// Decodes of the 1,000-image page in the short run, and how many more the long run does: a page is about 2,000
/// times an image's work, so a few suffice for a count that repeats.
const PAGE_BASE: u64 = 2;
const PAGE_DELTA: u64 = 10;

/// Images in the decoded page, as in the criterion row `decode_page_1000_images`.
const PAGE_IMAGES: usize = 1000;

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
    for (kind, base, delta) in [
        ("raw", BASE, delta),
        ("facade", BASE, delta),
        ("decode", BASE, delta),
        ("page-typed", PAGE_BASE, PAGE_DELTA),
        ("page-value", PAGE_BASE, PAGE_DELTA),
    ] {
        let short = counted(&me, &dir, kind, &pair.hello.base_url, base)?;
        let long = counted(&me, &dir, kind, &pair.hello.base_url, base + delta)?;
        per_request.push(long.saturating_sub(short) as f64 / delta as f64);
    }
    let _ = std::fs::remove_dir_all(&dir);
    // The result format has no unit for a count, so the counts travel as context of the ratio lines.
    if let [raw, facade, decode, page_typed, page_value] = per_request[..] {
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
        // A speed ratio, as the criterion row: how many times fewer instructions the typed decode needs.
        report(
            "decode_page_typed_vs_value_instructions_ratio",
            page_value / page_typed.max(1.0),
            "ratio",
            serde_json::json!({ "typed_instructions": page_typed, "value_instructions": page_value,
                                "images": PAGE_IMAGES, "delta": PAGE_DELTA, "target": 2.0 }),
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
/// alone, by the decoder the client uses) against `--base-url`, on one connection; or N decodes of a page of 1,000
/// copies of that answer, into `Page<OsImage>` by the client's decoder (`page-typed`) or `serde_json::Value`
/// (`page-value`), from the same text.
///
/// The requests run on a runtime of their own with one thread, so the count is the same from run to run: on the
/// program's multi-thread runtime, whether the connection was back in the pool before the next request depended on
/// where valgrind (which runs one thread at a time) happened to switch threads, and a change that only removed
/// work could cost 2-3k instructions a request more by losing that race more often.
pub async fn client_ops(args: &[String]) -> Result<(), String> {
    let kind: String = flag(args, "--kind", String::new())?;
    let base_url: String = flag(args, "--base-url", String::new())?;
    let requests: u64 = flag(args, "--requests", 0)?;
    // A thread of its own: a runtime cannot be entered from inside the one this function runs on.
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| format!("cannot start the runtime: {e}"))?
                    .block_on(run_ops(&kind, base_url, requests))
            })
            .join()
            .map_err(|_| "the client-ops thread panicked".to_owned())?
    })
}

async fn run_ops(kind: &str, base_url: String, requests: u64) -> Result<(), String> {
    let url = format!("{base_url}{IMAGE_PATH}");
    match kind {
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
            let body = fetched(&url).await?;
            // As the facade decodes: one UTF-8 check, then the model's decoder from the text.
            for _ in 0..requests {
                let text = std::str::from_utf8(&body).map_err(|e| e.to_string())?;
                let image = OsImage::from_json_str(text).map_err(|e| e.to_string())?;
                std::hint::black_box(image);
            }
        }
        "page-typed" | "page-value" => {
            let page = page_of(&fetched(&url).await?)?;
            // Both from the text after one UTF-8 check: the typed page as the client decodes it (the model's
            // decoder), the `Value` as serde_json reads one.
            for _ in 0..requests {
                let text = std::str::from_utf8(&page).map_err(|e| e.to_string())?;
                if kind == "page-typed" {
                    let decoded =
                        Page::<OsImage>::from_json_str(text).map_err(|e| e.to_string())?;
                    std::hint::black_box(decoded);
                } else {
                    let decoded: serde_json::Value =
                        serde_json::from_str(text).map_err(|e| e.to_string())?;
                    std::hint::black_box(decoded);
                }
            }
        }
        other => {
            return Err(format!(
                "unknown --kind {other:?}: expected raw, facade, decode, page-typed or page-value"
            ));
        }
    }
    Ok(())
}

/// The body of one GET of `url`.
async fn fetched(url: &str) -> Result<Bytes, String> {
    reqwest::get(url)
        .await
        .map_err(|e| e.to_string())?
        .bytes()
        .await
        .map_err(|e| e.to_string())
}

/// A collection page as Graph writes one: `@odata.context`, the images in `value` (each without the single-entity
/// `@odata.context` its own GET carries), a next link.
fn page_of(image: &[u8]) -> Result<Vec<u8>, String> {
    let mut item: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(image)
        .map_err(|e| format!("the image answer is not an object: {e}"))?;
    item.remove("@odata.context");
    let item = serde_json::to_vec(&item).map_err(|e| e.to_string())?;
    let mut page = br#"{"@odata.context":"https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDeviceWindowsOSImages","value":["#.to_vec();
    for i in 0..PAGE_IMAGES {
        if i > 0 {
            page.push(b',');
        }
        page.extend_from_slice(&item);
    }
    page.extend_from_slice(br#"],"@odata.nextLink":"https://graph.microsoft.com/beta/deviceManagement/managedDeviceWindowsOSImages?$skiptoken=1000"}"#);
    Ok(page)
}
