//! Benchmark (ignored by default; run with `scripts/check_bench.sh` or
//! `cargo test --release --test graph_sim bench -- --ignored --nocapture --test-threads 1`).
//!
//! 1,000 mailboxes expected granted + 50 expected denied, 50 ms latency, Kundo preset (read
//! and write: list, create draft, delete draft). Targets: wall time within 1.5× of the lower
//! bound (requests × latency ÷ concurrency) and under 5 s; zero per-mailbox concurrency
//! violations and zero early retries per `/_sim/stats`; zero drafts left. Then 10,000
//! mailboxes in a child process (the check alone, not the sim) for peak RSS under 64 MB.

use std::time::{Duration, Instant};

use mailscope::graph::CheckOptions;
use mailscope::profile::Expectation::{self, Denied, Granted};

use crate::support::*;

const LATENCY_MS: u64 = 50;
const CHILD_ENV: &str = "MAILSCOPE_BENCH_CHILD";

fn scenario(granted: usize, denied: usize) -> String {
    format!(
        "{}{}\n[[group]]\naddress = \"kundo@contoso.com\"\n[[mailbox_range]]\npattern = \"agent{{n}}@contoso.com\"\ncount = {granted}\nmember_of = [\"kundo@contoso.com\"]\n[[mailbox_range]]\npattern = \"other{{n}}@contoso.com\"\ncount = {denied}\n[[access_policy]]\napp = \"{KUNDO}\"\ngroup = \"kundo@contoso.com\"\naccess = \"RestrictAccess\"\n",
        header(LATENCY_MS),
        kundo_app()
    )
}

fn mailboxes(granted: usize, denied: usize) -> Vec<(String, Expectation)> {
    (1..=granted)
        .map(|i| (format!("agent{i}@contoso.com"), Granted))
        .chain((1..=denied).map(|i| (format!("other{i}@contoso.com"), Denied)))
        .collect()
}

fn bench_profile(
    sim: &mailscope::sim::SimHandle,
    granted: usize,
    denied: usize,
) -> mailscope::profile::Profile {
    let list = mailboxes(granted, denied);
    let refs: Vec<(&str, Expectation)> = list.iter().map(|(a, e)| (a.as_str(), *e)).collect();
    profile(sim, KUNDO, &refs, None)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run explicitly"]
async fn bench_1050_mailboxes() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&scenario(1000, 50), &dir).await;
    let p = bench_profile(&sim, 1000, 50);
    let plan = plan(&p, None);
    println!(
        "mode      conc  wall_s  requests  bound_s  ratio  max_conc  early  429s  drafts_left"
    );
    let configs = [
        (false, 16),
        (false, 32),
        (false, 64),
        (false, 128),
        (true, 16),
        (true, 32),
        (true, 64),
    ];
    let default = CheckOptions::default();
    for (batch, concurrency) in configs
        .into_iter()
        .chain([(default.batch, default.concurrency)])
    {
        let before = sim.stats().await;
        let opts = CheckOptions {
            batch,
            concurrency,
            ..CheckOptions::default()
        };
        let s = kundo_session(&sim);
        let t = Instant::now();
        let (r, _) = check(&plan, s, &opts).await;
        let wall = t.elapsed().as_secs_f64();
        let after = sim.stats().await;
        assert_eq!(r.counts.pass, 2100, "every cell passes");
        // Mailbox requests: inner requests of batches are counted under their own routes.
        let mailbox_requests: u64 = after
            .requests
            .iter()
            .filter(|(route, _)| route.contains("/users/"))
            .flat_map(|(_, m)| m.values())
            .sum::<u64>()
            - before
                .requests
                .iter()
                .filter(|(route, _)| route.contains("/users/"))
                .flat_map(|(_, m)| m.values())
                .sum::<u64>();
        // Unbatched: each request holds a permit for one latency. Batched: the service runs
        // 4 inner requests of a batch at once, so each permit serves 4 at a time.
        let parallel = concurrency as f64 * if batch { 4.0 } else { 1.0 };
        let bound = mailbox_requests as f64 * LATENCY_MS as f64 / 1000.0 / parallel;
        let early = after.early_retries - before.early_retries;
        let throttled = after.throttled_429 - before.throttled_429;
        println!(
            "{:<9} {:>4}  {:>6.2}  {:>8}  {:>7.2}  {:>5.2}  {:>8}  {:>5}  {:>4}  {:>11}",
            if batch { "batch" } else { "no-batch" },
            concurrency,
            wall,
            mailbox_requests,
            bound,
            wall / bound,
            after.max_concurrent,
            early,
            throttled,
            after.drafts_outstanding
        );
        assert!(after.max_concurrent <= 4);
        assert_eq!(early, 0);
        assert_eq!(after.drafts_outstanding, 0);
        if (batch, concurrency) == (default.batch, default.concurrency) {
            assert!(wall < 5.0, "default configuration under 5 s");
            assert!(
                wall / bound <= 1.5,
                "default configuration within 1.5x of the bound"
            );
        }
    }
    sim.shutdown().await;
}

/// Peak memory of a 10,000-mailbox check, measured in a child process that runs only the
/// check (the sim stays in this process).
#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark: run explicitly"]
async fn bench_10000_mailboxes_memory() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&scenario(10_000, 0), &dir).await;
    let target = serde_json::json!({
        "authority": sim.authority, "graph": sim.graph, "ca_file": sim.ca_file,
    })
    .to_string();
    let exe = std::env::current_exe().unwrap();
    let t = Instant::now();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(exe)
            .args(["--exact", "bench::memory_child", "--ignored", "--nocapture"])
            .env(CHILD_ENV, target)
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let wall = t.elapsed();
    let text = String::from_utf8_lossy(&out.stdout);
    let hwm_kb: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("VMHWM_KB="))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| {
            panic!(
                "child output: {text}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let st = sim.stats().await;
    println!(
        "10000 mailboxes: peak RSS {:.1} MB, wall {:.2} s, drafts left {}, max per-mailbox concurrency {}, early retries {}",
        hwm_kb as f64 / 1024.0,
        wall.as_secs_f64(),
        st.drafts_outstanding,
        st.max_concurrent,
        st.early_retries
    );
    assert!(text.contains("PASS=20000"), "{text}");
    assert!(hwm_kb < 64 * 1024, "peak RSS {hwm_kb} kB");
    assert_eq!(st.drafts_outstanding, 0);
    sim.shutdown().await;
}

/// The child half of the memory benchmark; does nothing unless started by it.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "benchmark child"]
async fn memory_child() {
    let Ok(target) = std::env::var(CHILD_ENV) else {
        return;
    };
    let t: serde_json::Value = serde_json::from_str(&target).unwrap();
    let ca = std::fs::read(t["ca_file"].as_str().unwrap()).unwrap();
    let endpoints = mailscope::graph::cloud::CloudEndpoints::custom(
        t["authority"].as_str().unwrap(),
        t["graph"].as_str().unwrap(),
        Some(ca),
    )
    .unwrap();
    let session = std::sync::Arc::new(
        mailscope::graph::Session::new(
            endpoints,
            TENANT,
            KUNDO,
            secret(KUNDO_SECRET),
            Duration::from_secs(30),
        )
        .unwrap(),
    );
    let list = mailboxes(10_000, 0);
    let mut p = mailscope::profile::Profile::new(
        "bench",
        mailscope::profile::PresetId::Kundo,
        mailscope::profile::Cloud::Custom,
    );
    p.mailboxes = list
        .into_iter()
        .map(|(address, expect)| mailscope::profile::Mailbox {
            address,
            kind: mailscope::profile::MailboxKind::User,
            expect,
        })
        .collect();
    // Like the command line: progress events are consumed while the run goes.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let drain = tokio::spawn(async move { while rx.recv().await.is_some() {} });
    let r = mailscope::graph::run(
        &plan(&p, None),
        session,
        &CheckOptions::default(),
        tx,
        mailscope::graph::Cancel::new(),
    )
    .await;
    drain.await.unwrap();
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map(|v| v.trim().trim_end_matches("kB").trim().to_string())
        .unwrap();
    println!("PASS={}", r.counts.pass);
    println!("VMHWM_KB={hwm}");
}
