//! Retries said on stderr at the default verbosity: "Graph throttled the request (429); retrying in 5 s, attempt 2
//! of 4". A person watching a slow command learns why it is slow, and a script's log shows it.
//!
//! The SDK's retry stage reports every retry as a structured `tracing` event (`"retrying"`, with `status` or
//! `kind`, `attempt` and `delay_ms`), and its batching one when throttled items of a `$batch` are sent again; this layer turns those events into sentences. It has its own filter, so it
//! speaks even when logging shows only errors, and `-q` turns it off.

use std::fmt::Debug;

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

use crate::ui::warn;

/// The target of the SDK's retry events.
pub const RETRY_TARGET: &str = "intune_osimages_transport::retry";
/// The target of the SDK's batching events (throttled items sent again in a later `$batch`).
pub const BATCH_TARGET: &str = "intune_osimages::batch::send";
/// The batching event that says throttled items are sent again.
const BATCH_RESEND: &str = "batch: resending throttled items";

/// Announces each retry of the SDK's retry stage on stderr.
pub struct RetryAnnouncer {
    /// Attempts in all (the first one and every retry), for "attempt 2 of 4".
    pub attempts: u32,
}

/// Which of the SDK's events an event is, by its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Announced {
    /// The retry stage's `"retrying"`.
    Retry,
    /// The batching's resend of throttled items.
    Resend,
}

impl Announced {
    fn of(message: &str) -> Option<Announced> {
        match message {
            "retrying" => Some(Announced::Retry),
            BATCH_RESEND => Some(Announced::Resend),
            _ => None,
        }
    }
}

/// The fields of one retry event.
#[derive(Default)]
struct Retrying {
    /// `None` for an event that is neither a retry nor a resend.
    announced: Option<Announced>,
    steps: Option<u64>,
    status: Option<u64>,
    kind: Option<String>,
    attempt: Option<u64>,
    delay_ms: Option<u64>,
}

impl Visit for Retrying {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "status" => self.status = Some(value),
            "attempt" => self.attempt = Some(value),
            "delay_ms" => self.delay_ms = Some(value),
            "steps" => self.steps = Some(value),
            _ => {}
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if let Ok(value) = u64::try_from(value) {
            self.record_u64(field, value);
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.announced = Announced::of(value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        match field.name() {
            "message" => self.announced = Announced::of(&format!("{value:?}")),
            "kind" => self.kind = Some(format!("{value:?}")),
            _ => {}
        }
    }
}

/// A delay for people: `5 s`, `0.8 s`, `250 ms`.
fn delay(ms: u64) -> String {
    match ms {
        ms if ms >= 10_000 || ms % 1000 == 0 => format!("{} s", ms.div_ceil(1000)),
        ms if ms >= 1000 => format!("{:.1} s", ms as f64 / 1000.0),
        ms => format!("{ms} ms"),
    }
}

/// The sentence for one retry.
fn sentence(retrying: &Retrying, attempts: u32) -> String {
    if retrying.announced == Some(Announced::Resend) {
        return format!(
            "Graph throttled {} item(s) of the batch; sending them again in {}",
            retrying.steps.unwrap_or(0),
            delay(retrying.delay_ms.unwrap_or(0))
        );
    }
    let why = match (retrying.status, &retrying.kind) {
        (Some(429), _) => "Graph throttled the request (429)".to_owned(),
        (Some(status), _) => format!("Graph answered {status}"),
        (None, Some(kind)) => format!(
            "the request failed ({})",
            kind.to_ascii_lowercase().replace('_', " ")
        ),
        (None, None) => "the request failed".to_owned(),
    };
    // The event's attempt counts retries (1 for the first); people count attempts, the first one included.
    let attempt = retrying.attempt.unwrap_or(1) + 1;
    format!(
        "{why}; retrying in {}, attempt {attempt} of {attempts}",
        delay(retrying.delay_ms.unwrap_or(0))
    )
}

impl<S: Subscriber> Layer<S> for RetryAnnouncer {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let target = event.metadata().target();
        if target != RETRY_TARGET && target != BATCH_TARGET {
            return;
        }
        let mut retrying = Retrying::default();
        event.record(&mut retrying);
        if retrying.announced.is_some() {
            warn(&format!("note: {}", sentence(&retrying, self.attempts)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_say_why_how_long_and_which_attempt() {
        let throttled = Retrying {
            announced: Some(Announced::Retry),
            status: Some(429),
            attempt: Some(1),
            delay_ms: Some(5000),
            ..Retrying::default()
        };
        assert_eq!(
            sentence(&throttled, 4),
            "Graph throttled the request (429); retrying in 5 s, attempt 2 of 4"
        );
        let refused = Retrying {
            announced: Some(Announced::Retry),
            kind: Some("Connect".into()),
            attempt: Some(2),
            delay_ms: Some(1600),
            ..Retrying::default()
        };
        assert_eq!(
            sentence(&refused, 4),
            "the request failed (connect); retrying in 1.6 s, attempt 3 of 4"
        );
        assert_eq!(delay(250), "250 ms");
        let resend = Retrying {
            announced: Some(Announced::Resend),
            steps: Some(3),
            delay_ms: Some(2000),
            ..Retrying::default()
        };
        assert_eq!(
            sentence(&resend, 4),
            "Graph throttled 3 item(s) of the batch; sending them again in 2 s"
        );
    }
}
