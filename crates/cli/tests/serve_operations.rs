//! The emulator in process on 127.0.0.1:0, driven through every operation by the facade's HTTP transport, and by
//! plain HTTP/1.1 for what a client that is not ours sends.
//!
//! Bad input at the emulator's HTTP endpoints: one `osimages serve` process takes a bounded, seeded stream of
//! arbitrary methods, paths, query strings, headers and bodies over raw sockets (eight at a time). Every request is
//! answered; nothing a client sends earns a 5xx; every 4xx carries Graph's error body; and the process is alive and
//! answering correctly afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use futures::StreamExt;
use futures::TryStreamExt;
use intune_osimages::{Architecture, EditionType, ErrorKind, OsImage, OsImagePatch};
use intune_osimages_emulator::{MAX_BODY_BYTES, ServeOptions, bind_with_graph};
use intune_osimages_fake::{FakeGraph, Fault};
use serde_json::json;
use std::time::Duration;
use support::ids;
use support::in_process::{Running, ServedGraph, raw};
use support::process::{Emulator, Raw, Rng, SET, encode, request, send_raw, send_within};

/// The ids of the catalog behind `emulator`, in its order.
fn catalog_ids(emulator: &Running) -> Vec<String> {
    emulator
        .graph
        .snapshot()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

fn date(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn every_operation_over_http() {
    let emulator = Running::start(ServeOptions::local()).await;
    let images = emulator.client(None).os_images();

    // list and count agree with the catalog behind the emulator
    let listed: Vec<OsImage> = images.list().all().await.unwrap();
    let expected: Vec<String> = catalog_ids(&emulator);
    assert_eq!(
        listed
            .iter()
            .map(|i| i.id_str().to_owned())
            .collect::<Vec<_>>(),
        expected
    );
    assert_eq!(images.count().send().await.unwrap(), expected.len() as u64);

    // get, with a key that needs percent-encoding
    let one = images.get("Windows 11 24H2").send().await.unwrap();
    assert_eq!(one.id_str(), "Windows 11 24H2");
    assert!(!one.editions().is_empty());

    // create
    let new = OsImage::new("Lab image/1 ?#%")
        .with_odata_type()
        .edition(EditionType::Enterprise, date("2030-01-08"))
        .architecture(Architecture::X64)
        .update("10.0.26100.9999", 2026, 11);
    let created = images.create(&new).allow_read_only().await.unwrap();
    assert_eq!(created.id_str(), "Lab image/1 ?#%");
    assert!(emulator.graph.image("Lab image/1 ?#%").is_some());

    // update: only what the patch sets changes
    let patch =
        OsImagePatch::new().supported_architectures([Architecture::X64, Architecture::Arm64]);
    let updated = images
        .update("Lab image/1 ?#%", &patch)
        .allow_read_only()
        .await
        .unwrap()
        .into_image()
        .expect("200 with the object");
    assert_eq!(
        updated.architectures(),
        [Architecture::X64, Architecture::Arm64]
    );
    assert_eq!(updated.editions(), created.editions());
    let stored = emulator.graph.image("Lab image/1 ?#%").unwrap();
    assert_eq!(stored["supportedArchitectures"], json!(["x64", "arM64"]));

    // getAll
    let all = images.get_all("Lab image/1 ?#%").all().await.unwrap();
    assert!(all.iter().any(|i| i.id_str() == "Lab image/1 ?#%"));

    // filters, in list and count
    let elevens = images
        .list()
        .filter("startswith(id,'Windows 11')")
        .all()
        .await
        .unwrap();
    let expected_elevens = expected
        .iter()
        .filter(|id| id.starts_with("Windows 11"))
        .count();
    assert_eq!(elevens.len(), expected_elevens);
    assert!(elevens.iter().all(|i| i.id_str().starts_with("Windows 11")));
    assert_eq!(
        images
            .count()
            .filter("startswith(id,'Windows 11')")
            .send()
            .await
            .unwrap(),
        expected_elevens as u64
    );
    let arm = images
        .list()
        .filter("supportedArchitectures/any(a:a eq 'arM64')")
        .all()
        .await
        .unwrap();
    assert!(arm.iter().any(|i| i.id_str() == "Lab image/1 ?#%"));
    assert!(
        arm.iter()
            .all(|i| i.architectures().contains(&Architecture::Arm64))
    );

    // delete, then it is gone
    images.delete("Lab image/1 ?#%").send().await.unwrap();
    let gone = images.get("Lab image/1 ?#%").send().await.unwrap_err();
    assert_eq!(gone.status(), Some(404));
    assert_eq!(gone.as_graph().unwrap().code, "NotFound");
    assert!(gone.request_id().is_some());

    emulator.stop().await;
}

#[tokio::test]
async fn the_seed_update_answers_the_seed_response() {
    let seed = |name: &str| -> serde_json::Value {
        let path = support::fixture(&format!("seed/{name}"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let emulator = Running::start(ServeOptions::local()).await;
    let images = emulator.client(None).os_images();
    let answered = images
        .update_json("Windows 11 24H2", seed("update-request.json"))
        .allow_read_only()
        .await
        .unwrap()
        .into_image()
        .unwrap();
    let mut answered = serde_json::to_value(answered).unwrap();
    let mut expected = seed("update-response.json");
    // Apart from the id, and the `@odata.context` annotation Graph adds to every answer (the docs' example omits it).
    answered.as_object_mut().unwrap().remove("id");
    answered.as_object_mut().unwrap().remove("@odata.context");
    expected.as_object_mut().unwrap().remove("id");
    assert_eq!(answered, expected);
    emulator.stop().await;
}

#[tokio::test]
async fn page_size_two_pages_every_item_once_with_links_back_to_the_emulator() {
    let mut options = ServeOptions::local();
    options.page_size = Some(2);
    let emulator = Running::start(options).await;
    let images = emulator.client(None).os_images();

    let first = images.list().page().await.unwrap();
    assert_eq!(first.value.len(), 2);
    let link = first.next_link.clone().expect("a next link on a full page");
    assert!(
        link.starts_with(&format!(
            "{}/deviceManagement/managedDeviceWindowsOSImages",
            emulator.base_url
        )),
        "{link}"
    );

    let streamed: Vec<String> = images
        .list()
        .stream()
        .map_ok(|i| i.id_str().to_owned())
        .try_collect()
        .await
        .unwrap();
    let mut expected: Vec<String> = catalog_ids(&emulator);
    assert!(expected.len() > 2, "the sample has more than one page");
    assert_eq!(streamed, expected, "every item once, in order");

    let pages: Vec<_> = images.list().pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), expected.len().div_ceil(2));
    assert!(pages.iter().all(|p| p.value.len() <= 2));

    // filtered paging too
    let filtered: Vec<String> = images
        .list()
        .filter("startswith(id,'Windows 11')")
        .stream()
        .map_ok(|i| i.id_str().to_owned())
        .try_collect()
        .await
        .unwrap();
    expected.retain(|id| id.starts_with("Windows 11"));
    assert_eq!(filtered, expected);
    emulator.stop().await;
}

#[tokio::test]
async fn microsoft_sdk_style_requests_work() {
    // Kiota-generated SDKs percent-encode the `$` of query options and send `Accept: application/json`.
    let emulator = Running::start(ServeOptions::local()).await;
    let answer = raw(
        emulator.addr,
        "GET /beta/deviceManagement/managedDeviceWindowsOSImages?%24top=1&%24filter=startswith(id,%27Windows%2011%27)&%24count=true HTTP/1.1\nHost: localhost\nAccept: application/json\nclient-request-id: 0f6c3b9e-1111-4222-8333-944445555666",
        b"",
    )
    .await;
    assert_eq!(answer.status, 200);
    let body = answer.json();
    let page = ids(&body);
    assert_eq!(page.len(), 1);
    assert!(page[0].starts_with("Windows 11"));
    assert!(body["@odata.count"].as_u64().unwrap() > 1);
    let next = body["@odata.nextLink"].as_str().unwrap();
    assert!(next.starts_with("http://localhost/beta/"), "{next}");
    assert_eq!(
        answer.header("client-request-id"),
        Some("0f6c3b9e-1111-4222-8333-944445555666")
    );
    assert!(answer.header("request-id").is_some());

    let count = raw(
        emulator.addr,
        "GET /beta/deviceManagement/managedDeviceWindowsOSImages/$count HTTP/1.1\nHost: localhost",
        b"",
    )
    .await;
    assert_eq!(count.status, 200);
    assert_eq!(
        String::from_utf8(count.body).unwrap().trim(),
        emulator.graph.len().to_string()
    );
    emulator.stop().await;
}

#[tokio::test]
async fn unknown_routes_and_bad_requests_get_graph_errors_not_500() {
    let emulator = Running::start(ServeOptions::local()).await;
    let cases: [(&str, &[u8], u16); 6] = [
        ("GET / HTTP/1.1\nHost: x", b"", 404),
        (
            "GET /v1.0/deviceManagement/managedDeviceWindowsOSImages HTTP/1.1\nHost: x",
            b"",
            404,
        ),
        ("GET /beta/users HTTP/1.1\nHost: x", b"", 404),
        (
            "POST /beta/deviceManagement/managedDeviceWindowsOSImages HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: 9",
            b"{not json",
            400,
        ),
        (
            "GET /beta/deviceManagement/managedDeviceWindowsOSImages?$filter=id%20eq HTTP/1.1\nHost: x",
            b"",
            400,
        ),
        (
            "GET /beta/deviceManagement/managedDeviceWindowsOSImages/nope HTTP/1.1\nHost: x",
            b"",
            404,
        ),
    ];
    for (head, body, status) in cases {
        let answer = raw(emulator.addr, head, body).await;
        assert_eq!(answer.status, status, "{head}");
        let error = answer.json();
        assert!(
            error["error"]["code"]
                .as_str()
                .is_some_and(|c| !c.is_empty()),
            "{head}: {error}"
        );
        assert!(
            error["error"]["innerError"]["request-id"].is_string(),
            "{head}: {error}"
        );
    }
    emulator.stop().await;
}

#[tokio::test]
async fn an_oversized_body_gets_413() {
    let emulator = Running::start(ServeOptions::local()).await;
    let images = emulator.client(None).os_images();
    let mut body = json!({
        "id": "big",
        "supportedEditions": [],
        "supportedArchitectures": ["x64"],
        "availableUpdates": []
    });
    body["notes"] = json!("x".repeat(MAX_BODY_BYTES));
    let error = images
        .create_json(body)
        .allow_read_only()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(413), "{error}");
    assert_eq!(error.as_graph().unwrap().code, "RequestEntityTooLarge");
    assert!(emulator.graph.image("big").is_none());

    // A client that asks `Expect: 100-continue` is refused before it sends the body.
    let answer = raw(
        emulator.addr,
        &format!(
            "POST /beta/deviceManagement/managedDeviceWindowsOSImages HTTP/1.1\nHost: x\nContent-Type: application/json\nExpect: 100-continue\nContent-Length: {}",
            MAX_BODY_BYTES + 1
        ),
        b"",
    )
    .await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.json()["error"]["code"], "RequestEntityTooLarge");

    // Exactly the limit is accepted (and then judged by the fake: here, a good body).
    let mut body = json!({"id": "at-limit", "supportedEditions": [], "supportedArchitectures": [], "availableUpdates": []})
        .to_string()
        .into_bytes();
    let padding = MAX_BODY_BYTES - body.len();
    // Padded with JSON whitespace: a property the type does not declare would be Graph's 400.
    body.truncate(body.len() - 1);
    body.extend(std::iter::repeat_n(b' ', padding));
    body.push(b'}');
    assert_eq!(body.len(), MAX_BODY_BYTES);
    let answer = raw(
        emulator.addr,
        &format!(
            "POST /beta/deviceManagement/managedDeviceWindowsOSImages HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: {}",
            body.len()
        ),
        &body,
    )
    .await;
    answer.assert_status(201);
    emulator.stop().await;
}

#[tokio::test]
async fn scripted_faults_reach_the_client_over_http() {
    let graph = FakeGraph::with_sample_catalog();
    let server = bind_with_graph("127.0.0.1:0".parse().unwrap(), None, graph.clone())
        .await
        .unwrap();
    let emulator = Running::serve(server);
    let client = intune_osimages::Client::builder()
        .base_url(emulator.base_url.clone())
        .retry_policy(intune_osimages::transport::RetryPolicy::none())
        .build()
        .unwrap();

    graph.push_fault(Fault::DropConnection { times: 1 });
    let error = client
        .os_images()
        .get("Windows 11 24H2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert!(error.may_have_been_sent());

    graph.push_fault(Fault::throttled(1, 7));
    let error = client
        .os_images()
        .get("Windows 11 24H2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(
        error.as_graph().unwrap().retry_after,
        Some(std::time::Duration::from_secs(7))
    );

    // the server is still up and answering after both
    let image = client
        .os_images()
        .get("Windows 11 24H2")
        .send()
        .await
        .unwrap();
    assert_eq!(image.id_str(), "Windows 11 24H2");
    emulator.stop().await;
}

#[tokio::test]
async fn hostile_requests_never_get_a_500_and_the_server_stays_up() {
    let emulator = Running::start(ServeOptions::local()).await;
    let collection = "/beta/deviceManagement/managedDeviceWindowsOSImages";
    let heads = [
        format!("PUT {collection} HTTP/1.1\nHost: x\nContent-Length: 0"),
        format!("TRACE {collection} HTTP/1.1\nHost: x"),
        format!("OPTIONS {collection} HTTP/1.1\nHost: x"),
        format!("BREW {collection} HTTP/1.1\nHost: x"),
        format!("GET {collection}/%FF%FE HTTP/1.1\nHost: x"),
        format!("GET {collection}/a/b/c HTTP/1.1\nHost: x"),
        format!("GET {collection}/..%2F..%2Fetc%2Fpasswd HTTP/1.1\nHost: x"),
        "GET /beta/../../etc/passwd HTTP/1.1\nHost: x".to_owned(),
        format!("GET {collection}?$top=-1&$skip=abc HTTP/1.1\nHost: x"),
        format!("GET {collection}?$filter=%27unterminated HTTP/1.1\nHost: x"),
        format!("GET {collection}?$orderby=nosuch%20sideways HTTP/1.1\nHost: x"),
        format!("GET {collection} HTTP/1.1\nHost: bad host name"),
        format!("GET {collection} HTTP/1.0"),
        format!("DELETE {collection} HTTP/1.1\nHost: x"),
        format!(
            "PATCH {collection}/nope HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: 2"
        ),
        format!("POST {collection} HTTP/1.1\nHost: x\nContent-Type: text/plain\nContent-Length: 2"),
        format!(
            "POST {collection} HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: 4"
        ),
        format!(
            "POST {collection} HTTP/1.1\nHost: x\nContent-Type: application/json\nTransfer-Encoding: chunked"
        ),
    ];
    let bodies: [&[u8]; 4] = [
        b"{}",
        b"[1]",
        b"\xff\xfe\x00\x01",
        b"5\r\n{\"id\"\r\n0\r\n\r\n",
    ];
    for head in &heads {
        let body: &[u8] = if head.contains("chunked") {
            bodies[3]
        } else if head.contains("Content-Length: 4") {
            bodies[2]
        } else if head.contains("Content-Length: 2") {
            bodies[0]
        } else {
            b""
        };
        let answer = raw(emulator.addr, head, body).await;
        assert!(
            (400..500).contains(&answer.status) || answer.status == 200,
            "{head}: {} {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
        if answer.status >= 400 && !answer.body.is_empty() {
            assert!(answer.json()["error"]["code"].is_string(), "{head}");
        }
    }
    // still serving, catalog unchanged
    let images = emulator.client(None).os_images();
    assert_eq!(
        images.count().send().await.unwrap(),
        FakeGraph::with_sample_catalog().len() as u64
    );
    emulator.stop().await;
}

#[tokio::test]
async fn form_encoded_query_strings_work() {
    // `curl --data-urlencode`, Python's `requests` and browsers write a space in a query value as `+`.
    let emulator = Running::start(ServeOptions::local()).await;
    let answer = raw(
        emulator.addr,
        "GET /beta/deviceManagement/managedDeviceWindowsOSImages?$filter=startswith%28id%2c%27Windows+11%27%29&$top=2 HTTP/1.1\nHost: x",
        b"",
    )
    .await;
    assert_eq!(answer.status, 200);
    let page = ids(&answer.json());
    assert_eq!(page.len(), 2);
    assert!(
        page.iter().all(|id| id.starts_with("Windows 11")),
        "{page:?}"
    );
    emulator.stop().await;
}

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
            .try_json()
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
    let mut serve = Emulator::start_with_env(&["--page-size", "2"], &[]);
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
    assert!(answer.json()["value"].is_array());
}

#[tokio::test]
async fn broken_http_is_refused_without_stopping_the_process() {
    let mut serve = Emulator::start_with_env(&[], &[]);
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
        if let Ok(Some(answer)) = send_within(addr, bytes, Duration::from_secs(2)).await {
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
