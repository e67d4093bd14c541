//! `FakeTransport`: the fake behind the `Transport` trait.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use http::{Method, StatusCode};
use intune_osimages_fake::{FakeGraph, FakeTransport, sample_catalog};
use intune_osimages_transport::Transport;
use support::*;

#[tokio::test]
async fn the_transport_answers_from_its_graph_and_shares_it() {
    let transport = FakeTransport::sample();
    let resp = transport
        .send(req(Method::GET, &format!("{SET}/$count")))
        .await
        .unwrap();
    assert_eq!(resp.body().as_ref(), b"7");
    let clone = transport.clone();
    clone
        .send(req(Method::DELETE, &format!("{SET}/Windows%2010%2022H2")))
        .await
        .unwrap();
    assert_eq!(transport.graph().len(), 6);
    assert_eq!(transport.graph().requests().len(), 2);
}

#[tokio::test]
async fn a_transport_over_an_empty_graph() {
    let graph = FakeGraph::new();
    let transport = FakeTransport::new(graph.clone());
    let resp = transport
        .send(json_req(Method::POST, SET, &image_json("x")))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert!(graph.image("x").is_some());
    let debug = format!("{transport:?}");
    assert!(debug.contains("FakeGraph"), "{debug}");
}

#[test]
fn the_sample_catalog_is_what_the_sample_service_stores() {
    let catalog = sample_catalog();
    let graph = FakeGraph::with_sample_catalog();
    let stored = graph.snapshot();
    assert_eq!(catalog.len(), stored.len());
    for (typed, raw) in catalog.iter().zip(&stored) {
        assert_eq!(&serde_json::to_value(typed).unwrap(), raw);
    }
    let built = FakeGraph::builder().catalog(catalog).build();
    assert_eq!(built.snapshot(), stored);
}

#[test]
fn sample_catalog_has_the_documented_facts() {
    use intune_osimages_model::{Architecture, EditionType};
    let catalog = sample_catalog();
    let ids: Vec<&str> = catalog.iter().map(|i| i.id_str()).collect();
    assert_eq!(
        ids,
        [
            "Windows 10 22H2",
            "Windows 11 22H2",
            "Windows 11 23H2",
            "Windows 11 24H2",
            "Windows 11 25H2",
            "Windows 11 26H1",
            "Windows 11 26H2"
        ]
    );
    let end = |id: &str, edition: EditionType| {
        let image = catalog.iter().find(|i| i.id_str() == id).unwrap();
        let e = image
            .editions()
            .iter()
            .find(|e| e.edition_type.as_ref() == Some(&edition))
            .unwrap();
        e.support_end_date.unwrap().to_string()
    };
    assert_eq!(
        end("Windows 11 24H2", EditionType::Professional),
        "2026-10-13"
    );
    assert_eq!(
        end("Windows 11 24H2", EditionType::ProWorkstationN),
        "2026-10-13"
    );
    assert_eq!(
        end("Windows 11 24H2", EditionType::EnterpriseN),
        "2027-10-12"
    );
    assert_eq!(
        end("Windows 11 22H2", EditionType::ProEducation),
        "2024-10-08"
    );
    assert_eq!(end("Windows 11 22H2", EditionType::Education), "2025-10-14");
    assert_eq!(
        end("Windows 11 23H2", EditionType::EducationN),
        "2026-11-10"
    );
    assert_eq!(
        end("Windows 11 25H2", EditionType::Enterprise),
        "2028-10-10"
    );
    assert_eq!(
        end("Windows 10 22H2", EditionType::Professional),
        "2025-10-14"
    );
    for image in &catalog {
        assert_eq!(image.editions().len(), 10);
        assert!(image.architectures().contains(&Architecture::Arm64));
        let months: Vec<_> = image
            .updates()
            .iter()
            .map(|u| u.released().unwrap())
            .collect();
        // The releases that left servicing on 2025-10-14 stop there; the others have the autumn of 2026.
        let expected = if image.id_str().ends_with("22H2") {
            [(2025, 8), (2025, 9), (2025, 10)]
        } else {
            [(2026, 9), (2026, 10), (2026, 11)]
        };
        assert_eq!(months, expected, "{}", image.id_str());
        assert_eq!(
            image.architectures().contains(&Architecture::X64),
            image.id_str() != "Windows 11 26H1",
            "{}",
            image.id_str()
        );
        assert!(image.odata_type.is_some());
    }
    assert!(catalog[0].architectures().contains(&Architecture::X86));
}
