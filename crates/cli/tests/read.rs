//! `list`, `get`, `get-all`, `count` on the built-in sample tenant, in both output modes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use predicates::str::contains;
use support::{ids, json, osimages, succeeds};

#[test]
fn list_without_credentials_uses_the_sample_tenant_and_says_so() {
    osimages()
        .arg("list")
        .assert()
        .success()
        .stdout(contains("Windows 11 24H2"))
        .stdout(contains("ARCHITECTURES"))
        .stderr(contains("sample tenant"));
}

#[test]
fn list_json_is_a_graph_collection() {
    let out = succeeds(osimages().args(["list", "--json"]));
    let body = json(&out);
    let ids = ids(&body);
    assert!(ids.iter().any(|i| i == "Windows 10 22H2"), "{ids:?}");
    assert!(ids.iter().any(|i| i == "Windows 11 25H2"), "{ids:?}");
}

#[test]
fn list_filters_selects_orders_and_counts() {
    let out = succeeds(osimages().args([
        "--json",
        "list",
        "--filter",
        "supportedArchitectures/any(a: a eq 'x86')",
        "--select",
        "id,supportedArchitectures",
        "--count",
    ]));
    let body = json(&out);
    let value = body["value"].as_array().unwrap();
    assert_eq!(value.len(), 1, "{body}");
    assert_eq!(value[0]["id"], "Windows 10 22H2");
    assert!(
        value[0].get("supportedEditions").is_none(),
        "$select kept editions: {body}"
    );
    assert_eq!(body["@odata.count"], 1);

    let out = osimages()
        .args(["--json", "list", "--orderby", "id desc", "--top", "2"])
        .output()
        .unwrap();
    let body = json(&out);
    let ids = ids(&body);
    assert_eq!(ids, ["Windows 11 26H2", "Windows 11 26H1"]);
}

#[test]
fn get_prints_one_image() {
    let out = succeeds(osimages().args(["get", "Windows 11 24H2", "--json"]));
    let body = json(&out);
    assert_eq!(body["id"], "Windows 11 24H2");
    assert!(body["supportedEditions"].as_array().unwrap().len() >= 10);

    osimages()
        .args(["get", "Windows 11 24H2"])
        .assert()
        .success()
        .stdout(contains("EDITION"))
        .stdout(contains("enterprise"))
        .stdout(contains("2027-10-12"));
}

#[test]
fn get_of_an_unknown_id_is_a_graph_error_with_its_request_id() {
    osimages()
        .args(["get", "Windows 95"])
        .assert()
        .code(4)
        .stderr(contains("404"))
        .stderr(contains("NotFound"))
        .stderr(contains("request-id"));
}

#[test]
fn get_all_and_count() {
    let out = succeeds(osimages().args(["--json", "get-all", "Windows 11 24H2"]));
    assert!(json(&out)["value"].as_array().is_some());

    osimages().arg("count").assert().success().stdout("7\n");
    osimages()
        .args(["count", "--filter", "startswith(id,'Windows 11')"])
        .assert()
        .success()
        .stdout("6\n");
}
