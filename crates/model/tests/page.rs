//! Collection pages and Graph's error body.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_model::{GraphErrorBody, OsImage, Page};
use serde_json::json;

#[test]
fn a_page_with_next_link_and_count_round_trips() {
    let body = json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDeviceWindowsOSImages",
        "@odata.count": 1234,
        "value": [{"id": "Windows 11 24H2", "supportedArchitectures": ["x64", "arM64"]}, {"id": "Windows 10 22H2"}],
        "@odata.nextLink": "https://graph.microsoft.com/beta/deviceManagement/managedDeviceWindowsOSImages?$skiptoken=abc"
    });
    let page: Page<OsImage> = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(page.count, Some(1234));
    assert_eq!(
        page.next_link.as_deref(),
        Some(
            "https://graph.microsoft.com/beta/deviceManagement/managedDeviceWindowsOSImages?$skiptoken=abc"
        )
    );
    assert_eq!(page.value.len(), 2);
    assert_eq!(page.value[1].id_str(), "Windows 10 22H2");
    assert!(page.extra.is_empty());
    assert_eq!(serde_json::to_value(&page).unwrap(), body);
}

#[test]
fn an_empty_last_page_round_trips() {
    let page: Page<OsImage> = serde_json::from_str(r#"{"value":[]}"#).unwrap();
    assert!(page.value.is_empty());
    assert_eq!(page.next_link, None);
    assert_eq!(serde_json::to_string(&page).unwrap(), r#"{"value":[]}"#);
    let built = Page::new(vec![OsImage::new("a")]);
    assert_eq!(
        serde_json::to_value(&built).unwrap(),
        json!({"value": [{"id": "a"}]})
    );
}

#[test]
fn a_page_without_value_is_an_error_naming_it() {
    let err = serde_json::from_str::<Page<OsImage>>(r#"{"@odata.count":3}"#).unwrap_err();
    assert!(err.to_string().contains("value"), "{err}");
}

#[test]
fn graph_error_body_parses_the_documented_shape() {
    let text = r#"{
      "error": {
        "code": "BadRequest",
        "message": "Invalid value for supportedArchitectures",
        "target": "supportedArchitectures",
        "details": [{"code": "InvalidEnumValue", "message": "ARM64 is not valid", "target": "supportedArchitectures[0]"}],
        "innerError": {
          "date": "2021-07-02T01:40:19",
          "request-id": "b2bd4e6e-6c6b-4e8e-9f6c-1c1a2a3b4c5d",
          "client-request-id": "0f8fad5b-d9cb-469f-a165-70867728950e"
        }
      }
    }"#;
    let body: GraphErrorBody = serde_json::from_str(text).unwrap();
    let error = &body.error;
    assert_eq!(error.code, "BadRequest");
    assert_eq!(error.message, "Invalid value for supportedArchitectures");
    assert_eq!(error.target.as_deref(), Some("supportedArchitectures"));
    assert_eq!(error.details.len(), 1);
    assert_eq!(error.details[0].code, "InvalidEnumValue");
    assert_eq!(
        error.details[0].target.as_deref(),
        Some("supportedArchitectures[0]")
    );
    assert_eq!(
        error.request_id(),
        Some("b2bd4e6e-6c6b-4e8e-9f6c-1c1a2a3b4c5d")
    );
    assert_eq!(
        error.client_request_id(),
        Some("0f8fad5b-d9cb-469f-a165-70867728950e")
    );
    let inner = error.inner_error.as_ref().unwrap();
    let date = inner.date_time().unwrap();
    assert_eq!(date.to_string(), "2021-07-02 01:40:19");
    let original: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_value(&body).unwrap(), original);
}

#[test]
fn graph_error_body_tolerates_a_minimal_error() {
    let body: GraphErrorBody = serde_json::from_str(
        r#"{"error":{"code":"NotFound","message":"gone","innerError":{"date":"not a date"}}}"#,
    )
    .unwrap();
    assert_eq!(body.error.code, "NotFound");
    assert_eq!(body.error.request_id(), None);
    assert_eq!(body.error.inner_error.as_ref().unwrap().date_time(), None);
    let built = GraphErrorBody::new("NotFound", "gone");
    assert_eq!(
        serde_json::to_value(&built).unwrap(),
        json!({"error": {"code": "NotFound", "message": "gone"}})
    );
}
