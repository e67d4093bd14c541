//! One function per command.

mod batch;
mod eol;
mod read;
mod sync;
mod validate;
mod write;

pub use validate::run as validate;

use crate::args::{CatalogCommand, Global};
use crate::context;
use crate::exit::Failure;
use crate::ui::Ui;

/// Runs a command that talks to a tenant: builds the client the global flags ask for, then runs it.
pub async fn run(global: &Global, ui: &Ui, command: CatalogCommand) -> Result<(), Failure> {
    // An offline diff of two files needs no tenant (and no note about which one).
    if let CatalogCommand::Diff {
        file,
        against: Some(against),
    } = &command
    {
        return sync::diff_command(None, ui, file, Some(against)).await;
    }
    let target = context::client(global, ui)?;
    let images = target.client.os_images();
    let sample = target.sample;
    match command {
        CatalogCommand::List(args) => read::list(&images, ui, args).await,
        CatalogCommand::Get { id, select } => read::get(&images, ui, &id, select).await,
        CatalogCommand::GetAll { id } => read::get_all(&images, ui, &id).await,
        CatalogCommand::Count { filter } => read::count(&images, ui, filter).await,
        CatalogCommand::Batch {
            file,
            allow_read_only,
        } => batch::run(&target.client, ui, &file, allow_read_only).await,
        CatalogCommand::Create { body, options } => {
            write::create(&images, ui, &body, options).await?;
            write::not_kept(ui, sample && !options.dry_run)
        }
        CatalogCommand::Update { id, body, options } => {
            write::update(&images, ui, &id, &body, options).await?;
            write::not_kept(ui, sample && !options.dry_run)
        }
        CatalogCommand::Delete { id, yes } => {
            write::delete(&images, ui, &id, yes).await?;
            write::not_kept(ui, sample)
        }
        CatalogCommand::Eol { within, on } => eol::run(&images, ui, within, on).await,
        CatalogCommand::Export { out } => sync::export(&images, ui, out).await,
        CatalogCommand::Diff { file, against } => {
            sync::diff_command(Some(&images), ui, &file, against.as_deref()).await
        }
        CatalogCommand::Apply { file, options } => {
            sync::apply(&target.client, ui, &file, options).await?;
            write::not_kept(ui, sample && !options.dry_run)
        }
    }
}

/// Today in UTC.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}
