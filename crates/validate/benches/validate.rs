//! Validating one typical update body (target: under 2 µs).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use intune_osimages_validate::{Operation, Policy, validate};
use serde_json::{Value, json};

/// The seed's PATCH body, exactly as Graph's documentation shows it.
fn seed_update() -> Value {
    serde_json::from_str(include_str!("../fixtures/seed/update-request.json")).unwrap()
}

/// A typical real update: a product version's editions, architectures and last three Patch Tuesdays. Sample data.
fn typical_update() -> Value {
    json!({
        "@odata.type": "#microsoft.graph.managedDeviceWindowsOperatingSystemImage",
        "supportedEditions": [
            {"@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemEdition",
             "editionType": "professional", "supportEndDate": "2026-10-13"},
            {"@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemEdition",
             "editionType": "professionalN", "supportEndDate": "2026-10-13"},
            {"@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemEdition",
             "editionType": "enterprise", "supportEndDate": "2027-10-12"},
            {"@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemEdition",
             "editionType": "education", "supportEndDate": "2027-10-12"}
        ],
        "supportedArchitectures": ["x64", "arM64"],
        "availableUpdates": [
            {"@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemUpdate",
             "buildVersion": "10.0.26100.6584", "releaseMonth": 9, "releaseYear": 2026},
            {"@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemUpdate",
             "buildVersion": "10.0.26100.6899", "releaseMonth": 10, "releaseYear": 2026},
            {"@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemUpdate",
             "buildVersion": "10.0.26100.7171", "releaseMonth": 11, "releaseYear": 2026}
        ]
    })
}

fn bench(c: &mut Criterion) {
    let seed = seed_update();
    let typical = typical_update();
    assert_eq!(
        validate(&seed, Operation::Update, Policy::default()).len(),
        4
    );
    assert!(validate(&typical, Operation::Update, Policy::allow_read_only()).is_empty());

    let mut group = c.benchmark_group("validate_update_body");
    group.bench_function("typical body, allow-read-only (no findings)", |b| {
        b.iter(|| {
            validate(
                black_box(&typical),
                Operation::Update,
                Policy::allow_read_only(),
            )
        })
    });
    group.bench_function("typical body, default policy (3 read-only errors)", |b| {
        b.iter(|| validate(black_box(&typical), Operation::Update, Policy::default()))
    });
    group.bench_function("seed body, default policy (4 findings)", |b| {
        b.iter(|| validate(black_box(&seed), Operation::Update, Policy::default()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
