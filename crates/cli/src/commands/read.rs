//! `list`, `get`, `get-all`, `count`.

use intune_osimages::OsImages;

use super::today;
use crate::args::ListArgs;
use crate::exit::Failure;
use crate::render::{image_detail, page_table};
use crate::ui::Ui;

pub async fn list(images: &OsImages, ui: &Ui, args: ListArgs, json: bool) -> Result<(), Failure> {
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
    let page = if args.all {
        request.all_as_page().await?
    } else {
        request.page().await?
    };
    if json {
        ui.json(&page)
    } else {
        ui.print(&page_table(&page, today(), ui.layout))
    }
}

pub async fn get(
    images: &OsImages,
    ui: &Ui,
    id: &str,
    select: Vec<String>,
    json: bool,
) -> Result<(), Failure> {
    let mut request = images.get(id);
    if !select.is_empty() {
        request = request.select(select);
    }
    let image = request.await?;
    if json {
        ui.json(&image)
    } else {
        ui.print(&image_detail(&image, today(), ui.layout))
    }
}

pub async fn get_all(images: &OsImages, ui: &Ui, id: &str, json: bool) -> Result<(), Failure> {
    let page = images.get_all(id).all_as_page().await?;
    if json {
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
