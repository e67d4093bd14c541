//! Progress of long runs (`list --all`, `export`, `apply`) on a terminal: indicatif on stderr, drawn only when
//! stderr is a terminal and `-q` is off, so nothing reaches a pipe or a log.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::ui::Ui;

/// A counter of items done; hidden off a terminal.
pub struct Progress(ProgressBar);

impl Progress {
    pub fn new(ui: &Ui, what: &'static str) -> Progress {
        let shown = !ui.quiet && std::io::stderr().is_terminal();
        let bar = if shown {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        if let Ok(style) =
            ProgressStyle::with_template(&format!("{{spinner}} {{pos}} {what} ({{elapsed}})"))
        {
            bar.set_style(style);
        }
        // A hidden bar needs no ticker thread waking it.
        if shown {
            bar.enable_steady_tick(Duration::from_millis(120));
        }
        Progress(bar)
    }

    pub fn advance(&self, n: usize) {
        self.0.inc(n as u64);
    }

    /// Removes the line, leaving the terminal as the output left it.
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}
