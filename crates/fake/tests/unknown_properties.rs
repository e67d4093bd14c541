//! Properties and enum values this version does not know survive storage and every read unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use http::{Method, StatusCode};
use intune_osimages_fake::FakeGraph;
use serde_json::json;
use support::*;

fn seeded() -> (FakeGraph, serde_json::Value) {
    let image = json!({
        "@odata.type": "#microsoft.graph.managedDeviceWindowsOperatingSystemImage",
        "id": "Windows 12 26H2",
        "supportedEditions": [
            {"editionType": "proQuantum", "supportEndDate": "2031-10-14", "servicingChannel": "generalAvailability"}
        ],
        "supportedArchitectures": ["x64", "riscV64"],
        "availableUpdates": [{"buildVersion": "10.0.28000.1", "releaseMonth": 11, "releaseYear": 2026, "kb": "KB5099999"}],
        "futureProperty": {"deep": [1, 2.5, "three", null, {"four": true}]},
        "supportedEditions@odata.type": "#Collection(microsoft.graph.managedDeviceWindowsOperatingSystemEdition)",
        "bigNumber": 12345678901234567_i64
    });
    (
        FakeGraph::builder().catalog(vec![image.clone()]).build(),
        image,
    )
}

#[test]
fn seeded_unknowns_come_back_from_get_list_and_get_all() {
    let (graph, image) = seeded();
    assert_eq!(graph.image("Windows 12 26H2").unwrap(), image);
    let mut got = body(&get(&graph, &format!("{SET}/Windows%2012%2026H2")));
    got.as_object_mut().unwrap().remove("@odata.context");
    assert_eq!(got, image);
    assert_eq!(body(&get(&graph, SET))["value"][0], image);
    assert_eq!(
        body(&get(
            &graph,
            &format!("{SET}/Windows%2012%2026H2/getAllManagedDeviceWindowsOSImages()")
        ))["value"][0],
        image
    );
}

#[test]
fn a_patch_of_one_property_keeps_every_unknown_one() {
    let (graph, image) = seeded();
    let resp = graph.handle_sync(&json_req(
        Method::PATCH,
        &format!("{SET}/Windows%2012%2026H2"),
        r#"{"availableUpdates": [{"buildVersion": "10.0.28000.2", "releaseMonth": 12, "releaseYear": 2026}]}"#,
    ));
    assert_status(&resp, StatusCode::OK);
    let after = graph.image("Windows 12 26H2").unwrap();
    for key in [
        "futureProperty",
        "supportedEditions",
        "supportedArchitectures",
        "bigNumber",
        "supportedEditions@odata.type",
    ] {
        assert_eq!(after[key], image[key], "{key}");
    }
}

#[test]
fn a_created_unknown_property_is_stored_and_answered_in_lenient_mode() {
    let graph = FakeGraph::builder().lenient(true).build();
    let mut sent: serde_json::Value = serde_json::from_str(&image_json("a")).unwrap();
    sent["brandNew"] = json!({"x": [1, {"y": "z"}]});
    sent["supportedEditions"][0]["alsoNew"] = json!("kept");
    let resp = post(&graph, &sent);
    assert_status(&resp, StatusCode::CREATED);
    assert_eq!(graph.image("a").unwrap(), sent);
    assert_eq!(body(&resp)["brandNew"], sent["brandNew"]);
}

#[test]
fn filters_over_unknown_enum_values_in_the_seed_work_in_lenient_mode() {
    let (_, image) = seeded();
    let graph = FakeGraph::builder()
        .catalog(vec![image])
        .strict_enums(false)
        .build();
    let resp = get(
        &graph,
        &format!(
            "{SET}?$filter={}",
            enc("supportedEditions/any(e: e/editionType eq 'proQuantum')")
        ),
    );
    assert_eq!(ids(&resp), ["Windows 12 26H2"]);
}

#[test]
fn try_build_refuses_a_bad_seed_and_build_skips_it() {
    use intune_osimages_fake::CatalogError;
    let cases = [
        (vec![json!([1])], CatalogError::NotAnObject { index: 0 }),
        (
            vec![json!({"id": "a"}), json!({"name": "x"})],
            CatalogError::BadId { index: 1 },
        ),
        (vec![json!({"id": 5})], CatalogError::BadId { index: 0 }),
        (vec![json!({"id": ""})], CatalogError::BadId { index: 0 }),
        (
            vec![json!({"id": "a"}), json!({"id": "a"})],
            CatalogError::DuplicateId { id: "a".into() },
        ),
    ];
    for (seed, expected) in cases {
        let err = FakeGraph::builder()
            .catalog(seed.clone())
            .try_build()
            .unwrap_err();
        assert_eq!(err, expected);
        assert!(!err.to_string().is_empty());
        let built = FakeGraph::builder().catalog(seed).build();
        assert!(built.len() <= 1);
    }
}

/// Numbers an `f64` cannot hold, exactly as they must come back (a `serde_json::Value` would round them).
const BIG: &str = "123456789012345678901234567890";
const LONG_DECIMAL: &str = "0.10000000000000000000000000000000000001";

fn exact_seed() -> FakeGraph {
    let text = format!(
        r#"{{ "id": "Exact", "supportedEditions": [], "supportedArchitectures": [], "availableUpdates": [{{"futureSize": {BIG}}}],
             "futureCount": {BIG}, "futureRatio": {LONG_DECIMAL}, "futureList": [{BIG}, {{"r": {LONG_DECIMAL}}}] }}"#
    );
    FakeGraph::builder()
        .lenient(true)
        .catalog([intune_osimages_fake::CatalogEntry::from_json(&text).unwrap()])
        .try_build()
        .unwrap()
}

fn text(resp: &intune_osimages_transport::Response) -> String {
    String::from_utf8(resp.body().to_vec()).unwrap()
}

/// Asserts that `text` holds each of `expected`, byte for byte.
fn assert_holds_all(text: &str, expected: &[String]) {
    for expected in expected {
        assert!(text.contains(expected), "{expected} missing from {text}");
    }
}

#[test]
fn wide_numbers_in_a_text_seed_are_answered_byte_for_byte() {
    let graph = exact_seed();
    assert_holds_all(
        &text(&get(&graph, &format!("{SET}/Exact"))),
        &[
            format!("\"futureCount\":{BIG}"),
            format!("\"futureRatio\":{LONG_DECIMAL}"),
            format!("\"futureList\":[{BIG},{{\"r\":{LONG_DECIMAL}}}]"),
        ],
    );
    let selected = text(&get(
        &graph,
        &format!("{SET}/Exact?$select=id,availableUpdates"),
    ));
    assert!(
        selected.contains(&format!("\"availableUpdates\":[{{\"futureSize\":{BIG}}}]")),
        "{selected}"
    );
    assert!(!selected.contains("futureRatio"), "{selected}");
}

#[test]
fn a_patch_keeps_wide_numbers_and_stores_the_ones_it_sends_exactly() {
    let graph = exact_seed();
    let resp = graph.handle_sync(&json_req(
        Method::PATCH,
        &format!("{SET}/Exact"),
        &format!(r#"{{"futureNew": {BIG}9, "futureRatio": -{LONG_DECIMAL}, "supportedArchitectures": ["x64"]}}"#),
    ));
    assert_eq!(resp.status(), StatusCode::OK, "{}", text(&resp));
    let answer = text(&resp);
    assert_holds_all(
        &answer,
        &[
            format!("\"futureCount\":{BIG}"),
            format!("\"futureNew\":{BIG}9"),
            format!("\"futureRatio\":-{LONG_DECIMAL}"),
            format!("\"futureList\":[{BIG},{{\"r\":{LONG_DECIMAL}}}]"),
            "\"supportedArchitectures\":[\"x64\"]".to_owned(),
        ],
    );
    assert_eq!(
        text(&get(&graph, &format!("{SET}/Exact")))[..],
        *answer,
        "GET answers what PATCH stored"
    );
    let stored = graph.entries()[0].json().into_owned();
    assert!(
        stored.contains(&format!("\"futureNew\":{BIG}9")),
        "{stored}"
    );
    // null for an unknown property is stored as null, as before.
    let resp = graph.handle_sync(&json_req(
        Method::PATCH,
        &format!("{SET}/Exact"),
        r#"{"futureCount": null}"#,
    ));
    assert!(
        text(&resp).contains("\"futureCount\":null"),
        "{}",
        text(&resp)
    );
}

#[test]
fn a_create_stores_wide_numbers_exactly() {
    let graph = FakeGraph::builder().lenient(true).build();
    let resp = graph.handle_sync(&json_req(
        Method::POST,
        SET,
        &format!(r#"{{"id": "New", "futureCount": {BIG}, "futureRatio": {LONG_DECIMAL}}}"#),
    ));
    assert_eq!(resp.status(), StatusCode::CREATED, "{}", text(&resp));
    assert_holds_all(
        &text(&get(&graph, &format!("{SET}/New"))),
        &[
            format!("\"futureCount\":{BIG}"),
            format!("\"futureRatio\":{LONG_DECIMAL}"),
            "\"supportedEditions\":[]".to_owned(),
        ],
    );
}

#[test]
fn replace_catalog_takes_back_the_entries_it_gave() {
    let graph = exact_seed();
    let saved = graph.entries();
    graph.handle_sync(&json_req(
        Method::PATCH,
        &format!("{SET}/Exact"),
        r#"{"futureCount": 1}"#,
    ));
    graph.replace_catalog(saved).unwrap();
    assert!(
        text(&get(&graph, &format!("{SET}/Exact"))).contains(&format!("\"futureCount\":{BIG}"))
    );
    assert!(matches!(
        intune_osimages_fake::CatalogEntry::from_json("[1]"),
        Err(intune_osimages_fake::CatalogError::NotJson { .. })
    ));
}
