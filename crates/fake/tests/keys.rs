//! Keys: one percent-encoded path segment, decoded; a raw `/` splits segments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use http::{Method, StatusCode};
use intune_osimages_fake::FakeGraph;
use support::*;

const ODD_IDS: [&str; 10] = [
    "C++",
    "Windows 11 22H2",
    "a/b",
    "100%",
    "%41",
    "it's",
    "Windows 11 – édition spéciale 日本語",
    "../etc",
    "q?x=1#frag",
    "$count",
];

#[test]
fn odd_ids_round_trip_through_every_operation() {
    let graph = FakeGraph::new();
    for id in ODD_IDS {
        let item = format!("{SET}/{}", enc(id));
        let resp = graph.handle_sync(&json_req(Method::POST, SET, &image_json(id)));
        assert_eq!(
            resp.status(),
            StatusCode::CREATED,
            "{id}: {}",
            String::from_utf8_lossy(resp.body())
        );
        let resp = get(&graph, &item);
        assert_eq!(resp.status(), StatusCode::OK, "{id}");
        assert_eq!(body(&resp)["id"], id);
        let resp = graph.handle_sync(&json_req(
            Method::PATCH,
            &item,
            r#"{"supportedArchitectures":["arM64"]}"#,
        ));
        assert_eq!(resp.status(), StatusCode::OK, "{id}");
        let resp = get(
            &graph,
            &format!("{item}/getAllManagedDeviceWindowsOSImages()"),
        );
        assert_eq!(resp.status(), StatusCode::OK, "{id}");
        let resp = get(
            &graph,
            &format!(
                "{SET}?$filter={}",
                enc(&format!("id eq '{}'", id.replace('\'', "''")))
            ),
        );
        assert_eq!(ids(&resp), [id], "{id}");
    }
    assert_eq!(graph.len(), ODD_IDS.len());
    for id in ODD_IDS {
        let resp = graph.handle_sync(&req(Method::DELETE, &format!("{SET}/{}", enc(id))));
        assert_eq!(resp.status(), StatusCode::NO_CONTENT, "{id}");
    }
    assert!(graph.is_empty());
}

#[test]
fn key_decoding_table() {
    let graph = FakeGraph::builder()
        .catalog(
            ODD_IDS
                .iter()
                .map(|id| serde_json::from_str::<serde_json::Value>(&image_json(id)).unwrap()),
        )
        .build();
    // (raw path after the set, status, decoded id when found)
    let cases: &[(&str, StatusCode, &str)] = &[
        ("/Windows%2011%2022H2", StatusCode::OK, "Windows 11 22H2"),
        ("/a%2Fb", StatusCode::OK, "a/b"),
        ("/a%2fb", StatusCode::OK, "a/b"),
        ("/a/b", StatusCode::BAD_REQUEST, ""),
        ("/100%25", StatusCode::OK, "100%"),
        ("/%2541", StatusCode::OK, "%41"),
        ("/%41", StatusCode::NOT_FOUND, ""),
        ("/it's", StatusCode::OK, "it's"),
        ("/it%27s", StatusCode::OK, "it's"),
        ("/..%2Fetc", StatusCode::OK, "../etc"),
        ("/%24count", StatusCode::OK, "$count"),
        ("/C++", StatusCode::OK, "C++"),
        ("/C%2B%2B", StatusCode::OK, "C++"),
        ("/%FF%FE", StatusCode::BAD_REQUEST, ""),
        ("//", StatusCode::BAD_REQUEST, ""),
    ];
    for (path, status, id) in cases {
        let resp = get(&graph, &format!("{SET}{path}"));
        assert_eq!(
            resp.status(),
            *status,
            "{path}: {}",
            String::from_utf8_lossy(resp.body())
        );
        if !id.is_empty() {
            assert_eq!(body(&resp)["id"], *id, "{path}");
        }
    }
}

#[test]
fn a_path_outside_the_resource_is_404() {
    let graph = FakeGraph::with_sample_catalog();
    for path in [
        "/",
        "/beta/users",
        "/beta/deviceManagement",
        "/beta/deviceManagement/managedDevices",
    ] {
        let resp = get(&graph, path);
        let message = expect_error(&resp, StatusCode::NOT_FOUND, "NotFound");
        assert!(
            message.contains("managedDeviceWindowsOSImages"),
            "{message}"
        );
    }
}

#[test]
fn odata_key_form_addresses_an_image_like_the_key_segment() {
    let graph = FakeGraph::new();
    for id in ["Windows 11 24H2", "it's", "a(b)c", "a/b"] {
        let resp = graph.handle_sync(&json_req(Method::POST, SET, &image_json(id)));
        assert_eq!(resp.status(), StatusCode::CREATED, "{id}");
        let literal = enc(&id.replace('\'', "''"));
        for form in [
            format!("{SET}('{literal}')"),
            format!("/BETA/deviceManagement/managedDeviceWindowsOSImages(id='{literal}')"),
        ] {
            let resp = get(&graph, &form);
            assert_eq!(resp.status(), StatusCode::OK, "{form}");
            assert_eq!(body(&resp)["id"], id);
            let resp = get(
                &graph,
                &format!("{form}/getAllManagedDeviceWindowsOSImages()"),
            );
            assert_eq!(resp.status(), StatusCode::OK, "{form}");
        }
        let resp = graph.handle_sync(&json_req(
            Method::PATCH,
            &format!("{SET}('{literal}')"),
            r#"{"supportedArchitectures":["arM64"]}"#,
        ));
        assert_eq!(resp.status(), StatusCode::OK, "{id}");
        assert_eq!(
            graph.image(id).unwrap()["supportedArchitectures"][0],
            "arM64"
        );
        let resp = graph.handle_sync(&req(Method::DELETE, &format!("{SET}('{literal}')")));
        assert_eq!(resp.status(), StatusCode::NO_CONTENT, "{id}");
    }
    assert!(graph.is_empty());
    for bad in ["('a'", "(a)", "('it's')", "()", "('')"] {
        let resp = get(&graph, &format!("{SET}{}", bad.replace('\'', "%27")));
        expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest");
    }
    let resp = get(&graph, &format!("{SET}('missing')"));
    expect_error(&resp, StatusCode::NOT_FOUND, "NotFound");
}
