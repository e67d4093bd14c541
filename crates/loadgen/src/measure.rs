//! Small measuring helpers: peak memory from /proc, bounded request loops, and result lines.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Peak resident memory (VmHWM) of a process in KiB, from `/proc/PID/status` (Linux only).
pub fn peak_rss_kib(pid: &str) -> Option<u64> {
    status_kib(pid, "VmHWM:")
}

/// Resident memory now (VmRSS) of a process in KiB, from `/proc/PID/status` (Linux only).
pub fn current_rss_kib(pid: &str) -> Option<u64> {
    status_kib(pid, "VmRSS:")
}

fn status_kib(pid: &str, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Prints one measurement as a JSON line.
pub fn report(name: &str, value: f64, unit: &str, extra: serde_json::Value) {
    let mut line = serde_json::json!({ "name": name, "value": value, "unit": unit });
    if let (Some(obj), serde_json::Value::Object(more)) = (line.as_object_mut(), extra) {
        obj.extend(more);
    }
    println!("{line}");
}

/// What a bounded load run did.
#[derive(Debug, Clone, Copy)]
pub struct LoadResult {
    pub ok: u64,
    pub failed: u64,
    pub elapsed: Duration,
    /// The CPU time (user and system) the load took, when it ran on a thread of its own that could be measured.
    pub cpu: Option<Duration>,
}

impl LoadResult {
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// CPU seconds per counted answer, when the CPU time is known.
    pub fn cpu_per_answer(&self) -> Option<f64> {
        self.cpu
            .map(|cpu| cpu.as_secs_f64() / self.ok.max(1) as f64)
    }
}

/// Linux's clock tick for the CPU times in `/proc` (`USER_HZ`, 100 on every architecture Linux runs on; reading
/// `sysconf` would need libc for one constant).
const TICKS_PER_SECOND: u64 = 100;

/// CPU time (user and system) the calling thread has used so far, from `/proc/thread-self/stat` (Linux only).
pub fn thread_cpu() -> Option<Duration> {
    stat_ticks("/proc/thread-self/stat", 14).map(ticks)
}

/// CPU time (user and system) of this process's children that have ended and been waited for, from
/// `/proc/self/stat` (`cutime` and `cstime`; Linux only): what a child run to its end cost.
pub fn ended_children_cpu() -> Option<Duration> {
    stat_ticks("/proc/self/stat", 16).map(ticks)
}

fn ticks(n: u64) -> Duration {
    Duration::from_millis(n * 1000 / TICKS_PER_SECOND)
}

/// The sum of the fields `field` and `field + 1` of the `stat` file at `path`, numbered as proc(5) numbers them (the
/// command, field 2, may hold spaces, so fields are counted from the state, field 3, after its closing parenthesis).
fn stat_ticks(path: &str, field: usize) -> Option<u64> {
    stat_fields_sum(&std::fs::read_to_string(path).ok()?, field)
}

/// [`stat_ticks`] on the text of a `stat` file.
fn stat_fields_sum(stat: &str, field: usize) -> Option<u64> {
    let (_, after_command) = stat.rsplit_once(')')?;
    let mut fields = after_command
        .split_whitespace()
        .skip(field.saturating_sub(3));
    let a: u64 = fields.next()?.parse().ok()?;
    let b: u64 = fields.next()?.parse().ok()?;
    Some(a + b)
}

/// Runs `workers` loops of `op` until `duration` passes or `max_requests` have been made, whichever is first.
/// `op` returns whether the answer was correct.
pub async fn bounded_load<F, Fut>(
    workers: usize,
    duration: Duration,
    max_requests: u64,
    op: F,
) -> LoadResult
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send,
{
    let op = Arc::new(op);
    let issued = Arc::new(AtomicU64::new(0));
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + duration;
    let mut handles = Vec::with_capacity(workers);
    for _ in 0..workers {
        let (op, issued, ok, failed) = (op.clone(), issued.clone(), ok.clone(), failed.clone());
        handles.push(tokio::spawn(async move {
            loop {
                let n = issued.fetch_add(1, Ordering::Relaxed);
                if n >= max_requests || Instant::now() >= deadline {
                    break;
                }
                if op(n).await {
                    ok.fetch_add(1, Ordering::Relaxed);
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for h in handles {
        let _ = h.await;
    }
    LoadResult {
        ok: ok.load(Ordering::Relaxed),
        failed: failed.load(Ordering::Relaxed),
        elapsed: start.elapsed(),
        cpu: None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn stat_fields_are_counted_past_a_command_holding_spaces_and_parentheses() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
        let stat = "42 (a b) c) S 1 42 42 0 -1 4194304 10 0 0 0 250 50 7 3 20 0 1";
        assert_eq!(super::stat_fields_sum(stat, 14), Some(300));
        assert_eq!(super::stat_fields_sum(stat, 16), Some(10));
        assert_eq!(super::stat_fields_sum("no parenthesis", 14), None);
        assert!(super::thread_cpu().is_some());
    }
}
