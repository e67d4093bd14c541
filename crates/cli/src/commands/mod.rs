//! One function per command.

mod batch;
mod eol;
mod read;
mod validate;
mod write;

pub use validate::run as validate;

use crate::args::{CatalogCommand, Global};
use crate::context;
use crate::exit::Failure;
use crate::ui::Ui;

/// Runs a command that talks to a tenant: builds the client the global flags ask for, then runs it.
pub async fn run(global: &Global, ui: &Ui, command: CatalogCommand) -> Result<(), Failure> {
    let json = global.json;
    let target = context::client(global, ui)?;
    let images = target.client.os_images();
    let sample = target.sample;
    match command {
        CatalogCommand::List(args) => read::list(&images, ui, args, json).await,
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
        CatalogCommand::Eol { within, on } => eol::run(&images, ui, within, on, json).await,
    }
}

/// Today in UTC.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}
