//! serde_json's pretty layout (two spaces a level) started at a given depth, so an item is serialized straight into
//! the output already indented to sit inside a document, with no text of it in between.
//!
//! Hand-written because serde_json's `PrettyFormatter` always starts at depth 0: re-indenting its text line by line
//! cost most of `list --all --json`'s time. The methods follow `PrettyFormatter`'s exactly (the tests in
//! `sink.rs` compare the bytes with serde_json's own output).

use std::io::{self, Write};

/// Two spaces a level, as serde_json's `to_string_pretty`.
const INDENT: &[u8] = b"  ";

/// A `serde_json` formatter writing pretty JSON whose lines sit `depth` levels deep.
pub struct NestedPretty {
    depth: usize,
    base: usize,
    has_value: bool,
}

impl NestedPretty {
    /// The layout of serde_json's pretty text at `depth` levels (each line but the first indented by `depth` more
    /// levels).
    pub fn at_depth(depth: usize) -> Self {
        NestedPretty {
            depth,
            base: depth,
            has_value: false,
        }
    }

    /// Writes `text`, indenting the line after every line break by the base depth.
    pub fn write_indented<W: ?Sized + Write>(&self, out: &mut W, text: &[u8]) -> io::Result<()> {
        let mut rest = text;
        while let Some(at) = rest.iter().position(|b| *b == b'\n') {
            let (line, after) = rest.split_at(at + 1);
            out.write_all(line)?;
            indent(out, self.base)?;
            rest = after;
        }
        out.write_all(rest)
    }
}

fn indent<W: ?Sized + Write>(out: &mut W, levels: usize) -> io::Result<()> {
    const SPACES: &[u8; 64] = &[b' '; 64];
    let mut left = levels * INDENT.len();
    while left > 0 {
        let n = left.min(SPACES.len());
        out.write_all(&SPACES[..n])?;
        left -= n;
    }
    Ok(())
}

impl NestedPretty {
    /// `[` or `{`: one level deeper, nothing in it yet.
    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    /// `]` or `}`: on a line of its own when something was written in it.
    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            indent(writer, self.depth)?;
        }
        writer.write_all(bracket)
    }

    /// Before a member or element: a line of its own.
    fn next_line<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        indent(writer, self.depth)
    }
}

impl serde_json::ser::Formatter for NestedPretty {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.next_line(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.next_line(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    /// A value kept as the text it arrived in is written as it is, but a line break in it (between its tokens:
    /// JSON strings hold none) is indented by the base depth, as re-indenting the whole text did.
    fn write_raw_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        self.write_indented(writer, fragment.as_bytes())
    }
}
