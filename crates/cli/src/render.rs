//! How images look in tables and as JSON.

use std::collections::BTreeMap;

use intune_osimages::{OsImage, Page};

use crate::table::Table;

/// Prints a value as pretty JSON on stdout.
pub fn print_json(value: &impl serde::Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        // Our own model types always serialize; this keeps the CLI from panicking if that ever changed.
        Err(e) => eprintln!("error: cannot print JSON: {e}"),
    }
}

/// Editions grouped by end date: `2026-10-13: professional, professionalN; 2027-10-12: enterprise`.
pub fn editions_by_date(image: &OsImage) -> String {
    let mut by_date: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for e in image.editions() {
        let date = e
            .support_end_date
            .map(|d| d.to_string())
            .unwrap_or_else(|| "no date".to_owned());
        let name = e
            .edition_type
            .as_ref()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_else(|| "?".to_owned());
        by_date.entry(date).or_default().push(name);
    }
    by_date
        .into_iter()
        .map(|(date, names)| format!("{date}: {}", names.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
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

/// The list table: one row per image.
pub fn images_table(images: &[OsImage]) -> String {
    let mut table = Table::new(["ID", "ARCHITECTURES", "LATEST BUILD", "END OF SUPPORT"]);
    for image in images {
        table.row(vec![
            image.id_str().to_owned(),
            architectures(image),
            latest_build(image),
            editions_by_date(image),
        ]);
    }
    table.render()
}

/// A page as a table, with a footer for the count and the next link.
pub fn page_table(page: &Page<OsImage>) -> String {
    let mut out = images_table(&page.value);
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
pub fn image_detail(image: &OsImage, today: chrono::NaiveDate) -> String {
    let mut out = format!("ID             {}\n", image.id_str());
    out.push_str(&format!("ARCHITECTURES  {}\n\n", architectures(image)));
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
    out.push_str(&editions.render());
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
    out.push_str(&updates.render());
    out
}
