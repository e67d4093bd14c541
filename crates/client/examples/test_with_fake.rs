//! Testing your own code against the in-memory fake Graph service: no network, no credentials, real Graph answers.
//!
//! ```text
//! cargo run  -p intune-osimages --example test_with_fake --features fake   # runs the checks in main
//! cargo test -p intune-osimages --example test_with_fake --features fake   # runs them as #[tokio::test]s
//! ```
//!
//! The code under test is `drop_architecture`, something an application might do: remove one architecture from
//! every image that lists it. The checks give it a fake with a known catalog, script a fault, and assert on both the
//! result and the requests the fake received.

use std::sync::Arc;

use intune_osimages::fake::{FakeGraph, Fault};
use intune_osimages::transport::ManualClock;
use intune_osimages::{Architecture, Client, Error, OsImagePatch};

/// The code under test: removes `architecture` from every image that supports it; returns the ids it changed.
async fn drop_architecture(
    client: &Client,
    architecture: Architecture,
) -> Result<Vec<String>, Error> {
    let images = client.os_images();
    let filter = format!("supportedArchitectures/any(a: a eq '{architecture}')");
    let mut changed = Vec::new();
    for image in images.list().filter(filter).all().await? {
        let kept: Vec<Architecture> = image
            .architectures()
            .iter()
            .filter(|a| **a != architecture)
            .cloned()
            .collect();
        let patch = OsImagePatch::new().supported_architectures(kept);
        let _updated = images
            .update(image.id_str(), &patch)
            .allow_read_only()
            .await?;
        changed.push(image.id_str().to_owned());
    }
    Ok(changed)
}

/// On the sample catalog only Windows 10 supports x86: one image changes, and the fake saw one list and one PATCH.
async fn check_drops_x86_from_windows_10() -> Result<(), Error> {
    let graph = FakeGraph::with_sample_catalog();
    let client = Client::builder().fake(graph.clone()).build()?;

    let changed = drop_architecture(&client, Architecture::X86).await?;

    assert_eq!(changed, ["Windows 10 22H2"]);
    let image = client.os_images().get("Windows 10 22H2").await?;
    assert!(!image.architectures().contains(&Architecture::X86));
    let methods: Vec<String> = graph
        .requests()
        .iter()
        .map(|r| r.method.to_string())
        .collect();
    assert_eq!(methods, ["GET", "PATCH", "GET"]);
    Ok(())
}

/// Throttling is retried: script two 429s and use a manual clock so the test does not wait.
async fn check_survives_throttling() -> Result<(), Error> {
    let graph = FakeGraph::with_sample_catalog();
    graph.push_fault(Fault::throttled(2, 30));
    let clock = ManualClock::new();
    let client = Client::builder()
        .fake(graph.clone())
        .clock(Arc::new(clock.clone()))
        .build()?;

    let changed = drop_architecture(&client, Architecture::X86).await?;

    assert_eq!(changed.len(), 1);
    assert_eq!(
        clock.slept().len(),
        2,
        "two retries, each waiting Retry-After on the manual clock"
    );
    Ok(())
}

/// An empty tenant changes nothing and sends no PATCH.
async fn check_empty_catalog() -> Result<(), Error> {
    let graph = FakeGraph::new();
    let client = Client::builder().fake(graph.clone()).build()?;
    assert!(
        drop_architecture(&client, Architecture::Arm64)
            .await?
            .is_empty()
    );
    assert!(graph.requests().iter().all(|r| r.method == "GET"));
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    check_drops_x86_from_windows_10().await?;
    check_survives_throttling().await?;
    check_empty_catalog().await?;
    println!("all checks passed");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn drops_x86_from_windows_10() {
        super::check_drops_x86_from_windows_10().await.unwrap();
    }

    #[tokio::test]
    async fn survives_throttling() {
        super::check_survives_throttling().await.unwrap();
    }

    #[tokio::test]
    async fn empty_catalog() {
        super::check_empty_catalog().await.unwrap();
    }
}
