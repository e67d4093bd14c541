//! Decoding a 1,000-image page into the typed model and into `serde_json::Value`, from the same bytes, in one group
//! so the ratio is visible.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use intune_osimages_model::{FastDecode, OsImage, Page};
use serde_json::{Value, json};

const EDITIONS: [&str; 10] = [
    "professional",
    "professionalN",
    "enterprise",
    "enterpriseN",
    "education",
    "educationN",
    "proEducation",
    "proEducationN",
    "proWorkstation",
    "proWorkstationN",
];

/// A realistic image as Graph returns it (with the seed's `@odata.type` annotations): 10 editions, 3 architectures,
/// the last 3 Patch Tuesdays' builds. Sample data.
fn image(i: usize) -> Value {
    let build = 26100 + (i % 200);
    let editions: Vec<Value> = EDITIONS
        .iter()
        .enumerate()
        .map(|(n, edition)| {
            json!({
                "@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemEdition",
                "editionType": edition,
                "supportEndDate": format!("{}-{:02}-{:02}", 2026 + n % 3, 1 + (i + n) % 12, 1 + (i * 7 + n) % 28),
            })
        })
        .collect();
    let updates: Vec<Value> = (0..3)
        .map(|n| {
            json!({
                "@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemUpdate",
                "buildVersion": format!("10.0.{build}.{}", 7000 + i + n * 113),
                "releaseMonth": 9 + n,
                "releaseYear": 2026,
            })
        })
        .collect();
    json!({
        "@odata.type": "#microsoft.graph.managedDeviceWindowsOperatingSystemImage",
        "id": format!("Windows 11 {}H{} build {build}-{i}", 22 + i % 4, 1 + i % 2),
        "supportedEditions": editions,
        "supportedArchitectures": ["x86", "x64", "arM64"],
        "availableUpdates": updates,
    })
}

fn page_bytes() -> Vec<u8> {
    let page = json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDeviceWindowsOSImages",
        "@odata.count": 5000,
        "value": (0..1000).map(image).collect::<Vec<_>>(),
        "@odata.nextLink": "https://graph.microsoft.com/beta/deviceManagement/managedDeviceWindowsOSImages?$skiptoken=1000",
    });
    serde_json::to_vec(&page).unwrap()
}

fn decode(c: &mut Criterion) {
    let bytes = page_bytes();
    // Both decoders must accept the bytes before their speed means anything, and the schema decoder must read them
    // itself (not hand them to serde_json) for its row to mean what it says.
    let typed: Page<OsImage> = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(typed.value.len(), 1000);
    assert_eq!(typed.value[0].editions().len(), 10);
    let text = std::str::from_utf8(&bytes).unwrap();
    assert_eq!(Page::<OsImage>::fast_decode(text).as_ref(), Some(&typed));

    // Each row from the text after one UTF-8 check, as the client decodes.
    let mut group = c.benchmark_group("decode_page_1000_images");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("typed Page<OsImage>", |b| {
        b.iter(|| {
            let text = std::str::from_utf8(black_box(&bytes)).unwrap();
            Page::<OsImage>::from_json_str(text).unwrap()
        })
    });
    group.bench_function("typed Page<OsImage>, serde_json visitors", |b| {
        b.iter(|| {
            let text = std::str::from_utf8(black_box(&bytes)).unwrap();
            serde_json::from_str::<Page<OsImage>>(text).unwrap()
        })
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| {
            let text = std::str::from_utf8(black_box(&bytes)).unwrap();
            serde_json::from_str::<Value>(text).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
