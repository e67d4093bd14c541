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

/// Runs a command that talks to a tenant: builds the client the global flags ask for, then runs it.
pub async fn run(global: &Global, command: CatalogCommand) -> Result<(), Failure> {
    let json = global.json;
    let client = context::client(global)?;
    let images = client.os_images();
    match command {
        CatalogCommand::List(args) => read::list(&images, args, json).await,
        CatalogCommand::Get { id, select } => read::get(&images, &id, select, json).await,
        CatalogCommand::GetAll { id } => read::get_all(&images, &id, json).await,
        CatalogCommand::Count { filter } => read::count(&images, filter).await,
        CatalogCommand::Batch {
            file,
            allow_read_only,
        } => batch::run(&client, &file, allow_read_only, json).await,
        CatalogCommand::Create {
            body,
            allow_read_only,
            dry_run,
        } => write::create(&images, &body, allow_read_only, dry_run, json).await,
        CatalogCommand::Update {
            id,
            body,
            allow_read_only,
            dry_run,
        } => write::update(&images, &id, &body, allow_read_only, dry_run, json).await,
        CatalogCommand::Delete { id } => write::delete(&images, &id, json).await,
        CatalogCommand::Eol { within, on } => eol::run(&images, within, on, json).await,
    }
}

/// Today in UTC.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}
