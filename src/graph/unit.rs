//! One unit of work: a few mailboxes whose checks go out together (one `$batch`, or one
//! request each), retried politely, drafts always deleted.
//!
//! Units never share a mailbox, so a unit alone decides when its mailboxes may be called
//! again after a `Retry-After`: no request for a mailbox leaves before its gate opens. With
//! one request per mailbox in flight (the default), no request can even be on its way when a
//! sibling is throttled, so the service never sees a request before the time it asked for.

use std::sync::Arc;

use futures_util::future::join_all;
use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedSender;
use tokio::time::Instant;

use super::cancel::Cancel;
use super::client::RawResponse;
use super::diagnosis::Diagnosis;
use super::events::CheckEvent;
use super::ops::{
    Op, RunMeta, ambiguous, cell_result, created_id, drafts_with_subject, not_checked, outcome,
    request,
};
use super::plan::{Capability, PlannedMailbox};
use super::retry::RetryPolicy;
use super::run_result::{CellResult, LeftoverDraft};
use super::session::Session;

/// What units share.
pub struct UnitCtx {
    pub session: Arc<Session>,
    /// Bounds HTTP requests in flight over the whole run.
    pub permits: Arc<Semaphore>,
    pub batch: bool,
    /// Requests in flight per mailbox (1 to 4).
    pub per_mailbox: usize,
    pub retry: RetryPolicy,
    pub meta: RunMeta,
    pub progress: UnboundedSender<CheckEvent>,
    pub cancel: Cancel,
    pub deadline: Option<Instant>,
}

/// What a unit found.
#[derive(Default)]
pub struct UnitOutcome {
    pub cells: Vec<CellResult>,
    /// Cells never sent (cancelled or out of time first).
    pub not_checked: usize,
    pub drafts_left: Vec<LeftoverDraft>,
    pub deadline_reached: bool,
}

struct Task {
    mb: usize,
    op: Op,
    attempts: u32,
    ready_at: Instant,
    /// A draft may exist that we have no id for (a create's answer was lost).
    ambiguous: bool,
}

impl Task {
    fn new(mb: usize, op: Op) -> Task {
        Task {
            mb,
            op,
            attempts: 0,
            ready_at: Instant::now(),
            ambiguous: false,
        }
    }
}

impl UnitCtx {
    fn stopping(&self, now: Instant) -> (bool, bool) {
        let late = self.deadline.is_some_and(|d| now >= d);
        (self.cancel.is_cancelled() || late, late)
    }

    fn emit(&self, e: CheckEvent) {
        // The receiver may be gone (nobody watching); that is fine.
        let _ = self.progress.send(e);
    }
}

/// Runs every check of `mailboxes`, then deletes the drafts it created.
pub async fn run_unit(ctx: Arc<UnitCtx>, mailboxes: Vec<PlannedMailbox>) -> UnitOutcome {
    let start = Instant::now();
    let mut gate = vec![start; mailboxes.len()];
    let mut queue: Vec<Task> = Vec::new();
    for (i, m) in mailboxes.iter().enumerate() {
        for &cap in &m.capabilities {
            queue.push(Task::new(i, Op::Check(cap)));
        }
    }
    let mut out = UnitOutcome::default();
    while !queue.is_empty() {
        let now = Instant::now();
        let (stop, late) = ctx.stopping(now);
        if stop {
            out.deadline_reached |= late;
            let why = if late {
                "the overall deadline passed while waiting to retry"
            } else {
                "the check was cancelled while waiting to retry"
            };
            queue.retain(|t| match &t.op {
                // Never sent: not checked. Sent and waiting to retry: undecided.
                Op::Check(_) if t.attempts == 0 => {
                    out.not_checked += 1;
                    false
                }
                Op::Check(cap) => {
                    let cell = not_checked(&mailboxes[t.mb], *cap, why, t.attempts);
                    out.cells.push(cell);
                    false
                }
                Op::DeleteDraft(_) | Op::SweepDrafts => true,
            });
            if queue.is_empty() {
                break;
            }
        }
        let mut in_round = vec![0usize; mailboxes.len()];
        let (ready, waiting): (Vec<Task>, Vec<Task>) = queue.into_iter().partition(|t| {
            let go = t.ready_at <= now && gate[t.mb] <= now && in_round[t.mb] < ctx.per_mailbox;
            if go {
                in_round[t.mb] += 1;
            }
            go
        });
        queue = waiting;
        if ready.is_empty() {
            let wake = queue
                .iter()
                .map(|t| t.ready_at.max(gate[t.mb]))
                .min()
                .unwrap_or(now);
            let wake = match ctx.deadline {
                Some(d) if !stop => wake.min(d),
                _ => wake,
            };
            if stop {
                tokio::time::sleep_until(wake).await;
            } else {
                tokio::select! {
                    _ = tokio::time::sleep_until(wake) => {}
                    _ = ctx.cancel.cancelled() => {}
                }
            }
            continue;
        }
        let results = execute(&ctx, &mailboxes, &ready).await;
        for (mut task, result) in ready.into_iter().zip(results) {
            task.attempts += 1;
            let o = outcome(&result);
            let stop_now = ctx.stopping(Instant::now()).0;
            if let Err(d) = &o {
                task.ambiguous |= task.op == Op::Check(Capability::Write) && ambiguous(d);
                if ctx.retry.should_retry(d, task.attempts) && (task.op.is_cleanup() || !stop_now) {
                    let wait = ctx.retry.delay(task.attempts, d.retry_after_s);
                    let at = Instant::now() + wait;
                    // Throttling is per app and mailbox: hold every request for this mailbox.
                    gate[task.mb] = gate[task.mb].max(at);
                    task.ready_at = at;
                    ctx.emit(CheckEvent::Retrying {
                        mailbox: mailboxes[task.mb].address.clone(),
                        after_s: wait.as_secs_f64(),
                    });
                    queue.push(task);
                    continue;
                }
            }
            finish(&ctx, &mailboxes, task, &result, &o, &mut queue, &mut out);
        }
    }
    out
}

fn finish(
    ctx: &UnitCtx,
    mailboxes: &[PlannedMailbox],
    task: Task,
    result: &Result<RawResponse, Diagnosis>,
    o: &Result<u16, Diagnosis>,
    queue: &mut Vec<Task>,
    out: &mut UnitOutcome,
) {
    let mb = &mailboxes[task.mb];
    let leftover = |message_id: String| LeftoverDraft {
        mailbox: mb.address.clone(),
        message_id,
        subject: ctx.meta.subject.clone(),
    };
    match task.op {
        Op::Check(cap) => {
            if cap == Capability::Write
                && o.is_ok()
                && let Some(id) = created_id(result)
            {
                queue.push(Task::new(task.mb, Op::DeleteDraft(id)));
            }
            if task.ambiguous {
                queue.push(Task::new(task.mb, Op::SweepDrafts));
            }
            let cell = cell_result(mb, cap, o, task.attempts, &ctx.meta);
            ctx.emit(CheckEvent::Cell(Box::new(cell.clone())));
            out.cells.push(cell);
        }
        Op::DeleteDraft(id) => {
            // Deleted, or already gone (404): either way nothing is left behind.
            let gone = o.is_ok() || matches!(o, Err(d) if d.status == Some(404));
            if !gone {
                out.drafts_left.push(leftover(id));
            }
        }
        Op::SweepDrafts => match drafts_with_subject(result, &ctx.meta.subject) {
            Some(ids) => {
                for id in ids {
                    queue.push(Task::new(task.mb, Op::DeleteDraft(id)));
                }
            }
            None => out.drafts_left.push(leftover(
                "unknown: a create request's answer was lost".to_string(),
            )),
        },
    }
}

/// Sends the ready tasks: one `$batch` per 20, or one request each; all concurrently, each
/// HTTP request holding a global permit.
async fn execute(
    ctx: &UnitCtx,
    mailboxes: &[PlannedMailbox],
    tasks: &[Task],
) -> Vec<Result<RawResponse, Diagnosis>> {
    let reqs: Vec<_> = tasks
        .iter()
        .map(|t| request(&t.op, &mailboxes[t.mb].address, &ctx.meta))
        .collect();
    if ctx.batch && reqs.len() > 1 {
        let chunks = reqs.chunks(super::batch::MAX_BATCH).map(|c| async move {
            let _permit = ctx.permits.acquire().await;
            ctx.session.batch(c).await
        });
        join_all(chunks).await.into_iter().flatten().collect()
    } else {
        let calls = reqs.iter().map(|r| async move {
            let _permit = ctx.permits.acquire().await;
            let method = match r.method {
                "POST" => reqwest::Method::POST,
                "DELETE" => reqwest::Method::DELETE,
                _ => reqwest::Method::GET,
            };
            ctx.session.call(method, &r.url, r.body.as_ref()).await
        });
        join_all(calls).await
    }
}
