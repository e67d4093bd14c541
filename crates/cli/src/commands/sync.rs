//! `export`, `diff` and `apply`: the catalog as code.

use futures::TryStreamExt;
use intune_osimages::validate::{Operation, Policy, validate};
use intune_osimages::{Client, OsImage, OsImages};
use serde_json::Value;

use crate::args::{ApplyOptions, OutputFormat};
use crate::confirm::confirm;
use crate::diff::{Difference, diff, diff_raw};
use crate::exit::{self, Failure};
use crate::plan::{Step, plan};
use crate::progress::Progress;
use crate::sink::{JsonArray, Rows, array_item_text_with};
use crate::snapshot::{self, Ordered, Snapshot};
use crate::spool::{Drained, Spool};
use crate::table::Table;
use crate::terminal::escape;
use crate::ui::{Ui, warn};

/// Reads the tenant's catalog page by page through the SDK's paging, with progress, handing each page to `each`.
async fn read_pages(
    images: &OsImages,
    ui: &Ui,
    mut each: impl FnMut(Vec<OsImage>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let progress = Progress::new(ui, "images read");
    let mut pages = images.list().pages();
    while let Some(page) = pages.try_next().await? {
        progress.advance(page.value.len());
        each(page.value)?;
    }
    progress.finish();
    Ok(())
}

/// An image as JSON.
fn image_value(image: &OsImage) -> Result<Value, Failure> {
    serde_json::to_value(image)
        .map_err(|e| Failure::usage(format!("cannot represent an image as JSON: {e}")))
}

/// The tenant's catalog.
async fn tenant(images: &OsImages, ui: &Ui) -> Result<Snapshot, Failure> {
    let mut snapshot = Snapshot::new();
    read_pages(images, ui, |page| {
        (page.iter()).try_for_each(|image| {
            snapshot::insert(&mut snapshot, image_value(image)?, "the tenant")
        })
    })
    .await?;
    Ok(snapshot)
}

fn spool_failure(e: std::io::Error) -> Failure {
    Failure {
        code: exit::OUTPUT,
        message: format!("cannot write the temporary file export sorts images in: {e}"),
    }
}

/// The tenant's catalog for `export`: each image as the pretty JSON text it is written as (at the array's depth,
/// ordered, annotations dropped), spooled by id so that memory does not grow with the catalog's text.
///
/// Turning a page into text and spooling it costs about as much as fetching and decoding it, so it runs on a
/// thread of its own while the next page is fetched, as `list --all --json` writes its pages (`json_pages.rs`);
/// the channel holds one page.
async fn tenant_spool(images: &OsImages, ui: &Ui) -> Result<Spool, Failure> {
    let mut spool = Spool::new().map_err(spool_failure)?;
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<OsImage>>(1);
    let worker = std::thread::spawn(move || -> Result<Spool, Failure> {
        for page in receiver {
            for image in &page {
                // Straight from the typed image, annotations left out and keys ordered as they are written
                // (no `serde_json::Value` of it in between).
                let text = array_item_text_with(image, snapshot::MEMBERS).map_err(|e| {
                    Failure::usage(format!("cannot represent an image as JSON: {e}"))
                })?;
                spool.insert(image.id_str(), &text).map_err(spool_failure)?;
            }
        }
        Ok(spool)
    });
    // A send fails only once the worker stopped, and then the worker's error is the one to report.
    let stopped = || Failure::usage("the export worker stopped".to_owned());
    let read = read_pages(images, ui, |page| sender.send(page).map_err(|_| stopped())).await;
    drop(sender);
    let spooled = worker.join().map_err(|_| stopped())?;
    match (read, spooled) {
        (_, Err(failure)) | (Err(failure), Ok(_)) => Err(failure),
        (Ok(()), Ok(spool)) => Ok(spool),
    }
}

/// Two images of the tenant with one id: export would not be a snapshot another tenant can be made from.
fn twice(id: &str) -> Failure {
    Failure::usage(format!("the tenant: the id {:?} appears twice", escape(id)))
}

/// `export [--out FILE]`: the file is written beside FILE and renamed over it once complete, so FILE is never half
/// an export.
pub async fn export(
    images: &OsImages,
    ui: &Ui,
    out: Option<std::path::PathBuf>,
) -> Result<(), Failure> {
    let spool = tenant_spool(images, ui).await?;
    match out {
        None => {
            let mut json = JsonArray::new(std::io::BufWriter::new(std::io::stdout()))
                .map_err(Failure::output)?;
            spool
                .drain_sorted(|text| json.item_text(text))
                .map_err(|e| match e {
                    Drained::Duplicate(id) => twice(&id),
                    Drained::Io(e) => Failure::output(e),
                })?;
            json.finish(&[]).map_err(Failure::output)?;
        }
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let shown = escape(&path.display().to_string()).into_owned();
            let count = spool.len();
            let written = (|| -> Result<(), Drained> {
                let temp = tempfile::NamedTempFile::new_in(dir)?;
                let mut json = JsonArray::new(std::io::BufWriter::new(temp))?;
                spool.drain_sorted(|text| json.item_text(text))?;
                let temp = json.finish(&[])?.into_inner().map_err(|e| e.into_error())?;
                temp.as_file().sync_all()?;
                temp.persist(&path).map_err(|e| e.error)?;
                Ok(())
            })();
            written.map_err(|e| match e {
                Drained::Duplicate(id) => twice(&id),
                Drained::Io(e) => Failure {
                    code: exit::OUTPUT,
                    message: format!("cannot write {shown}: {e}"),
                },
            })?;
            ui.note(&format!("exported {count} image(s) to {shown}"));
        }
    }
    Ok(())
}

fn compact(value: Option<&Value>) -> String {
    value
        .map(|v| serde_json::to_string(v).unwrap_or_default())
        .unwrap_or_default()
}

/// `diff FILE [--against FILE2]`: exit 0 when equal, 1 when they differ.
pub async fn diff_command(
    images: Option<&OsImages>,
    ui: &Ui,
    file: &str,
    against: Option<&str>,
) -> Result<(), Failure> {
    let old_text = snapshot::read_text(file)?;
    let old = snapshot::parse_raw(&old_text, file)?;
    let differences = match (against, images) {
        (Some(path), _) => {
            let new_text = snapshot::read_text(path)?;
            let new = snapshot::parse_raw(&new_text, path)?;
            diff_raw((&old, file), (&new, path))?
        }
        (None, Some(images)) => {
            let old = old
                .into_iter()
                .map(|(id, raw)| Ok((id, snapshot::parse_image(raw, file)?)))
                .collect::<Result<Snapshot, Failure>>()?;
            diff(&old, &tenant(images, ui).await?)
        }
        (None, None) => return Err(Failure::usage("diff needs --against or a tenant")),
    };
    print_differences(ui, &differences)?;
    if differences.is_empty() {
        Ok(())
    } else {
        Err(Failure {
            code: exit::DIFFERENT,
            message: String::new(),
        })
    }
}

fn print_differences(ui: &Ui, differences: &[Difference]) -> Result<(), Failure> {
    let format = ui.format;
    if format == OutputFormat::Json {
        return ui.json(&serde_json::json!({
            "equal": differences.is_empty(),
            "differences": differences,
        }));
    }
    if differences.is_empty() && format == OutputFormat::Table {
        return ui.line("no differences");
    }
    let mut rows =
        Rows::new(format, ["ID", "CHANGE", "POINTER", "OLD", "NEW"], ui.layout)?.shorten_from(3);
    rows.write(
        differences
            .iter()
            .map(|d| {
                let whole = d.pointer.is_empty() && format == OutputFormat::Table;
                vec![
                    d.id.clone(),
                    d.change.as_str().to_owned(),
                    d.pointer.clone(),
                    if whole {
                        String::new()
                    } else {
                        compact(d.old.as_ref())
                    },
                    if whole {
                        String::new()
                    } else {
                        compact(d.new.as_ref())
                    },
                ]
            })
            .collect(),
    )
}

/// Every body of the plan validated before anything is sent; all errors reported at once.
fn validate_plan(steps: &[Step]) -> Result<(), Failure> {
    let policy = Policy {
        allow_read_only: true,
    };
    let mut errors = Vec::new();
    for step in steps {
        let (body, operation) = match step {
            Step::Create { body, .. } => (body, Operation::Create),
            Step::Update { body, .. } => (body, Operation::Update),
            Step::Delete { .. } => continue,
        };
        for finding in validate(body, operation, policy).errors() {
            errors.push(format!(
                "{} {}: {}",
                step.action(),
                escape(step.id()),
                escape(&finding.to_string())
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Failure::validation(format!(
            "the plan failed validation ({} error(s)); nothing was sent\n{}",
            errors.len(),
            errors.join("\n")
        )))
    }
}

/// The plan for people: one line per step, and under a create or update the whole body it sends (a table would
/// have to shorten the bodies, and they are what is being approved).
fn print_plan(ui: &Ui, steps: &[Step]) -> Result<(), Failure> {
    if ui.is_json() {
        return Ok(());
    }
    let mut out = format!("plan: {} step(s)\n", steps.len());
    for step in steps {
        out.push_str(&format!("{} {}\n", step.action(), escape(step.id())));
        if let Step::Create { body, .. } | Step::Update { body, .. } = step {
            let text = serde_json::to_string(&Ordered(body)).unwrap_or_default();
            out.push_str(&format!("  {}\n", escape(&text)));
        }
    }
    ui.print(&out)
}

/// `apply FILE [--prune] [--dry-run] [--yes]`.
pub async fn apply(
    client: &Client,
    ui: &Ui,
    file: &str,
    options: ApplyOptions,
) -> Result<(), Failure> {
    let desired = snapshot::read_file(file)?;
    let images = client.os_images();
    let current = tenant(&images, ui).await?;
    let steps = plan(&current, &desired, options.prune);
    validate_plan(&steps)?;
    if steps.is_empty() {
        return ui.outcome(
            &serde_json::json!({"steps": [], "applied": [], "failed": []}),
            &format!("nothing to do: the tenant matches {}", escape(file)),
        );
    }
    print_plan(ui, &steps)?;
    if options.dry_run {
        return ui.outcome(
            &serde_json::json!({"steps": steps, "dryRun": true}),
            &format!("dry run: {} step(s) planned, nothing was sent", steps.len()),
        );
    }
    confirm(ui, &format!("apply {} step(s)", steps.len()), options.yes)?;
    let progress = Progress::new(ui, "steps applied");
    // One batch: the SDK splits it 20 to a `$batch` request and resends throttled items after their Retry-After.
    // The steps are independent (each names its own image), so none depends on another.
    let mut batch = client.batch().allow_read_only();
    let sent: Vec<_> = steps
        .iter()
        .map(|step| match step {
            Step::Create { body, .. } => {
                Sent::Created(batch.add(images.create_json(body.clone()).allow_read_only()))
            }
            Step::Update { id, body } => {
                Sent::Updated(batch.add(images.update_json(id, body.clone()).allow_read_only()))
            }
            Step::Delete { id } => Sent::Deleted(batch.add(images.delete(id))),
        })
        .collect();
    let results = batch.send().await?;
    let mut applied = Vec::new();
    let mut failed = Vec::new();
    for (step, sent) in steps.iter().zip(&sent) {
        let outcome = match sent {
            Sent::Created(s) => results.get(s).map(drop),
            Sent::Updated(s) => results.get(s).map(drop),
            Sent::Deleted(s) => results.get(s),
        };
        match outcome {
            Ok(()) => applied.push(step),
            Err(e) => failed.push((step, Failure::from(e).message)),
        }
        progress.advance(1);
    }
    progress.finish();
    report(ui, &applied, &failed)?;
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure {
            code: exit::GRAPH,
            message: format!(
                "{} of {} step(s) failed; the {} listed as applied were applied",
                failed.len(),
                steps.len(),
                applied.len()
            ),
        })
    }
}

/// A step added to the batch, by the type of its answer.
enum Sent {
    Created(intune_osimages::Step<intune_osimages::OsImage>),
    Updated(intune_osimages::Step<intune_osimages::Updated>),
    Deleted(intune_osimages::Step<()>),
}

fn report(ui: &Ui, applied: &[&Step], failed: &[(&Step, String)]) -> Result<(), Failure> {
    let format = ui.format;
    if format == OutputFormat::Json {
        let failed: Vec<Value> = failed
            .iter()
            .map(|(s, m)| serde_json::json!({"action": s.action(), "id": s.id(), "error": m}))
            .collect();
        let applied: Vec<Value> = applied
            .iter()
            .map(|s| serde_json::json!({"action": s.action(), "id": s.id()}))
            .collect();
        return ui.json(&serde_json::json!({"applied": applied, "failed": failed}));
    }
    let mut table = Table::new(["RESULT", "ACTION", "ID", "ERROR"]);
    for step in applied {
        table.row(vec![
            "applied".to_owned(),
            step.action().to_owned(),
            step.id().to_owned(),
            String::new(),
        ]);
    }
    for (step, message) in failed {
        table.row(vec![
            "failed".to_owned(),
            step.action().to_owned(),
            step.id().to_owned(),
            message.replace('\n', "; "),
        ]);
    }
    ui.print("\n")?;
    ui.print(&table.render(ui.layout))?;
    if !failed.is_empty() {
        warn(&format!("{} step(s) failed", failed.len()));
    }
    Ok(())
}
