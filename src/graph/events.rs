//! Progress events for the TUI and the command line's progress bar.

use super::run_result::{CellResult, Counts, TokenResult};
use super::verdict::Verdict;

/// What a running check reports as it goes.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckEvent {
    /// Where the app signs in, said before the credential is sent: the app, the token
    /// endpoint, `secret`/`certificate`, and where the credential comes from.
    SigningIn {
        client_id: String,
        token_url: String,
        credential: &'static str,
        from: &'static str,
    },
    /// The run starts with this many mailboxes and cells.
    Planned { mailboxes: usize, cells: usize },
    /// Requests to `host` start; nothing else is heard until they answer. `what` names the
    /// endpoint for people: "the token endpoint", "Graph".
    Waiting { what: &'static str, host: String },
    /// Token acquired (or not) and the consent compared.
    Token(Box<TokenResult>),
    /// One cell was decided.
    Cell(Box<CellResult>),
    /// A request for `mailbox` is repeated after `after_s` seconds.
    Retrying { mailbox: String, after_s: f64 },
    /// Cancelled or out of time: only draft cleanup continues.
    Stopping,
    /// A watch round ended; the next starts in `next_in_s` seconds.
    WatchRound {
        round: u32,
        unsettled: usize,
        next_in_s: f64,
    },
    /// The run ended.
    Finished(Counts),
}

/// What a screen shows about a running check, folded from the events (for the TUI).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgressSnapshot {
    pub mailboxes: usize,
    pub cells: usize,
    /// Cells decided so far, by verdict.
    pub done: Counts,
    /// `None` until the token step ended.
    pub token_ok: Option<bool>,
    /// Requests waiting to be repeated after throttling or a transient failure.
    pub retries: usize,
    /// The most recent retry, for a status line.
    pub last_retry: Option<(String, f64)>,
    pub stopping: bool,
    pub finished: bool,
}

impl ProgressSnapshot {
    /// Folds one event in.
    pub fn apply(&mut self, e: &CheckEvent) {
        match e {
            CheckEvent::Planned { mailboxes, cells } => {
                *self = ProgressSnapshot {
                    mailboxes: *mailboxes,
                    cells: *cells,
                    ..ProgressSnapshot::default()
                }
            }
            CheckEvent::Token(t) => self.token_ok = Some(t.ok),
            CheckEvent::Cell(c) => match c.verdict {
                Verdict::Pass => self.done.pass += 1,
                Verdict::Fail => self.done.fail += 1,
                Verdict::Pending => self.done.pending += 1,
                Verdict::Error => self.done.error += 1,
            },
            CheckEvent::Retrying { mailbox, after_s } => {
                self.retries += 1;
                self.last_retry = Some((mailbox.clone(), *after_s));
            }
            CheckEvent::Stopping => self.stopping = true,
            CheckEvent::WatchRound { .. }
            | CheckEvent::Waiting { .. }
            | CheckEvent::SigningIn { .. } => {}
            CheckEvent::Finished(c) => {
                self.done = *c;
                self.finished = true;
            }
        }
    }

    /// Cells decided so far.
    pub fn decided(&self) -> usize {
        self.done.pass + self.done.fail + self.done.pending + self.done.error
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::plan::Capability;
    use crate::profile::Expectation;

    #[test]
    fn snapshot_counts_what_happened() {
        let mut s = ProgressSnapshot::default();
        s.apply(&CheckEvent::Planned {
            mailboxes: 2,
            cells: 4,
        });
        let cell = CellResult {
            mailbox: "a@b.c".into(),
            capability: Capability::Read,
            expected: Expectation::Granted,
            status: Some(200),
            verdict: Verdict::Pass,
            cause: None,
            summary: String::new(),
            fix: None,
            error_code: None,
            request_id: None,
            service_timestamp: None,
            timestamp: time::OffsetDateTime::now_utc(),
            recheck_after: None,
            attempts: 1,
        };
        s.apply(&CheckEvent::Cell(Box::new(cell)));
        s.apply(&CheckEvent::Retrying {
            mailbox: "a@b.c".into(),
            after_s: 1.5,
        });
        assert_eq!((s.cells, s.decided(), s.retries), (4, 1, 1));
        assert_eq!(s.last_retry, Some(("a@b.c".to_string(), 1.5)));
        assert!(!s.finished);
        s.apply(&CheckEvent::Stopping);
        assert!(s.stopping);
    }
}
