//! `PATCH /deviceManagement/managedDeviceWindowsOSImages/{id}`: the seed's own request and response, the read-only
//! policy, and the 204 answer some deployments give.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::NaiveDate;
use intune_osimages::validate::{Rule, Severity};
use intune_osimages::{
    Architecture, Edition, EditionType, Error, OsImage, OsImagePatch, OsUpdate, Patch, Updated,
};
use serde_json::json;
use support::{
    COLLECTION, assert_graph_headers, body_json, client, json_response, only_request, received,
    seed, seed_json,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SEED_ID: &str = "32a4ac62-ac62-32a4-62ac-a43262aca432";

/// The seed's PATCH body, built with the typed patch.
fn seed_patch() -> OsImagePatch {
    OsImagePatch::new()
        .with_odata_type()
        .supported_editions([Edition::new(
            EditionType::ProfessionalN,
            NaiveDate::from_ymd_opt(2016, 12, 31).unwrap(),
        )
        .with_odata_type()])
        .supported_architectures([Architecture::X86])
        .available_updates([OsUpdate::new("Build Version value", 11, 12).with_odata_type()])
}

async fn server_answering_patch(id_segment: &str, answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(format!("{COLLECTION}/{id_segment}")))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}

fn seed_response() -> ResponseTemplate {
    json_response(200, &seed("update-response.json"), "req-update-1")
}

#[tokio::test]
async fn the_seed_update_through_update_json_sends_the_seed_body_and_reads_the_seed_answer() {
    let server = server_answering_patch(SEED_ID, seed_response()).await;
    let updated = client(&server)
        .os_images()
        .update_json(SEED_ID, seed_json("update-request.json"))
        .allow_read_only()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PATCH");
    assert_eq!(request.url.path(), format!("{COLLECTION}/{SEED_ID}"));
    assert_eq!(request.url.query(), None);
    assert_graph_headers(&request, "application/json", true);
    assert_eq!(body_json(&request), seed_json("update-request.json"));

    let Updated::Image(image) = updated else {
        panic!("a 200 answer carries the image, got {updated:?}");
    };
    let expected: OsImage = serde_json::from_str(&seed("update-response.json")).unwrap();
    assert_eq!(*image, expected);
    assert_eq!(image.id_str(), SEED_ID);
    assert_eq!(image.architectures(), [Architecture::X86]);
    assert_eq!(
        image.editions()[0].edition_type,
        Some(EditionType::ProfessionalN)
    );
    assert_eq!(image.updates()[0].released(), Some((11, 12)));
    // The typed answer writes back the seed's response unchanged.
    assert_eq!(
        serde_json::to_value(&*image).unwrap(),
        seed_json("update-response.json")
    );
}

#[tokio::test]
async fn the_seed_update_through_a_typed_patch_sends_the_same_body() {
    let server = server_answering_patch("Windows%2011%2022H2", seed_response()).await;
    let updated = client(&server)
        .os_images()
        .update("Windows 11 22H2", &seed_patch())
        .allow_read_only()
        .await
        .unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PATCH");
    assert_eq!(
        request.url.path(),
        format!("{COLLECTION}/Windows%2011%2022H2")
    );
    assert_graph_headers(&request, "application/json", true);
    assert_eq!(body_json(&request), seed_json("update-request.json"));

    let image = updated
        .into_image()
        .expect("a 200 answer carries the image");
    assert_eq!(
        image,
        serde_json::from_str::<OsImage>(&seed("update-response.json")).unwrap()
    );
}

#[tokio::test]
async fn without_allow_read_only_the_three_fields_are_named_and_nothing_is_sent() {
    let server = server_answering_patch(SEED_ID, seed_response()).await;
    let images = client(&server).os_images();
    for error in [
        images
            .update_json(SEED_ID, seed_json("update-request.json"))
            .await
            .unwrap_err(),
        images.update(SEED_ID, &seed_patch()).await.unwrap_err(),
    ] {
        let Error::Validation(report) = &error else {
            panic!("expected a validation error, got {error:?}");
        };
        let mut errors: Vec<(&str, Rule)> =
            report.errors().map(|f| (f.path.as_str(), f.rule)).collect();
        errors.sort();
        assert_eq!(
            errors,
            [
                ("/availableUpdates", Rule::ReadOnly),
                ("/supportedArchitectures", Rule::ReadOnly),
                ("/supportedEditions", Rule::ReadOnly),
            ]
        );
        // The seed's releaseYear 11 is implausible but allowed: a warning, not an error.
        let warnings: Vec<(&str, Rule)> = report
            .warnings()
            .map(|f| (f.path.as_str(), f.rule))
            .collect();
        assert_eq!(warnings, [("/availableUpdates/0/releaseYear", Rule::Range)]);
        let message = error.to_string();
        for field in [
            "supportedEditions",
            "supportedArchitectures",
            "availableUpdates",
        ] {
            assert!(message.contains(field), "{field} is named in {message:?}");
        }
        assert!(!error.may_have_been_sent());
    }
    assert!(
        received(&server).await.is_empty(),
        "wiremock must receive nothing"
    );
}

#[tokio::test]
async fn a_204_answer_is_no_content() {
    let server = server_answering_patch(
        "Windows%2011%2024H2",
        ResponseTemplate::new(204).insert_header("request-id", "req-update-204"),
    )
    .await;
    let patch =
        OsImagePatch::new().supported_architectures([Architecture::X64, Architecture::Arm64]);
    let updated = client(&server)
        .os_images()
        .update("Windows 11 24H2", &patch)
        .allow_read_only()
        .await
        .unwrap();
    assert_eq!(updated, Updated::NoContent);
    assert_eq!(updated.into_image(), None);

    let request = only_request(&server).await;
    assert_eq!(
        body_json(&request),
        json!({"supportedArchitectures": ["x64", "arM64"]})
    );
}

#[tokio::test]
async fn only_what_the_patch_sets_is_sent_and_null_is_sent_on_purpose() {
    let server = server_answering_patch("Windows%2011%2024H2", ResponseTemplate::new(204)).await;
    let images = client(&server).os_images();

    assert_eq!(
        images
            .update("Windows 11 24H2", &OsImagePatch::new())
            .await
            .unwrap(),
        Updated::NoContent
    );
    let mut nulled = OsImagePatch::new();
    nulled.available_updates = Patch::Null;
    // `null` in a non-nullable collection is refused before sending, as Graph would refuse it.
    let error = images
        .update("Windows 11 24H2", &nulled)
        .allow_read_only()
        .await
        .unwrap_err();
    let report = error.as_validation().expect("a validation error");
    assert!(
        report
            .findings()
            .iter()
            .any(|f| f.path == "/availableUpdates"
                && f.rule == Rule::Null
                && f.severity == Severity::Error),
        "{report}"
    );

    let request = only_request(&server).await;
    assert_eq!(request.body, b"{}", "an empty patch is exactly {{}}");
}

#[tokio::test]
async fn dry_run_shows_the_bytes_and_sends_nothing() {
    let server = server_answering_patch(SEED_ID, seed_response()).await;
    let bytes = client(&server)
        .os_images()
        .update(SEED_ID, &seed_patch())
        .allow_read_only()
        .dry_run()
        .unwrap();
    let sent: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(sent, seed_json("update-request.json"));
    assert!(received(&server).await.is_empty());
}
