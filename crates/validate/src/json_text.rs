//! What a JSON parser would quietly change in a text: a key given twice in one object and an integer beyond what
//! every JSON reader carries exactly. Both are judged on the text, before anything is parsed into a value.
//!
//! Hand-written rather than done through `serde_json`: its values keep one of two duplicate keys without saying so,
//! and it shows a number's digits only with its `arbitrary_precision` feature, which would change how every crate of
//! the workspace compares and prints numbers. The scan is one pass over the bytes, with nesting bounded like
//! `serde_json`'s.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::Write;

use crate::pointer::escape_segment;
use crate::{Finding, Report, Rule, Severity};

/// The largest integer every JSON reader carries exactly: 2^53 - 1, the I-JSON limit (RFC 7493 section 2.2).
/// Beyond it a reader that stores numbers as IEEE doubles (JavaScript, PowerShell's `ConvertFrom-Json` in places,
/// many others) changes the digits.
pub const MAX_EXACT_INTEGER: u64 = (1 << 53) - 1;

/// Nesting deeper than this ends the scan (`serde_json` refuses such text too, at the same depth).
const MAX_DEPTH: usize = 128;

/// Checks JSON text for what parsing would lose: each key given more than once in an object (`duplicate-key`: JSON
/// readers keep one of them, and which one differs) and each integer beyond ±(2^53 - 1) (`inexact-integer`), every
/// finding an error at its JSON Pointer. Graph answers 400 to a body with a duplicate key.
///
/// Syntax is not judged: parse the text to learn whether it is JSON and where it is not. On text that is not JSON
/// the scan stops at the first byte it cannot follow and reports what it found before it. Never panics.
///
/// ```
/// use intune_osimages_validate::{check_json_text, Rule};
/// let report = check_json_text(r#"{"id":"a","availableUpdates":[{"releaseYear":2024,"releaseYear":2025}]}"#);
/// let finding = &report.findings()[0];
/// assert_eq!((finding.path.as_str(), finding.rule), ("/availableUpdates/0/releaseYear", Rule::DuplicateKey));
/// assert!(check_json_text(r#"{"n": 9007199254740991, "x": 1.5e300}"#).is_empty());
/// assert_eq!(check_json_text(r#"{"n": 9007199254740993}"#).findings()[0].rule, Rule::InexactInteger);
/// ```
pub fn check_json_text(text: &str) -> Report {
    let mut scan = Scan {
        src: text,
        text: text.as_bytes(),
        pos: 0,
        pointer: String::new(),
        findings: Vec::new(),
    };
    // `None` means the text stopped being JSON; what was found until then is still reported.
    let _ = scan.value(0);
    Report::from(scan.findings)
}

struct Scan<'a> {
    src: &'a str,
    text: &'a [u8],
    pos: usize,
    pointer: String,
    findings: Vec<Finding>,
}

/// Up to this many keys an object's keys are compared in a list; past it, in a hash set (an object of a thousand
/// keys stays linear, a typical one allocates no set).
const FEW_KEYS: usize = 16;

impl<'a> Scan<'a> {
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.text.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.text.get(self.pos).copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(drop),
            b'-' | b'0'..=b'9' => self.number(),
            _ => self.literal(),
        }
    }

    fn object(&mut self, depth: usize) -> Option<()> {
        self.pos += 1;
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(());
        }
        let mut few: Vec<Cow<'a, str>> = Vec::new();
        let mut many: HashSet<Cow<'a, str>> = HashSet::new();
        loop {
            let key = self.string()?;
            self.expect(b':')?;
            let len = self.pointer.len();
            self.pointer.push('/');
            self.pointer.push_str(&escape_segment(&key));
            let duplicate = if many.is_empty() && few.len() < FEW_KEYS {
                let seen = few.contains(&key);
                if !seen {
                    few.push(key);
                }
                seen
            } else {
                many.extend(few.drain(..));
                !many.insert(key)
            };
            if duplicate {
                self.error(
                    Rule::DuplicateKey,
                    "this key appears more than once in its object: JSON readers keep only one of them (which \
                     one differs), and Graph refuses the body"
                        .to_owned(),
                );
            }
            self.value(depth + 1)?;
            self.pointer.truncate(len);
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        self.pos += 1;
        if self.peek()? == b']' {
            self.pos += 1;
            return Some(());
        }
        let mut index = 0_usize;
        loop {
            let len = self.pointer.len();
            // Writing to a String cannot fail.
            let _ = write!(self.pointer, "/{index}");
            self.value(depth + 1)?;
            self.pointer.truncate(len);
            index += 1;
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A string, decoded (so `"a"` and `"\u0061"` are the same key).
    fn string(&mut self) -> Option<Cow<'a, str>> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.pos;
        self.pos += 1;
        let mut escaped = false;
        loop {
            match *self.text.get(self.pos)? {
                b'\\' => {
                    escaped = true;
                    self.pos += 2;
                }
                b'"' => break,
                _ => self.pos += 1,
            }
        }
        self.pos += 1;
        let raw = self.src.get(start..self.pos)?;
        if !escaped {
            return raw.get(1..raw.len() - 1).map(Cow::Borrowed);
        }
        serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
    }

    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.text.get(self.pos) {
            self.pos += 1;
        }
        let digits = self.src.get(start..self.pos)?;
        if digits.contains(['.', 'e', 'E']) {
            return Some(());
        }
        let magnitude = digits.strip_prefix('-').unwrap_or(digits);
        if magnitude
            .parse::<u64>()
            .is_ok_and(|n| n <= MAX_EXACT_INTEGER)
        {
            return Some(());
        }
        if !magnitude.is_empty() && magnitude.bytes().all(|b| b.is_ascii_digit()) {
            self.error(
                Rule::InexactInteger,
                format!(
                    "the integer {digits} is beyond what JSON carries exactly (±{MAX_EXACT_INTEGER}): readers that \
                     store numbers as doubles would change its digits; send it as a string if the digits matter"
                ),
            );
        }
        Some(())
    }

    fn literal(&mut self) -> Option<()> {
        for word in [&b"true"[..], b"false", b"null"] {
            if self.text.get(self.pos..self.pos + word.len()) == Some(word) {
                self.pos += word.len();
                return Some(());
            }
        }
        None
    }

    fn error(&mut self, rule: Rule, message: String) {
        self.findings.push(Finding {
            path: self.pointer.clone(),
            rule,
            severity: Severity::Error,
            message,
            suggestion: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, &'static str)> {
        check_json_text(text)
            .into_iter()
            .map(|f| (f.path, f.rule.as_str()))
            .collect()
    }

    #[test]
    fn duplicate_keys_are_found_at_their_pointer_even_when_escaped_differently() {
        assert_eq!(
            found(r#"{"a":{"x":1,"y":[],"\u0078":2},"b/c":{"~":1,"~":2}}"#),
            [
                ("/a/x".to_owned(), "duplicate-key"),
                ("/b~1c/~0".to_owned(), "duplicate-key")
            ]
        );
        assert!(found(r#"{"a":{"x":1},"b":{"x":1},"s":"x\"y"}"#).is_empty());
        assert!(found(r#"[{"a":1},{"a":1}]"#).is_empty());
        // Past the list of few keys, a hash set: the duplicate is still found, once.
        let mut many: String = (0..40).map(|i| format!("\"k{i}\":{i},")).collect();
        many.push_str("\"k3\":0,\"k39\":1");
        assert_eq!(
            found(&format!("{{{many}}}")),
            [
                ("/k3".to_owned(), "duplicate-key"),
                ("/k39".to_owned(), "duplicate-key")
            ]
        );
    }

    #[test]
    fn integers_beyond_two_to_the_53_are_inexact_and_others_are_not() {
        assert!(found("[9007199254740991, -9007199254740991, 1e400, 0.1, 2e40]").is_empty());
        assert_eq!(
            found(r#"{"a":[0,-9007199254740992],"b":123456789012345678901234567890}"#),
            [
                ("/a/1".to_owned(), "inexact-integer"),
                ("/b".to_owned(), "inexact-integer")
            ]
        );
        assert_eq!(
            found("9007199254740992"),
            [(String::new(), "inexact-integer")]
        );
    }

    #[test]
    fn text_that_is_not_json_ends_the_scan_without_panicking() {
        for text in [
            "",
            "{",
            "{\"a\"",
            "{\"a\":1,\"a\"",
            "[1,",
            "\"abc",
            "nul",
            "{\"a\" 1}",
            "\u{feff}{}",
            "{\"\\",
        ] {
            let _ = check_json_text(text);
        }
        assert_eq!(
            found("{\"a\":1,\"a\":2,"),
            [("/a".to_owned(), "duplicate-key")]
        );
        let deep = "[".repeat(10_000);
        assert!(check_json_text(&deep).is_empty());
    }
}
