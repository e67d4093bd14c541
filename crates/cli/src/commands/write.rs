//! `create`, `update`, `delete`.

use intune_osimages::validate::{Operation, Policy, validate};
use intune_osimages::{OsImages, Updated};
use serde_json::Value;

use crate::args::WriteOptions;
use crate::confirm::confirm;
use crate::exit::Failure;
use crate::render::image_detail;
use crate::terminal::escape;
use crate::ui::{Ui, warn};
use crate::user_body::read_body;

use super::today;

fn print_dry_run(ui: &Ui, bytes: &[u8]) -> Result<(), Failure> {
    // The exact bytes, as they would be sent; not text for the terminal to interpret, so written unescaped.
    ui.print(&String::from_utf8_lossy(bytes))?;
    ui.print("\n")
}

/// Prints the body's validation warnings on stderr: they do not stop the command (errors do, and are printed with
/// the failure).
fn print_warnings(body: &Value, operation: Operation, allow_read_only: bool) {
    for warning in validate(body, operation, Policy { allow_read_only }).warnings() {
        warn(&warning.to_string());
    }
}

/// After a write on the sample tenant: says that nothing was kept, on stdout where the result is (on stderr with
/// `--json`, so standard output stays one JSON document). Said even with `-q`: it is what makes a mistaken run on
/// the sample tenant visible.
pub fn not_kept(ui: &Ui, sample: bool) -> Result<(), Failure> {
    if !sample {
        return Ok(());
    }
    let text =
        "note: this ran on the built-in sample tenant: nothing was kept, no tenant was changed";
    if ui.is_json() {
        warn(text);
        Ok(())
    } else {
        ui.line(text)
    }
}

pub async fn create(
    images: &OsImages,
    ui: &Ui,
    body: &str,
    options: WriteOptions,
) -> Result<(), Failure> {
    let body = read_body(ui, body)?;
    print_warnings(&body.value, Operation::Create, options.allow_read_only);
    let mut request = images.create_bytes(body.bytes);
    if options.allow_read_only {
        request = request.allow_read_only();
    }
    if options.dry_run {
        return print_dry_run(ui, &request.dry_run()?);
    }
    let image = request.await?;
    if ui.is_json() {
        ui.json(&image)
    } else {
        if !ui.quiet {
            ui.line(&format!("created {}\n", escape(image.id_str())))?;
        }
        ui.print(&image_detail(&image, today(), ui.layout))
    }
}

pub async fn update(
    images: &OsImages,
    ui: &Ui,
    id: &str,
    body: &str,
    options: WriteOptions,
) -> Result<(), Failure> {
    let body = read_body(ui, body)?;
    print_warnings(&body.value, Operation::Update, options.allow_read_only);
    let mut request = images.update_bytes(id, body.bytes);
    if options.allow_read_only {
        request = request.allow_read_only();
    }
    if options.dry_run {
        return print_dry_run(ui, &request.dry_run()?);
    }
    match request.await? {
        Updated::Image(image) => {
            if ui.is_json() {
                ui.json(&image)
            } else {
                if !ui.quiet {
                    ui.line(&format!("updated {}\n", escape(id)))?;
                }
                ui.print(&image_detail(&image, today(), ui.layout))
            }
        }
        // Graph answered 204: applied, with no object to show.
        Updated::NoContent if !ui.is_json() && !ui.quiet => ui.line(&format!(
            "updated {} (Graph answered 204 No Content: no object returned)",
            escape(id)
        )),
        Updated::NoContent => Ok(()),
    }
}

pub async fn delete(images: &OsImages, ui: &Ui, id: &str, yes: bool) -> Result<(), Failure> {
    confirm(ui, &format!("delete the image {:?}", escape(id)), yes)?;
    images.delete(id).await?;
    if !ui.is_json() && !ui.quiet {
        ui.line(&format!("deleted {}", escape(id)))?;
    }
    Ok(())
}
