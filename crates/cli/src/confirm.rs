//! Asking before a destructive change.

use std::io::{BufRead, Write};

use crate::exit::Failure;
use crate::ui::Ui;

/// Goes ahead when `yes` was given, or when the user answers yes on the terminal. With standard input not a
/// terminal (a script, a pipe) and no `--yes` it refuses with a usage error: nothing is there to answer.
///
/// Hand-written rather than a prompt crate: one y/N line is all it asks.
pub fn confirm(ui: &Ui, question: &str, yes: bool) -> Result<(), Failure> {
    if yes {
        return Ok(());
    }
    if !ui.stdin_is_terminal {
        return Err(Failure::usage(format!(
            "{question}: refusing without --yes, as standard input is not a terminal to ask on"
        )));
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{question}? [y/N] ");
    let _ = err.flush();
    drop(err);
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::usage(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(Failure::usage("not confirmed; nothing was changed"))
    }
}
