//! `validate`: offline, prints every finding.

use intune_osimages::validate::{Operation, Policy, validate};

use crate::args::ValidateFor;
use crate::exit::Failure;
use crate::terminal::escape;
use crate::ui::Ui;
use crate::user_body::read_body;

pub fn run(ui: &Ui, for_: ValidateFor, allow_read_only: bool, file: &str) -> Result<(), Failure> {
    let body = read_body(ui, file)?.value;
    let operation = match for_ {
        ValidateFor::Create => Operation::Create,
        ValidateFor::Update => Operation::Update,
    };
    let policy = Policy { allow_read_only };
    let report = validate(&body, operation, policy);
    let file = escape(file);
    if ui.is_json() {
        ui.json(&report)?;
    } else if report.is_empty() {
        ui.line(&format!("{file}: no findings"))?;
    } else {
        let mut text = String::new();
        for finding in report.findings() {
            text.push_str(&escape(&finding.to_string()));
            text.push('\n');
            if let Some(s) = &finding.suggestion {
                text.push_str(&format!("  suggestion: {}\n", escape(s)));
            }
        }
        let errors = report.errors().count();
        let warnings = report.warnings().count();
        text.push_str(&format!(
            "{file}: {errors} error(s), {warnings} warning(s)\n"
        ));
        ui.print(&text)?;
    }
    if report.has_errors() {
        Err(Failure::validation(String::new()))
    } else {
        Ok(())
    }
}
