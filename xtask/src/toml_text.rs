//! Line-level reading and editing of Cargo.toml text. No TOML crate: edits keep every other byte as it was, and the
//! manifests of this repository are written one entry a line.

/// A line of a TOML file with the table it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    /// Zero-based line number.
    pub index: usize,
    /// The table header it sits under, without brackets (`workspace.dependencies`); empty before the first header.
    pub table: &'a str,
    /// The line, without its line ending.
    pub text: &'a str,
}

/// Every line with the table it is in. Header lines belong to the table they open.
pub fn lines(text: &str) -> Vec<Line<'_>> {
    let mut table = "";
    let mut out = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        if let Some(name) = header(raw) {
            table = name;
        }
        out.push(Line {
            index,
            table,
            text: raw,
        });
    }
    out
}

/// The table name if `line` is a `[table]` or `[[array]]` header.
pub fn header(line: &str) -> Option<&str> {
    let trimmed = strip_comment(line).trim();
    let inner = trimmed.strip_prefix('[')?.strip_suffix(']')?;
    let inner = inner
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(inner);
    Some(inner.trim())
}

/// The line without a trailing `# comment` (a `#` inside a string is kept).
pub fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    for (at, ch) in line.char_indices() {
        match ch {
            '"' => in_string = !in_string,
            '#' if !in_string => return line.get(..at).unwrap_or(line),
            _ => {}
        }
    }
    line
}

/// The key of a `key = value` line (`name.workspace = true` gives `name.workspace`), unquoted.
pub fn key(line: &str) -> Option<&str> {
    let (key, _) = strip_comment(line).split_once('=')?;
    let key = key.trim();
    if key.is_empty() || key.starts_with('[') {
        return None;
    }
    Some(key.trim_matches('"'))
}

/// The value of `field = "value"` inside `line` (a plain `key = "..."` line or an inline table).
pub fn string_field<'a>(line: &'a str, field: &str) -> Option<&'a str> {
    let (start, end) = string_field_span(line, field)?;
    line.get(start..end)
}

/// The byte range of the string value of `field = "..."` inside `line`.
pub fn string_field_span(line: &str, field: &str) -> Option<(usize, usize)> {
    let code = strip_comment(line);
    let mut search_from = 0;
    while let Some(found) = code.get(search_from..)?.find(field) {
        let at = search_from + found;
        let before_ok =
            at == 0 || code[..at].ends_with(|c: char| c.is_whitespace() || c == '{' || c == ',');
        let rest = &code[at + field.len()..];
        let after_eq = rest.trim_start().strip_prefix('=');
        if let (true, Some(after_eq)) = (before_ok, after_eq) {
            let value = after_eq.trim_start();
            if let Some(body) = value.strip_prefix('"') {
                let start = code.len() - body.len();
                let len = body.find('"')?;
                return Some((start, start + len));
            }
        }
        search_from = at + field.len();
    }
    None
}

/// `text` with line `index` replaced by `new_line`; the line ending and every other line are kept.
pub fn replace_line(text: &str, index: usize, new_line: &str) -> String {
    let mut out = String::with_capacity(text.len() + new_line.len());
    for (at, piece) in text.split_inclusive('\n').enumerate() {
        if at == index {
            out.push_str(new_line);
            let ending = &piece[piece.trim_end_matches(['\n', '\r']).len()..];
            out.push_str(ending);
        } else {
            out.push_str(piece);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_know_their_table() {
        let text = "[workspace]\nmembers = []\n\n[workspace.dependencies]\na = { path = \"a\" }\n[[bin]]\nname = \"x\"\n";
        let tables: Vec<&str> = lines(text).iter().map(|line| line.table).collect();
        assert_eq!(
            tables,
            [
                "workspace",
                "workspace",
                "workspace",
                "workspace.dependencies",
                "workspace.dependencies",
                "bin",
                "bin"
            ]
        );
    }

    #[test]
    fn string_fields_are_found_in_plain_and_inline_forms() {
        assert_eq!(
            string_field("version = \"0.1.0\"", "version"),
            Some("0.1.0")
        );
        let inline =
            "a = { path = \"crates/a\", version = \"=0.2.0\", default-features = false } # c";
        assert_eq!(string_field(inline, "version"), Some("=0.2.0"));
        assert_eq!(string_field(inline, "path"), Some("crates/a"));
        assert_eq!(string_field("rust-version = \"1.88\"", "version"), None);
        assert_eq!(string_field("# version = \"1\"", "version"), None);
    }

    #[test]
    fn replacing_a_line_keeps_endings_and_neighbours() {
        let text = "a\r\nb\nc";
        assert_eq!(replace_line(text, 0, "x"), "x\r\nb\nc");
        assert_eq!(replace_line(text, 2, "z"), "a\r\nb\nz");
    }
}
