//! One function per command.

mod eol;
mod read;
mod validate;
mod write;

use crate::args::{Cli, Command};
use crate::context;
use crate::exit::Failure;

/// Runs a client command (everything but `serve`).
pub async fn run(cli: Cli) -> Result<(), Failure> {
    let json = cli.global.json;
    if let Command::Validate {
        for_,
        allow_read_only,
        file,
    } = &cli.command
    {
        return validate::run(*for_, *allow_read_only, file, json);
    }
    let client = context::client(&cli.global)?;
    let images = client.os_images();
    match cli.command {
        Command::List(args) => read::list(&images, args, json).await,
        Command::Get { id, select } => read::get(&images, &id, select, json).await,
        Command::GetAll { id } => read::get_all(&images, &id, json).await,
        Command::Count { filter } => read::count(&images, filter).await,
        Command::Create {
            body,
            allow_read_only,
            dry_run,
        } => write::create(&images, &body, allow_read_only, dry_run, json).await,
        Command::Update {
            id,
            body,
            allow_read_only,
            dry_run,
        } => write::update(&images, &id, &body, allow_read_only, dry_run, json).await,
        Command::Delete { id } => write::delete(&images, &id, json).await,
        Command::Eol { within, on } => eol::run(&images, within, on, json).await,
        Command::Validate { .. } | Command::Serve(_) => Err(Failure::usage(
            "internal: this command is dispatched elsewhere",
        )),
    }
}

/// Today in UTC.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}
