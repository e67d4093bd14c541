//! Reading a JSON body from a file or standard input, as the user wrote it: the bytes are kept to be sent unchanged,
//! and the parsed value is what validation judges.

use std::io::Read;

use bytes::Bytes;
use intune_osimages_validate::check_json_text;
use serde_json::Value;

use crate::exit::Failure;
use crate::terminal::escape;
use crate::ui::Ui;

/// The largest body read (Graph's own request limit is 4 MB; a larger file is a mistake, not a body).
const MAX_BODY: u64 = 16 * 1024 * 1024;

/// A body as given: its bytes (without a UTF-8 byte order mark) and the value parsed from them.
pub struct Body {
    /// What is sent: the file's bytes (a UTF-8 byte order mark left out).
    pub bytes: Bytes,
    /// What validation judges.
    pub value: Value,
}

/// Reads `source` (a path, or `-` for standard input). An unreadable file is a usage error; anything that cannot be
/// sent exactly as given (another encoding, text that is not JSON, a duplicate key, an integer JSON cannot carry
/// exactly) is a validation error (exit 3) naming where.
pub fn read_body(ui: &Ui, source: &str) -> Result<Body, Failure> {
    let (name, raw) = if source == "-" {
        let mut raw = Vec::new();
        std::io::stdin()
            .take(MAX_BODY + 1)
            .read_to_end(&mut raw)
            .map_err(|e| {
                Failure::usage(format!("cannot read the body from standard input: {e}"))
            })?;
        ("<stdin>".to_owned(), raw)
    } else {
        let file = std::fs::File::open(source)
            .map_err(|e| Failure::usage(format!("cannot read the body file {source}: {e}")))?;
        let mut raw = Vec::new();
        file.take(MAX_BODY + 1)
            .read_to_end(&mut raw)
            .map_err(|e| Failure::usage(format!("cannot read the body file {source}: {e}")))?;
        (escape(source).into_owned(), raw)
    };
    if raw.len() as u64 > MAX_BODY {
        return Err(Failure::usage(format!(
            "{name}: the body is larger than {} MiB",
            MAX_BODY / 1024 / 1024
        )));
    }
    let text = decode(&name, ui, raw)?;
    let value = serde_json::from_str(&text).map_err(|e| {
        Failure::validation(format!(
            "{name}:{}:{}: the body is not valid JSON: {e}",
            e.line(),
            e.column()
        ))
    })?;
    // What a parser would quietly change (a duplicate key, an integer beyond 2^53) cannot be sent "as given".
    let report = check_json_text(&text);
    if report.has_errors() {
        let lines: Vec<String> = report
            .errors()
            .map(|f| format!("  {}", escape(&f.to_string())))
            .collect();
        return Err(Failure::validation(format!(
            "{name}: the body cannot be sent as given ({} error(s)); nothing was sent\n{}",
            lines.len(),
            lines.join("\n")
        )));
    }
    Ok(Body {
        bytes: Bytes::from(text),
        value,
    })
}

/// The body as UTF-8 text: a UTF-8 byte order mark is dropped (and said so); UTF-16 and UTF-32, with or without
/// a mark, are refused with how to convert them.
fn decode(name: &str, ui: &Ui, mut raw: Vec<u8>) -> Result<String, Failure> {
    if let Some(encoding) = other_encoding(&raw) {
        return Err(Failure::validation(format!(
            "{name}: the body is {encoding}, not UTF-8 (JSON is sent as UTF-8). Convert it first, for example \
             with iconv -f {encoding} -t UTF-8 {name} > body.json, or in PowerShell with \
             Get-Content {name} | Set-Content -Encoding utf8 body.json"
        )));
    }
    if raw.starts_with(b"\xef\xbb\xbf") {
        raw.drain(..3);
        ui.note(&format!(
            "note: {name} starts with a UTF-8 byte order mark; it is left out of what is sent"
        ));
    }
    String::from_utf8(raw).map_err(|e| {
        Failure::validation(format!(
            "{name}: the body is not UTF-8: the byte at offset {} is not part of a UTF-8 character",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// UTF-16 or UTF-32 by their byte order marks, or (with none) by the zero bytes around JSON's first ASCII
/// character, as RFC 4627 section 3 detects them.
fn other_encoding(raw: &[u8]) -> Option<&'static str> {
    let head = |n: usize| raw.get(..n);
    match (head(4), head(2)) {
        (Some([0, 0, 0xfe, 0xff]), _) => Some("UTF-32BE"),
        (Some([0xff, 0xfe, 0, 0]), _) => Some("UTF-32LE"),
        (_, Some([0xfe, 0xff])) => Some("UTF-16BE"),
        (_, Some([0xff, 0xfe])) => Some("UTF-16LE"),
        (Some([0, 0, 0, a]), _) if *a != 0 => Some("UTF-32BE"),
        (Some([a, 0, 0, 0]), _) if *a != 0 => Some("UTF-32LE"),
        (_, Some([0, a])) if *a != 0 => Some("UTF-16BE"),
        (_, Some([a, 0])) if *a != 0 => Some("UTF-16LE"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_encodings_are_recognised_with_and_without_a_mark() {
        assert_eq!(other_encoding(b"\xff\xfe{\0"), Some("UTF-16LE"));
        assert_eq!(other_encoding(b"{\0\"\0"), Some("UTF-16LE"));
        assert_eq!(other_encoding(b"\0{\0\""), Some("UTF-16BE"));
        assert_eq!(other_encoding(b"{\0\0\0"), Some("UTF-32LE"));
        assert_eq!(other_encoding(b"\0\0\0{"), Some("UTF-32BE"));
        assert_eq!(other_encoding(b"\xef\xbb\xbf{}"), None);
        assert_eq!(other_encoding(b"{}"), None);
        assert_eq!(other_encoding(b""), None);
    }
}
