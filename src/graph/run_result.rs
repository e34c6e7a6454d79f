//! The result of a check run: serializable, stored beside the profile and put in reports.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::auth::ConsentReport;
use super::diagnosis::{Cause, Diagnosis};
use super::exchange_column::ExchangeVerdicts;
use super::plan::Capability;
use super::verdict::Verdict;
use crate::profile::Expectation;

/// How a check run ended, as a whole. The command line turns it into an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every cell passed (and no draft was left behind).
    AllPass,
    /// Some cell failed, is pending, could not be decided, or was not checked.
    NotAllPass,
    /// The checks could not run: no token, or servers that gave no answer.
    CouldNotRun,
}

/// The outcome of one mailbox × capability cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellResult {
    pub mailbox: String,
    pub capability: Capability,
    pub expected: Expectation,
    /// HTTP status observed (none for network failures and unchecked cells).
    pub status: Option<u16>,
    pub verdict: Verdict,
    pub cause: Option<Cause>,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// When Microsoft says it answered (`innerError.date` or the `Date` header), for support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_timestamp: Option<String>,
    /// When it was decided (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    /// For `pending`: re-check after this time at the latest.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub recheck_after: Option<OffsetDateTime>,
    /// Requests made for this cell (retries included).
    pub attempts: u32,
}

/// Token acquisition and the consent check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenResult {
    pub ok: bool,
    /// `secret` or `certificate`.
    pub credential: String,
    pub authority: String,
    pub graph: String,
    /// The tenant GUID the token was issued in (`tid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<Diagnosis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentReport>,
}

/// Verdict counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub pass: usize,
    pub fail: usize,
    pub pending: usize,
    pub error: usize,
    /// Cells never run (cancelled, deadline).
    pub not_checked: usize,
}

/// A draft that could not be deleted: find it by its subject and delete it by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeftoverDraft {
    pub mailbox: String,
    pub message_id: String,
    pub subject: String,
}

/// One check run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckRun {
    pub profile: String,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub finished_at: OffsetDateTime,
    pub elapsed_ms: u64,
    pub token: TokenResult,
    pub counts: Counts,
    pub cells: Vec<CellResult>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub cancelled: bool,
    pub deadline_reached: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drafts_left: Vec<LeftoverDraft>,
    /// Exchange's own verdict per mailbox beside Graph's, when the run asked for it (absent
    /// when it did not ask; `not-available` with the reason when it could not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<ExchangeVerdicts>,
}

impl CheckRun {
    /// Recounts the verdicts from the cells (`not_checked` is kept).
    pub fn recount(&mut self) {
        let not_checked = self.counts.not_checked;
        let mut c = Counts {
            not_checked,
            ..Counts::default()
        };
        for cell in &self.cells {
            match cell.verdict {
                Verdict::Pass => c.pass += 1,
                Verdict::Fail => c.fail += 1,
                Verdict::Pending => c.pending += 1,
                Verdict::Error => c.error += 1,
            }
        }
        self.counts = c;
    }

    /// How the run ended as a whole.
    pub fn outcome(&self) -> Outcome {
        if !self.token.ok {
            return Outcome::CouldNotRun;
        }
        let c = self.counts;
        if c.fail == 0
            && self
                .cells
                .iter()
                .any(|cell| cell.cause == Some(Cause::Network))
        {
            // A server that cannot be reached leaves cells undecided: the run could not
            // finish, which is not a finding about the app (a failed cell still is one).
            return Outcome::CouldNotRun;
        }
        if c.fail + c.pending + c.error + c.not_checked == 0 && self.drafts_left.is_empty() {
            Outcome::AllPass
        } else {
            Outcome::NotAllPass
        }
    }

    /// The cells that watch mode runs again (the policy in [`super::watch`]).
    pub fn unsettled(&self) -> Vec<(String, Capability)> {
        self.cells
            .iter()
            .filter(|c| super::watch::recheck_cell(c))
            .map(|c| (c.mailbox.clone(), c.capability))
            .collect()
    }

    /// Replaces cells with newer results for the same mailbox and capability.
    pub fn merge(&mut self, newer: CheckRun) {
        for cell in newer.cells {
            match self
                .cells
                .iter_mut()
                .find(|c| c.mailbox == cell.mailbox && c.capability == cell.capability)
            {
                Some(old) => *old = cell,
                None => self.cells.push(cell),
            }
        }
        self.finished_at = newer.finished_at;
        self.elapsed_ms = (self.finished_at - self.started_at)
            .whole_milliseconds()
            .max(0) as u64;
        self.token = newer.token;
        self.cancelled = newer.cancelled;
        self.deadline_reached = newer.deadline_reached;
        self.drafts_left.extend(newer.drafts_left);
        if newer.exchange.is_some() {
            self.exchange = newer.exchange;
        }
        self.counts.not_checked = newer.counts.not_checked;
        self.recount();
    }
}
