//! Reading a JSON body from a file or standard input.

use std::io::Read;

use crate::exit::Failure;

/// Reads and parses `source` (a path, or `-` for standard input). An unreadable file is a usage error; text that is
/// not JSON is a validation error naming the line and column.
pub fn read_body(source: &str) -> Result<serde_json::Value, Failure> {
    let (name, text) = if source == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            Failure::usage(format!("cannot read the body from standard input: {e}"))
        })?;
        ("<stdin>".to_owned(), text)
    } else {
        let text = std::fs::read_to_string(source)
            .map_err(|e| Failure::usage(format!("cannot read the body file {source}: {e}")))?;
        (source.to_owned(), text)
    };
    serde_json::from_str(&text).map_err(|e| {
        Failure::validation(format!(
            "{name}:{}:{}: the body is not valid JSON: {e}",
            e.line(),
            e.column()
        ))
    })
}
