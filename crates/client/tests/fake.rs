//! The facade over the in-memory fake Graph service: every operation round-trips, on the sample catalog and on an
//! empty one, with paging, filters, scripted faults and the request log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use futures::TryStreamExt;
use intune_osimages::transport::ManualClock;
use intune_osimages::{
    Architecture, Client, Edition, EditionType, Error, OsImage, OsImagePatch, OsUpdate, Updated,
    odata_string,
};
use intune_osimages_fake::{FakeGraph, FakeTransport, Fault};

const COLLECTION: &str = "/beta/deviceManagement/managedDeviceWindowsOSImages";

fn client_over(graph: &FakeGraph) -> Client {
    Client::builder()
        .transport(FakeTransport::new(graph.clone()))
        .build()
        .unwrap()
}

fn new_image() -> OsImage {
    let mut image = OsImage::new("Windows 11 26H1");
    image.supported_editions = Some(vec![
        Edition::new(
            EditionType::Enterprise,
            NaiveDate::from_ymd_opt(2029, 3, 13).unwrap(),
        ),
        Edition::new(
            EditionType::Professional,
            NaiveDate::from_ymd_opt(2028, 3, 14).unwrap(),
        ),
    ]);
    image.supported_architectures = Some(vec![Architecture::Arm64]);
    image.available_updates = Some(vec![OsUpdate::new("10.0.28000.100", 2026, 3)]);
    image
}

fn ids(images: &[OsImage]) -> Vec<&str> {
    images.iter().map(OsImage::id_str).collect()
}

#[tokio::test]
async fn create_get_list_update_delete_on_an_empty_catalog() {
    let graph = FakeGraph::new();
    let images = client_over(&graph).os_images();

    assert_eq!(images.count().await.unwrap(), 0);
    assert!(images.list().all().await.unwrap().is_empty());

    let created = images.create(&new_image()).allow_read_only().await.unwrap();
    assert_eq!(created.id_str(), "Windows 11 26H1");
    assert_eq!(created.editions(), new_image().editions());
    assert_eq!(graph.len(), 1);

    let duplicate = images
        .create(&new_image())
        .allow_read_only()
        .await
        .unwrap_err();
    assert_eq!(duplicate.status(), Some(409), "{duplicate}");

    let read = images.get("Windows 11 26H1").await.unwrap();
    assert_eq!(read.architectures(), [Architecture::Arm64]);
    assert_eq!(read.updates(), new_image().updates());

    let patch =
        OsImagePatch::new().supported_architectures([Architecture::X64, Architecture::Arm64]);
    let updated = images
        .update("Windows 11 26H1", &patch)
        .allow_read_only()
        .await
        .unwrap()
        .into_image()
        .expect("the fake answers 200 with the object");
    assert_eq!(
        updated.architectures(),
        [Architecture::X64, Architecture::Arm64]
    );
    assert_eq!(
        updated.editions(),
        new_image().editions(),
        "what the patch leaves out is kept"
    );
    let reread = images.get("Windows 11 26H1").await.unwrap();
    assert_eq!(
        reread.architectures(),
        [Architecture::X64, Architecture::Arm64]
    );

    assert_eq!(
        ids(&images.list().all().await.unwrap()),
        ["Windows 11 26H1"]
    );

    images.delete("Windows 11 26H1").await.unwrap();
    assert!(graph.is_empty());
    let gone = images.get("Windows 11 26H1").await.unwrap_err();
    let graph_error = gone.as_graph().expect("a Graph error");
    assert_eq!(
        (graph_error.status, graph_error.code.as_str()),
        (404, "NotFound")
    );
    assert!(
        gone.request_id().is_some(),
        "the fake's error body carries a request-id"
    );
    let again = images.delete("Windows 11 26H1").await.unwrap_err();
    assert_eq!(again.status(), Some(404));

    let log: Vec<(String, String)> = graph
        .requests()
        .iter()
        .map(|r| (r.method.to_string(), r.path().to_owned()))
        .collect();
    let item = format!("{COLLECTION}/Windows%2011%2026H1");
    let expected: Vec<(String, String)> = [
        ("GET", format!("{COLLECTION}/$count")),
        ("GET", COLLECTION.to_owned()),
        ("POST", COLLECTION.to_owned()),
        ("POST", COLLECTION.to_owned()),
        ("GET", item.clone()),
        ("PATCH", item.clone()),
        ("GET", item.clone()),
        ("GET", COLLECTION.to_owned()),
        ("DELETE", item.clone()),
        ("GET", item.clone()),
        ("DELETE", item),
    ]
    .into_iter()
    .map(|(m, p)| (m.to_owned(), p))
    .collect();
    assert_eq!(log, expected);
    // The fake's log redacts credentials but shows the facade's telemetry.
    let first = &graph.requests()[0];
    assert!(first.header("client-request-id").is_some());
    assert_eq!(
        first.header("sdkversion"),
        Some(intune_osimages::SDK_VERSION)
    );
}

#[tokio::test]
async fn list_with_filters_on_the_sample_catalog() {
    let graph = FakeGraph::with_sample_catalog();
    let images = client_over(&graph).os_images();

    let all = images.list().all().await.unwrap();
    assert_eq!(
        ids(&all),
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

    let x86 = images
        .list()
        .filter("supportedArchitectures/any(a: a eq 'x86')")
        .all()
        .await
        .unwrap();
    assert_eq!(ids(&x86), ["Windows 10 22H2"]);

    let windows_11 = images
        .list()
        .filter(format!("startswith(id,{})", odata_string("Windows 11")))
        .orderby("id desc")
        .top(2)
        .page()
        .await
        .unwrap();
    assert_eq!(
        ids(&windows_11.value),
        ["Windows 11 26H2", "Windows 11 26H1"]
    );
    // As Graph does, `$top` sizes the page and the next link leads to the rest; `all()` follows it.
    assert!(windows_11.next_link.is_some());
    let all_11 = images
        .list()
        .filter("startswith(id,'Windows 11')")
        .orderby("id desc")
        .top(2)
        .all()
        .await
        .unwrap();
    assert_eq!(
        ids(&all_11),
        [
            "Windows 11 26H2",
            "Windows 11 26H1",
            "Windows 11 25H2",
            "Windows 11 24H2",
            "Windows 11 23H2",
            "Windows 11 22H2"
        ]
    );

    let one = images
        .list()
        .filter(format!("id eq {}", odata_string("Windows 11 24H2")))
        .select(["id"])
        .page()
        .await
        .unwrap();
    assert_eq!(ids(&one.value), ["Windows 11 24H2"]);
    assert_eq!(
        one.value[0].supported_editions, None,
        "$select leaves the other properties out"
    );

    let enterprise = images
        .list()
        .filter("supportedEditions/any(e: e/editionType eq 'enterprise') and not startswith(id,'Windows 10')")
        .count(true)
        .page()
        .await
        .unwrap();
    assert_eq!(enterprise.value.len(), 6);
    assert_eq!(enterprise.count, Some(6));

    let counted = images
        .count()
        .filter("startswith(id,'Windows 11')")
        .await
        .unwrap();
    assert_eq!(counted, 6);

    let bad = images.list().filter("id eq").page().await.unwrap_err();
    assert_eq!(bad.status(), Some(400), "{bad}");
}

#[tokio::test]
async fn server_driven_paging_is_followed_across_pages() {
    let graph = FakeGraph::builder()
        .catalog(intune_osimages_fake::sample_catalog())
        .page_size(Some(2))
        .build();
    let images = client_over(&graph).os_images();

    let sizes: Vec<usize> = images
        .list()
        .pages()
        .map_ok(|page| page.value.len())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(sizes, [2, 2, 2, 1]);
    let streamed: Vec<OsImage> = images.list().stream().try_collect().await.unwrap();
    assert_eq!(streamed.len(), 7);
    assert_eq!(streamed, intune_osimages_fake::sample_catalog());
}

#[tokio::test]
async fn the_seed_update_round_trips_through_the_fake() {
    let graph = FakeGraph::with_sample_catalog();
    let images = client_over(&graph).os_images();
    let seed: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/seed/update-request.json")).unwrap();

    let refused = images
        .update_json("Windows 11 24H2", seed.clone())
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Validation(_)));
    assert!(
        graph.requests().is_empty(),
        "nothing reaches the fake when validation fails"
    );

    let updated = images
        .update_json("Windows 11 24H2", seed)
        .allow_read_only()
        .await
        .unwrap()
        .into_image()
        .unwrap();
    assert_eq!(updated.id_str(), "Windows 11 24H2");
    assert_eq!(updated.architectures(), [Architecture::X86]);
    assert_eq!(updated.editions().len(), 1);
    assert_eq!(
        updated.editions()[0].edition_type,
        Some(EditionType::ProfessionalN)
    );
    assert_eq!(images.get("Windows 11 24H2").await.unwrap(), updated);
}

#[tokio::test]
async fn scripted_throttling_is_retried_on_the_manual_clock() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::throttled(2, 3));
    let clock = ManualClock::new();
    let client = Client::builder()
        .transport(FakeTransport::new(graph.clone()))
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();

    let image = client.os_images().get("Windows 11 25H2").await.unwrap();
    assert_eq!(image.id_str(), "Windows 11 25H2");
    assert_eq!(clock.slept(), [Duration::from_secs(3); 2]);
    let attempts: Vec<Option<String>> = graph
        .requests()
        .iter()
        .map(|r| r.header("retry-attempt").map(str::to_owned))
        .collect();
    assert_eq!(attempts, [None, Some("1".to_owned()), Some("2".to_owned())]);
}

#[tokio::test]
async fn a_patch_answered_204_is_no_content_and_still_applied() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::PatchNoContent { times: 1 });
    let images = client_over(&graph).os_images();
    let patch = OsImagePatch::new().supported_architectures([Architecture::Arm64]);
    let updated = images
        .update("Windows 11 23H2", &patch)
        .allow_read_only()
        .await
        .unwrap();
    assert_eq!(updated, Updated::NoContent);
    let read = images.get("Windows 11 23H2").await.unwrap();
    assert_eq!(read.architectures(), [Architecture::Arm64]);
}

#[tokio::test]
async fn a_dropped_patch_is_not_replayed() {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::DropAfterProcessing { times: 1 });
    let images = client_over(&graph).os_images();
    let patch = OsImagePatch::new().supported_architectures([Architecture::Arm64]);
    let error = images
        .update("Windows 11 23H2", &patch)
        .allow_read_only()
        .await
        .unwrap_err();
    assert!(error.may_have_been_sent(), "{error}");
    assert_eq!(
        graph.requests().len(),
        1,
        "a PATCH that may have been applied is not sent again"
    );
}

#[cfg(feature = "fake")]
#[tokio::test]
async fn the_sample_client_needs_no_setup() {
    let client = Client::sample().unwrap();
    assert_eq!(client.os_images().count().await.unwrap(), 7);
    let graph = FakeGraph::new();
    let empty = Client::builder().fake(graph.clone()).build().unwrap();
    assert!(empty.os_images().list().all().await.unwrap().is_empty());
    assert_eq!(graph.requests().len(), 1);
}
