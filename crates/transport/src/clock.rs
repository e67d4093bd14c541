//! Time sources for the retry decorator: the real one, and one that tests drive.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// A future returned by [`Clock::sleep`].
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Where the retry decorator gets the time and how it waits. Injected so that tests of retry behaviour run in
/// milliseconds with [`ManualClock`] while production code uses [`TokioClock`].
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current wall-clock time, used to turn an HTTP-date `Retry-After` into a delay.
    fn now(&self) -> SystemTime;

    /// A future that completes once `duration` has passed on this clock.
    fn sleep(&self, duration: Duration) -> Sleep;
}

/// The real clock: [`SystemTime::now`] and `tokio::time::sleep` (so it needs a Tokio runtime with time enabled).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock for tests: [`sleep`](Clock::sleep) returns at once and moves [`now`](Clock::now) forward by the
/// requested duration, and every sleep is recorded. Clones share the same time, so a test can keep one handle and
/// give another to the decorator.
///
/// ```
/// use std::time::Duration;
/// use intune_osimages_transport::{Clock, ManualClock};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let clock = ManualClock::new();
/// let start = clock.now();
/// clock.sleep(Duration::from_secs(2)).await;
/// assert_eq!(clock.now(), start + Duration::from_secs(2));
/// assert_eq!(clock.slept(), vec![Duration::from_secs(2)]);
/// assert_eq!(clock.elapsed(), Duration::from_secs(2));
/// # }
/// ```
#[derive(Clone)]
pub struct ManualClock {
    state: Arc<Mutex<ManualState>>,
}

#[derive(Debug)]
struct ManualState {
    start: SystemTime,
    now: SystemTime,
    slept: Vec<Duration>,
}

impl ManualClock {
    /// 2025-01-01T00:00:00Z, a whole second so HTTP-dates (which have second resolution) compare exactly.
    const DEFAULT_START_SECS: u64 = 1_735_689_600;

    /// A clock standing at 2025-01-01T00:00:00Z.
    pub fn new() -> Self {
        Self::starting_at(SystemTime::UNIX_EPOCH + Duration::from_secs(Self::DEFAULT_START_SECS))
    }

    /// A clock standing at `start`.
    pub fn starting_at(start: SystemTime) -> Self {
        ManualClock {
            state: Arc::new(Mutex::new(ManualState {
                start,
                now: start,
                slept: Vec::new(),
            })),
        }
    }

    /// Moves the time forward without recording a sleep (time that passed while nobody waited).
    pub fn advance(&self, duration: Duration) {
        let mut state = self.lock();
        state.now += duration;
    }

    /// Every duration passed to [`sleep`](Clock::sleep), in order.
    pub fn slept(&self) -> Vec<Duration> {
        self.lock().slept.clone()
    }

    /// How far the clock has moved since it was created (sleeps and [`advance`](Self::advance) together).
    pub fn elapsed(&self) -> Duration {
        let state = self.lock();
        state.now.duration_since(state.start).unwrap_or_default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ManualState> {
        // The state stays consistent even if a holder panicked: every update is a single assignment or push.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ManualClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("ManualClock")
            .field("now", &state.now)
            .field("slept", &state.slept)
            .finish()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        self.lock().now
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        {
            let mut state = self.lock();
            state.now += duration;
            state.slept.push(duration);
        }
        Box::pin(std::future::ready(()))
    }
}
