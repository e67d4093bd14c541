//! The rows of the benchmark table, as data. To add a row, add an entry here naming the sample id(s) it reads; a
//! row whose samples were not measured in this run shows "not run".

/// One line of the table.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// What is measured, in words.
    pub name: &'static str,
    /// Which samples it reads and how it combines them.
    pub metric: Metric,
    /// How the result is shown.
    pub unit: DisplayUnit,
    /// The goal, in `unit`.
    pub target: Target,
}

/// How a row turns samples into its result.
#[derive(Debug, Clone, Copy)]
pub enum Metric {
    /// One sample's time per operation.
    Time(&'static str),
    /// One sample's rate.
    Rate(&'static str),
    /// One sample as it is (memory, a ratio a bench computed itself).
    Value(&'static str),
    /// `subject / baseline` for two samples of one unit (memory at two sizes, for instance).
    Quotient {
        /// The numerator.
        subject: &'static str,
        /// The denominator.
        baseline: &'static str,
    },
    /// How many times faster `subject` is than `baseline` (speed = 1/time or rate), measured in the same run.
    Speedup {
        /// The thing under test.
        subject: &'static str,
        /// What it is compared with.
        baseline: &'static str,
    },
    /// The time `subject` adds to `baseline`, per operation.
    Overhead {
        /// The thing under test (baseline plus what it adds).
        subject: &'static str,
        /// The same work without it.
        baseline: &'static str,
    },
}

/// The unit a row's result is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisplayUnit {
    /// Nanoseconds.
    Ns,
    /// Microseconds.
    Us,
    /// Milliseconds.
    Ms,
    /// Operations per second.
    PerSecond,
    /// Memory in MiB.
    MiB,
    /// A plain ratio.
    Ratio,
}

/// A row's goal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// Informational only.
    None,
    /// The result must be at most this.
    AtMost(f64),
    /// The result must be at least this.
    AtLeast(f64),
}

/// The table of `cargo xtask bench`, in the order printed. The ids are the contract with the benches that feed it
/// (criterion's `group/function` ids, or the ids a measurement module reports); docs/benchmarks.md lists them.
pub const ROWS: &[Row] = &[
    Row {
        name: "typed decode of a 1,000-image page vs serde_json::Value (same bytes)",
        metric: Metric::Speedup {
            subject: "decode_page_1000_images/typed Page<OsImage>",
            baseline: "decode_page_1000_images/serde_json::Value",
        },
        unit: DisplayUnit::Ratio,
        target: Target::AtLeast(1.0),
    },
    Row {
        name: "validation of one typical update body (allow-read-only, no findings)",
        metric: Metric::Time("validate_update_body/typical body, allow-read-only (no findings)"),
        unit: DisplayUnit::Ns,
        target: Target::AtMost(2_000.0),
    },
    Row {
        name: "validation of one typical update body (default policy, 3 read-only errors)",
        metric: Metric::Time(
            "validate_update_body/typical body, default policy (3 read-only errors)",
        ),
        unit: DisplayUnit::Ns,
        target: Target::AtMost(2_000.0),
    },
    Row {
        name: "decorator stack (telemetry + retry + auth) added per request over a bare transport",
        metric: Metric::Overhead {
            subject: "send/telemetry+retry+auth",
            baseline: "send/bare",
        },
        unit: DisplayUnit::Us,
        target: Target::AtMost(5.0),
    },
    Row {
        name: "decorator stack (telemetry + retry + auth) added per request over the fake",
        metric: Metric::Overhead {
            subject: "get/telemetry_retry_auth_fake",
            baseline: "get/fake_transport",
        },
        unit: DisplayUnit::Us,
        target: Target::AtMost(5.0),
    },
    Row {
        name: "facade over the fake transport, per update",
        metric: Metric::Time("update/facade"),
        unit: DisplayUnit::Us,
        target: Target::None,
    },
    Row {
        name: "facade overhead per update (validation, serialization, decorators, decode) over the fake alone",
        metric: Metric::Overhead {
            subject: "update/facade",
            baseline: "update/fake_transport_send",
        },
        unit: DisplayUnit::Us,
        target: Target::AtMost(20.0),
    },
    Row {
        // The median of per-round ratios from alternating rounds: client and server share the cores, so a ratio of
        // two separately measured medians would carry the drift between rounds.
        name: "updates/s: facade HTTP transport vs raw reqwest loop, against `osimages serve` on loopback (server-bound)",
        metric: Metric::Value("facade_vs_raw_ratio"),
        unit: DisplayUnit::Ratio,
        target: Target::None,
    },
    Row {
        name: "client-bound GETs/s: facade vs raw reqwest (canned-bytes server on CPU 0, clients on CPU 1)",
        metric: Metric::Value("facade_vs_raw_gets_ratio"),
        unit: DisplayUnit::Ratio,
        target: Target::AtLeast(0.85),
    },
    Row {
        name: "client instructions per GET (callgrind): facade vs raw reqwest",
        metric: Metric::Value("facade_vs_raw_instructions_ratio"),
        unit: DisplayUnit::Ratio,
        target: Target::AtMost(1.4),
    },
    Row {
        name: "instructions to decode one image alone vs a whole raw reqwest GET (callgrind)",
        metric: Metric::Value("decode_vs_raw_instructions_ratio"),
        unit: DisplayUnit::Ratio,
        target: Target::None,
    },
    Row {
        name: "emulator GETs/s vs an axum hello world answering the same bytes (servers on CPU 0, raw-TCP generator on CPU 1)",
        metric: Metric::Value("emulator_vs_hello_ratio"),
        unit: DisplayUnit::Ratio,
        target: Target::AtLeast(0.8),
    },
    Row {
        name: "the raw-TCP generator vs wrk, both against the hello world (at least 1 shows it is not the ceiling)",
        metric: Metric::Value("generator_vs_wrk_ratio"),
        unit: DisplayUnit::Ratio,
        target: Target::AtLeast(1.0),
    },
    Row {
        name: "emulator RSS holding 100,000 images vs the seed file's size",
        metric: Metric::Value("emulator_rss_vs_seed_ratio"),
        unit: DisplayUnit::Ratio,
        target: Target::AtMost(3.0),
    },
    Row {
        name: "`osimages list --all --json` of 100,000 images: peak RSS",
        metric: Metric::Value("list_all_json_peak_rss_mib"),
        unit: DisplayUnit::MiB,
        target: Target::AtMost(32.0),
    },
    Row {
        // Both sides in one run against one emulator whose latency fault delays every answer by 10 ms.
        name: "200 updates through $batch vs 200 single updates over one connection, emulator latency 10 ms",
        metric: Metric::Value("batch_vs_single_updates_ratio"),
        unit: DisplayUnit::Ratio,
        target: Target::AtLeast(10.0),
    },
    Row {
        name: "emulator GETs per second, 32 connections",
        metric: Metric::Rate("emulator_gets_per_second"),
        unit: DisplayUnit::PerSecond,
        target: Target::AtLeast(20_000.0),
    },
    Row {
        name: "`osimages list` process start to exit, sample tenant (median)",
        metric: Metric::Time("cli_list_ms"),
        unit: DisplayUnit::Ms,
        target: Target::AtMost(20.0),
    },
    Row {
        name: "emulator under 64 concurrent clients for 10 s: requests per second",
        metric: Metric::Rate("soak_requests_per_second"),
        unit: DisplayUnit::PerSecond,
        target: Target::None,
    },
    Row {
        name: "emulator under 64 concurrent clients for 10 s: peak RSS",
        metric: Metric::Value("soak_emulator_peak_rss_mib"),
        unit: DisplayUnit::MiB,
        target: Target::None,
    },
    Row {
        name: "client streaming many images across pages: peak RSS, large vs small run",
        metric: Metric::Quotient {
            subject: "stream_peak_rss_large_mib",
            baseline: "stream_peak_rss_small_mib",
        },
        unit: DisplayUnit::Ratio,
        target: Target::None,
    },
    Row {
        // The median of per-round ratios (export time / list time), rounds alternating on the same emulator.
        name: "`osimages export` vs `list --all --json`, 10,000-image emulator catalog (time ratio)",
        metric: Metric::Value("cli_export_vs_list_all_json_ratio"),
        unit: DisplayUnit::Ratio,
        target: Target::AtMost(2.0),
    },
    Row {
        name: "`osimages diff` of two 10,000-image files offline, process start to exit (median)",
        metric: Metric::Time("cli_diff_two_10k_files_ms"),
        unit: DisplayUnit::Ms,
        target: Target::AtMost(200.0),
    },
];

impl Metric {
    /// The sample ids the row reads.
    pub fn ids(&self) -> Vec<&'static str> {
        match *self {
            Metric::Time(id) | Metric::Rate(id) | Metric::Value(id) => vec![id],
            Metric::Quotient { subject, baseline }
            | Metric::Speedup { subject, baseline }
            | Metric::Overhead { subject, baseline } => vec![subject, baseline],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_a_unit_that_fits_its_metric() {
        for row in ROWS {
            let fits = match row.metric {
                Metric::Time(_) | Metric::Overhead { .. } => {
                    matches!(
                        row.unit,
                        DisplayUnit::Ns | DisplayUnit::Us | DisplayUnit::Ms
                    )
                }
                Metric::Rate(_) => row.unit == DisplayUnit::PerSecond,
                Metric::Speedup { .. } | Metric::Quotient { .. } => row.unit == DisplayUnit::Ratio,
                Metric::Value(_) => matches!(row.unit, DisplayUnit::MiB | DisplayUnit::Ratio),
            };
            assert!(fits, "{}", row.name);
        }
    }

    #[test]
    fn no_row_compares_a_sample_with_itself() {
        for row in ROWS {
            let ids = row.metric.ids();
            assert!(ids.iter().all(|id| !id.is_empty()), "{}", row.name);
            assert!(ids.len() < 2 || ids[0] != ids[1], "{}", row.name);
        }
    }
}
