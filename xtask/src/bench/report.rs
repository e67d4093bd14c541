//! The figures a run measured, and the side-by-side table rendered from them as Markdown.

use std::fmt::Write;

use super::rows::{Goal, Metric, Row};

/// A figure measured in this run, named by a stable id such as `decode/typed_1000`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The id rows refer to: criterion's full id, or the `name` a bench program printed.
    pub id: String,
    /// The figure in `unit`.
    pub value: f64,
    /// What the figure counts.
    pub unit: Unit,
}

/// The kinds of figure. Times are kept in nanoseconds, so rows convert for display only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Time per operation, in nanoseconds (criterion's unit).
    Nanoseconds,
    /// Operations per second.
    PerSecond,
    /// Memory, in MiB.
    Mebibytes,
    /// A plain ratio.
    Ratio,
}

impl Sample {
    /// A figure named `id`.
    pub fn new(id: &str, value: f64, unit: Unit) -> Sample {
        let id = id.to_owned();
        Sample { id, value, unit }
    }

    /// Operations per second for a time or a rate; `None` for other units and for a zero time.
    fn speed(&self) -> Option<f64> {
        match self.unit {
            Unit::PerSecond => Some(self.value),
            Unit::Nanoseconds if self.value > 0.0 => Some(1e9 / self.value),
            _ => None,
        }
    }
}

impl Unit {
    /// `value` as the table shows it, times in the scale that fits them: `1.23 µs`, `45,600 /s`.
    pub fn show(self, v: f64) -> String {
        match self {
            Unit::PerSecond => format!("{} /s", thousands(v)),
            Unit::Nanoseconds if v.abs() >= 1e6 => format!("{:.2} ms", v / 1e6),
            Unit::Nanoseconds if v.abs() >= 1e3 => format!("{:.2} µs", v / 1e3),
            Unit::Nanoseconds => format!("{v:.1} ns"),
            Unit::Mebibytes => format!("{v:.1} MiB"),
            Unit::Ratio => format!("{v:.2}×"),
        }
    }
}

/// A rate as a whole number in groups of three digits: `45,600`.
fn thousands(value: f64) -> String {
    // The f64 -> u64 cast saturates, which is fine for a table.
    let digits = (value.max(0.0).round() as u64).to_string();
    let groups: Vec<_> = digits.as_bytes().rchunks(3).rev().map(String::from_utf8_lossy).collect();
    groups.join(",")
}

/// A row's result in the unit of its metric, or why the samples do not fit the metric.
fn result(metric: &Metric, samples: &[&Sample]) -> Result<f64, &'static str> {
    let unit = metric.unit();
    match (metric, samples) {
        (Metric::Rate(_), [s]) => s.speed().ok_or("not a time or rate"),
        (Metric::Time(_) | Metric::Memory(_) | Metric::Ratio(_), [s]) if s.unit == unit => {
            Ok(s.value)
        }
        (Metric::Time(_), _) => Err("not a time"),
        (Metric::Overhead(..), [a, b]) if a.unit == unit && b.unit == unit => Ok(a.value - b.value),
        (Metric::Overhead(..), _) => Err("not times"),
        (Metric::Quotient(..), [a, b]) if a.unit == b.unit && b.value > 0.0 => {
            Ok(a.value / b.value)
        }
        (Metric::Speedup(..), [a, b]) => match (a.speed(), b.speed()) {
            (Some(a), Some(b)) if b > 0.0 => Ok(a / b),
            _ => Err("zero time or rate"),
        },
        _ => Err("samples of the wrong kind or a zero denominator"),
    }
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The report: the machine and the run (`machine`, one line), the table, samples no row reads, and measurements
/// that failed.
pub fn render(rows: &[Row], samples: &[Sample], failures: &[String], machine: &str) -> String {
    let mut out = format!(
        "# Benchmark report\n\n{machine}\n\n| Measurement | Result | Target | Status | Measured (same run) |\n\
         |---|---|---|---|---|\n"
    );
    for Row(name, metric, goal) in rows {
        let (ids, unit) = (metric.ids(), metric.unit());
        let found: Vec<Option<&Sample>> =
            ids.iter().map(|id| samples.iter().find(|s| s.id == *id)).collect();
        let measured = ids
            .iter()
            .zip(&found)
            .map(|(id, s)| {
                format!("`{id}` {}", s.map_or("not run".to_owned(), |s| s.unit.show(s.value)))
            })
            .collect::<Vec<_>>()
            .join(" vs ");
        let (result, status) = match found.into_iter().collect::<Option<Vec<_>>>() {
            None => ("not run".to_owned(), "not run"),
            Some(found) => match result(metric, &found) {
                Err(why) => (format!("invalid: {why}"), "invalid"),
                Ok(value) => (
                    unit.show(value),
                    match *goal {
                        Goal::Info => "—",
                        Goal::AtMost(limit) if value <= limit => "ok",
                        Goal::AtLeast(limit) if value >= limit => "ok",
                        _ => "MISSED",
                    },
                ),
            },
        };
        let target = match *goal {
            Goal::Info => "—".to_owned(),
            Goal::AtMost(limit) => format!("≤ {}", unit.show(limit)),
            Goal::AtLeast(limit) => format!("≥ {}", unit.show(limit)),
        };
        let (name, measured) = (cell(name), cell(&measured));
        // Writing to a String cannot fail.
        let _ = writeln!(out, "| {name} | {result} | {target} | {status} | {measured} |");
    }
    let used: Vec<&str> = rows.iter().flat_map(|row| row.1.ids()).collect();
    let mut others = samples.iter().filter(|s| !used.contains(&s.id.as_str())).peekable();
    if others.peek().is_some() {
        out.push_str("\nOther results of this run:\n\n");
        others.for_each(|s| _ = writeln!(out, "- `{}`: {}", s.id, s.unit.show(s.value)));
    }
    if !failures.is_empty() {
        out.push_str("\nFailed:\n\n");
        failures.iter().for_each(|f| _ = writeln!(out, "- {f}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::rows::{Goal::*, Metric::*, US};
    use super::*;

    const ROWS: &[Row] = &[
        Row("decode", Speedup("typed", "value"), AtLeast(1.0)),
        Row("validate", Time("validate"), AtMost(2_000.0)),
        Row("overhead", Overhead("stack", "bare"), AtMost(5.0 * US)),
        Row("gets", Rate("gets"), AtLeast(20_000.0)),
        Row("list", Time("list"), Info),
        Row("rss", Memory("rss"), Info),
        Row("flat", Quotient("big", "small"), AtMost(2.0)),
        Row("http", Speedup("facade", "raw"), AtLeast(0.95)),
        Row("a|b", Time("x|y"), Info),
    ];

    fn report(samples: &[(&str, f64, Unit)], failures: &[&str]) -> String {
        let samples: Vec<Sample> =
            samples.iter().map(|(id, v, u)| Sample::new(id, *v, *u)).collect();
        let failures: Vec<String> = failures.iter().map(|f| (*f).to_owned()).collect();
        render(
            ROWS,
            &samples,
            &failures,
            "cores (nproc): 2 · rustc 1.95.0 · commit abc1234 · 2030-01-01",
        )
    }

    fn line<'a>(report: &'a str, name: &str) -> &'a str {
        report.lines().find(|line| line.starts_with(&format!("| {name} |"))).unwrap()
    }

    #[test]
    fn ratios_times_and_rates_are_computed_and_judged() {
        use Unit::*;
        let report = report(
            &[
                ("typed", 1_000_000.0, Nanoseconds),
                ("value", 2_500_000.0, Nanoseconds),
                ("validate", 2_500.0, Nanoseconds),
                ("stack", 4_000.0, Nanoseconds),
                ("bare", 1_500.0, Nanoseconds),
                ("gets", 31_234.4, PerSecond),
                ("list", 7_250_000.0, Nanoseconds),
                ("rss", 12.34, Mebibytes),
                ("big", 30.0, Mebibytes),
                ("small", 20.0, Mebibytes),
                ("facade", 9_000.0, PerSecond),
                ("raw", 10_000.0, PerSecond),
                ("x|y", 5.0, Nanoseconds),
            ],
            &[],
        );
        assert!(
            report.starts_with("# Benchmark report\n\ncores (nproc): 2 · rustc 1.95.0 ·"),
            "{report}"
        );
        for (name, expected) in [
            ("decode", "2.50× | ≥ 1.00× | ok | `typed` 1.00 ms vs `value` 2.50 ms |"),
            ("validate", "2.50 µs | ≤ 2.00 µs | MISSED | `validate` 2.50 µs |"),
            ("overhead", "2.50 µs | ≤ 5.00 µs | ok | `stack` 4.00 µs vs `bare` 1.50 µs |"),
            ("gets", "31,234 /s | ≥ 20,000 /s | ok | `gets` 31,234 /s |"),
            ("list", "7.25 ms | — | — | `list` 7.25 ms |"),
            ("rss", "12.3 MiB | — | — | `rss` 12.3 MiB |"),
            ("flat", "1.50× | ≤ 2.00× | ok | `big` 30.0 MiB vs `small` 20.0 MiB |"),
            // A ratio of rates compares speeds.
            ("http", "0.90× | ≥ 0.95× | MISSED | `facade` 9,000 /s vs `raw` 10,000 /s |"),
            // Pipes in names and ids do not break the table.
            ("a\\|b", "5.0 ns | — | — | `x\\|y` 5.0 ns |"),
        ] {
            assert_eq!(line(&report, name), format!("| {name} | {expected}"));
        }
        assert!(!report.contains("Other results"));
    }

    #[test]
    fn rows_without_data_say_not_run_and_strays_are_listed() {
        let samples =
            [("typed", 1_000.0, Unit::Nanoseconds), ("extra/bench", 12.0, Unit::Nanoseconds)];
        let report = report(&samples, &["criterion: bench `x` failed"]);
        assert_eq!(
            line(&report, "decode"),
            "| decode | not run | ≥ 1.00× | not run | `typed` 1.00 µs vs `value` not run |"
        );
        assert!(line(&report, "gets").contains("| not run |"));
        assert!(report.contains("- `extra/bench`: 12.0 ns"), "{report}");
        assert!(report.contains("- criterion: bench `x` failed"), "{report}");
    }

    #[test]
    fn samples_of_the_wrong_kind_are_invalid() {
        let samples = [
            ("validate", 3.0, Unit::Ratio),
            ("big", 30.0, Unit::Mebibytes),
            ("small", 0.0, Unit::Mebibytes),
            ("rss", 12.0, Unit::Ratio),
        ];
        let report = report(&samples, &[]);
        assert!(
            line(&report, "validate").contains("| invalid: not a time | ≤ 2.00 µs | invalid |"),
            "{report}"
        );
        // A memory row reads memory only.
        assert!(line(&report, "rss").contains("| invalid"), "{report}");
        assert!(line(&report, "flat").contains("| invalid"), "{report}");
    }
}
