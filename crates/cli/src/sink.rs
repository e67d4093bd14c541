//! Writing rows as they arrive, in the chosen format: a table whose column widths the first batch fixes, a JSON
//! document whose array is written one item at a time, or CSV. Memory holds one page, however long the listing.

use std::io::Write;

use serde::Serialize;

use crate::args::OutputFormat;
use crate::exit::Failure;
use crate::pretty::{Members, write_members_at, write_pretty_at};
use crate::table::{Layout, Table};

/// The items of the array sit two levels deep (`{`, then `"value": [`).
const ITEM_DEPTH: usize = 2;

/// The text is kept in memory until about this much is ready, then written in one piece: standard output's line
/// buffering would otherwise take its lock and make a write per line of the pretty text.
const WRITE_BYTES: usize = 64 * 1024;

/// Writes `{"value":[...]}` one item at a time; valid JSON once [`finish`](JsonArray::finish) ran.
pub struct JsonArray<W: Write> {
    out: W,
    /// Text not yet written to `out`.
    text: Vec<u8>,
    count: usize,
}

impl<W: Write> JsonArray<W> {
    pub fn new(out: W) -> std::io::Result<Self> {
        let mut text = Vec::with_capacity(WRITE_BYTES * 2);
        text.extend_from_slice(b"{\n  \"value\": [");
        Ok(JsonArray {
            out,
            text,
            count: 0,
        })
    }

    /// Appends one item, pretty-printed and indented to sit inside the array: serialized straight into the output
    /// buffer (no text of the item in between), the same bytes as [`item_text`](JsonArray::item_text) of the item's
    /// text at the array's depth.
    pub fn item(&mut self, item: &impl Serialize) -> std::io::Result<()> {
        self.begin_item();
        write_pretty_at(&mut self.text, ITEM_DEPTH, item)?;
        self.write_when_full()
    }

    /// Appends one item's text made at the array's depth (by [`array_item_text_with`]), as it is.
    pub fn item_text(&mut self, text: &str) -> std::io::Result<()> {
        self.begin_item();
        self.text.extend_from_slice(text.as_bytes());
        self.write_when_full()
    }

    /// The separator before an item and the indent of its first line.
    fn begin_item(&mut self) {
        self.text.extend_from_slice(if self.count == 0 {
            b"\n    "
        } else {
            b",\n    "
        });
        self.count += 1;
    }

    fn write_when_full(&mut self) -> std::io::Result<()> {
        if self.text.len() >= WRITE_BYTES {
            self.write_text()?;
        }
        Ok(())
    }

    fn write_text(&mut self) -> std::io::Result<()> {
        self.out.write_all(&self.text)?;
        self.text.clear();
        Ok(())
    }

    /// Writes what is ready, so the reader has every item so far.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.write_text()?;
        self.out.flush()
    }

    /// Closes the array, adding `members` (such as `@odata.count`) after it.
    pub fn finish(mut self, members: &[(&str, serde_json::Value)]) -> std::io::Result<W> {
        self.text
            .extend_from_slice(if self.count == 0 { b"]" } else { b"\n  ]" });
        for (name, value) in members {
            write!(
                self.text,
                ",\n  {}: {}",
                serde_json::Value::from(*name),
                value
            )?;
        }
        self.text.extend_from_slice(b"\n}\n");
        self.flush()?;
        Ok(self.out)
    }
}

/// One item's text as [`JsonArray::item`] writes it, for a caller that holds items before writing them:
/// serialized at the array's depth once, so writing it needs no re-indenting.
#[cfg(test)]
pub fn array_item_text(item: &impl Serialize) -> std::io::Result<String> {
    let mut text = Vec::new();
    write_pretty_at(&mut text, ITEM_DEPTH, item)?;
    String::from_utf8(text).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// One item's text at the array's depth, every object's members chosen and ordered by `members`, for a caller that
/// holds items before writing them with [`JsonArray::item_text`] (export sorts by id, in its snapshot layout).
pub fn array_item_text_with(item: &impl Serialize, members: Members) -> std::io::Result<String> {
    let mut text = Vec::new();
    write_members_at(&mut text, ITEM_DEPTH, item, members)?;
    String::from_utf8(text).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
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

#[cfg(test)]
mod tests {
    use super::*;
    use intune_osimages_model::{Edition, EditionType, OsImage};
    use serde_json::json;

    /// What `list --all --json` wrote before items were serialized straight into the output: serde_json's pretty
    /// text of each item, every line indented by four spaces.
    fn written_the_old_way(items: &[OsImage], count: Option<u64>) -> Vec<u8> {
        let mut out = String::from("{\n  \"value\": [");
        for (i, item) in items.iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            let text = serde_json::to_string_pretty(item).unwrap();
            let lines: Vec<String> = text.split('\n').map(|l| format!("    {l}")).collect();
            out.push_str(&lines.join("\n"));
        }
        out.push_str(if items.is_empty() { "]" } else { "\n  ]" });
        if let Some(c) = count {
            out.push_str(&format!(",\n  \"@odata.count\": {c}"));
        }
        out.push_str("\n}\n");
        out.into_bytes()
    }

    fn written(items: &[OsImage], count: Option<u64>) -> Vec<u8> {
        let mut writer = JsonArray::new(Vec::new()).unwrap();
        for item in items {
            writer.item(item).unwrap();
        }
        let members: Vec<(&str, serde_json::Value)> = count
            .map(|c| ("@odata.count", json!(c)))
            .into_iter()
            .collect();
        writer.finish(&members).unwrap()
    }

    /// The sample catalog, one image also carrying properties this version does not know: date-times with and
    /// without fractional seconds, with `Z` and with offsets, nested objects, escapes; and edition dates whose
    /// years chrono writes in other layouts.
    fn catalog() -> Vec<OsImage> {
        let mut images = intune_osimages_fake::sample_catalog();
        let image = &mut images[0];
        for (key, value) in [
            ("lastModifiedDateTime", json!("2026-11-30T08:15:00Z")),
            ("createdDateTime", json!("2026-11-30T08:15:00.1234567Z")),
            ("publishedDateTime", json!("2026-01-02T03:04:05.5+05:30")),
            ("withdrawnDateTime", json!("2026-01-02T03:04:05-08:00")),
            (
                "notes",
                json!({"text": "line one\nline \"two\"\ttab \u{e9}", "list": [1, 2.5, null, true, {}], "empty": []}),
            ),
        ] {
            image.extra.insert(key.to_owned(), value);
        }
        let editions = image.supported_editions.get_or_insert_with(Vec::new);
        for (y, m, d) in [(10_000, 1, 1), (-1, 12, 31), (999, 2, 28), (2028, 2, 29)] {
            let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
            editions.push(Edition::new(EditionType::Enterprise, date));
        }
        images
    }

    #[test]
    fn items_are_written_byte_for_byte_as_serde_json_pretty_prints_them() {
        let images = catalog();
        assert_eq!(images.len(), 7, "the sample holds seven releases");
        for count in [None, Some(7)] {
            let new = written(&images, count);
            assert_eq!(
                String::from_utf8(new.clone()).unwrap(),
                String::from_utf8(written_the_old_way(&images, count)).unwrap()
            );
            // And the whole document is serde_json's own pretty text of it.
            #[derive(serde::Serialize)]
            struct Document<'a> {
                value: &'a [OsImage],
                #[serde(rename = "@odata.count", skip_serializing_if = "Option::is_none")]
                count: Option<u64>,
            }
            let document = serde_json::to_string_pretty(&Document {
                value: &images,
                count,
            })
            .unwrap();
            assert_eq!(String::from_utf8(new).unwrap(), document + "\n");
        }
        assert_eq!(written(&[], None), written_the_old_way(&[], None));
        // Export's way: each item's text made first, written later as it is.
        let mut writer = JsonArray::new(Vec::new()).unwrap();
        for image in &images {
            writer.item_text(&array_item_text(image).unwrap()).unwrap();
        }
        assert_eq!(writer.finish(&[]).unwrap(), written(&images, None));
        let text = String::from_utf8(written(&images, None)).unwrap();
        for date in [
            "\"+10000-01-01\"",
            "\"-0001-12-31\"",
            "\"0999-02-28\"",
            "\"2028-02-29\"",
        ] {
            assert!(text.contains(date), "{date} in {text}");
        }
        assert!(text.contains("\"2026-11-30T08:15:00.1234567Z\""), "{text}");
    }

    /// A property kept as its arrived text may hold line breaks between its tokens (a pretty-printed body); they
    /// are indented as before.
    #[test]
    fn kept_text_with_line_breaks_is_indented_as_before() {
        let mut image = OsImage::default();
        image.id = Some("a".into());
        image.extra.insert_raw(
            "kept",
            serde_json::value::RawValue::from_string("{\n  \"b\": [\n    1\n  ]\n}".into())
                .unwrap(),
        );
        let images = [image];
        assert_eq!(written(&images, None), written_the_old_way(&images, None));
        let text = String::from_utf8(written(&images, None)).unwrap();
        assert!(text.contains("\"kept\": {\n      \"b\""), "{text}");
        serde_json::from_str::<serde_json::Value>(&text).unwrap();
    }
}
