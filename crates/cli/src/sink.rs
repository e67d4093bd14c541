//! Writing rows as they arrive, in the chosen format: a table whose column widths the first batch fixes, a JSON
//! document whose array is written one item at a time, or CSV. Memory holds one page, however long the listing.

use std::io::Write;

use serde::Serialize;

use crate::args::OutputFormat;
use crate::exit::Failure;
use crate::table::{Layout, Table};

/// Writes `{"value":[...]}` one item at a time; valid JSON once [`finish`](JsonArray::finish) ran.
pub struct JsonArray<W: Write> {
    out: W,
    count: usize,
}

impl<W: Write> JsonArray<W> {
    pub fn new(mut out: W) -> std::io::Result<Self> {
        out.write_all(b"{\n  \"value\": [")?;
        Ok(JsonArray { out, count: 0 })
    }

    /// Appends one item, pretty-printed and indented to sit inside the array.
    pub fn item(&mut self, item: &impl Serialize) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(item).map_err(std::io::Error::from)?;
        self.item_text(&text)
    }

    /// Appends one item already written as pretty JSON text (by `serde_json::to_string_pretty`).
    pub fn item_text(&mut self, text: &str) -> std::io::Result<()> {
        self.out
            .write_all(if self.count == 0 { b"\n" } else { b",\n" })?;
        // JSON strings hold no raw line breaks, so every line break in the text is between tokens.
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.out.write_all(b"\n")?;
            }
            self.out.write_all(b"    ")?;
            self.out.write_all(line.as_bytes())?;
        }
        self.count += 1;
        Ok(())
    }

    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    /// Closes the array, adding `members` (such as `@odata.count`) after it.
    pub fn finish(mut self, members: &[(&str, serde_json::Value)]) -> std::io::Result<W> {
        self.out
            .write_all(if self.count == 0 { b"]" } else { b"\n  ]" })?;
        for (name, value) in members {
            write!(
                self.out,
                ",\n  {}: {}",
                serde_json::Value::from(*name),
                value
            )?;
        }
        self.out.write_all(b"\n}\n")?;
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Rows of one kind of record, written in batches to standard output.
pub enum Rows<const N: usize> {
    Table {
        header: [&'static str; N],
        layout: Layout,
        widths: Option<Vec<usize>>,
        shorten_from: Option<usize>,
    },
    Csv(Box<csv::Writer<std::io::Stdout>>),
}

impl<const N: usize> Rows<N> {
    /// A table or CSV writer (JSON has its own writer, [`JsonArray`]).
    pub fn new(
        format: OutputFormat,
        header: [&'static str; N],
        layout: Layout,
    ) -> Result<Self, Failure> {
        match format {
            OutputFormat::Csv => {
                let mut csv = csv::Writer::from_writer(std::io::stdout());
                if layout.headers {
                    csv.write_record(header).map_err(csv_failure)?;
                }
                Ok(Rows::Csv(Box::new(csv)))
            }
            _ => Ok(Rows::Table {
                header,
                layout,
                widths: None,
                shorten_from: None,
            }),
        }
    }

    /// A table shortens the columns from `column` on first ([`Table::shorten_from`]).
    pub fn shorten_from(mut self, column: usize) -> Self {
        if let Rows::Table { shorten_from, .. } = &mut self {
            *shorten_from = Some(column);
        }
        self
    }

    /// Writes a batch of rows. A table's column widths are fitted to the first batch (with the header) and kept,
    /// so later batches line up; their longer cells are shortened.
    pub fn write(&mut self, rows: Vec<Vec<String>>) -> Result<(), Failure> {
        match self {
            Rows::Csv(csv) => {
                for row in rows {
                    csv.write_record(row).map_err(csv_failure)?;
                }
                csv.flush().map_err(Failure::output)
            }
            Rows::Table {
                header,
                layout,
                widths,
                shorten_from,
            } => {
                let mut table = Table::new(*header);
                if let Some(column) = shorten_from {
                    table = table.shorten_from(*column);
                }
                for row in rows {
                    table.row(row);
                }
                let first = widths.is_none();
                let w = widths.get_or_insert_with(|| table.fit(*layout));
                let text = table.render_with(w, first && layout.headers);
                let mut out = std::io::stdout().lock();
                out.write_all(text.as_bytes())
                    .and_then(|()| out.flush())
                    .map_err(Failure::output)
            }
        }
    }
}

fn csv_failure(e: csv::Error) -> Failure {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => Failure::output(e),
        other => Failure::output(std::io::Error::other(format!("{other:?}"))),
    }
}
