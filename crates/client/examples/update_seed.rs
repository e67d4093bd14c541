//! The seed's update (Microsoft Graph's own PATCH example) against the built-in sample tenant.
//!
//! ```text
//! cargo run -p intune-osimages --example update_seed --features fake
//! ```
//!
//! Graph documents every property of the image as read-only, yet its example writes three of them. The SDK refuses
//! such a body by default and names each field; `allow_read_only()` sends it exactly as the example does.

use intune_osimages::{Client, Error};

/// The request body of the seed's PATCH example, byte for byte.
const SEED_REQUEST: &str = include_str!("../fixtures/seed/update-request.json");

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::sample()?;
    let images = client.os_images();
    let body: serde_json::Value = serde_json::from_str(SEED_REQUEST)?;
    let id = "Windows 11 24H2";

    match images.update_json(id, body.clone()).await {
        Err(Error::Validation(report)) => {
            eprintln!("refused without allow_read_only (nothing was sent):\n{report}\n");
        }
        other => {
            return Err(
                format!("expected the default policy to refuse the body, got {other:?}").into(),
            );
        }
    }

    let updated = images.update_json(id, body).allow_read_only().await?;
    match updated.into_image() {
        Some(image) => println!("{}", serde_json::to_string_pretty(&image)?),
        None => println!("Graph applied the update and answered 204 with no body"),
    }
    Ok(())
}
