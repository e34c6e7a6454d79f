//! Outlook's per app-and-mailbox concurrency limit and Retry-After bookkeeping.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::state::{SimState, lock};

/// In-flight counts and "not before" times per (app, mailbox).
#[derive(Default)]
pub(crate) struct Limits {
    inflight: Mutex<HashMap<(String, String), u32>>,
    not_before: Mutex<HashMap<(String, String), Instant>>,
}

/// Holds one of the (app, mailbox) slots while a request is served.
pub(crate) struct Slot {
    state: Arc<SimState>,
    key: (String, String),
    /// Whether the request fits under the limit.
    pub(crate) admitted: bool,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = lock(&self.state.limits.inflight);
        if let Some(n) = map.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&self.key);
            }
        }
    }
}

impl Limits {
    /// Counts a request in for (app, mailbox); `admitted` is false beyond the limit.
    pub(crate) fn enter(state: &Arc<SimState>, app: &str, mailbox: &str) -> Slot {
        let key = (app.to_string(), mailbox.to_string());
        let now = {
            let mut map = lock(&state.limits.inflight);
            let n = map.entry(key.clone()).or_default();
            *n += 1;
            *n
        };
        lock(&state.stats).note_concurrency(mailbox, now);
        Slot {
            state: state.clone(),
            admitted: now <= state.scenario.faults.mailbox_concurrency,
            key,
        }
    }

    /// Whether this request arrives before a Retry-After given to (app, mailbox) has elapsed;
    /// counts it as an early retry if so.
    pub(crate) fn check_early(state: &SimState, app: &str, mailbox: &str) -> bool {
        let key = (app.to_string(), mailbox.to_string());
        let mut map = lock(&state.limits.not_before);
        let early = match map.get(&key) {
            Some(t) if Instant::now() < *t => true,
            Some(_) => {
                map.remove(&key);
                false
            }
            None => false,
        };
        drop(map);
        if early {
            lock(&state.stats).early_retries += 1;
        }
        early
    }

    /// Remembers that (app, mailbox) was told to wait `secs`.
    pub(crate) fn told_to_wait(state: &SimState, app: &str, mailbox: &str, secs: f64) {
        let until = Instant::now() + Duration::from_secs_f64(secs.max(0.0));
        let key = (app.to_string(), mailbox.to_string());
        let mut map = lock(&state.limits.not_before);
        let e = map.entry(key).or_insert(until);
        *e = (*e).max(until);
    }
}

/// Retry-After header text: whole seconds as an integer, fractions as given ("1.5").
pub(crate) fn retry_after_text(secs: f64) -> String {
    if secs.fract() == 0.0 {
        format!("{}", secs.max(0.0) as u64)
    } else {
        format!("{secs}")
    }
}
