//! `GET /deviceManagement/managedDeviceWindowsOSImages/{id}`: the id as one encoded segment, `$select`, the object.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use intune_osimages::{Architecture, EditionType, Error, OsImage};
use support::{
    COLLECTION, assert_graph_headers, client, json_response, only_request, received, resource,
    resource_json,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

#[tokio::test]
async fn get_encodes_the_id_and_reads_the_object() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{COLLECTION}/Windows%2011%2022H2")))
        .respond_with(json_response(200, &resource("image.json"), "req-get-1"))
        .expect(1)
        .mount(&server)
        .await;

    let image = client(&server)
        .os_images()
        .get("Windows 11 22H2")
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(
        request.url.path(),
        format!("{COLLECTION}/Windows%2011%2022H2")
    );
    assert_eq!(request.url.query(), None);
    assert_graph_headers(&request, "application/json", false);

    assert_eq!(image.id_str(), "Windows 11 22H2");
    assert_eq!(
        image.odata_type.as_deref(),
        Some("#microsoft.graph.managedDeviceWindowsOperatingSystemImage")
    );
    let editions: Vec<(Option<EditionType>, String)> = image
        .editions()
        .iter()
        .map(|e| {
            (
                e.edition_type.clone(),
                e.support_end_date.unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        editions,
        [
            (Some(EditionType::Professional), "2024-10-08".to_owned()),
            (Some(EditionType::Enterprise), "2025-10-14".to_owned()),
        ]
    );
    assert_eq!(
        image.architectures(),
        [Architecture::X64, Architecture::Arm64]
    );
    let latest = image.latest_update().unwrap();
    assert_eq!(latest.build_version.as_deref(), Some("10.0.22621.6060"));
    assert_eq!(latest.released(), Some((2025, 10)));
    // Nothing is lost: the typed image writes back the JSON it was read from.
    assert_eq!(
        serde_json::to_value(&image).unwrap(),
        resource_json("image.json")
    );
}

#[tokio::test]
async fn select_is_sent_and_absent_properties_stay_absent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{COLLECTION}/Windows%2011%2022H2")))
        .respond_with(json_response(
            200,
            &resource("image_select.json"),
            "req-get-2",
        ))
        .mount(&server)
        .await;

    let image = client(&server)
        .os_images()
        .get("Windows 11 22H2")
        .select(["id", "supportedEditions"])
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.url.query(), Some("$select=id%2CsupportedEditions"));
    assert_graph_headers(&request, "application/json", false);
    assert_eq!(image.editions().len(), 2);
    assert_eq!(image.supported_architectures, None);
    assert_eq!(image.available_updates, None);
}

#[tokio::test]
async fn ids_that_look_like_paths_stay_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json_response(200, r#"{"id":"x"}"#, "req-get-3"))
        .mount(&server)
        .await;
    let images = client(&server).os_images();
    let cases = [
        ("a/b", "a%2Fb"),
        ("../x?y#z", "..%2Fx%3Fy%23z"),
        ("it's 100%", "it%27s%20100%25"),
        ("Windows 11 24H2 (ARM)", "Windows%2011%2024H2%20%28ARM%29"),
        ("é", "%C3%A9"),
    ];
    for (id, _) in cases {
        let image: OsImage = images.get(id).await.unwrap();
        assert_eq!(image.id_str(), "x");
    }
    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| {
            assert_eq!(r.url.query(), None, "an id never adds a query");
            r.url.path().to_owned()
        })
        .collect();
    let expected: Vec<String> = cases
        .iter()
        .map(|(_, enc)| format!("{COLLECTION}/{enc}"))
        .collect();
    assert_eq!(paths, expected);
}

#[tokio::test]
async fn dot_segment_and_empty_ids_are_refused_before_sending() {
    let server = MockServer::start().await;
    let images = client(&server).os_images();
    for id in ["", ".", ".."] {
        let error = images.get(id).await.unwrap_err();
        assert!(
            matches!(error, Error::Configuration(_)),
            "{id:?}: {error:?}"
        );
        assert!(!error.may_have_been_sent());
    }
    let shown = images.get("").await.unwrap_err().to_string();
    assert_eq!(shown, "configuration error: the id is empty");
    let shown = images.delete("..").await.unwrap_err().to_string();
    assert!(
        shown.starts_with("configuration error: the id \"..\" is a dot segment"),
        "{shown}"
    );
    assert!(received(&server).await.is_empty());
}

/// The answer decodes to serde_json's value whichever decoder reads it: the model's schema decoder for Graph's
/// text as it comes (pretty-printed here), serde_json for a string with an escape, which the schema decoder leaves
/// to it.
#[tokio::test]
async fn the_answer_reads_as_serde_json_reads_it_with_or_without_escapes() {
    let text = resource("image.json");
    let expected: OsImage = serde_json::from_str(&text).unwrap();
    let escaped = text.replacen("\"Windows 11 22H2\"", "\"Windows 11 22H\\u0032\"", 1);
    assert_ne!(escaped, text);
    for (id, body) in [("plain", text.clone()), ("escaped", escaped)] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(json_response(200, &body, "req-get-2"))
            .mount(&server)
            .await;
        let image = client(&server)
            .os_images()
            .get("Windows 11 22H2")
            .await
            .unwrap();
        assert_eq!(image, expected, "{id}");
    }
}
