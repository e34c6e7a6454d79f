//! Fault injection decisions (rates and first-N counters from `[faults]`) and latency.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use super::scenario::{Faults, Scenario};
use super::state::lock;

/// Faults that happen before a Graph request is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConnectionFault {
    /// Close the connection without answering.
    Drop,
    /// A proxy in front of Graph answers 502 with an HTML page.
    ProxyError,
    /// Wait `stall_s`, then answer normally.
    Stall,
}

/// Random source and counters for the faults.
pub(crate) struct FaultState {
    rng: Mutex<fastrand::Rng>,
    token_seen: AtomicU32,
    drop_seen: AtomicU32,
    proxy_seen: AtomicU32,
    stall_seen: AtomicU32,
    throttle_seen: AtomicU32,
    stale_seen: AtomicU32,
}

fn first(counter: &AtomicU32, n: u32) -> bool {
    n > 0 && counter.fetch_add(1, Ordering::Relaxed) < n
}

impl FaultState {
    /// Seeded from the scenario (seed 0 = a random seed).
    pub(crate) fn new(f: &Faults) -> FaultState {
        let rng = if f.seed == 0 {
            fastrand::Rng::new()
        } else {
            fastrand::Rng::with_seed(f.seed)
        };
        FaultState {
            rng: Mutex::new(rng),
            token_seen: AtomicU32::new(0),
            drop_seen: AtomicU32::new(0),
            proxy_seen: AtomicU32::new(0),
            stall_seen: AtomicU32::new(0),
            throttle_seen: AtomicU32::new(0),
            stale_seen: AtomicU32::new(0),
        }
    }

    fn roll(&self, rate: f64) -> bool {
        rate > 0.0 && lock(&self.rng).f64() < rate
    }

    /// Whether this token request falls in the first `token_unavailable_first`.
    pub(crate) fn token_unavailable(&self, f: &Faults) -> bool {
        first(&self.token_seen, f.token_unavailable_first)
    }

    /// The connection-level fault for this Graph request, if any.
    pub(crate) fn connection(&self, f: &Faults) -> Option<ConnectionFault> {
        if first(&self.drop_seen, f.drop_connection_first) || self.roll(f.drop_connection_rate) {
            Some(ConnectionFault::Drop)
        } else if first(&self.proxy_seen, f.proxy_error_first) || self.roll(f.proxy_error_rate) {
            Some(ConnectionFault::ProxyError)
        } else if first(&self.stall_seen, f.stall_first) || self.roll(f.stall_rate) {
            Some(ConnectionFault::Stall)
        } else {
            None
        }
    }

    /// Whether this mailbox request gets a random 429.
    pub(crate) fn throttle(&self, f: &Faults) -> bool {
        first(&self.throttle_seen, f.throttle_first) || self.roll(f.throttle_rate)
    }

    /// Whether this mailbox request gets 503 MailboxInfoStale.
    pub(crate) fn stale(&self, f: &Faults) -> bool {
        first(&self.stale_seen, f.mailbox_stale_first) || self.roll(f.mailbox_stale_rate)
    }

    /// Latency for one response: fixed plus uniform jitter.
    pub(crate) fn latency(&self, s: &Scenario) -> Duration {
        let jitter = if s.jitter_ms > 0 {
            lock(&self.rng).u64(0..=s.jitter_ms)
        } else {
            0
        };
        Duration::from_millis(s.latency_ms + jitter)
    }
}
