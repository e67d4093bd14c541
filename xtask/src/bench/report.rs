//! The side-by-side table, rendered as Markdown from the rows and this run's samples.

use std::fmt::Write;

use super::rows::{DisplayUnit, Metric, Row, Target};
use super::sample::{Sample, Unit};

/// Facts about the machine and the run, printed above the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// Logical cores (`nproc`).
    pub cores: usize,
    /// `rustc -V`.
    pub rustc: String,
    /// The commit measured.
    pub commit: String,
    /// The day of the run, UTC.
    pub date: String,
}

/// A row's computed outcome.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    result: String,
    status: &'static str,
    measured: String,
}

fn find<'a>(samples: &'a [Sample], id: &str) -> Option<&'a Sample> {
    samples.iter().find(|sample| sample.id == id)
}

/// A raw sample in its natural unit: `1.23 µs`, `45,600 /s`.
pub fn format_sample(sample: &Sample) -> String {
    match sample.unit {
        Unit::PerSecond => format!("{} /s", thousands(sample.value)),
        Unit::Nanoseconds if sample.value >= 1e6 => format!("{:.2} ms", sample.value / 1e6),
        Unit::Nanoseconds if sample.value >= 1e3 => format!("{:.2} µs", sample.value / 1e3),
        Unit::Nanoseconds => format!("{:.1} ns", sample.value),
        Unit::Mebibytes => format!("{:.1} MiB", sample.value),
        Unit::Ratio => format!("{:.2}×", sample.value),
    }
}

fn thousands(value: f64) -> String {
    // Rates are whole numbers for display; the f64 -> u64 cast saturates, which is fine for a table.
    let digits = (value.max(0.0).round() as u64).to_string();
    let mut out = String::new();
    for (at, ch) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn in_unit(value: f64, unit: DisplayUnit) -> String {
    match unit {
        DisplayUnit::Ns => format!("{value:.0} ns"),
        DisplayUnit::Us => format!("{value:.2} µs"),
        DisplayUnit::Ms => format!("{value:.2} ms"),
        DisplayUnit::PerSecond => format!("{} /s", thousands(value)),
        DisplayUnit::MiB => format!("{value:.1} MiB"),
        DisplayUnit::Ratio => format!("{value:.2}×"),
    }
}

/// A time in nanoseconds converted to the row's unit (rates and ratios pass through).
fn from_nanos(nanos: f64, unit: DisplayUnit) -> f64 {
    match unit {
        DisplayUnit::Us => nanos / 1e3,
        DisplayUnit::Ms => nanos / 1e6,
        _ => nanos,
    }
}

fn target_text(target: Target, unit: DisplayUnit) -> String {
    match target {
        Target::None => "—".to_owned(),
        Target::AtMost(limit) => format!("≤ {}", in_unit(limit, unit)),
        Target::AtLeast(limit) => format!("≥ {}", in_unit(limit, unit)),
    }
}

fn outcome(row: &Row, samples: &[Sample]) -> Outcome {
    let ids = row.metric.ids();
    let found: Vec<Option<&Sample>> = ids.iter().map(|id| find(samples, id)).collect();
    let measured = ids
        .iter()
        .zip(&found)
        .map(|(id, sample)| match sample {
            Some(sample) => format!("`{id}` {}", format_sample(sample)),
            None => format!("`{id}` not run"),
        })
        .collect::<Vec<_>>()
        .join(" vs ");
    let value = match (row.metric, found.as_slice()) {
        (Metric::Time(_), [Some(s)]) if s.unit == Unit::Nanoseconds => {
            Ok(from_nanos(s.value, row.unit))
        }
        (Metric::Rate(_), [Some(s)]) => s.speed().ok_or("not a time or rate"),
        (Metric::Value(_), [Some(s)]) => Ok(s.value),
        (Metric::Quotient { .. }, [Some(subject), Some(baseline)])
            if subject.unit == baseline.unit =>
        {
            if baseline.value > 0.0 {
                Ok(subject.value / baseline.value)
            } else {
                Err("zero denominator")
            }
        }
        (Metric::Speedup { .. }, [Some(subject), Some(baseline)]) => {
            match (subject.speed(), baseline.speed()) {
                (Some(a), Some(b)) if b > 0.0 => Ok(a / b),
                _ => Err("zero time or rate"),
            }
        }
        (Metric::Overhead { .. }, [Some(subject), Some(baseline)])
            if subject.unit == Unit::Nanoseconds && baseline.unit == Unit::Nanoseconds =>
        {
            Ok(from_nanos(subject.value - baseline.value, row.unit))
        }
        (_, found) if found.iter().any(Option::is_none) => {
            return Outcome {
                result: "not run".to_owned(),
                status: "not run",
                measured,
            };
        }
        _ => Err("sample of the wrong kind"),
    };
    match value {
        Ok(value) => {
            let status = match row.target {
                Target::None => "—",
                Target::AtMost(limit) if value <= limit => "ok",
                Target::AtLeast(limit) if value >= limit => "ok",
                _ => "MISSED",
            };
            Outcome {
                result: in_unit(value, row.unit),
                status,
                measured,
            }
        }
        Err(why) => Outcome {
            result: format!("invalid: {why}"),
            status: "invalid",
            measured,
        },
    }
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The report: environment, the table, samples no row reads, and measurements that failed.
pub fn render(rows: &[Row], samples: &[Sample], failures: &[String], env: &Environment) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "# Benchmark report\n");
    let _ = writeln!(
        out,
        "cores (nproc): {} · {} · commit {} · {}\n",
        env.cores, env.rustc, env.commit, env.date
    );
    let _ = writeln!(
        out,
        "| Measurement | Result | Target | Status | Measured (same run) |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for row in rows {
        let outcome = outcome(row, samples);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(row.name),
            outcome.result,
            target_text(row.target, row.unit),
            outcome.status,
            cell(&outcome.measured)
        );
    }
    let used: Vec<&str> = rows.iter().flat_map(|row| row.metric.ids()).collect();
    let others: Vec<&Sample> = samples
        .iter()
        .filter(|s| !used.contains(&s.id.as_str()))
        .collect();
    if !others.is_empty() {
        let _ = writeln!(out, "\nOther results of this run:\n");
        for sample in others {
            let _ = writeln!(out, "- `{}`: {}", sample.id, format_sample(sample));
        }
    }
    if !failures.is_empty() {
        let _ = writeln!(out, "\nFailed:\n");
        for failure in failures {
            let _ = writeln!(out, "- {failure}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Environment {
        Environment {
            cores: 2,
            rustc: "rustc 1.95.0".to_owned(),
            commit: "abc1234".to_owned(),
            date: "2030-01-01".to_owned(),
        }
    }

    const ROWS: &[Row] = &[
        Row {
            name: "decode",
            metric: Metric::Speedup {
                subject: "typed",
                baseline: "value",
            },
            unit: DisplayUnit::Ratio,
            target: Target::AtLeast(1.0),
        },
        Row {
            name: "validate",
            metric: Metric::Time("validate"),
            unit: DisplayUnit::Ns,
            target: Target::AtMost(2_000.0),
        },
        Row {
            name: "overhead",
            metric: Metric::Overhead {
                subject: "stack",
                baseline: "bare",
            },
            unit: DisplayUnit::Us,
            target: Target::AtMost(5.0),
        },
        Row {
            name: "gets",
            metric: Metric::Rate("gets"),
            unit: DisplayUnit::PerSecond,
            target: Target::AtLeast(20_000.0),
        },
        Row {
            name: "list",
            metric: Metric::Time("list"),
            unit: DisplayUnit::Ms,
            target: Target::None,
        },
        Row {
            name: "rss",
            metric: Metric::Value("rss"),
            unit: DisplayUnit::MiB,
            target: Target::None,
        },
        Row {
            name: "flat",
            metric: Metric::Quotient {
                subject: "big",
                baseline: "small",
            },
            unit: DisplayUnit::Ratio,
            target: Target::AtMost(2.0),
        },
    ];

    fn line<'a>(report: &'a str, name: &str) -> &'a str {
        report
            .lines()
            .find(|line| line.starts_with(&format!("| {name} |")))
            .unwrap()
    }

    #[test]
    fn ratios_times_and_rates_are_computed_and_judged() {
        let samples = [
            Sample::nanos("typed", 1_000_000.0),
            Sample::nanos("value", 2_500_000.0),
            Sample::nanos("validate", 2_500.0),
            Sample::nanos("stack", 4_000.0),
            Sample::nanos("bare", 1_500.0),
            Sample::per_second("gets", 31_234.4),
            Sample::nanos("list", 7_250_000.0),
            Sample {
                id: "rss".to_owned(),
                value: 12.34,
                unit: Unit::Mebibytes,
            },
            Sample {
                id: "big".to_owned(),
                value: 30.0,
                unit: Unit::Mebibytes,
            },
            Sample {
                id: "small".to_owned(),
                value: 20.0,
                unit: Unit::Mebibytes,
            },
        ];
        let report = render(ROWS, &samples, &[], &env());
        assert!(report.contains("cores (nproc): 2"), "{report}");
        assert_eq!(
            line(&report, "decode"),
            "| decode | 2.50× | ≥ 1.00× | ok | `typed` 1.00 ms vs `value` 2.50 ms |"
        );
        assert_eq!(
            line(&report, "validate"),
            "| validate | 2500 ns | ≤ 2000 ns | MISSED | `validate` 2.50 µs |"
        );
        assert_eq!(
            line(&report, "overhead"),
            "| overhead | 2.50 µs | ≤ 5.00 µs | ok | `stack` 4.00 µs vs `bare` 1.50 µs |"
        );
        assert_eq!(
            line(&report, "gets"),
            "| gets | 31,234 /s | ≥ 20,000 /s | ok | `gets` 31,234 /s |"
        );
        assert_eq!(
            line(&report, "list"),
            "| list | 7.25 ms | — | — | `list` 7.25 ms |"
        );
        assert_eq!(
            line(&report, "rss"),
            "| rss | 12.3 MiB | — | — | `rss` 12.3 MiB |"
        );
        assert_eq!(
            line(&report, "flat"),
            "| flat | 1.50× | ≤ 2.00× | ok | `big` 30.0 MiB vs `small` 20.0 MiB |"
        );
        assert!(!report.contains("Other results"));
    }

    #[test]
    fn rows_without_data_say_not_run_and_strays_are_listed() {
        let samples = [
            Sample::nanos("typed", 1_000.0),
            Sample::nanos("extra/bench", 12.0),
        ];
        let failures = ["criterion: bench `x` failed".to_owned()];
        let report = render(ROWS, &samples, &failures, &env());
        assert_eq!(
            line(&report, "decode"),
            "| decode | not run | ≥ 1.00× | not run | `typed` 1.00 µs vs `value` not run |"
        );
        assert!(line(&report, "gets").contains("| not run |"));
        assert!(report.contains("- `extra/bench`: 12.0 ns"), "{report}");
        assert!(report.contains("- criterion: bench `x` failed"), "{report}");
    }

    #[test]
    fn pipes_in_ids_do_not_break_the_table() {
        let rows = [Row {
            name: "a|b",
            metric: Metric::Time("x|y"),
            unit: DisplayUnit::Ns,
            target: Target::None,
        }];
        let report = render(&rows, &[Sample::nanos("x|y", 5.0)], &[], &env());
        assert!(
            report.contains("| a\\|b | 5 ns | — | — | `x\\|y` 5.0 ns |"),
            "{report}"
        );
    }

    #[test]
    fn a_rate_ratio_compares_speeds() {
        let rows = [Row {
            name: "http",
            metric: Metric::Speedup {
                subject: "facade",
                baseline: "raw",
            },
            unit: DisplayUnit::Ratio,
            target: Target::AtLeast(0.95),
        }];
        let samples = [
            Sample::per_second("facade", 9_000.0),
            Sample::per_second("raw", 10_000.0),
        ];
        assert!(
            line(&render(&rows, &samples, &[], &env()), "http")
                .contains("| 0.90× | ≥ 0.95× | MISSED |")
        );
    }
}
