//! `list`, `get`, `get-all`, `count`.

use futures::TryStreamExt;
use intune_osimages::{ListRequest, OsImages};

use super::today;
use crate::args::{ListArgs, OutputFormat};
use crate::exit::Failure;
use crate::json_pages::JsonPages;
use crate::progress::Progress;
use crate::render::{IMAGE_COLUMNS, image_detail, image_row, page_table};
use crate::sink::Rows;
use crate::ui::Ui;

pub async fn list(images: &OsImages, ui: &Ui, args: ListArgs) -> Result<(), Failure> {
    let format = ui.format;
    let mut request = images.list();
    if let Some(f) = args.filter {
        request = request.filter(f);
    }
    if !args.select.is_empty() {
        request = request.select(args.select);
    }
    if let Some(t) = args.top {
        request = request.top(t);
    }
    if let Some(s) = args.skip {
        request = request.skip(s);
    }
    if let Some(o) = args.orderby {
        request = request.orderby(o);
    }
    request = request.count(args.count);
    let max = args.max.unwrap_or(u64::MAX);
    if !args.all {
        let mut page = request.page().await?;
        page.value
            .truncate(usize::try_from(max).unwrap_or(usize::MAX));
        return match format {
            OutputFormat::Json => ui.json(&page),
            OutputFormat::Table => ui.print(&page_table(&page, today(), ui.layout)),
            OutputFormat::Csv => {
                let mut rows = Rows::new(format, IMAGE_COLUMNS, ui.layout)?;
                rows.write(page.value.iter().map(|i| image_row(i, today())).collect())
            }
        };
    }
    stream_all(request, ui, max).await
}

/// `list --all`: every page written as it arrives, so memory holds one page however large the catalog.
async fn stream_all(request: ListRequest, ui: &Ui, max: u64) -> Result<(), Failure> {
    let format = ui.format;
    let today = today();
    let progress = Progress::new(ui, "images");
    let mut pages = request.pages();
    let mut json = match format {
        OutputFormat::Json => Some(JsonPages::start()),
        _ => None,
    };
    let mut rows = match format {
        OutputFormat::Json => None,
        _ => Some(Rows::new(format, IMAGE_COLUMNS, ui.layout)?),
    };
    let mut count = None;
    let mut written = 0_u64;
    while written < max {
        let Some(mut page) = pages.try_next().await? else {
            break;
        };
        count = count.or(page.count);
        let room = usize::try_from(max - written).unwrap_or(usize::MAX);
        page.value.truncate(room);
        written += page.value.len() as u64;
        progress.advance(page.value.len());
        if let Some(rows) = &mut rows {
            rows.write(page.value.iter().map(|i| image_row(i, today)).collect())?;
        }
        if let Some(json) = &mut json {
            json.page(page.value).map_err(Failure::output)?;
        }
    }
    progress.finish();
    if let Some(json) = json {
        json.finish(count).map_err(Failure::output)?;
    } else if let (Some(count), OutputFormat::Table) = (count, format) {
        ui.print(&format!("\n{count} image(s) match in all\n"))?;
    }
    Ok(())
}

pub async fn get(images: &OsImages, ui: &Ui, id: &str, select: Vec<String>) -> Result<(), Failure> {
    let mut request = images.get(id);
    if !select.is_empty() {
        request = request.select(select);
    }
    let image = request.await?;
    if ui.is_json() {
        ui.json(&image)
    } else {
        ui.print(&image_detail(&image, today(), ui.layout))
    }
}

pub async fn get_all(images: &OsImages, ui: &Ui, id: &str) -> Result<(), Failure> {
    let page = images.get_all(id).all_as_page().await?;
    if ui.is_json() {
        ui.json(&page)
    } else {
        ui.print(&page_table(&page, today(), ui.layout))
    }
}

pub async fn count(images: &OsImages, ui: &Ui, filter: Option<String>) -> Result<(), Failure> {
    let mut request = images.count();
    if let Some(f) = filter {
        request = request.filter(f);
    }
    ui.line(&request.await?.to_string())
}
