//! Windows editions whose support ends within 90 days of today (and those whose support has already ended), across
//! every page of the catalog.
//!
//! ```text
//! cargo run -p intune-osimages --example eol_within_90_days --features fake
//! GRAPH_TOKEN=$(az account get-access-token --resource https://graph.microsoft.com --query accessToken -o tsv) \
//!     cargo run -p intune-osimages --example eol_within_90_days --features fake
//! ```
//!
//! With `GRAPH_TOKEN` set it asks the real tenant (global cloud); otherwise it runs on the built-in sample tenant.

use chrono::{Days, NaiveDate, Utc};
use futures::TryStreamExt;
use intune_osimages::{Client, OsImage};

const WINDOW_DAYS: u64 = 90;

/// One edition leaving support.
struct Leaving {
    id: String,
    edition: String,
    ends: NaiveDate,
    days_left: i64,
}

/// The editions of `image` whose support ends on or after `today` and within `WINDOW_DAYS` of it.
fn leaving(
    image: &OsImage,
    today: NaiveDate,
    last_day: NaiveDate,
) -> impl Iterator<Item = Leaving> + '_ {
    image.editions().iter().filter_map(move |edition| {
        let ends = edition.support_end_date?;
        (ends <= last_day).then(|| Leaving {
            id: image.id_str().to_owned(),
            edition: edition
                .edition_type
                .as_ref()
                .map_or_else(|| "(unknown)".to_owned(), ToString::to_string),
            ends,
            days_left: (ends - today).num_days(),
        })
    })
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), intune_osimages::Error> {
    let client = match std::env::var("GRAPH_TOKEN") {
        Ok(token) if !token.is_empty() => Client::builder().token(token).build()?,
        _ => {
            eprintln!("GRAPH_TOKEN is not set: using the built-in sample tenant (sample data)");
            Client::sample()?
        }
    };
    let today = Utc::now().date_naive();
    let last_day = today
        .checked_add_days(Days::new(WINDOW_DAYS))
        .unwrap_or(NaiveDate::MAX);

    let mut found: Vec<Leaving> = Vec::new();
    // Only the properties needed; the stream follows @odata.nextLink one page at a time.
    let mut images = client
        .os_images()
        .list()
        .select(["id", "supportedEditions"])
        .stream();
    while let Some(image) = images.try_next().await? {
        found.extend(leaving(&image, today, last_day));
    }
    found.sort_by(|a, b| (a.ends, &a.id, &a.edition).cmp(&(b.ends, &b.id, &b.edition)));

    let (ended, ending): (Vec<&Leaving>, Vec<&Leaving>) =
        found.iter().partition(|l| l.days_left < 0);
    println!("support ends between {today} and {last_day}:");
    if ending.is_empty() {
        println!("  none");
    }
    for l in ending {
        println!(
            "  {:<18} {:<16} {}  in {} days",
            l.id, l.edition, l.ends, l.days_left
        );
    }
    println!("support has already ended:");
    if ended.is_empty() {
        println!("  none");
    }
    for l in ended {
        println!(
            "  {:<18} {:<16} {}  {} days ago",
            l.id, l.edition, l.ends, -l.days_left
        );
    }
    Ok(())
}
