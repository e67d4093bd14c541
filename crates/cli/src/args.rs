//! The command line, as clap parses it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Intune's Windows OS image catalog (Microsoft Graph beta) from the command line, and a local emulator of it.
///
/// With no credentials and no --base-url, commands run on a built-in sample tenant (offline).
#[derive(Debug, Parser)]
#[command(
    name = "osimages",
    version,
    propagate_version = true,
    max_term_width = 110
)]
#[command(
    after_help = "Credentials (--auth auto): --token or GRAPH_TOKEN; or AZURE_TENANT_ID and AZURE_CLIENT_ID with \
AZURE_CLIENT_SECRET, AZURE_FEDERATED_TOKEN_FILE or AZURE_CLIENT_CERTIFICATE_PATH; or the sign-in `osimages login` kept; or the Azure CLI's account. --auth managed-identity on Azure.\nExit status: 0 success, 2 usage, 3 validation errors, \
4 Graph answered with an error, 5 transport failure, 6 the output could not be written."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Use the built-in sample tenant (an in-memory fake of Graph), even when credentials are set.
    #[arg(long, global = true, conflicts_with = "base_url")]
    pub fake: bool,
    /// A Graph-compatible base URL including the version, e.g. http://127.0.0.1:8080/beta for `osimages serve`.
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// The national cloud.
    #[arg(long, global = true, value_enum, default_value_t = CloudName::Global)]
    pub cloud: CloudName,
    /// A bearer token (also read from GRAPH_TOKEN). Prefer the environment: flags show in process lists.
    #[arg(
        long,
        global = true,
        env = "GRAPH_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
    /// Where credentials come from: auto tries --token/GRAPH_TOKEN, then the AZURE_* environment (secret,
    /// federated token file, certificate), then the sign-in `osimages login` kept, then the Azure CLI; managed
    /// identity only when asked for.
    #[arg(long, global = true, value_enum, default_value_t = AuthSource::Auto, value_name = "SOURCE")]
    pub auth: AuthSource,
    /// The public client app registration `login` and --auth device-code sign in with (also read from
    /// OSIMAGES_CLIENT_ID).
    #[arg(long, global = true, env = "OSIMAGES_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,
    /// The tenant `login` and --auth device-code sign in to: an id or domain (else AZURE_TENANT_ID, else
    /// organizations: the account's own tenant).
    #[arg(long, global = true, value_name = "TENANT")]
    pub tenant: Option<String>,
    /// Print Graph's JSON instead of a table (short for --output json).
    #[arg(long, global = true, conflicts_with = "output")]
    pub json: bool,
    /// The output format: a table for people, JSON, or CSV for spreadsheets (list, eol, diff).
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    /// The time the whole command may take, every retry and wait included (60s, 2m, 500ms).
    #[arg(long, global = true, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
    /// More logging on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// No notes, retry announcements or progress on stderr and no confirmations on stdout: only data and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Leave out the header row of tables.
    #[arg(long, global = true)]
    pub no_headers: bool,
}

/// What a command prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Tables fitted to the terminal.
    Table,
    /// JSON (Graph's, for reads).
    Json,
    /// Comma-separated values with a header row.
    Csv,
}

impl Global {
    /// The output format: `--output`, or JSON for `--json`, or a table.
    pub fn format(&self) -> OutputFormat {
        match (self.output, self.json) {
            (Some(format), _) => format,
            (None, true) => OutputFormat::Json,
            (None, false) => OutputFormat::Table,
        }
    }
}

/// The national clouds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CloudName {
    /// graph.microsoft.com
    Global,
    /// graph.microsoft.us (US Government L4)
    Usgov,
    /// dod-graph.microsoft.us (US Government L5, DoD)
    UsgovDod,
    /// microsoftgraph.chinacloudapi.cn (21Vianet)
    China,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The commands that talk to a tenant (or the sample tenant, or an emulator).
    #[command(flatten)]
    Catalog(CatalogCommand),
    /// Validate a body offline: prints every finding, changes nothing. Exits 3 when any finding is an error.
    Validate {
        /// The operation the body is for.
        #[arg(long = "for", value_enum, default_value_t = ValidateFor::Update)]
        for_: ValidateFor,
        /// Judge read-only properties as allowed.
        #[arg(long)]
        allow_read_only: bool,
        /// The body: a file, or - for standard input.
        #[arg(value_name = "FILE|-")]
        file: String,
    },
    /// Sign in as an administrator with a device code (open the page shown, enter the code); later commands use this
    /// sign-in silently until `logout`. Needs --client-id or OSIMAGES_CLIENT_ID (docs/cli.md, Sign-in).
    Login {
        /// The longest to wait for the sign-in in the browser (the code's own lifetime bounds it too).
        #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = parse_duration)]
        wait: std::time::Duration,
    },
    /// Forget the sign-in `login` kept for this tenant and client id (removes its file, and says which).
    Logout,
    /// Print a shell completion script: osimages completions bash > /etc/bash_completion.d/osimages
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): osimages man | man -l -
    Man,
    /// Run the local emulator of this Graph API. With --token T (on the command line, not from GRAPH_TOKEN) it
    /// requires `Authorization: Bearer T` on every request.
    Serve(ServeArgs),
}

/// The commands that need a client.
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// List images (one page unless --all).
    #[command(
        after_help = "Examples:\n  osimages list\n  osimages --json list --all --filter \"supportedArchitectures/any(a: a eq 'arM64')\"\n  osimages list --filter \"supportedEditions/any(e: e/supportEndDate lt 2027-01-01)\"\n  osimages list --select id,supportedArchitectures --orderby \"id desc\" --top 2"
    )]
    List(ListArgs),
    /// Show one image.
    Get {
        /// The image id, such as "Windows 11 24H2".
        id: String,
        /// Properties to return, comma-separated.
        #[arg(long, value_delimiter = ',', value_name = "a,b")]
        select: Vec<String>,
    },
    /// Create an image from a JSON body.
    Create {
        /// The body: a file, or - for standard input.
        #[arg(long, value_name = "FILE|-")]
        body: String,
        #[command(flatten)]
        options: WriteOptions,
    },
    /// Update an image with a JSON body (PATCH): only what the body contains is sent.
    #[command(
        after_help = "Examples:\n  osimages update \"Windows 11 24H2\" --body fixtures/seed/update-request.json --allow-read-only\n  echo '{\"supportedArchitectures\":[\"x64\"]}' \\\n    | osimages update \"Windows 11 24H2\" --body - --allow-read-only --dry-run"
    )]
    #[command(mut_args(update_read_only_help))]
    Update {
        /// The image id.
        id: String,
        /// The body: a file, or - for standard input.
        #[arg(long, value_name = "FILE|-")]
        body: String,
        #[command(flatten)]
        options: WriteOptions,
    },
    /// Delete an image. On a terminal it asks first; otherwise it needs --yes.
    Delete {
        /// The image id.
        id: String,
        /// Delete without asking (needed when standard input is not a terminal, as in scripts).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Call getAllManagedDeviceWindowsOSImages() on an image.
    GetAll {
        /// The image id.
        id: String,
    },
    /// Send a body in Graph's $batch format ({"requests":[{"id","method","url","headers"?,"body"?,"dependsOn"?}]}),
    /// split into batches of 20; prints each item's id, method, URL and status (--json: the merged responses).
    /// Exits 4 when any item failed.
    #[command(
        after_help = "Examples:\n  osimages batch requests.json\n  osimages --json batch - --allow-read-only < requests.json"
    )]
    Batch {
        /// The batch body: a file, or - for standard input.
        #[arg(value_name = "FILE|-")]
        file: String,
        /// Send read-only properties in create and update bodies as given.
        #[arg(long)]
        allow_read_only: bool,
    },
    /// Count images, optionally filtered.
    Count {
        /// An OData $filter.
        #[arg(long, value_name = "F")]
        filter: Option<String>,
    },
    /// Write the whole catalog as deterministic JSON (images by id, properties in a fixed order, no annotations):
    /// the shape `serve --seed` and `--data` read, so a git diff of two exports shows exactly what changed.
    Export {
        /// Write to FILE (replaced atomically once complete) instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Compare a snapshot or desired-state FILE with the tenant (or with FILE2): per image added, removed or changed,
    /// each change at its JSON Pointer. Exits 0 when equal, 1 when they differ, 2 or more on errors, as diff(1).
    #[command(
        after_help = "Examples:\n  osimages export --out catalog.json\n  osimages diff catalog.json\n  osimages diff old.json --against new.json --output csv"
    )]
    Diff {
        /// The old side: a file `export` or `list --json` wrote, or a JSON array of images.
        #[arg(value_name = "FILE")]
        file: String,
        /// Compare with this file instead of the tenant (offline).
        #[arg(long, value_name = "FILE2")]
        against: Option<String>,
    },
    /// Make the tenant match FILE: prints the plan (creates, minimal PATCH bodies, deletes with --prune), validates
    /// every body, asks on a terminal, then applies it. Applying the same file twice changes nothing.
    Apply {
        /// The desired state: a file `export` wrote, or a JSON array of images.
        #[arg(value_name = "FILE")]
        file: String,
        #[command(flatten)]
        options: ApplyOptions,
    },
    /// Editions whose support ends within DAYS of DATE, or has already ended.
    #[command(
        after_help = "Examples:\n  osimages eol\n  osimages --json eol --within 30 --on 2026-10-01"
    )]
    Eol {
        /// The window in days.
        #[arg(long, default_value_t = 90, value_name = "DAYS")]
        within: u32,
        /// The reference date, YYYY-MM-DD (today by default, UTC).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        on: Option<chrono::NaiveDate>,
    },
}

/// How `create` and `update` send their body.
#[derive(Debug, Clone, Copy, Args)]
pub struct WriteOptions {
    /// Send read-only properties as given (Graph documents every property as read-only).
    #[arg(long)]
    pub allow_read_only: bool,
    /// Validate and print the exact body that would be sent; send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// How `apply` goes about its plan.
#[derive(Debug, Clone, Copy, Args)]
pub struct ApplyOptions {
    /// Also delete images that are in the tenant but not in FILE.
    #[arg(long)]
    pub prune: bool,
    /// Print the plan and send nothing (reads only).
    #[arg(long)]
    pub dry_run: bool,
    /// Apply without asking (needed when standard input is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// `list` options.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// An OData $filter, e.g. "supportedArchitectures/any(a: a eq 'arM64')".
    #[arg(long, value_name = "F")]
    pub filter: Option<String>,
    /// Properties to return, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "a,b")]
    pub select: Vec<String>,
    /// Graph's page size ($top): at most N items per page. With --all every page is read; --max caps the total.
    #[arg(long, value_name = "N")]
    pub top: Option<u32>,
    /// At most N items in all: stops reading pages once N have arrived.
    #[arg(long, value_name = "N")]
    pub max: Option<u64>,
    /// Skip N items.
    #[arg(long, value_name = "N")]
    pub skip: Option<u32>,
    /// Order, e.g. "id desc".
    #[arg(long, value_name = "F")]
    pub orderby: Option<String>,
    /// Ask for @odata.count.
    #[arg(long)]
    pub count: bool,
    /// Follow @odata.nextLink through every page.
    #[arg(long)]
    pub all: bool,
}

/// `serve` options.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on; port 0 picks a free one (printed on the first line).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Keep the catalog in FILE (loaded at start, written atomically after each change; one emulator per file, locked
    /// with FILE.lock).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Start from the images in FILE (a JSON array or {"value":[...]}) instead of the sample catalog.
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    /// Page collections by N items, with @odata.nextLink.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub page_size: Option<u32>,
    /// Accept what Graph refuses in writes: enum values it does not know and properties the type does not declare.
    #[arg(long, alias = "lenient-enums")]
    pub lenient: bool,
    /// Serve https with a certificate for localhost, 127.0.0.1 and ::1 made at start (its PEM path is printed).
    #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
    pub tls: bool,
    /// Serve https with this PEM certificate chain (with --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Close a connection that takes longer than SECS from the first byte of a request to the end of its headers.
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_read_timeout: u64,
    /// Answer 408 and close a connection whose request body has not all arrived SECS after its headers.
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub body_read_timeout: u64,
    /// Close a keep-alive connection that sends no request for SECS.
    #[arg(long, value_name = "SECS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout: u64,
    /// At most N open connections; past it, new ones are answered 503.
    #[arg(long, value_name = "N", default_value_t = 2048, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: u64,
    /// Keep the last N requests (credentials redacted) for GET /_emulator/requests.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub record_requests: usize,
    /// Also be a local Entra ID authority (/{tenant}/oauth2/v2.0/token and /devicecode); Graph then accepts exactly
    /// the tokens it issued. Point AZURE_AUTHORITY_HOST at this address to sign in against it.
    #[arg(long)]
    pub authority: bool,
    /// With --authority: the device-code polling interval it asks for, in seconds (Entra's is 5).
    #[arg(long, value_name = "SECS", default_value_t = 5, requires = "authority")]
    pub authority_interval: u64,
    /// With --authority: how long the access tokens it issues are valid, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600, requires = "authority", value_parser = clap::value_parser!(u64).range(1..))]
    pub authority_token_lifetime: u64,
}

/// A sign-in source for `--auth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthSource {
    /// The first source that is configured (token, environment, the kept `login`, Azure CLI).
    Auto,
    /// --token or GRAPH_TOKEN.
    Token,
    /// AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET.
    Secret,
    /// AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_CERTIFICATE_PATH.
    Certificate,
    /// AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE (AKS, GitHub Actions).
    WorkloadIdentity,
    /// The Azure resource's managed identity (IDENTITY_ENDPOINT/IDENTITY_HEADER on App Service and Functions).
    ManagedIdentity,
    /// The account signed in to the Azure CLI (`az login`).
    AzureCli,
    /// The sign-in `osimages login` kept, or a new device-code sign-in at the terminal.
    DeviceCode,
}

/// What a body is validated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFor {
    /// A POST body.
    Create,
    /// A PATCH body.
    Update,
}

/// `update` takes `create`'s options; its --allow-read-only help says why an update may need it. (`mut_args` edits
/// the argument where it stands: `mut_arg` would move it last, reordering the completions.)
fn update_read_only_help(arg: clap::Arg) -> clap::Arg {
    if arg.get_id() == "allow_read_only" {
        arg.help("Send read-only properties as given, as the API's own example does")
    } else {
        arg
    }
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    intune_osimages_model::parse_graph_date(s).map_err(|e| format!("{s:?}: {e}"))
}

fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    // A bare number is seconds, as `timeout(1)` reads it.
    let parsed = match s.trim().parse::<u64>() {
        Ok(secs) => Ok(std::time::Duration::from_secs(secs)),
        Err(_) => humantime::parse_duration(s.trim())
            .map_err(|e| format!("{s:?}: {e} (write 60s, 2m or 500ms)")),
    }?;
    if parsed.is_zero() {
        return Err(format!("{s:?}: the timeout must be more than zero"));
    }
    Ok(parsed)
}
