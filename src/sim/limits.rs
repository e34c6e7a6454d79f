//! Outlook's per app-and-mailbox concurrency limit and Retry-After bookkeeping.
//!
//! Only requests being served count toward the limit (and `max_concurrent_per_mailbox`); one
//! refused with 429 never held a slot. A Retry-After is remembered per request (app, mailbox
//! and a [`signature`] of method, URL and body), so an early retry is one that comes back
//! before the time *it* was given.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::state::{SimState, lock};

/// In-flight counts and "not before" times per (app, mailbox).
#[derive(Default)]
pub(crate) struct Limits {
    inflight: Mutex<HashMap<(String, String), u32>>,
    not_before: Mutex<HashMap<(String, String, u64), Instant>>,
}

/// Entries kept before expired Retry-After times are pruned.
const PRUNE_AT: usize = 10_000;

/// Identifies "the same request again": method, path, query and body.
pub(crate) fn signature(method: &str, path: &str, query: &str, body: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (method.to_ascii_uppercase(), path, query, body).hash(&mut h);
    h.finish()
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
        if !self.admitted {
            return;
        }
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
    /// Counts a request in for (app, mailbox) if it fits under the limit; `admitted` is false
    /// (and nothing is counted) beyond it.
    pub(crate) fn enter(state: &Arc<SimState>, app: &str, mailbox: &str) -> Slot {
        let key = (app.to_string(), mailbox.to_string());
        let limit = state.scenario.faults.mailbox_concurrency;
        let served = {
            let mut map = lock(&state.limits.inflight);
            let n = map.entry(key.clone()).or_default();
            if *n < limit {
                *n += 1;
                Some(*n)
            } else {
                if *n == 0 {
                    map.remove(&key);
                }
                None
            }
        };
        if let Some(now) = served {
            lock(&state.stats).note_concurrency(mailbox, now);
        }
        Slot {
            state: state.clone(),
            admitted: served.is_some(),
            key,
        }
    }

    /// Whether this request (`sig`) comes back before the Retry-After it was given has
    /// elapsed; counts it as an early retry if so. The remembered time is used up either way.
    pub(crate) fn check_early(state: &SimState, app: &str, mailbox: &str, sig: u64) -> bool {
        let key = (app.to_string(), mailbox.to_string(), sig);
        let early = lock(&state.limits.not_before)
            .remove(&key)
            .is_some_and(|t| Instant::now() < t);
        if early {
            lock(&state.stats).early_retries += 1;
        }
        early
    }

    /// Remembers that this request (`sig`) was told to wait `secs` (as sent: whole seconds).
    pub(crate) fn told_to_wait(state: &SimState, app: &str, mailbox: &str, sig: u64, secs: f64) {
        let now = Instant::now();
        let until = now + Duration::from_secs(retry_after_secs(secs));
        let key = (app.to_string(), mailbox.to_string(), sig);
        let mut map = lock(&state.limits.not_before);
        if map.len() >= PRUNE_AT {
            map.retain(|_, t| *t > now);
        }
        map.insert(key, until);
    }
}

/// Retry-After in whole seconds, rounded up (HTTP's delay-seconds is a non-negative integer).
pub(crate) fn retry_after_secs(secs: f64) -> u64 {
    if secs.is_finite() && secs > 0.0 {
        secs.ceil() as u64
    } else {
        0
    }
}

/// Retry-After header text: whole seconds as an integer, rounded up ("1.5" is sent as "2").
pub(crate) fn retry_after_text(secs: f64) -> String {
    retry_after_secs(secs).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_whole_seconds_rounded_up() {
        assert_eq!(retry_after_text(1.5), "2");
        assert_eq!(retry_after_text(0.001), "1");
        assert_eq!(retry_after_text(2.0), "2");
        assert_eq!(retry_after_text(0.0), "0");
        assert_eq!(retry_after_text(-3.0), "0");
        assert_eq!(retry_after_text(f64::NAN), "0");
    }

    #[test]
    fn signature_tells_requests_apart() {
        let a = signature("GET", "/v1.0/users/a/messages", "$top=1", b"");
        assert_eq!(a, signature("get", "/v1.0/users/a/messages", "$top=1", b""));
        assert_ne!(a, signature("GET", "/v1.0/users/a/messages", "$top=2", b""));
        assert_ne!(
            a,
            signature("POST", "/v1.0/users/a/messages", "$top=1", b"")
        );
    }
}
