//! What the local authority has handed out (access tokens, refresh tokens, device codes), each until it expires,
//! in a store with a cap so a client that signs in in a loop cannot grow it without bound.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};

use tokio::time::Instant;

/// How many of each kind the authority remembers; past it the oldest is forgotten (and no longer accepted).
pub(crate) const CAPACITY: usize = 10_000;

/// Values handed out, each with its expiry and what it was issued for.
#[derive(Debug)]
pub(crate) struct Issued<T> {
    state: Mutex<State<T>>,
}

#[derive(Debug)]
struct State<T> {
    by_value: HashMap<String, (Instant, T)>,
    /// Insertion order, for forgetting the oldest at the cap.
    order: VecDeque<String>,
}

impl<T: Clone> Default for Issued<T> {
    fn default() -> Self {
        Issued {
            state: Mutex::new(State {
                by_value: HashMap::new(),
                order: VecDeque::new(),
            }),
        }
    }
}

/// What a lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lookup<T> {
    /// Issued and not expired.
    Valid(T),
    /// Issued, but its time has run out.
    Expired,
    /// Never issued (or forgotten at the cap).
    Unknown,
}

impl<T: Clone> Issued<T> {
    fn state(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Remembers `value` until `expires_at`.
    pub(crate) fn insert(&self, value: String, expires_at: Instant, data: T) {
        let mut state = self.state();
        let now = Instant::now();
        while state.order.len() >= CAPACITY {
            let Some(oldest) = state.order.pop_front() else {
                break;
            };
            state.by_value.remove(&oldest);
        }
        // Expired entries at the front go first, so the store mostly holds live ones.
        while let Some(front) = state.order.front() {
            match state.by_value.get(front) {
                Some((at, _)) if *at > now => break,
                _ => {
                    if let Some(old) = state.order.pop_front() {
                        state.by_value.remove(&old);
                    }
                }
            }
        }
        state.order.push_back(value.clone());
        state.by_value.insert(value, (expires_at, data));
    }

    /// Whether `value` was issued and is still valid.
    pub(crate) fn lookup(&self, value: &str) -> Lookup<T> {
        match self.state().by_value.get(value) {
            Some((at, data)) if *at > Instant::now() => Lookup::Valid(data.clone()),
            Some(_) => Lookup::Expired,
            None => Lookup::Unknown,
        }
    }

    /// Forgets `value` (a device code once redeemed).
    pub(crate) fn remove(&self, value: &str) {
        let mut state = self.state();
        if state.by_value.remove(value).is_some() {
            state.order.retain(|v| v != value);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::time::Instant;

    use super::{CAPACITY, Issued, Lookup};

    #[tokio::test(start_paused = true)]
    async fn values_expire_and_the_oldest_go_at_the_cap() {
        let issued = Issued::<u8>::default();
        issued.insert("a".into(), Instant::now() + Duration::from_secs(10), 1);
        assert_eq!(issued.lookup("a"), Lookup::Valid(1));
        assert_eq!(issued.lookup("b"), Lookup::Unknown);
        tokio::time::advance(Duration::from_secs(11)).await;
        assert_eq!(issued.lookup("a"), Lookup::Expired);

        let later = Instant::now() + Duration::from_secs(3600);
        for n in 0..=CAPACITY {
            issued.insert(format!("t{n}"), later, 0);
        }
        assert_eq!(issued.lookup("t0"), Lookup::Unknown);
        assert_eq!(issued.lookup(&format!("t{CAPACITY}")), Lookup::Valid(0));
        assert!(issued.state().by_value.len() <= CAPACITY);
        issued.remove("t1");
        assert_eq!(issued.lookup("t1"), Lookup::Unknown);
    }
}
