//! Bad input at the emulator's HTTP endpoints: one `osimages serve` process takes a bounded, seeded stream of
//! arbitrary methods, paths, query strings, headers and bodies over raw sockets (eight at a time). Every request is
//! answered; nothing a client sends earns a 5xx; every 4xx carries Graph's error body; and the process is alive and
//! answering correctly afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod reliability_support;

use futures::StreamExt;
use std::time::Duration;

use reliability_support::{Raw, Rng, SET, Serve, encode, request, send_raw, send_raw_within};

/// Requests sent to the one emulator of this file.
const REQUESTS: usize = 600;
/// The generator's seed; set `RELIABILITY_SEED` to replay another run.
const DEFAULT_SEED: u64 = 0x05EE_D0F7_E57A_B1E5;

const METHODS: &[&str] = &[
    "GET", "GET", "GET", "POST", "POST", "PATCH", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS",
    "TRACE", "CONNECT2", "get", "X-CUSTOM",
];

const PREFIXES: &[&str] = &[
    "",
    "/",
    "/beta",
    "/v1.0",
    SET,
    SET,
    SET,
    "/beta/deviceManagement/managedDeviceWindowsOSImages/Windows%2011%2024H2",
    "/beta/deviceManagement/managedDeviceWindowsOSImages/$count",
    "/beta/deviceManagement/managedDeviceWindowsOSImages/Windows%2011%2024H2/getAllManagedDeviceWindowsOSImages()",
    "/BETA/DEVICEMANAGEMENT/managedDeviceWindowsOSImages",
];

const SEGMENTS: &[&str] = &[
    "..",
    ".",
    "%2e%2e",
    "%2F",
    "%",
    "%zz",
    "%FF%FE",
    "%00",
    "$count",
    "%24count",
    "$value",
    "$ref",
    "getAllManagedDeviceWindowsOSImages()",
    "microsoft.graph.getAllManagedDeviceWindowsOSImages",
    "a%2Fb",
    "",
    "Windows%2011%2022H2",
    "'quoted'",
    "(id)",
];

const OPTIONS: &[&str] = &[
    "$filter",
    "$select",
    "$top",
    "$skip",
    "$orderby",
    "$count",
    "$expand",
    "$search",
    "$skiptoken",
    "%24filter",
    "%24top",
    "$format",
    "filter",
    "",
    "$",
];

const VALUES: &[&str] = &[
    "true",
    "false",
    "0",
    "-1",
    "99999999999999999999",
    "id desc",
    "id asc,id desc",
    "id,supportedEditions",
    "startswith(id,'Windows')",
    "id eq 'it''s'",
    "supportedEditions/any(e:e/supportEndDate lt 2026-10-13)",
    "supportedArchitectures/any(a:a eq 'x64')",
    "(((((",
    "'",
    "%",
    "%FF",
    "+",
    "a+b",
    "1e3",
];

const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/json; charset=utf-8",
    "APPLICATION/JSON",
    "application/merge-patch+json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "",
    ";;;",
];

fn path(rng: &mut Rng) -> String {
    let mut target = rng.pick(PREFIXES).to_string();
    for _ in 0..rng.below(3) {
        target.push('/');
        match rng.below(3) {
            0 => target.push_str(rng.pick(SEGMENTS)),
            1 => target.push_str(&encode(&rng.text(12))),
            _ => target.push_str(&raw_uri_text(rng, 12)),
        }
    }
    if target.is_empty() || rng.below(8) == 0 {
        target.insert(0, '/');
    }
    target
}

/// Printable ASCII that may appear unencoded in a request target (no space, `#`, or control characters).
fn raw_uri_text(rng: &mut Rng, max: usize) -> String {
    rng.text(max)
        .chars()
        .filter(|c| {
            c.is_ascii_graphic()
                && !matches!(
                    c,
                    '#' | '?' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}'
                )
        })
        .collect()
}

fn query(rng: &mut Rng) -> String {
    let pairs = rng.below(4);
    let mut parts = Vec::new();
    for _ in 0..pairs {
        let name = if rng.below(5) == 0 {
            encode(&rng.text(6))
        } else {
            rng.pick(OPTIONS).to_string()
        };
        let value = match rng.below(3) {
            0 => encode(rng.pick(VALUES)),
            1 => encode(&rng.text(30)),
            _ => raw_uri_text(rng, 20),
        };
        parts.push(format!("{name}={value}"));
    }
    parts.join("&")
}

fn body(rng: &mut Rng) -> Vec<u8> {
    match rng.below(6) {
        0 => Vec::new(),
        1 => rng.bytes(300),
        2 => rng.text(200).into_bytes(),
        3 => serde_json::json!({"id": rng.text(10), "supportedArchitectures": [rng.text(6)],
            "supportedEditions": [{"editionType": rng.text(8), "supportEndDate": rng.text(10)}],
            "availableUpdates": [{"buildVersion": rng.text(5), "releaseMonth": rng.next() % 20, "releaseYear": -1}]})
        .to_string()
        .into_bytes(),
        4 => serde_json::json!([rng.text(5), null, {"a": rng.next()}])
            .to_string()
            .into_bytes(),
        _ => {
            let mut json = serde_json::json!({"id": format!("fuzz {}", rng.next()), "supportedArchitectures": ["x64"],
                "supportedEditions": [], "availableUpdates": [], "futureProperty": rng.text(8)})
            .to_string()
            .into_bytes();
            let cut = rng.below(json.len() + 1);
            json.truncate(cut);
            json
        }
    }
}

fn headers(rng: &mut Rng, body: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if !body.is_empty() || rng.below(3) == 0 {
        out.push((
            "Content-Type".to_owned(),
            rng.pick(CONTENT_TYPES).to_string(),
        ));
    }
    let printable = |rng: &mut Rng, n| -> String {
        rng.text(n)
            .chars()
            .filter(|c| c.is_ascii_graphic() || *c == ' ')
            .collect::<String>()
            .trim()
            .to_owned()
    };
    for _ in 0..rng.below(4) {
        let header = match rng.below(6) {
            0 => (
                "Authorization".to_owned(),
                format!("Bearer {}", printable(rng, 20)),
            ),
            1 => ("Authorization".to_owned(), printable(rng, 20)),
            2 => (
                "Accept".to_owned(),
                rng.pick(&["application/json", "text/plain", "*/*", "image/png", ""])
                    .to_string(),
            ),
            3 => ("client-request-id".to_owned(), printable(rng, 40)),
            4 => ("If-Match".to_owned(), printable(rng, 10)),
            _ => (
                format!("X-{}", encode(&rng.text(6)).replace('%', "")),
                printable(rng, 30),
            ),
        };
        out.push(header);
    }
    out
}

/// What a client's mistake must get: an answer, below 500, with Graph's error body when it is an error.
fn check(method: &str, target: &str, answer: Option<Raw>) -> Result<u16, String> {
    let Some(answer) = answer else {
        return Err(format!("{method} {target}: no HTTP answer"));
    };
    if answer.status >= 500 {
        return Err(format!(
            "{method} {target}: {} {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        ));
    }
    if answer.status >= 400 && method != "HEAD" {
        let code = answer
            .json()
            .and_then(|j| j["error"]["code"].as_str().map(str::to_owned));
        if code.is_none_or(|c| c.is_empty()) {
            return Err(format!(
                "{method} {target}: {} without Graph's error body: {:?}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            ));
        }
    }
    Ok(answer.status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arbitrary_requests_get_4xx_graph_errors_never_5xx_and_the_process_survives() {
    let seed = std::env::var("RELIABILITY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    println!("RELIABILITY_SEED={seed}");
    let mut serve = Serve::start(&["--page-size", "2"], &[]);
    let addr = serve.addr;
    let mut rng = Rng::new(seed);
    let mut requests = Vec::with_capacity(REQUESTS);
    for _ in 0..REQUESTS {
        let method = rng.pick(METHODS).to_string();
        let mut target = path(&mut rng);
        let q = query(&mut rng);
        if !q.is_empty() {
            target.push('?');
            target.push_str(&q);
        }
        let body = body(&mut rng);
        let headers = headers(&mut rng, &body);
        requests.push((method, target, headers, body));
    }

    let outcomes: Vec<Result<u16, String>> = futures::stream::iter(requests)
        .map(|(method, target, headers, body)| async move {
            let headers: Vec<(&str, &str)> = headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let bytes = request(&method, &target, &headers, &body);
            check(&method, &target, send_raw(addr, &bytes).await)
        })
        .buffer_unordered(8)
        .collect()
        .await;

    let failures: Vec<&String> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {REQUESTS} requests were mishandled (seed {seed}):\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let client_errors = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(400..=499)))
        .count();
    assert!(
        client_errors > REQUESTS / 4,
        "the generator reaches the error paths ({client_errors} 4xx)"
    );
    assert!(serve.is_alive(), "the emulator is still running");
    let answer = send_raw(addr, &request("GET", SET, &[], b""))
        .await
        .unwrap();
    assert_eq!(answer.status, 200, "and still answers a plain list");
    assert!(answer.json().unwrap()["value"].is_array());
}

#[tokio::test]
async fn broken_http_is_refused_without_stopping_the_process() {
    let mut serve = Serve::start(&[], &[]);
    let addr = serve.addr;
    let garbage: Vec<Vec<u8>> = vec![
        b"\r\n\r\n".to_vec(),
        b"GET\r\n\r\n".to_vec(),
        b"GET / HTTP/9.9\r\n\r\n".to_vec(),
        b"GET /beta HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n".to_vec(),
        b"POST /beta/deviceManagement/managedDeviceWindowsOSImages HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{\"id\"".to_vec(),
        b"POST /beta/deviceManagement/managedDeviceWindowsOSImages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n".to_vec(),
        vec![0xFF; 2048],
        [b"GET /".as_slice(), &[b'a'; 70_000], b" HTTP/1.1\r\n\r\n"].concat(),
        [b"GET / HTTP/1.1\r\nX: ".as_slice(), &[b'v'; 70_000], b"\r\n\r\n"].concat(),
    ];
    for bytes in &garbage {
        // A request cut short may be waited on; what matters is that no answer is a 5xx and the process lives.
        if let Ok(Some(answer)) = send_raw_within(addr, bytes, Duration::from_secs(2)).await {
            assert!(
                answer.status < 500,
                "{:?} earned {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(60)]),
                answer.status
            );
        }
        assert!(serve.is_alive());
    }
    let answer = send_raw(addr, &request("GET", &format!("{SET}/$count"), &[], b""))
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
}
