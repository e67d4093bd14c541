//! Hostile ids through every operation, via the SDK facade over real HTTP to an `osimages serve` process: spaces,
//! quotes, `/`, `%`, `..` inside an id, `?`, `#`, `+` and non-ASCII (control characters and dot segments are refused for
//! create by validation: the last test). Each id reaches exactly its own image and never
//! another path: `a/b` is not `a`, `../x` is not `x`, `q?x=1` is not `q`. The catalog holds exactly the ids created.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeSet;

use futures::TryStreamExt;
use intune_osimages::{Error, OsImagePatch};
use serde_json::{Value, json};
use support::in_process::ServedGraph;
use support::process::{Emulator, SET, empty_seed, request, send_raw};

const IDS: &[&str] = &[
    "Windows 11 22H2",
    "a/b",
    "a/b/c",
    "../x",
    "a..b",
    "..x",
    "...",
    "x/..",
    "%2F",
    "100%",
    "%",
    "q?x=1",
    "frag#1",
    "it's",
    "say \"hi\"",
    "a+b",
    "é/ü",
    "日本語 イメージ",
    "$count",
    "getAllManagedDeviceWindowsOSImages()",
    " leading and trailing ",
    "back\\slash",
    "emoji 🪟",
];

fn body(id: &str) -> Value {
    json!({
        "id": id,
        "supportedEditions": [{"editionType": "enterprise", "supportEndDate": "2027-10-12"}],
        "supportedArchitectures": ["x64"],
        "availableUpdates": [],
    })
}

fn not_found(result: Result<intune_osimages::OsImage, Error>, what: &str) {
    let error = result.expect_err(what);
    assert_eq!(error.status(), Some(404), "{what}: {error}");
}

#[tokio::test]
async fn hostile_ids_go_through_every_operation_and_reach_only_their_own_image() {
    let dir = tempfile::tempdir().unwrap();
    let seed = empty_seed(dir.path());
    // `--lenient`: each image is marked with a property the type does not declare (strict, Graph's 400).
    let serve = Emulator::start_with_env(&["--lenient", "--seed", &seed, "--page-size", "5"], &[]);
    let client = serve.client(None);
    let images = client.os_images();

    // Before anything exists, no id reaches an image, and the prefixes of the path-like ids are free.
    for id in IDS {
        not_found(images.get(id).await, id);
    }

    for (n, id) in IDS.iter().enumerate() {
        let created = images
            .create_json(body(id))
            .allow_read_only()
            .await
            .unwrap_or_else(|e| panic!("create {id:?}: {e}"));
        assert_eq!(created.id.as_deref(), Some(*id));
        // The ids a path-confused server would have reached are still free.
        for (other, _) in [
            ("a", "a/b"),
            ("b", "a/b"),
            ("x", "../x"),
            ("q", "q?x=1"),
            ("frag", "frag#1"),
        ] {
            if !IDS[..=n].contains(&other) {
                not_found(
                    images.get(other).await,
                    &format!("{other} after creating {id}"),
                );
            }
        }
        let got = images
            .get(id)
            .await
            .unwrap_or_else(|e| panic!("get {id:?}: {e}"));
        assert_eq!(got.id.as_deref(), Some(*id));
        let patch = OsImagePatch::new().property("marker", json!(format!("patched {n}")));
        let updated = images
            .update(id, &patch)
            .await
            .unwrap_or_else(|e| panic!("update {id:?}: {e}"))
            .into_image()
            .expect("the emulator answers 200 with the image");
        assert_eq!(updated.id.as_deref(), Some(*id));
        assert_eq!(
            updated.extra.get("marker"),
            Some(json!(format!("patched {n}")))
        );
        let all: Vec<_> = images
            .get_all(id)
            .stream()
            .try_collect()
            .await
            .unwrap_or_else(|e| panic!("get_all {id:?}: {e}"));
        assert_eq!(all.len(), n + 1, "getAll bound to {id:?} lists the catalog");
    }

    // The catalog holds exactly the ids created, each with its own marker.
    let listed: Vec<_> = images.list().stream().try_collect().await.unwrap();
    let listed_ids: BTreeSet<String> = listed.iter().map(|i| i.id.clone().unwrap()).collect();
    let expected: BTreeSet<String> = IDS.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(listed_ids, expected);
    for image in &listed {
        let n = IDS
            .iter()
            .position(|i| Some(*i) == image.id.as_deref())
            .unwrap();
        assert_eq!(
            image.extra.get("marker"),
            Some(json!(format!("patched {n}")))
        );
    }
    assert_eq!(images.count().await.unwrap(), IDS.len() as u64);
    // The same through a raw socket, as another client would see it, following the next links.
    let mut target = Some(SET.to_owned());
    let mut raw_ids = BTreeSet::new();
    while let Some(t) = target.take() {
        let page = send_raw(serve.addr, &request("GET", &t, &[], b""))
            .await
            .unwrap()
            .json();
        for image in page["value"].as_array().unwrap() {
            assert!(
                raw_ids.insert(image["id"].as_str().unwrap().to_owned()),
                "listed once"
            );
        }
        target = page["@odata.nextLink"]
            .as_str()
            .map(|link| link[link.find("/beta/").unwrap()..].to_owned());
    }
    assert_eq!(raw_ids, expected);

    // Deleting one id deletes that image and no other.
    for (n, id) in IDS.iter().enumerate() {
        images
            .delete(id)
            .await
            .unwrap_or_else(|e| panic!("delete {id:?}: {e}"));
        not_found(images.get(id).await, &format!("{id} after its delete"));
        assert_eq!(
            images.count().await.unwrap(),
            (IDS.len() - n - 1) as u64,
            "after deleting {id:?}"
        );
    }
}

#[tokio::test]
async fn dot_segment_ids_are_refused_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let seed = empty_seed(dir.path());
    let serve = Emulator::start_with_env(&["--seed", &seed], &[]);
    let images = serve.client(None).os_images();
    images
        .create_json(body("x"))
        .allow_read_only()
        .await
        .unwrap();

    for id in [".", "..", ""] {
        let error = images.get(id).await.unwrap_err();
        assert!(
            matches!(error, Error::Configuration(_)),
            "{id:?}: {error:?}"
        );
        assert!(!error.may_have_been_sent());
        let error = images.delete(id).await.unwrap_err();
        assert!(
            matches!(error, Error::Configuration(_)),
            "{id:?}: {error:?}"
        );
    }
    // `..` would have climbed to the collection, and a delete there must not have happened.
    assert_eq!(images.count().await.unwrap(), 1);

    // A create with an id no later request could address (a dot segment, a control character such as a tab, which
    // once went through and then could only be reached percent-encoded) is refused by validation, unsent.
    for id in [".", "..", "tab\there", "esc\u{1b}[2J"] {
        let error = images
            .create_json(body(id))
            .allow_read_only()
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Validation(_)), "{id:?}: {error:?}");
        assert!(!error.may_have_been_sent());
    }
    assert_eq!(images.count().await.unwrap(), 1);
}
