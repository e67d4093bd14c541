//! `validate`: offline, prints every finding.

use intune_osimages::validate::{Operation, Policy, validate};

use crate::args::ValidateFor;
use crate::body::read_body;
use crate::exit::Failure;
use crate::render::print_json;

pub fn run(
    for_: ValidateFor,
    allow_read_only: bool,
    file: &str,
    json: bool,
) -> Result<(), Failure> {
    let body = read_body(file)?;
    let operation = match for_ {
        ValidateFor::Create => Operation::Create,
        ValidateFor::Update => Operation::Update,
    };
    let policy = Policy { allow_read_only };
    let report = validate(&body, operation, policy);
    if json {
        print_json(&report);
    } else if report.is_empty() {
        println!("{file}: no findings");
    } else {
        for finding in report.findings() {
            println!("{finding}");
            if let Some(s) = &finding.suggestion {
                println!("  suggestion: {s}");
            }
        }
        let errors = report.errors().count();
        let warnings = report.warnings().count();
        println!("{file}: {errors} error(s), {warnings} warning(s)");
    }
    if report.has_errors() {
        Err(Failure::validation(String::new()))
    } else {
        Ok(())
    }
}
