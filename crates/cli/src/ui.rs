//! Where a command's output goes: standard output for data, standard error for notes, both written without panics
//! (a closed pipe ends the command quietly, a full disk is an error with its own exit status).

use std::io::{IsTerminal, Write};

use crate::args::{Global, OutputFormat};
use crate::exit::Failure;
use crate::table::Layout;
use crate::terminal;

/// The output settings of one command run.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    /// What the command prints: a table, JSON or CSV (`--output`, `--json`).
    pub format: OutputFormat,
    /// How tables are fitted and whether they have a header row.
    pub layout: Layout,
    /// `-q`: no notes, announcements or progress, only data and errors.
    pub quiet: bool,
    /// Standard input is a terminal, so a question can be asked there.
    pub stdin_is_terminal: bool,
}

impl Ui {
    /// The settings the global flags and the streams ask for.
    pub fn new(global: &Global) -> Ui {
        Ui {
            format: global.format(),
            layout: Layout {
                width: terminal::output_width(),
                headers: !global.no_headers,
            },
            quiet: global.quiet,
            stdin_is_terminal: std::io::stdin().is_terminal(),
        }
    }

    /// Writes `text` to standard output as it is.
    pub fn print(&self, text: &str) -> Result<(), Failure> {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(Failure::output)
    }

    /// Writes `text` and a line break to standard output.
    pub fn line(&self, text: &str) -> Result<(), Failure> {
        self.print(&format!("{text}\n"))
    }

    /// Whether the command prints JSON (`--json`, `--output json`).
    pub fn is_json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// Writes the outcome of a command in the chosen format: `json` for `--json`, else the line `text`.
    pub fn outcome(&self, json: &impl serde::Serialize, text: &str) -> Result<(), Failure> {
        if self.is_json() {
            self.json(json)
        } else {
            self.line(text)
        }
    }

    /// Writes `value` as pretty JSON and a line break to standard output: exact JSON, never escaped for the
    /// terminal (a JSON string's control characters are already `\u` escapes).
    pub fn json(&self, value: &impl serde::Serialize) -> Result<(), Failure> {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        serde_json::to_writer_pretty(&mut out, value)
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush())
            .map_err(Failure::output)
    }

    /// A note for people on standard error (which sample tenant, a retry), left out with `-q`.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            warn(text);
        }
    }
}

/// A line on standard error that is printed even with `-q` (a warning, an error). Control characters are shown
/// escaped; a closed standard error is ignored, as there is nowhere left to report it.
pub fn warn(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", terminal::escape_message(text));
}
