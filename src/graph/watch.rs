//! Watch mode: run, then re-run the cells that did not pass every interval until they all
//! pass, the watch deadline passes, or the user cancels.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

use super::cancel::Cancel;
use super::events::CheckEvent;
use super::plan::CheckPlan;
use super::report::CheckReport;
use super::runner::{CheckOptions, run};
use super::session::Session;

/// [`run`], repeated for unsettled cells when `options.watch` is set.
pub async fn run_watch(
    plan: &CheckPlan,
    session: Arc<Session>,
    options: &CheckOptions,
    progress: UnboundedSender<CheckEvent>,
    cancel: Cancel,
) -> CheckReport {
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
