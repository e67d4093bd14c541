//! `eol`: editions whose support ends soon or has ended.

use chrono::NaiveDate;
use futures::TryStreamExt;
use intune_osimages::{EditionType, OsImages};
use serde::Serialize;

use super::today;
use crate::args::OutputFormat;
use crate::exit::Failure;
use crate::render::days_left;
use crate::sink::Rows;
use crate::ui::Ui;

/// One edition leaving support, as `--json` prints it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Ending {
    id: String,
    edition_type: String,
    #[serde(skip)]
    kind: EditionType,
    support_end_date: NaiveDate,
    days_left: i64,
}

pub async fn run(
    images: &OsImages,
    ui: &Ui,
    within: u32,
    on: Option<NaiveDate>,
) -> Result<(), Failure> {
    let format = ui.format;
    let on = on.unwrap_or_else(today);
    let mut endings = Vec::new();
    let mut stream = std::pin::pin!(images.list().stream());
    while let Some(image) = stream.try_next().await? {
        for edition in image.editions() {
            let (Some(kind), Some(end)) = (&edition.edition_type, edition.support_end_date) else {
                continue;
            };
            let days_left = (end - on).num_days();
            if days_left <= i64::from(within) {
                endings.push(Ending {
                    id: image.id_str().to_owned(),
                    edition_type: kind.as_str().to_owned(),
                    kind: kind.clone(),
                    support_end_date: end,
                    days_left,
                });
            }
        }
    }
    // Graph's declaration order of editions reads better than alphabetical (professional before proEducation).
    endings.sort_by(|a, b| {
        (a.support_end_date, &a.id, &a.kind).cmp(&(b.support_end_date, &b.id, &b.kind))
    });
    if format == OutputFormat::Json {
        return ui.json(&endings);
    }
    if endings.is_empty() && format == OutputFormat::Table {
        return ui.line(&format!(
            "no edition's support ends within {within} days of {on}"
        ));
    }
    let mut rows = Rows::new(
        format,
        ["ID", "EDITION", "END OF SUPPORT", "DAYS LEFT"],
        ui.layout,
    )?;
    rows.write(
        endings
            .iter()
            .map(|e| {
                vec![
                    e.id.clone(),
                    e.edition_type.clone(),
                    e.support_end_date.to_string(),
                    // A spreadsheet wants the number; people read "ended 3 days ago".
                    if format == OutputFormat::Csv {
                        e.days_left.to_string()
                    } else {
                        days_left(e.days_left)
                    },
                ]
            })
            .collect(),
    )
}
