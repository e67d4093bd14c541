//! wrk, the reference the raw-TCP generator is checked against: its rate against the same server, and the CPU it
//! spends per answer, measured from outside it.

use crate::emulator::pinning_available;

/// What one wrk run did.
#[derive(Debug, Clone, Copy)]
pub struct WrkRun {
    /// Answers per second, as wrk reports them.
    pub per_second: f64,
    /// wrk's CPU seconds (user and system) per answer, when its CPU time and count could be read.
    pub cpu_per_answer: Option<f64>,
}

/// Installs Debian's wrk when it is missing (quietly; a failure only leaves the wrk row "not run").
fn ensure_wrk() {
    let present = |cmd: &str| std::process::Command::new(cmd).arg("-v").output().is_ok();
    if !present("wrk") && present("apt-get") {
        eprintln!("loadgen: installing wrk (apt-get install wrk) for the generator check");
        let _ = std::process::Command::new("apt-get")
            .args(["install", "-y", "-qq", "wrk"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(std::process::Stdio::null())
            .status();
    }
}

/// wrk against `addr` (one thread, on this process's CPU, sending the generator's request byte for byte: its
/// `Accept` header too, so the server does the same work for both), or `None` when wrk is not installed.
pub fn run(
    addr: &str,
    path: &str,
    connections: usize,
    millis: u64,
) -> Result<Option<WrkRun>, String> {
    ensure_wrk();
    let seconds = millis.div_ceil(1000).max(1);
    let mut command = if pinning_available() {
        let mut c = std::process::Command::new("taskset");
        c.args(["-c", "1", "wrk"]);
        c
    } else {
        std::process::Command::new("wrk")
    };
    // wrk is this process's child (taskset execs it), so once it has been waited for its CPU time is in ours.
    let cpu_before = crate::measure::ended_children_cpu();
    let out = match command
        .args(["-t1", &format!("-c{connections}"), &format!("-d{seconds}s")])
        .args(["-H", "Accept: application/json"])
        .arg(format!("http://{addr}{path}"))
        .output()
    {
        Ok(out) if out.status.success() => out,
        _ => return Ok(None),
    };
    let cpu = cpu_before
        .zip(crate::measure::ended_children_cpu())
        .map(|(before, after)| after.saturating_sub(before));
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(per_second) = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))
        .map(|v| {
            v.trim()
                .parse::<f64>()
                .map_err(|_| format!("wrk printed {v:?}"))
        })
        .transpose()?
    else {
        return Ok(None);
    };
    let answers = answers(&text);
    Ok(Some(WrkRun {
        per_second,
        cpu_per_answer: cpu
            .zip(answers)
            .map(|(cpu, n)| cpu.as_secs_f64() / n.max(1) as f64),
    }))
}

/// How many answers wrk counted, from its summary line `  123456 requests in 1.00s, 250.00MB read`.
fn answers(output: &str) -> Option<u64> {
    output.lines().find_map(|l| {
        let (count, rest) = l.trim().split_once(' ')?;
        rest.starts_with("requests in")
            .then(|| count.parse::<u64>().ok())
            .flatten()
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn reads_the_count_from_wrks_summary() {
        let output = "Running 1s test @ http://127.0.0.1:1/beta\n  1 threads and 32 connections\n  Thread Stats   \
                      Avg      Stdev     Max   +/- Stdev\n    Latency   374.02us  101.50us   2.87ms   90.58%\n  \
                      85305 requests in 1.00s, 179.11MB read\nRequests/sec:  84682.30\n";
        assert_eq!(super::answers(output), Some(85305));
        assert_eq!(super::answers("Requests/sec: 1.0\n"), None);
    }
}
