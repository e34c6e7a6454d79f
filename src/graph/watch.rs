//! Watch mode, one policy for the command line and the wizard:
//!
//! - **which cells** are re-checked: those that can still change by themselves, i.e. `pending`
//!   ones (scoping has not propagated yet) and `error` ones whose cause is transient (throttled,
//!   service unavailable, network). A `fail` with a settled cause (permission missing, policy
//!   refusal after the propagation window, a reachable must-not-reach mailbox) needs the admin,
//!   not time, so it is not asked again;
//! - **how often**: every [`WatchOptions::POLICY`]`.interval` (30 s);
//! - **until when**: until no cell is left to re-check, the user cancels, or
//!   [`WatchOptions::POLICY`]`.until` has passed (2 h 15 min: Microsoft's longest documented
//!   propagation, 2 h, and a margin).

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

use super::cancel::Cancel;
use super::diagnosis::Cause;
use super::events::CheckEvent;
use super::plan::CheckPlan;
use super::run_result::CellResult;
use super::run_result::CheckRun;
use super::runner::{CheckOptions, WatchOptions, run};
use super::session::Session;
use super::verdict::Verdict;

impl WatchOptions {
    /// The watch policy (see the module documentation).
    pub const POLICY: WatchOptions = WatchOptions {
        interval: std::time::Duration::from_secs(30),
        until: std::time::Duration::from_secs(2 * 3600 + 15 * 60),
    };
}

/// Whether watch mode checks a cell again: it may still change without the admin.
pub fn recheck(verdict: Verdict, cause: Option<Cause>) -> bool {
    match verdict {
        Verdict::Pending => true,
        Verdict::Error => matches!(
            cause,
            Some(Cause::Throttled | Cause::ServiceUnavailable | Cause::Network) | None
        ),
        Verdict::Pass | Verdict::Fail => false,
    }
}

/// [`recheck`] for a decided cell.
pub fn recheck_cell(c: &CellResult) -> bool {
    recheck(c.verdict, c.cause)
}

/// [`run`], repeated for unsettled cells when `options.watch` is set.
pub async fn run_watch(
    plan: &CheckPlan,
    session: Arc<Session>,
    options: &CheckOptions,
    progress: UnboundedSender<CheckEvent>,
    cancel: Cancel,
) -> CheckRun {
    let mut report = run(
        plan,
        session.clone(),
        options,
        progress.clone(),
        cancel.clone(),
    )
    .await;
    let Some(w) = options.watch else {
        return report;
    };
    let until = Instant::now() + w.until;
    let mut round = 1;
    loop {
        let unsettled = report.unsettled();
        if !report.token.ok
            || report.cancelled
            || (unsettled.is_empty() && report.counts.not_checked == 0)
            || Instant::now() + w.interval > until
        {
            break;
        }
        let _ = progress.send(CheckEvent::WatchRound {
            round,
            unsettled: unsettled.len(),
            next_in_s: w.interval.as_secs_f64(),
        });
        tokio::select! {
            _ = tokio::time::sleep(w.interval) => {}
            _ = cancel.cancelled() => {
                report.cancelled = true;
                break;
            }
        }
        round += 1;
        let sub = plan.only(&unsettled);
        let newer = run(
            &sub,
            session.clone(),
            options,
            progress.clone(),
            cancel.clone(),
        )
        .await;
        report.merge(newer);
    }
    report
}
