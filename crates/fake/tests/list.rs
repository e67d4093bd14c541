//! `GET .../managedDeviceWindowsOSImages`: the collection, its query options and their errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use http::StatusCode;
use intune_osimages_fake::FakeGraph;
use support::*;

const GRAPH_JSON_CT: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

const ALL: [&str; 7] = [
    "Windows 10 22H2",
    "Windows 11 22H2",
    "Windows 11 23H2",
    "Windows 11 24H2",
    "Windows 11 25H2",
    "Windows 11 26H1",
    "Windows 11 26H2",
];

#[test]
fn list_answers_the_catalog_in_id_order_with_context_and_headers() {
    let graph = FakeGraph::with_sample_catalog();
    let resp = get(&graph, &format!("https://graph.example{SET}"));
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], GRAPH_JSON_CT);
    uuid::Uuid::parse_str(resp.headers()["request-id"].to_str().unwrap()).unwrap();
    let b = body(&resp);
    assert_eq!(
        b["@odata.context"],
        "https://graph.example/beta/$metadata#deviceManagement/managedDeviceWindowsOSImages"
    );
    assert_eq!(ids(&resp), ALL);
    assert!(b.get("@odata.nextLink").is_none());
    assert!(b.get("@odata.count").is_none());
    assert_eq!(b["value"][0], graph.image("Windows 10 22H2").unwrap());
}

#[test]
fn list_table() {
    let graph = FakeGraph::with_sample_catalog();
    let descending: Vec<&str> = ALL.iter().rev().copied().collect();
    // (query, expected ids)
    let cases: &[(&str, &[&str])] = &[
        ("", &ALL),
        ("$orderby=id%20desc", &descending),
        ("$orderby=id%20asc", &ALL),
        ("$orderby=id", &ALL),
        ("$orderBy=id%20DESC,id", &descending),
        ("$skip=3", &ALL[3..]),
        ("$skip=10", &[]),
        ("$top=0", &[]),
        ("$top=2", &["Windows 10 22H2", "Windows 11 22H2"]),
        ("$skip=1&$top=2", &["Windows 11 22H2", "Windows 11 23H2"]),
        ("$orderby=id%20desc&$top=1", &["Windows 11 26H2"]),
        ("$filter=startswith(id,'Windows%2011')&$top=10", &ALL[1..]),
        (
            "filter=id%20eq%20'Windows%2010%2022H2'",
            &["Windows 10 22H2"],
        ),
        (
            "$FILTER=id%20eq%20'Windows%2010%2022H2'",
            &["Windows 10 22H2"],
        ),
        ("$format=json", &ALL),
        ("custom=ignored&x", &ALL),
        ("$filter=id+eq+'Windows+10+22H2'", &["Windows 10 22H2"]),
        ("$orderby=id+desc&$top=1", &["Windows 11 26H2"]),
    ];
    for (query, expected) in cases {
        let resp = get(&graph, &format!("{SET}?{query}"));
        assert_eq!(
            resp.status(),
            StatusCode::OK,
            "{query}: {}",
            String::from_utf8_lossy(resp.body())
        );
        assert_eq!(ids(&resp), *expected, "{query}");
    }
}

#[test]
fn count_true_counts_the_filtered_set_before_paging() {
    let graph = FakeGraph::with_sample_catalog();
    let resp = get(
        &graph,
        &format!("{SET}?$count=true&$filter=startswith(id,'Windows%2011')&$top=1"),
    );
    let b = body(&resp);
    assert_eq!(b["@odata.count"], 6);
    assert_eq!(b["value"].as_array().unwrap().len(), 1);
    let resp = get(&graph, &format!("{SET}?$count=false"));
    assert!(body(&resp).get("@odata.count").is_none());
}

#[test]
fn select_keeps_the_named_properties_and_odata_type() {
    let graph = FakeGraph::with_sample_catalog();
    let resp = get(&graph, &format!("{SET}?$select=supportedArchitectures,id"));
    let b = body(&resp);
    assert_eq!(
        b["@odata.context"],
        "http://localhost/beta/$metadata#deviceManagement/managedDeviceWindowsOSImages(supportedArchitectures,id)"
    );
    let first = b["value"][0].as_object().unwrap();
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["@odata.type", "id", "supportedArchitectures"]);
    assert_eq!(
        first["supportedArchitectures"],
        serde_json::json!(["x86", "x64", "arM64"])
    );
    // Without id, id is not added.
    let resp = get(&graph, &format!("{SET}?$select=supportedArchitectures"));
    assert!(body(&resp)["value"][0].get("id").is_none());
    // `*` selects everything.
    let resp = get(&graph, &format!("{SET}?$select=*"));
    assert_eq!(
        body(&resp)["value"][0],
        graph.image("Windows 10 22H2").unwrap()
    );
}

#[test]
fn list_error_table() {
    let graph = FakeGraph::with_sample_catalog();
    // (query, a fragment the message must contain)
    let cases: &[(&str, &str)] = &[
        ("$expand=supportedEditions", "$expand"),
        ("$search=%22windows%22", "$search"),
        ("$apply=groupby((id))", "$apply"),
        ("$bogus=1", "$bogus"),
        ("$top=-1", "$top"),
        ("$top=abc", "$top"),
        ("$top=", "$top"),
        ("$top=99999999999999999999999", "$top"),
        ("$skip=1.5", "$skip"),
        ("$count=yes", "$count"),
        ("$select=name", "'name'"),
        ("$select=id,,supportedArchitectures", "empty item"),
        (
            "$select=supportedEditions/editionType",
            "supportedEditions/editionType",
        ),
        ("$orderby=supportedEditions", "collection"),
        ("$orderby=name", "'name'"),
        ("$orderby=id%20sideways", "sideways"),
        ("$orderby=id%20desc%20extra", "id desc extra"),
        ("$top=1&$top=2", "more than once"),
        ("$top=1&top=2", "more than once"),
        ("$skiptoken=abc", "$skiptoken"),
        ("$format=xml", "$format"),
        ("$filter=", "empty"),
        ("$filter=id%20eq", "position"),
        ("$filter=%FF", "UTF-8"),
    ];
    for (query, fragment) in cases {
        let resp = get(&graph, &format!("{SET}?{query}"));
        let message = expect_error(&resp, StatusCode::BAD_REQUEST, "BadRequest");
        assert!(message.contains(fragment), "{query}: {message}");
    }
}

#[test]
fn base_url_comes_from_the_uri_then_host_then_localhost() {
    let graph = FakeGraph::with_sample_catalog();
    let path = "/beta/deviceManagement/managedDeviceWindowsOSImages";
    let absolute = format!("http://127.0.0.1:8080/BETA{}", &path[5..]);
    for (case, uri, host, base) in [
        (
            "an absolute URI",
            absolute.as_str(),
            None,
            "http://127.0.0.1:8080/BETA",
        ),
        (
            "a Host header",
            path,
            Some("emulator.test:9000"),
            "http://emulator.test:9000/beta",
        ),
        (
            "a bad Host header",
            path,
            Some("bad host/with space"),
            "http://localhost/beta",
        ),
    ] {
        let mut request = http::Request::builder().uri(uri);
        if let Some(host) = host {
            request = request.header("host", host);
        }
        let resp = graph.handle_sync(&request.body(bytes::Bytes::new()).unwrap());
        assert_eq!(
            body(&resp)["@odata.context"].as_str(),
            Some(
                format!("{base}/$metadata#deviceManagement/managedDeviceWindowsOSImages").as_str()
            ),
            "{case}"
        );
    }
}

#[test]
fn path_segments_match_ignoring_case_and_a_trailing_slash() {
    let graph = FakeGraph::with_sample_catalog();
    for path in [
        "/beta/devicemanagement/MANAGEDDEVICEWINDOWSOSIMAGES",
        "/Beta/deviceManagement/managedDeviceWindowsOSImages/",
    ] {
        let resp = get(&graph, path);
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        assert_eq!(ids(&resp).len(), 7, "{path}");
    }
}

#[test]
fn only_the_beta_path_is_the_resource() {
    // As on Graph: no other version, nothing between /beta and /deviceManagement, no prefix.
    let graph = FakeGraph::with_sample_catalog();
    for path in [
        "/deviceManagement/managedDeviceWindowsOSImages",
        "/v1.0/deviceManagement/managedDeviceWindowsOSImages",
        "/beta/beta/deviceManagement/managedDeviceWindowsOSImages",
        "/beta/users/me/deviceManagement/managedDeviceWindowsOSImages",
        "/some/proxy/prefix/beta/deviceManagement/managedDeviceWindowsOSImages",
        "/beta/deviceManagement/managedDeviceWindowsOSImage",
        "/beta/deviceManagement",
    ] {
        let resp = get(&graph, path);
        let message = expect_error(&resp, StatusCode::NOT_FOUND, "NotFound");
        assert!(message.contains(path), "{path}: {message}");
    }
}
