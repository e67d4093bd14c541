//! `osimages`: Intune's Windows OS image catalog from the command line, and a local emulator of it.

mod announce;
mod args;
mod commands;
mod confirm;
mod context;
mod diff;
mod exit;
mod json_pages;
mod login;
mod plan;
mod pretty;
mod progress;
mod render;
mod sign_in;
mod sink;
mod snapshot;
mod spool;
mod table;
mod terminal;
mod ui;
mod user_body;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

use crate::args::{CatalogCommand, Cli, Command, Global, ServeArgs};
use crate::exit::Failure;

fn main() -> ExitCode {
    let matches = match Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => {
            // clap prints help and version to stdout with status 0, and usage errors to stderr with status 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(exit::USAGE);
        }
    };
    // The emulator runs unattended, so its warnings (a failed write, an ignored --seed, a connection limit reached)
    // are shown without -v; a command reports its own failures and logs only errors.
    let quiet = if matches!(cli.command, Command::Serve(_)) {
        "warn"
    } else {
        "error"
    };
    init_logging(cli.global.verbose, quiet, !cli.global.quiet);
    let ui = ui::Ui::new(&cli.global);
    let result = match cli.command {
        Command::Serve(ref serve) => {
            // Only a token typed on the command line guards the emulator; GRAPH_TOKEN is a client credential.
            let token = match matches.value_source("token") {
                Some(ValueSource::CommandLine) => cli.global.token.clone(),
                _ => None,
            };
            run_serve(serve, token)
        }
        Command::Validate {
            for_,
            allow_read_only,
            ref file,
        } => commands::validate(&ui, for_, allow_read_only, file),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "osimages", &mut out);
            ui.print(&String::from_utf8_lossy(&out))
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(Failure::output)
                .and_then(|()| ui.print(&String::from_utf8_lossy(&out)))
        }
        Command::Catalog(command) => run_catalog(&cli.global, &ui, command),
        Command::Login { wait } => {
            runtime().and_then(|rt| rt.block_on(login::login(&cli.global, &ui, wait)))
        }
        Command::Logout => login::logout(&cli.global, &ui),
    };
    match result {
        Ok(()) => ExitCode::from(exit::OK),
        Err(failure) => {
            if !failure.message.is_empty() {
                ui::warn(&format!("error: {}", failure.message));
            }
            failure.exit_code()
        }
    }
}

/// One thread is plenty for a command and keeps start-up short.
fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the async runtime: {e}")))
}

fn run_catalog(global: &Global, ui: &ui::Ui, command: CatalogCommand) -> Result<(), Failure> {
    runtime()?.block_on(commands::run(global, ui, command))
}

fn run_serve(args: &ServeArgs, token: Option<String>) -> Result<(), Failure> {
    let mut options = intune_osimages_emulator::ServeOptions::local();
    options.addr = args.addr;
    options.token = token;
    options.data = args.data.clone();
    options.seed = args.seed.clone();
    options.page_size = args.page_size.map(|n| n as usize);
    options.lenient = args.lenient;
    options.record_requests = args.record_requests;
    if args.authority {
        options.authority = Some(
            intune_osimages_emulator::LocalAuthority::default()
                .device_code_interval(args.authority_interval)
                .token_lifetime(std::time::Duration::from_secs(
                    args.authority_token_lifetime,
                )),
        );
    }
    options.tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => intune_osimages_emulator::Tls::Files {
            cert: cert.clone(),
            key: key.clone(),
        },
        _ if args.tls => intune_osimages_emulator::Tls::Generated,
        _ => intune_osimages_emulator::Tls::Off,
    };
    options.header_read_timeout = std::time::Duration::from_secs(args.header_read_timeout);
    options.body_read_timeout = std::time::Duration::from_secs(args.body_read_timeout);
    options.idle_timeout = std::time::Duration::from_secs(args.idle_timeout);
    options.max_connections = usize::try_from(args.max_connections).unwrap_or(usize::MAX);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the async runtime: {e}")))?;
    runtime
        .block_on(intune_osimages_emulator::run(options))
        .map_err(|e| Failure::usage(e.to_string()))
}

fn init_logging(verbose: u8, quiet: &str, announce_retries: bool) {
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    // Without -v only errors are logged: the command itself reports what went wrong, and validation warnings are
    // printed by the commands in their own words.
    let default = match verbose {
        0 => quiet,
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let logs = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(terminal::color_allowed(std::io::stderr().is_terminal()))
        .with_filter(filter);
    // Retries are said in a sentence at the default verbosity; with -v the log line says it already.
    let announcer = (announce_retries && verbose == 0).then(|| {
        announce::RetryAnnouncer {
            attempts: intune_osimages::transport::RetryPolicy::default().retries() + 1,
        }
        .with_filter(
            tracing_subscriber::filter::Targets::new()
                .with_target(announce::RETRY_TARGET, tracing::Level::INFO)
                .with_target(announce::BATCH_TARGET, tracing::Level::DEBUG),
        )
    });
    let _ = tracing_subscriber::registry()
        .with(logs)
        .with(announcer)
        .try_init();
}
