//! How images look in tables and as JSON.

use chrono::NaiveDate;
use intune_osimages::{OsImage, Page};

use crate::table::{Layout, Table};
use crate::terminal::escape;

/// The list's end-of-support cell: the nearest end date still ahead and how many of the image's dated editions end
/// then (`2027-10-12 (4 of 10)`), or `all ended (2025-10-14)` with the last date once every edition has ended. The
/// whole table of editions is in `get`.
pub fn support_summary(image: &OsImage, today: NaiveDate) -> String {
    let dates: Vec<NaiveDate> = image
        .editions()
        .iter()
        .filter_map(|e| e.support_end_date)
        .collect();
    let Some(&last) = dates.iter().max() else {
        return String::new();
    };
    match dates.iter().filter(|&&d| d >= today).min() {
        Some(&next) => {
            let ending = dates.iter().filter(|&&d| d == next).count();
            format!("{next} ({ending} of {})", dates.len())
        }
        None => format!("all ended ({last})"),
    }
}

fn architectures(image: &OsImage) -> String {
    image
        .architectures()
        .iter()
        .map(|a| a.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn latest_build(image: &OsImage) -> String {
    image
        .latest_update()
        .and_then(|u| u.build_version.clone())
        .unwrap_or_default()
}

/// The list table's header.
pub const IMAGE_COLUMNS: [&str; 4] = ["ID", "ARCHITECTURES", "LATEST BUILD", "SUPPORT ENDS"];

/// One image as a list row.
pub fn image_row(image: &OsImage, today: NaiveDate) -> Vec<String> {
    vec![
        image.id_str().to_owned(),
        architectures(image),
        latest_build(image),
        support_summary(image, today),
    ]
}

/// The list table: one row per image.
pub fn images_table(images: &[OsImage], today: NaiveDate, layout: Layout) -> String {
    let mut table = Table::new(IMAGE_COLUMNS);
    for image in images {
        table.row(image_row(image, today));
    }
    table.render(layout)
}

/// A page as a table, with a footer for the count and the next link.
pub fn page_table(page: &Page<OsImage>, today: NaiveDate, layout: Layout) -> String {
    let mut out = images_table(&page.value, today, layout);
    if let Some(count) = page.count {
        out.push_str(&format!("\n{count} image(s) match in all\n"));
    }
    if page.next_link.is_some() {
        out.push_str("\nmore pages follow: add --all to read them\n");
    }
    out
}

/// Days until an end of support, or how long ago it passed.
pub fn days_left(days: i64) -> String {
    if days < 0 {
        format!("ended {} days ago", -days)
    } else {
        days.to_string()
    }
}

/// One image in detail.
pub fn image_detail(image: &OsImage, today: NaiveDate, layout: Layout) -> String {
    let mut out = format!("ID             {}\n", escape(image.id_str()));
    out.push_str(&format!(
        "ARCHITECTURES  {}\n\n",
        escape(&architectures(image))
    ));
    let mut editions = Table::new(["EDITION", "END OF SUPPORT", "DAYS LEFT"]);
    for e in image.editions() {
        editions.row(vec![
            e.edition_type
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
            e.support_end_date
                .map(|d| d.to_string())
                .unwrap_or_default(),
            e.support_end_date
                .map(|d| days_left((d - today).num_days()))
                .unwrap_or_default(),
        ]);
    }
    out.push_str(&editions.render(layout));
    let mut updates = Table::new(["BUILD", "RELEASED"]);
    for u in image.updates() {
        updates.row(vec![
            u.build_version.clone().unwrap_or_default(),
            match u.released() {
                Some((y, m)) => format!("{y:04}-{m:02}"),
                None => String::new(),
            },
        ]);
    }
    out.push('\n');
    out.push_str(&updates.render(layout));
    out
}
