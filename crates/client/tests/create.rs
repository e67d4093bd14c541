//! `POST /deviceManagement/managedDeviceWindowsOSImages`: validated first, then sent exactly as validated; 201.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::NaiveDate;
use intune_osimages::validate::{Rule, Severity};
use intune_osimages::{Architecture, Edition, EditionType, Error, OsImage, OsUpdate};
use serde_json::json;
use support::{
    COLLECTION, assert_graph_headers, body_json, client, json_response, only_request, received,
    resource, resource_json,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

fn new_image() -> OsImage {
    let mut image = OsImage::new("Windows 11 26H1").with_odata_type();
    image.supported_editions = Some(vec![
        Edition::new(
            EditionType::Enterprise,
            NaiveDate::from_ymd_opt(2029, 3, 13).unwrap(),
        )
        .with_odata_type(),
    ]);
    image.supported_architectures = Some(vec![Architecture::Arm64]);
    image.available_updates = Some(vec![
        OsUpdate::new("10.0.28000.100", 2026, 3).with_odata_type(),
    ]);
    image
}

async fn server_answering_create() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(COLLECTION))
        .respond_with(json_response(
            201,
            &resource("created.json"),
            "req-create-1",
        ))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn create_posts_the_image_and_reads_the_created_one() {
    let server = server_answering_create().await;
    let created = client(&server)
        .os_images()
        .create(&new_image())
        .allow_read_only()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), COLLECTION);
    assert_eq!(request.url.query(), None);
    assert_graph_headers(&request, "application/json", true);
    assert_eq!(
        body_json(&request),
        json!({
            "@odata.type": "#microsoft.graph.managedDeviceWindowsOperatingSystemImage",
            "id": "Windows 11 26H1",
            "supportedEditions": [{
                "@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemEdition",
                "editionType": "enterprise",
                "supportEndDate": "2029-03-13"
            }],
            "supportedArchitectures": ["arM64"],
            "availableUpdates": [{
                "@odata.type": "microsoft.graph.managedDeviceWindowsOperatingSystemUpdate",
                "buildVersion": "10.0.28000.100",
                "releaseMonth": 3,
                "releaseYear": 2026
            }]
        })
    );

    let expected: OsImage = serde_json::from_value(resource_json("created.json")).unwrap();
    assert_eq!(created, expected);
    assert_eq!(created.id_str(), "Windows 11 26H1");
}

#[tokio::test]
async fn create_json_sends_the_body_exactly_as_given() {
    let server = server_answering_create().await;
    let mut body = serde_json::to_value(new_image()).unwrap();
    body["futureProperty"] = json!({"kept": true});
    let created = client(&server)
        .os_images()
        .create_json(body.clone())
        .allow_read_only()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_graph_headers(&request, "application/json", true);
    assert_eq!(body_json(&request), body);
    assert_eq!(created.id_str(), "Windows 11 26H1");
}

#[tokio::test]
async fn read_only_properties_stop_a_create_by_default() {
    let server = server_answering_create().await;
    let error = client(&server)
        .os_images()
        .create(&new_image())
        .await
        .unwrap_err();
    let Error::Validation(report) = &error else {
        panic!("expected a validation error, got {error:?}");
    };
    let mut read_only: Vec<&str> = report
        .errors()
        .filter(|f| f.rule == Rule::ReadOnly)
        .map(|f| f.path.as_str())
        .collect();
    read_only.sort_unstable();
    assert_eq!(
        read_only,
        [
            "/availableUpdates",
            "/supportedArchitectures",
            "/supportedEditions"
        ]
    );
    assert!(!error.may_have_been_sent());
    assert!(
        received(&server).await.is_empty(),
        "nothing is sent when validation fails"
    );
}

#[tokio::test]
async fn every_finding_is_reported_and_nothing_is_sent() {
    let server = server_answering_create().await;
    let body = json!({
        "id": "Windows 11 26H1",
        "supportedEditions": [{"editionType": "Enterprise", "supportEndDate": "2029-02-30"}],
        "supportedArchitectures": ["ARM64"],
        "availableUpdates": [{"buildVersion": "10.0.28000.100", "releaseMonth": 13, "releaseYear": 2026}]
    });
    let error = client(&server)
        .os_images()
        .create_json(body)
        .allow_read_only()
        .await
        .unwrap_err();
    let report = error.as_validation().expect("a validation error");
    let mut found: Vec<(&str, Rule)> = report
        .findings()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.path.as_str(), f.rule))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("/availableUpdates/0/releaseMonth", Rule::Range),
            ("/supportedArchitectures/0", Rule::EnumValue),
            ("/supportedEditions/0/editionType", Rule::EnumValue),
            ("/supportedEditions/0/supportEndDate", Rule::DateFormat),
        ]
    );
    let message = error.to_string();
    assert!(message.contains("nothing was sent"), "{message}");
    assert!(message.contains("/supportedArchitectures/0"), "{message}");
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn dry_run_returns_the_exact_bytes_without_sending() {
    let server = server_answering_create().await;
    let request = client(&server)
        .os_images()
        .create(&new_image())
        .allow_read_only();
    let bytes = request.dry_run().unwrap();
    let sent: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(sent, serde_json::to_value(new_image()).unwrap());
    assert!(received(&server).await.is_empty());
}
