//! Plain-text tables for people: columns sized by display width and fitted to the terminal.

use crate::terminal::{escape, shorten, width};

/// How a table is laid out: the width to fit and whether the header row is printed.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// The columns available.
    pub width: usize,
    /// Print the header row (`--no-headers` turns it off).
    pub headers: bool,
}

/// Columns are separated by this many spaces.
const GAP: usize = 2;

/// A table with a header row, the identifying column first. A table wider than its layout is fitted by shortening
/// cells with `…` (see [`Table::fit`]).
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Columns from this one on are shortened first (see [`Table::shorten_from`]).
    shorten_from: Option<usize>,
}

impl Table {
    pub fn new<const N: usize>(header: [&str; N]) -> Self {
        Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
            shorten_from: None,
        }
    }

    /// When the table is too wide, shorten the columns from `column` on first and keep the ones before it whole
    /// (a diff's id and JSON Pointer say what a row is about; its old and new values can give way), leaving them
    /// out when not even one character of each fits.
    pub fn shorten_from(mut self, column: usize) -> Self {
        self.shorten_from = Some(column);
        self
    }

    /// Adds a row; control characters in its cells are shown escaped, so server data cannot drive the terminal.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows
            .push(cells.into_iter().map(|c| escape(&c).into_owned()).collect());
    }

    /// The column widths for `layout`: each column's widest cell; when that is too wide, the first column (the id,
    /// which people copy) keeps its width up to half the line, and the others share what is left, each cut to the
    /// same largest width that fits (so a short column stays whole while long ones are shortened).
    pub fn fit(&self, layout: Layout) -> Vec<usize> {
        let columns = self.header.len();
        let mut widths = vec![0; columns];
        let shown = layout.headers.then_some(&self.header);
        for row in shown.into_iter().chain(&self.rows) {
            for (i, cell) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(width(cell));
            }
        }
        let gaps = GAP * columns.saturating_sub(1);
        if columns == 0 || widths.iter().sum::<usize>() + gaps <= layout.width {
            return widths;
        }
        if let Some(from) = self.shorten_from.filter(|&f| f > 0 && f < columns) {
            let available = layout
                .width
                .saturating_sub(widths[..from].iter().sum::<usize>() + gaps);
            let rest = &widths[from..];
            if rest.len() <= available {
                let widest = rest.iter().copied().max().unwrap_or(0);
                let cap = (1..=widest)
                    .rev()
                    .find(|&c| rest.iter().map(|&w| w.min(c)).sum::<usize>() <= available)
                    .unwrap_or(1);
                for w in &mut widths[from..] {
                    *w = (*w).min(cap);
                }
                return widths;
            }
            // Too narrow for them at all: the columns that say what a row is about, alone (`--output csv` or
            // `--json` has everything).
            if widths[..from].iter().sum::<usize>() + GAP * (from - 1) <= layout.width {
                widths.truncate(from);
                return widths;
            }
        }
        let first = widths[0].min(layout.width / 2).max(1);
        let rest = &widths[1..];
        let available = layout.width.saturating_sub(first + gaps);
        let fits = |cap: usize| rest.iter().map(|&w| w.min(cap)).sum::<usize>() <= available;
        let widest = rest.iter().copied().max().unwrap_or(0);
        // The largest cap that fits; at least 1, so every column keeps a mark even on a very narrow terminal.
        let cap = (1..=widest).rev().find(|&c| fits(c)).unwrap_or(1);
        widths[0] = first;
        for w in &mut widths[1..] {
            *w = (*w).min(cap);
        }
        widths
    }

    pub fn render(&self, layout: Layout) -> String {
        self.render_with(&self.fit(layout), layout.headers)
    }

    /// The rows (after the header, when `headers`) with these column widths, as [`Table::fit`] gave them.
    pub fn render_with(&self, widths: &[usize], headers: bool) -> String {
        let columns = self.header.len().min(widths.len());
        let mut out = String::new();
        let shown = headers.then_some(&self.header);
        for row in shown.into_iter().chain(&self.rows) {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate().take(columns) {
                let cell = shorten(cell, widths[i]);
                line.push_str(&cell);
                if i + 1 < columns {
                    let pad = widths[i] - width(&cell) + GAP;
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(["ID", "NAME", "NOTE"]);
        t.row(vec![
            "1".into(),
            "日本語".into(),
            "a long note about it".into(),
        ]);
        t.row(vec!["22".into(), "abc".into(), "x\u{1b}[2J".into()]);
        t
    }

    #[test]
    fn columns_align_by_display_width_and_cells_are_escaped() {
        let text = sample().render(Layout {
            width: 80,
            headers: true,
        });
        assert_eq!(
            text,
            "ID  NAME    NOTE\n1   日本語  a long note about it\n22  abc     x\\x1b[2J\n"
        );
    }

    #[test]
    fn columns_after_shorten_from_give_way_first_and_go_when_nothing_fits() {
        let mut t = Table::new(["ID", "POINTER", "VALUE"]).shorten_from(2);
        t.row(vec![
            "a".into(),
            "/supportedEditions/0/supportEndDate".into(),
            "\"2031-01-14\"".into(),
        ]);
        let text = t.render(Layout {
            width: 45,
            headers: true,
        });
        assert!(
            text.contains("/supportedEditions/0/supportEndDate  \"20"),
            "{text}"
        );
        assert!(text.lines().all(|l| width(l) <= 45), "{text}");
        let text = t.render(Layout {
            width: 40,
            headers: true,
        });
        assert_eq!(
            text,
            "ID  POINTER\na   /supportedEditions/0/supportEndDate\n"
        );
    }

    #[test]
    fn a_narrow_layout_shortens_the_long_columns_and_every_line_fits() {
        for w in [30, 20, 12] {
            let text = sample().render(Layout {
                width: w,
                headers: true,
            });
            for line in text.lines() {
                assert!(width(line) <= w, "{line:?} is wider than {w}");
            }
            assert!(text.contains('…'), "{text}");
        }
        let text = sample().render(Layout {
            width: 20,
            headers: false,
        });
        assert!(text.starts_with("1   日本語  a long…\n"), "{text}");
    }
}
