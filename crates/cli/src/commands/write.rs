//! `create`, `update`, `delete`.

use std::io::Write;

use intune_osimages::validate::{Operation, Policy, validate};
use intune_osimages::{OsImages, Updated};
use serde_json::Value;

use crate::body::read_body;
use crate::exit::Failure;
use crate::render::{image_detail, print_json};

use super::today;

fn print_dry_run(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.write_all(b"\n"))
        .map_err(|e| Failure::usage(format!("cannot write to standard output: {e}")))
}

/// Prints the body's validation warnings on stderr: they do not stop the command (errors do, and are printed with
/// the failure).
fn print_warnings(body: &Value, operation: Operation, allow_read_only: bool) {
    for warning in validate(body, operation, Policy { allow_read_only }).warnings() {
        eprintln!("{warning}");
    }
}

pub async fn create(
    images: &OsImages,
    body: &str,
    allow_read_only: bool,
    dry_run: bool,
    json: bool,
) -> Result<(), Failure> {
    let body = read_body(body)?;
    print_warnings(&body, Operation::Create, allow_read_only);
    let mut request = images.create_json(body);
    if allow_read_only {
        request = request.allow_read_only();
    }
    if dry_run {
        return print_dry_run(&request.dry_run()?);
    }
    let image = request.await?;
    if json {
        print_json(&image);
    } else {
        println!("created {}\n", image.id_str());
        print!("{}", image_detail(&image, today()));
    }
    Ok(())
}

pub async fn update(
    images: &OsImages,
    id: &str,
    body: &str,
    allow_read_only: bool,
    dry_run: bool,
    json: bool,
) -> Result<(), Failure> {
    let body = read_body(body)?;
    print_warnings(&body, Operation::Update, allow_read_only);
    let mut request = images.update_json(id, body);
    if allow_read_only {
        request = request.allow_read_only();
    }
    if dry_run {
        return print_dry_run(&request.dry_run()?);
    }
    match request.await? {
        Updated::Image(image) => {
            if json {
                print_json(&image);
            } else {
                println!("updated {id}\n");
                print!("{}", image_detail(&image, today()));
            }
        }
        Updated::NoContent => {
            // Graph answered 204: applied, with no object to show.
            if !json {
                println!("updated {id} (Graph answered 204 No Content: no object returned)");
            }
        }
    }
    Ok(())
}

pub async fn delete(images: &OsImages, id: &str, json: bool) -> Result<(), Failure> {
    images.delete(id).await?;
    if !json {
        println!("deleted {id}");
    }
    Ok(())
}
