//! Throttling, transient failures, timeouts and cancellation against the sim's counters.

use std::time::Duration;

use mailscope::graph::retry::RetryPolicy;
use mailscope::graph::{Cancel, Capability, Cause, CheckEvent, CheckOptions, Verdict};
use mailscope::profile::Expectation::{self, Granted};

use crate::support::*;

fn many(n: usize, faults: &str, latency_ms: u64) -> String {
    format!(
        "{}{}\n[[group]]\naddress = \"kundo@contoso.com\"\n[[mailbox_range]]\npattern = \"agent{{n}}@contoso.com\"\ncount = {n}\nmember_of = [\"kundo@contoso.com\"]\n[[access_policy]]\napp = \"{KUNDO}\"\ngroup = \"kundo@contoso.com\"\naccess = \"RestrictAccess\"\n[faults]\n{faults}\n",
        header(latency_ms),
        kundo_app()
    )
}

fn agents(n: usize) -> Vec<(String, Expectation)> {
    (1..=n)
        .map(|i| (format!("agent{i}@contoso.com"), Granted))
        .collect()
}

fn agent_profile(sim: &mailscope::sim::SimHandle, n: usize) -> mailscope::profile::Profile {
    let list = agents(n);
    let refs: Vec<(&str, Expectation)> = list.iter().map(|(a, e)| (a.as_str(), *e)).collect();
    profile(sim, KUNDO, &refs, None)
}

async fn throttled_run(batch: bool) {
    let dir = tempfile::tempdir().unwrap();
    let sim = start(
        &many(40, "throttle_rate = 0.3\nretry_after_s = 0.25\nseed = 7", 2),
        &dir,
    )
    .await;
    let p = agent_profile(&sim, 40);
    let opts = CheckOptions {
        retry: RetryPolicy {
            max_attempts: 30,
            ..RetryPolicy::default()
        },
        ..options(batch)
    };
    let (r, events) = check(&plan(&p, None), kundo_session(&sim), &opts).await;
    assert_eq!(
        r.counts.pass,
        80,
        "{:#?}",
        r.cells.iter().find(|c| c.verdict != Verdict::Pass)
    );
    let st = sim.stats().await;
    assert!(st.throttled_429 > 0, "the scenario throttles");
    assert_eq!(
        st.early_retries, 0,
        "Retry-After (fractional) honoured per mailbox"
    );
    assert!(st.max_concurrent <= 4);
    assert_eq!(st.drafts_outstanding, 0);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, CheckEvent::Retrying { after_s, .. } if *after_s >= 0.25))
    );
    assert!(r.cells.iter().any(|c| c.attempts > 1));
    sim.shutdown().await;
}

#[tokio::test]
async fn throttling_is_retried_after_retry_after_batched() {
    throttled_run(true).await;
}

#[tokio::test]
async fn throttling_is_retried_after_retry_after_unbatched() {
    throttled_run(false).await;
}

#[tokio::test]
async fn stale_mailboxes_and_dropped_connections_are_retried() {
    let dir = tempfile::tempdir().unwrap();
    let faults = "mailbox_stale_first = 3\ndrop_connection_first = 2\nretry_after_s = 0.1";
    let sim = start(&many(6, faults, 2), &dir).await;
    let p = agent_profile(&sim, 6);
    let (r, _) = check(&plan(&p, None), kundo_session(&sim), &options(false)).await;
    assert_eq!(
        r.counts.pass,
        12,
        "{:#?}",
        r.cells.iter().find(|c| c.verdict != Verdict::Pass)
    );
    let st = sim.stats().await;
    assert_eq!(st.dropped_connections, 2);
    assert_eq!(st.drafts_outstanding, 0);
    sim.shutdown().await;
}

/// A session that gives up on a request after 300 ms (the sim stalls for 30 s). Waits until
/// the sim can sign tokens (its key is made in the background, slowly on a busy machine): a
/// token endpoint that never answered within the limit twice is not asked again.
async fn impatient_session(
    sim: &mailscope::sim::SimHandle,
) -> std::sync::Arc<mailscope::graph::Session> {
    sim.sign_claims(&serde_json::json!({})).await.unwrap();
    session_timeout(
        sim,
        TENANT,
        KUNDO,
        secret(KUNDO_SECRET),
        Duration::from_millis(300),
    )
}

/// Unbatched, retrying after 10 ms backoff up to `max_attempts` attempts.
fn quick_retries(max_attempts: u32) -> CheckOptions {
    CheckOptions {
        retry: RetryPolicy {
            max_attempts,
            base: Duration::from_millis(10),
            ..RetryPolicy::default()
        },
        ..options(false)
    }
}

#[tokio::test]
async fn stalled_service_ends_in_error_with_network_cause() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&many(2, "stall_rate = 1.0\nstall_s = 30", 0), &dir).await;
    let p = agent_profile(&sim, 2);
    let s = impatient_session(&sim).await;
    let opts = quick_retries(2);
    let (r, _) = check(&plan(&p, None), s, &opts).await;
    assert!(r.token.ok, "{:?}", r.token);
    assert_eq!(r.counts.error, 4);
    for c in &r.cells {
        assert_eq!(
            (c.verdict, c.cause, c.attempts),
            (Verdict::Error, Some(Cause::Network), 2)
        );
    }
    // The creates may have made drafts (their answers were lost) and the Drafts sweep stalled
    // too: the report says so rather than claiming a clean mailbox.
    assert_eq!(r.drafts_left.len(), 2);
    assert!(
        r.drafts_left
            .iter()
            .all(|d| d.message_id.starts_with("unknown"))
    );
    // No answer is no verdict: the run could not finish (network), exit 3, not a finding.
    assert_eq!(r.outcome(), mailscope::graph::Outcome::CouldNotRun);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_followed_by_a_drafts_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&many(1, "stall_first = 1\nstall_s = 30", 0), &dir).await;
    let p = agent_profile(&sim, 1);
    let write_only = plan(&p, None).only(&[("agent1@contoso.com".into(), Capability::Write)]);
    let s = impatient_session(&sim).await;
    let opts = quick_retries(RetryPolicy::default().max_attempts);
    let (r, _) = check(&write_only, s, &opts).await;
    assert_eq!(r.counts.pass, 1, "{:#?}", r.cells);
    assert_eq!(
        r.cells[0].attempts, 2,
        "the first create stalled and timed out"
    );
    assert!(r.drafts_left.is_empty());
    let st = sim.stats().await;
    assert_eq!(
        st.count("GET /v1.0/users/{id}/mailFolders/{folder}/messages", 200),
        1,
        "swept"
    );
    assert_eq!(st.drafts_outstanding, 0);
    sim.shutdown().await;
}

/// How a run is interrupted once 30 drafts exist.
#[derive(Clone, Copy, Debug)]
enum Interrupt {
    Cancel,
    /// SIGINT to this process, caught by `cancel_on_ctrl_c` as in `mailscope check`.
    CtrlC,
}

/// Interrupting mid-run deletes every draft created so far and returns the results so far.
async fn interrupted_run(batch: bool, how: Interrupt) {
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&many(1000, "", 50), &dir).await;
    let p = agent_profile(&sim, 1000);
    let plan = plan(&p, None);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let cancel = Cancel::new();
    if let Interrupt::CtrlC = how {
        // As `mailscope check` does (src/cli/check_cmd.rs): SIGINT cancels the run.
        #[cfg(unix)]
        {
            let mut sigint =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).unwrap();
            let c = cancel.clone();
            tokio::spawn(async move {
                if sigint.recv().await.is_some() {
                    c.cancel();
                }
            });
        }
    }
    let run = tokio::spawn({
        let (s, c) = (kundo_session(&sim), cancel.clone());
        let opts = options(batch);
        async move { mailscope::graph::run(&plan, s, &opts, tx, c).await }
    });
    let mut writes = 0;
    while let Some(e) = rx.recv().await {
        if let CheckEvent::Cell(c) = e
            && c.capability == Capability::Write
        {
            writes += 1;
            if writes == 30 {
                match how {
                    Interrupt::Cancel => cancel.cancel(),
                    Interrupt::CtrlC => {
                        let pid = std::process::id().to_string();
                        let st = std::process::Command::new("kill")
                            .args(["-INT", &pid])
                            .status();
                        assert!(st.unwrap().success());
                    }
                }
                break;
            }
        }
    }
    let r = run.await.unwrap();
    assert!(r.cancelled, "{how:?}");
    assert!(r.counts.not_checked > 0, "stopped early");
    assert!(r.counts.pass >= 30);
    assert_eq!(r.outcome(), mailscope::graph::Outcome::NotAllPass);
    let st = sim.stats().await;
    assert!(st.drafts_created >= 30);
    assert_eq!(
        st.drafts_outstanding, 0,
        "batch={batch} {how:?}: every draft deleted"
    );
    assert!(r.drafts_left.is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn cancel_mid_run_leaves_no_draft() {
    interrupted_run(false, Interrupt::Cancel).await;
    interrupted_run(true, Interrupt::Cancel).await;
}

#[tokio::test]
async fn ctrl_c_mid_run_leaves_no_draft() {
    interrupted_run(true, Interrupt::CtrlC).await;
}

#[tokio::test]
async fn deadline_stops_the_run_and_still_deletes_drafts() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&many(300, "", 50), &dir).await;
    let p = agent_profile(&sim, 300);
    let opts = CheckOptions {
        concurrency: 4,
        deadline: Some(Duration::from_millis(400)),
        ..options(false)
    };
    let (r, _) = check(&plan(&p, None), kundo_session(&sim), &opts).await;
    assert!(r.deadline_reached && !r.cancelled);
    assert!(r.counts.not_checked > 0);
    assert!(r.counts.pass > 0);
    let st = sim.stats().await;
    assert!(st.drafts_created > 0);
    assert_eq!(st.drafts_outstanding, 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn watch_re_runs_pending_cells_until_they_pass() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{}{}\n[[mailbox]]\naddress = \"billing@contoso.com\"\n[[mailbox]]\naddress = \"support@contoso.com\"\n[[group]]\naddress = \"g@contoso.com\"\nmembers = [\"support@contoso.com\"]\n[[group]]\naddress = \"late@contoso.com\"\nmembers = [\"billing@contoso.com\"]\n[[access_policy]]\napp = \"{KUNDO}\"\ngroup = \"g@contoso.com\"\naccess = \"RestrictAccess\"\n[[access_policy]]\napp = \"{KUNDO}\"\ngroup = \"late@contoso.com\"\naccess = \"RestrictAccess\"\neffective_after_s = 1\n",
        header(2),
        kundo_app()
    );
    let sim = start(&text, &dir).await;
    let changed = time::OffsetDateTime::now_utc();
    let p = profile(
        &sim,
        KUNDO,
        &[
            ("billing@contoso.com", Granted),
            ("support@contoso.com", Granted),
        ],
        Some(changed),
    );
    let opts = CheckOptions {
        watch: Some(mailscope::graph::WatchOptions {
            interval: Duration::from_millis(300),
            until: Duration::from_secs(20),
        }),
        ..options(true)
    };
    let (r, events) = check(&plan(&p, None), kundo_session(&sim), &opts).await;
    assert_eq!(r.counts.pass, 4, "{:#?}", r.cells);
    assert_eq!(r.cells.len(), 4);
    let rounds = events
        .iter()
        .filter(|e| matches!(e, CheckEvent::WatchRound { .. }))
        .count();
    assert!(rounds >= 1);
    // The first round saw billing pending; later rounds only re-ran billing's cells.
    let first_pending = events
        .iter()
        .any(|e| matches!(e, CheckEvent::Cell(c) if c.verdict == Verdict::Pending));
    assert!(first_pending);
    sim.shutdown().await;
}
