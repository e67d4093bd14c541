//! The result format of bench programs: one JSON object per line on stdout, `{"name", "value", "unit", ...}`
//! (further keys are context and ignored). Units: `ns`, `us`, `ms`, `s` (time per operation), `req/s` or `per_s`
//! (rate), `MiB`, `ratio`. Lines that are not JSON objects are ignored, so a program may print progress too.

use serde_json::Value;

use super::sample::{Sample, Unit};

/// The samples in a bench program's output. A JSON object without a string `name`, a finite non-negative `value`
/// and a known `unit` is an error naming the line.
pub fn parse(stdout: &str) -> Result<Vec<Sample>, String> {
    let mut samples = Vec::new();
    for line in stdout
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with('{'))
    {
        let Ok(Value::Object(object)) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let name = object.get("name").and_then(Value::as_str);
        let value = object
            .get("value")
            .and_then(Value::as_f64)
            .filter(|v| v.is_finite() && *v >= 0.0);
        let unit = object.get("unit").and_then(Value::as_str);
        let (Some(name), Some(value), Some(unit)) = (name, value, unit) else {
            return Err(format!(
                "`{line}`: expected a string name, a non-negative value and a unit"
            ));
        };
        let (value, unit) = match unit {
            "ns" => (value, Unit::Nanoseconds),
            "us" | "µs" => (value * 1e3, Unit::Nanoseconds),
            "ms" => (value * 1e6, Unit::Nanoseconds),
            "s" => (value * 1e9, Unit::Nanoseconds),
            "req/s" | "per_s" | "/s" => (value, Unit::PerSecond),
            "MiB" => (value, Unit::Mebibytes),
            "ratio" => (value, Unit::Ratio),
            other => return Err(format!("`{line}`: unknown unit `{other}`")),
        };
        samples.push(Sample {
            id: name.to_owned(),
            value,
            unit,
        });
    }
    Ok(samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_are_read_and_converted() {
        let out = "starting the emulator\n\
                   {\"name\":\"emulator_gets_per_second\",\"value\":23456.5,\"unit\":\"req/s\",\"connections\":32}\n\
                   {\"name\":\"cli_list_ms\",\"value\":7.5,\"unit\":\"ms\"}\n\
                   {\"name\":\"soak_emulator_peak_rss_mib\",\"value\":21.5,\"unit\":\"MiB\"}\n\
                   [1, 2]\n";
        assert_eq!(
            parse(out).unwrap(),
            [
                Sample::per_second("emulator_gets_per_second", 23_456.5),
                Sample::nanos("cli_list_ms", 7_500_000.0),
                Sample {
                    id: "soak_emulator_peak_rss_mib".to_owned(),
                    value: 21.5,
                    unit: Unit::Mebibytes
                },
            ]
        );
    }

    #[test]
    fn malformed_result_lines_are_errors_naming_the_line() {
        for bad in [
            r#"{"name":"a","value":1}"#,
            r#"{"name":"a","value":"fast","unit":"ms"}"#,
            r#"{"name":"a","value":1,"unit":"fortnights"}"#,
            r#"{"name":"a","value":-1,"unit":"ns"}"#,
            r#"{"value":1,"unit":"ns"}"#,
        ] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains(bad), "{err}");
        }
    }
}
