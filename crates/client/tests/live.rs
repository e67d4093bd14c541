//! Against a real Intune tenant: ignored by default, because CI has no tenant and no network.
//!
//! Run it with a token for an account or app that has `DeviceManagementConfiguration.Read.All`:
//!
//! ```sh
//! GRAPH_TOKEN=$(az account get-access-token --resource https://graph.microsoft.com --query accessToken -o tsv) \
//!     cargo test -p intune-osimages --test live_test -- --ignored
//! ```
//!
//! It fails, rather than passing quietly, when `GRAPH_TOKEN` is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intune_osimages::Client;

#[tokio::test]
#[ignore = "needs a real Intune tenant and network: set GRAPH_TOKEN and pass --ignored (see the file's header)"]
async fn a_real_catalog_lists_reads_and_counts_consistently() {
    let token = std::env::var("GRAPH_TOKEN").expect(
        "GRAPH_TOKEN must be set for the live test (it fails instead of passing without a tenant)",
    );
    let client = Client::builder().token(token).build().unwrap();
    let images = client.os_images();
    let page = images.list().top(5).page().await.unwrap();
    let count = images.count().await.unwrap();
    assert!(
        count >= page.value.len() as u64,
        "count {count} < page of {}",
        page.value.len()
    );
    if let Some(first) = page.value.first() {
        let again = images.get(first.id_str()).await.unwrap();
        assert_eq!(again.id, first.id);
    }
}
