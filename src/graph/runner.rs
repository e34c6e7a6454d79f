//! The check engine: token and consent first, then every cell with bounded concurrency,
//! at most 4 requests in flight per mailbox, batching, retries, a deadline and cancellation.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::auth::compare;
use super::batch::MAX_BATCH;
use super::cancel::Cancel;
use super::diagnosis::Diagnosis;
use super::events::CheckEvent;
use super::exchange_decide::EntraGrants;
use super::ops::RunMeta;
use super::plan::CheckPlan;
use super::retry::RetryPolicy;
use super::run_result::{CheckRun, Counts, TokenResult};
use super::session::Session;
use super::timeout::DEFAULT_REQUEST_TIMEOUT;
use super::unit::{UnitCtx, UnitOutcome, run_unit};

/// HTTP requests in flight at once when not told otherwise. Measured against the simulated
/// tenant (1,050 mailboxes, 50 ms latency, batched): 16 → 3.2 s, 32 → 1.7 s, 64 → 0.9 s but
/// 1.5× its lower bound as the two cores saturate; 32 keeps a margin on small machines.
pub const DEFAULT_CONCURRENCY: usize = 32;

/// Outlook's documented limit of concurrent requests per app and mailbox.
pub const MAX_PER_MAILBOX: usize = 4;

/// Requests in flight per mailbox by default: one. Checks touch many mailboxes, so this costs
/// no speed once there are more mailboxes than permits, and a throttled mailbox never has a
/// sibling request already on its way (which the service would count as an early retry).
pub const DEFAULT_PER_MAILBOX: usize = 1;

/// How to run the checks.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// HTTP requests in flight at once (a `$batch` counts as one).
    pub concurrency: usize,
    /// Use JSON batching where it saves round trips.
    pub batch: bool,
    /// Requests in flight per mailbox; clamped to 1..=[`MAX_PER_MAILBOX`].
    pub per_mailbox: usize,
    /// Opt-in recipient for the send check.
    pub send_to: Option<String>,
    pub per_request_timeout: Duration,
    /// Overall time limit of one run.
    pub deadline: Option<Duration>,
    pub retry: RetryPolicy,
    /// Watch mode: re-run unsettled cells every `interval` until they pass or `until` passes.
    pub watch: Option<WatchOptions>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WatchOptions {
    pub interval: Duration,
    pub until: Duration,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            concurrency: DEFAULT_CONCURRENCY,
            batch: true,
            per_mailbox: DEFAULT_PER_MAILBOX,
            send_to: None,
            per_request_timeout: DEFAULT_REQUEST_TIMEOUT,
            deadline: Some(Duration::from_secs(600)),
            retry: RetryPolicy::default(),
            watch: None,
        }
    }
}

/// Token acquisition with retries on transient failures (503 from the token endpoint, …).
async fn token_result(
    plan: &CheckPlan,
    session: &Session,
    retry: &RetryPolicy,
    cancel: &Cancel,
) -> TokenResult {
    let mut attempt = 0;
    let res: Result<_, Diagnosis> = loop {
        attempt += 1;
        match session.tokens.token_with_claims().await {
            Err(d) if retry.should_retry(&d, attempt) && !cancel.is_cancelled() => {
                tokio::select! {
                    _ = tokio::time::sleep(retry.delay(attempt, d.retry_after_s)) => {}
                    _ = cancel.cancelled() => break Err(d),
                }
            }
            other => break other,
        }
    };
    let (ok, diagnosis, claims) = match res {
        Ok(t) => (true, None, Some(t.claims)),
        Err(d) => (false, Some(d), None),
    };
    TokenResult {
        ok,
        credential: session.tokens.credential_kind().to_string(),
        authority: session.endpoints.authority.clone(),
        graph: session.endpoints.graph.clone(),
        tenant_id: claims.as_ref().and_then(|c| c.tid.clone()),
        diagnosis,
        consent: claims.map(|c| compare(&c, &plan.preset, plan.mechanism)),
    }
}

/// Mailboxes per unit: as many as fill one batch, but spread so every permit has work.
fn unit_size(plan: &CheckPlan, options: &CheckOptions) -> usize {
    if !options.batch {
        return 1;
    }
    let per_mailbox = options.per_mailbox.clamp(1, MAX_PER_MAILBOX);
    let fill = (MAX_BATCH / per_mailbox).max(1);
    let spread = plan
        .mailboxes
        .len()
        .div_ceil(options.concurrency.max(1))
        .max(1);
    fill.min(spread)
}

/// Runs one round of checks. Returns the results so far when cancelled; drafts created are
/// deleted before it returns.
pub async fn run(
    plan: &CheckPlan,
    session: Arc<Session>,
    options: &CheckOptions,
    progress: UnboundedSender<CheckEvent>,
    cancel: Cancel,
) -> CheckRun {
    let started_at = OffsetDateTime::now_utc();
    let t0 = Instant::now();
    let _ = progress.send(CheckEvent::Planned {
        mailboxes: plan.mailboxes.len(),
        cells: plan.cells(),
    });
    let _ = progress.send(CheckEvent::Waiting {
        what: "the token endpoint",
        host: session.endpoints.authority_host().to_string(),
    });
    let token = token_result(plan, &session, &options.retry, &cancel).await;
    let _ = progress.send(CheckEvent::Token(Box::new(token.clone())));
    let mut report = CheckRun {
        profile: plan.profile.clone(),
        started_at,
        finished_at: started_at,
        elapsed_ms: 0,
        token,
        counts: Counts::default(),
        cells: Vec::with_capacity(plan.cells()),
        notes: plan.notes.clone(),
        cancelled: false,
        deadline_reached: false,
        drafts_left: Vec::new(),
        exchange: plan.exchange.as_deref().cloned(),
    };
    if report.token.ok {
        let _ = progress.send(CheckEvent::Waiting {
            what: "Graph",
            host: session.endpoints.graph_host().to_string(),
        });
        run_cells(
            plan,
            session,
            options,
            progress.clone(),
            &cancel,
            &mut report,
        )
        .await;
    }
    report.cancelled = cancel.is_cancelled();
    report.finished_at = OffsetDateTime::now_utc();
    report.elapsed_ms = t0.elapsed().as_millis() as u64;
    report.recount();
    let _ = progress.send(CheckEvent::Finished(report.counts));
    report
}

async fn run_cells(
    plan: &CheckPlan,
    session: Arc<Session>,
    options: &CheckOptions,
    progress: UnboundedSender<CheckEvent>,
    cancel: &Cancel,
    report: &mut CheckRun,
) {
    let concurrency = options.concurrency.max(1);
    let deadline = options.deadline.map(|d| Instant::now() + d);
    let ctx = Arc::new(UnitCtx {
        session,
        permits: Arc::new(Semaphore::new(concurrency)),
        batch: options.batch,
        per_mailbox: options.per_mailbox.clamp(1, MAX_PER_MAILBOX),
        retry: options.retry,
        meta: RunMeta::new(plan.send_to.clone(), plan.mechanism, plan.scope_changed_at)
            .with_exchange(
                &plan.profile,
                plan.exchange.clone(),
                EntraGrants::of(report.token.consent.as_ref()),
            ),
        progress: progress.clone(),
        cancel: cancel.clone(),
        deadline,
    });
    let size = unit_size(plan, options);
    let mut units = plan.mailboxes.chunks(size);
    let mut running: JoinSet<UnitOutcome> = JoinSet::new();
    let mut stop_announced = false;
    loop {
        let stopping = cancel.is_cancelled() || deadline.is_some_and(|d| Instant::now() >= d);
        while !stopping && running.len() < concurrency {
            match units.next() {
                Some(u) => {
                    running.spawn(run_unit(ctx.clone(), u.to_vec()));
                }
                None => break,
            }
        }
        if stopping && !stop_announced {
            stop_announced = true;
            let _ = progress.send(CheckEvent::Stopping);
        }
        let next = tokio::select! {
            n = running.join_next() => n,
            _ = cancel.cancelled(), if !stopping => continue,
        };
        match next {
            None => break,
            Some(Ok(o)) => {
                report.cells.extend(o.cells);
                report.counts.not_checked += o.not_checked;
                report.drafts_left.extend(o.drafts_left);
                report.deadline_reached |= o.deadline_reached;
            }
            Some(Err(e)) => report.notes.push(format!("a check task failed: {e}")),
        }
    }
    let skipped: usize = units
        .flat_map(|u| u.iter())
        .map(|m| m.capabilities.len())
        .sum();
    report.counts.not_checked += skipped;
    // Cells finish in any order; report them in the profile's order.
    let order: HashMap<&str, usize> = plan
        .mailboxes
        .iter()
        .enumerate()
        .map(|(i, m)| (m.address.as_str(), i))
        .collect();
    report
        .cells
        .sort_by_key(|c| (order.get(c.mailbox.as_str()).copied(), c.capability));
    if deadline.is_some_and(|d| Instant::now() >= d) {
        report.deadline_reached = true;
    }
}
