//! One function per command.

mod batch;
mod eol;
mod read;
mod sync;
mod validate;
mod write;

pub use validate::run as validate;

use crate::args::{CatalogCommand, Global, OutputFormat};
use crate::context;
use crate::exit::Failure;
use crate::ui::Ui;

/// Runs a command that talks to a tenant: builds the client the global flags ask for, then runs it.
pub async fn run(global: &Global, ui: &Ui, command: CatalogCommand) -> Result<(), Failure> {
    let format = global.format();
    let json = format == OutputFormat::Json;
    // An offline diff of two files needs no tenant (and no note about which one).
    if let CatalogCommand::Diff {
        file,
        against: Some(against),
    } = &command
    {
        return sync::diff_command(None, ui, file, Some(against), format).await;
    }
    let target = context::client(global, ui)?;
    let images = target.client.os_images();
    let sample = target.sample;
    match command {
        CatalogCommand::List(args) => read::list(&images, ui, args, format).await,
        CatalogCommand::Get { id, select } => read::get(&images, ui, &id, select, json).await,
        CatalogCommand::GetAll { id } => read::get_all(&images, ui, &id, json).await,
        CatalogCommand::Count { filter } => read::count(&images, ui, filter).await,
        CatalogCommand::Batch {
            file,
            allow_read_only,
        } => batch::run(&target.client, ui, &file, allow_read_only, json).await,
        CatalogCommand::Create {
            body,
            allow_read_only,
            dry_run,
        } => {
            write::create(&images, ui, &body, allow_read_only, dry_run, json).await?;
            write::not_kept(ui, sample && !dry_run, json)
        }
        CatalogCommand::Update {
            id,
            body,
            allow_read_only,
            dry_run,
        } => {
            write::update(&images, ui, &id, &body, allow_read_only, dry_run, json).await?;
            write::not_kept(ui, sample && !dry_run, json)
        }
        CatalogCommand::Delete { id, yes } => {
            write::delete(&images, ui, &id, yes, json).await?;
            write::not_kept(ui, sample, json)
        }
        CatalogCommand::Eol { within, on } => eol::run(&images, ui, within, on, format).await,
        CatalogCommand::Export { out } => sync::export(&images, ui, out).await,
        CatalogCommand::Diff { file, against } => {
            sync::diff_command(Some(&images), ui, &file, against.as_deref(), format).await
        }
        CatalogCommand::Apply {
            file,
            prune,
            dry_run,
            yes,
        } => {
            sync::apply(&target.client, ui, &file, prune, dry_run, yes, format).await?;
            write::not_kept(ui, sample && !dry_run, json)
        }
    }
}

/// Today in UTC.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}
