//! What reaches a terminal: text from a server or a file shown with its control characters escaped, display widths
//! counted as a terminal counts them, and the width tables are fitted to.

use std::borrow::Cow;
use std::io::IsTerminal;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The width tables are fitted to when neither `COLUMNS` nor the terminal says (a pipe, a file).
pub const DEFAULT_WIDTH: usize = 80;

/// Characters a terminal would act on or that reorder what it shows: C0 and C1 controls, DEL, and Unicode's
/// bidirectional overrides and isolates (which can make a forged row read like a real one).
fn is_hazard(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// `text` with every control character (newlines included) written as a visible escape (`\x1b`, `\n`, `\u{202e}`):
/// for one table cell or one value inside a message.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hazard) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hazard(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A message of several lines: the line breaks the program put there stay, everything else is escaped as in
/// [`escape`]. Values quoted from a server should already have gone through [`escape`], so their own line breaks
/// cannot forge a line such as `request-id: ...`.
pub fn escape_message(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_hazard(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c != '\n' && is_hazard(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// How many terminal columns `text` takes (wide East Asian characters count two, combining marks none).
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` cut to at most `max` columns, ending in `…` when anything was cut.
pub fn shorten(text: &str, max: usize) -> Cow<'_, str> {
    if width(text) <= max {
        return Cow::Borrowed(text);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    // `a long…` rather than `a long …`.
    out.truncate(out.trim_end().len());
    out.push('…');
    Cow::Owned(out)
}

/// The width to fit tables to: `COLUMNS` when set to a number, else the terminal's when standard output is one,
/// else [`DEFAULT_WIDTH`].
pub fn output_width() -> usize {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
    {
        return columns;
    }
    let stdout = std::io::stdout();
    if stdout.is_terminal()
        && let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size_of(&stdout)
        && w > 0
    {
        return usize::from(w);
    }
    DEFAULT_WIDTH
}

/// Whether colour may be used on a stream: only on a terminal, and never when `NO_COLOR` is set to anything
/// (<https://no-color.org>).
pub fn color_allowed(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_makes_controls_visible_and_leaves_text_alone() {
        assert_eq!(escape("Windows 11"), "Windows 11");
        assert_eq!(escape("a\u{1b}]0;pwned\u{7}b"), "a\\x1b]0;pwned\\x07b");
        assert_eq!(escape("x\nrequest-id: 1"), "x\\nrequest-id: 1");
        assert_eq!(escape("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(escape("\u{9b}2J"), "\\x9b2J");
        assert_eq!(escape_message("a\nb\u{1b}c"), "a\nb\\x1bc");
    }

    #[test]
    fn widths_count_columns_not_characters() {
        assert_eq!(width("日本語"), 6);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("🙂"), 2);
        assert_eq!(shorten("日本語テキスト", 7), "日本語…");
        assert_eq!(width(&shorten("日本語テキスト", 7)), 7);
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("abcdef", 4), "abc…");
    }
}
