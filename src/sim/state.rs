//! Shared state of a running sim: scenario, keys, directory, counters and mailbox contents.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use super::directory::Directory;
use super::faults::FaultState;
use super::limits::Limits;
use super::mailstore::MailStore;
use super::scenario::Scenario;
use super::stats::SimStats;
use super::tokens_jwt::Signer;

/// Everything the handlers share (behind an `Arc`).
pub(crate) struct SimState {
    pub(crate) scenario: Scenario,
    /// Mailboxes, groups and Exchange's scoping objects (changed through InvokeCommand).
    pub(crate) directory: Mutex<Directory>,
    /// `https://host:port` of the identity platform.
    pub(crate) authority: String,
    /// `https://host:port` of Graph (the token audience).
    pub(crate) graph: String,
    /// The token signing key; RSA generation runs in the background so the sim is ready at
    /// once. `None` until generated (or for good if generation failed).
    pub(crate) signer: tokio::sync::watch::Receiver<Option<Arc<Signer>>>,
    pub(crate) started: Instant,
    pub(crate) stats: Mutex<SimStats>,
    pub(crate) limits: Limits,
    pub(crate) faults: FaultState,
    pub(crate) store: Mutex<MailStore>,
    /// Applications, service principals and consent (Graph app management, token endpoint).
    pub(crate) apps: Mutex<super::apps::Registry>,
    /// Codes, device codes and refresh tokens of delegated sign-ins.
    pub(crate) signin: Mutex<super::signin_store::SigninStore>,
    /// InvokeCommand calls per cmdlet (lower case), for `[[exchange.fail]]`.
    pub(crate) exchange_calls: Mutex<std::collections::HashMap<String, u32>>,
}

/// Locks a mutex, ignoring poisoning (counters stay usable after a panicked handler).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl SimState {
    /// Builds the state for a bound address.
    pub(crate) fn new(
        scenario: Scenario,
        authority: String,
        graph: String,
        signer: tokio::sync::watch::Receiver<Option<Arc<Signer>>>,
    ) -> SimState {
        SimState {
            directory: Mutex::new(Directory::new(&scenario)),
            exchange_calls: Mutex::default(),
            apps: Mutex::new(super::apps::Registry::seed(&scenario)),
            faults: FaultState::new(&scenario.faults),
            scenario,
            authority,
            graph,
            signer,
            started: Instant::now(),
            stats: Mutex::new(SimStats::default()),
            limits: Limits::default(),
            store: Mutex::new(MailStore::default()),
            signin: Mutex::default(),
        }
    }

    /// The signing key, waiting for its generation if needed.
    pub(crate) async fn signer(&self) -> Option<Arc<Signer>> {
        let mut rx = self.signer.clone();
        let ready = rx.wait_for(Option::is_some).await.ok()?;
        ready.clone()
    }

    /// The signing key if already generated.
    pub(crate) fn signer_now(&self) -> Option<Arc<Signer>> {
        self.signer.borrow().clone()
    }

    /// Seconds since start (propagation clock).
    pub(crate) fn elapsed_s(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// Records one request in the counters.
    pub(crate) fn record(&self, route: &str, status: u16) {
        lock(&self.stats).record(route, status);
    }

    /// A snapshot of the counters.
    pub(crate) fn snapshot(&self) -> SimStats {
        let mut s = lock(&self.stats).clone();
        s.uptime_s = self.elapsed_s();
        s
    }

    /// Sleeps the scenario's latency (plus jitter).
    pub(crate) async fn delay(&self) {
        let d = self.faults.latency(&self.scenario);
        if !d.is_zero() {
            tokio::time::sleep(d).await;
        }
    }

    /// The first domain (for synthetic addresses).
    pub(crate) fn domain(&self) -> &str {
        self.scenario
            .domains
            .first()
            .map(String::as_str)
            .unwrap_or("contoso.com")
    }
}
