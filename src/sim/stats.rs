//! Counters served at `GET /_sim/stats`: how clients behaved against the sim.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A mail "sent" through `sendMail` (recorded, never delivered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentMail {
    /// Mailbox it was sent from.
    pub from: String,
    /// `toRecipients` addresses.
    pub to: Vec<String>,
    /// Subject.
    pub subject: String,
}

/// How many sent mails [`SimStats::sent_mail`] keeps (the counter keeps counting).
pub const SENT_MAIL_KEPT: usize = 200;

/// The sim's counters (also the JSON of `GET /_sim/stats`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SimStats {
    /// Requests per route template (e.g. `GET /v1.0/users/{id}/messages`) and status code;
    /// requests inside `$batch` are counted under their own routes too.
    pub requests: BTreeMap<String, BTreeMap<u16, u64>>,
    /// Highest number of requests being served at once per mailbox (per app and mailbox, the
    /// highest over apps); requests refused with 429 are not counted.
    pub max_concurrent_per_mailbox: BTreeMap<String, u32>,
    /// The highest value in `max_concurrent_per_mailbox`.
    pub max_concurrent: u32,
    /// 429 responses issued (concurrency, random throttling, inside batches too).
    pub throttled_429: u64,
    /// Retries that came back before the Retry-After that same request (method, URL, body) was
    /// given, per app and mailbox.
    pub early_retries: u64,
    /// Drafts created with `POST /users/{id}/messages`.
    pub drafts_created: u64,
    /// Messages deleted.
    pub drafts_deleted: u64,
    /// Drafts created and not deleted.
    pub drafts_outstanding: u64,
    /// `sendMail` calls accepted.
    pub mails_sent: u64,
    /// The last sent mails (up to [`SENT_MAIL_KEPT`]).
    pub sent_mail: Vec<SentMail>,
    /// Requests to the token endpoint.
    pub token_requests: u64,
    /// Access tokens issued.
    pub tokens_issued: u64,
    /// Connections dropped by fault injection.
    pub dropped_connections: u64,
    /// Responses stalled by fault injection.
    pub stalled: u64,
    /// Seconds since the sim started.
    pub uptime_s: f64,
}

impl SimStats {
    /// Requests counted for `route` with `status`.
    pub fn count(&self, route: &str, status: u16) -> u64 {
        self.requests
            .get(route)
            .and_then(|m| m.get(&status))
            .copied()
            .unwrap_or(0)
    }

    /// All requests counted with `status`, any route.
    pub fn with_status(&self, status: u16) -> u64 {
        self.requests.values().filter_map(|m| m.get(&status)).sum()
    }

    /// All requests counted.
    pub fn total(&self) -> u64 {
        self.requests.values().flat_map(|m| m.values()).sum()
    }

    pub(crate) fn record(&mut self, route: &str, status: u16) {
        if status == 429 {
            self.throttled_429 += 1;
        }
        *self
            .requests
            .entry(route.to_string())
            .or_default()
            .entry(status)
            .or_default() += 1;
    }

    pub(crate) fn note_concurrency(&mut self, mailbox: &str, now: u32) {
        let e = self
            .max_concurrent_per_mailbox
            .entry(mailbox.to_string())
            .or_default();
        *e = (*e).max(now);
        self.max_concurrent = self.max_concurrent.max(now);
    }

    pub(crate) fn note_sent(&mut self, mail: SentMail) {
        self.mails_sent += 1;
        if self.sent_mail.len() >= SENT_MAIL_KEPT {
            self.sent_mail.remove(0);
        }
        self.sent_mail.push(mail);
    }
}
