//! Strict like Graph by default, through the emulator crate alone over real HTTP: only the beta resource path,
//! undeclared properties and repeated keys refused with Graph's messages, OData's key form, `$metadata`, OData's
//! headers, every error in Graph's shape with a request-id, and a create without `id`; `lenient` relaxes enums and
//! properties.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages_emulator::ServeOptions;
use intune_osimages_emulator::test_util::{Running, SET, request, send};

const GRAPH_JSON: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
const JSON: (&str, &str) = ("Content-Type", "application/json");

#[tokio::test]
async fn only_the_beta_resource_path_is_served_with_segments_ignoring_case() {
    let emulator = Running::start(ServeOptions::local()).await;
    for path in [
        "/beta/beta/deviceManagement/managedDeviceWindowsOSImages",
        "/beta/users/me/deviceManagement/managedDeviceWindowsOSImages",
        "/v1.0/deviceManagement/managedDeviceWindowsOSImages",
        "/deviceManagement/managedDeviceWindowsOSImages",
        "/beta/deviceManagement/somethingElse",
    ] {
        let answer = emulator.call("GET", path, b"").await;
        assert_eq!(answer.status, 404, "{path}");
        answer.assert_graph_error("NotFound");
    }
    let answer = emulator
        .call(
            "GET",
            "/BETA/DeviceManagement/managedDeviceWindowsOsImages",
            b"",
        )
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["value"].as_array().unwrap().len(), 7);
    emulator.stop().await;
}

/// How a refusal's message must read.
enum Message {
    Exactly(&'static str),
    StartsWith(&'static str),
}

#[tokio::test]
async fn undeclared_properties_and_repeated_keys_are_400_with_graphs_messages() {
    let emulator = Running::start(ServeOptions::local()).await;
    let item = format!("{SET}/Windows%2011%2024H2");
    // (method, target, body, Graph's message)
    let cases: [(&str, &str, &[u8], Message); 4] = [
        (
            "PATCH",
            &item,
            br#"{"displayName":"x"}"#,
            Message::Exactly(
                "The property 'displayName' does not exist on type 'microsoft.graph.managedDeviceWindowsOperatingSystemImage'",
            ),
        ),
        (
            "POST",
            SET,
            br#"{"id":"new-image","displayName":"x"}"#,
            Message::Exactly(
                "The property 'displayName' does not exist on type 'microsoft.graph.managedDeviceWindowsOperatingSystemImage'",
            ),
        ),
        (
            "PATCH",
            &item,
            br#"{"supportedArchitectures":["x64"],"supportedArchitectures":["arM64"]}"#,
            Message::StartsWith(
                "Multiple properties with the name 'supportedArchitectures' were detected",
            ),
        ),
        (
            "POST",
            SET,
            br#"{"id":"new-image","id":"other-image"}"#,
            Message::StartsWith("Multiple properties with the name 'id' were detected"),
        ),
    ];
    for (method, target, body, expected) in cases {
        let answer = send(emulator.addr, &request(method, target, &[JSON], body)).await;
        let what = format!("{method} {}", String::from_utf8_lossy(body));
        assert_eq!(answer.status, 400, "{what}");
        answer.assert_graph_error("BadRequest");
        let message = answer.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        match expected {
            Message::Exactly(text) => assert_eq!(message, text, "{what}"),
            Message::StartsWith(text) => assert!(message.starts_with(text), "{what}: {message}"),
        }
    }
    // Nothing changed, nothing was created.
    let answer = emulator.call("GET", &item, b"").await;
    assert_eq!(
        answer.json()["supportedArchitectures"],
        serde_json::json!(["x64", "arM64"])
    );
    let answer = emulator.call("GET", &format!("{SET}/new-image"), b"").await;
    assert_eq!(answer.status, 404);
    emulator.stop().await;
}

#[tokio::test]
async fn lenient_stores_undeclared_properties_and_unknown_enum_values() {
    let mut options = ServeOptions::local();
    options.lenient = true;
    let emulator = Running::start(options).await;
    let item = format!("{SET}/Windows%2011%2024H2");
    let answer = emulator
        .call(
            "PATCH",
            &item,
            br#"{"displayName":"x","supportedArchitectures":["riscV64"]}"#,
        )
        .await;
    answer.assert_status(200);
    assert_eq!(answer.json()["displayName"], "x");
    assert_eq!(answer.json()["supportedArchitectures"][0], "riscV64");
    emulator.stop().await;
}

#[tokio::test]
async fn the_key_form_metadata_and_odata_headers_answer_as_graph() {
    let emulator = Running::start(ServeOptions::local()).await;
    let answer = emulator
        .call("GET", &format!("{SET}('Windows%2011%2024H2')"), b"")
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json()["id"], "Windows 11 24H2");
    assert_eq!(answer.header("content-type"), Some(GRAPH_JSON));
    assert_eq!(answer.header("odata-version"), Some("4.0"));
    let context = answer.json()["@odata.context"].as_str().unwrap().to_owned();
    let metadata = context.split('#').next().unwrap();
    assert_eq!(metadata, format!("http://127.0.0.1/beta/$metadata"));
    let answer = emulator.call("GET", "/beta/$metadata", b"").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/xml"));
    assert_eq!(answer.header("odata-version"), Some("4.0"));
    let xml = String::from_utf8(answer.body.clone()).unwrap();
    assert!(xml.starts_with("<?xml"));
    assert!(xml.contains("<EntityType Name=\"managedDeviceWindowsOperatingSystemImage\""));
    assert!(
        xml.contains("<Function Name=\"getAllManagedDeviceWindowsOSImages\" IsBound=\"true\">")
    );
    // Every error carries Graph's body, a request-id and OData-Version.
    let answer = emulator.call("GET", &format!("{SET}('nope')"), b"").await;
    assert_eq!(answer.status, 404);
    answer.assert_graph_error("NotFound");
    assert_eq!(answer.header("odata-version"), Some("4.0"));
    emulator.stop().await;
}

#[tokio::test]
async fn a_create_without_id_gets_a_guid_and_empty_collections() {
    let emulator = Running::start(ServeOptions::local()).await;
    let answer = emulator.call("POST", SET, b"{}").await;
    answer.assert_status(201);
    let created = answer.json();
    let id = created["id"].as_str().unwrap();
    assert_eq!(id.len(), 36, "{id}");
    assert_eq!(id.matches('-').count(), 4, "{id}");
    for collection in [
        "supportedEditions",
        "supportedArchitectures",
        "availableUpdates",
    ] {
        assert_eq!(created[collection], serde_json::json!([]), "{collection}");
    }
    let answer = emulator.call("GET", &format!("{SET}/{id}"), b"").await;
    assert_eq!(answer.status, 200);
    emulator.stop().await;
}

#[tokio::test]
async fn reset_restores_the_catalog_the_emulator_started_with() {
    let emulator = Running::start(ServeOptions::local()).await;
    let before = emulator.call("GET", SET, b"").await.json()["value"].clone();
    let answer = emulator.call("POST", SET, br#"{"id":"Lab"}"#).await;
    assert_eq!(answer.status, 201);
    let answer = emulator
        .call("DELETE", &format!("{SET}/Windows%2011%2024H2"), b"")
        .await;
    assert_eq!(answer.status, 204);
    let answer = emulator.call("POST", "/_emulator/reset", b"").await;
    assert_eq!(answer.status, 204);
    let after = emulator.call("GET", SET, b"").await.json()["value"].clone();
    assert_eq!(after, before);
    let answer = emulator.call("GET", "/_emulator/reset", b"").await;
    assert_eq!(answer.status, 405);
    answer.assert_graph_error("MethodNotAllowed");
    emulator.stop().await;
}
