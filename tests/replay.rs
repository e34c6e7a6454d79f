//! Support mode: a report replayed on the simulated tenant yields the same verdicts.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

use mailscope::graph::CheckRun;
use mailscope::preset;
use mailscope::profile::*;
use mailscope::report::{self, replay};

#[path = "common/demo.rs"]
mod demo;
use demo::{DEMO, check, demo_profile, endpoints, sim};

fn verdicts(r: &CheckRun) -> Vec<(String, String, String, Option<String>)> {
    let mut v: Vec<_> = r
        .cells
        .iter()
        .map(|c| {
            (
                c.mailbox.clone(),
                c.capability.as_str().to_string(),
                c.verdict.as_str().to_string(),
                c.cause.map(|x| x.as_str().to_string()),
            )
        })
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_demo_report_yields_the_same_verdicts() {
    let original_sim = sim(DEMO).await;
    let profile = demo_profile(&original_sim);
    let original = check(&profile, "demo~secret~value").await;
    let kinds: std::collections::BTreeSet<_> =
        original.cells.iter().map(|c| c.verdict.as_str()).collect();
    assert!(
        kinds.contains("pass") && kinds.contains("fail") && kinds.contains("pending"),
        "{kinds:?}"
    );

    let preset = preset::preset(PresetId::Kundo).unwrap();
    let doc = report::build(&profile, &preset, time::OffsetDateTime::now_utc(), None)
        .with_check_run(Some(&original));
    // Through JSON, as support receives it.
    let doc = report::parse_json(&report::render(&doc, report::Format::Json).unwrap()).unwrap();
    let replay = replay::scenario_for(&doc);
    assert!(
        replay.not_reproduced.is_empty(),
        "{:?}",
        replay.not_reproduced
    );
    let replay_sim = sim(&replay.scenario).await;
    let replay_profile = replay.profile(&doc, endpoints(&replay_sim)).unwrap();
    let replayed = check(&replay_profile, replay.secret()).await;
    assert_eq!(
        verdicts(&replayed),
        verdicts(&original),
        "scenario:\n{}",
        replay.scenario
    );
    original_sim.shutdown().await;
    replay_sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_secret_replays_as_refused() {
    let original_sim = sim(DEMO).await;
    let profile = demo_profile(&original_sim);
    let original = check(&profile, "5e1c0a77-1111-4222-8333-944445555666").await;
    assert!(!original.token.ok);
    let preset = preset::preset(PresetId::Kundo).unwrap();
    let doc = report::build(&profile, &preset, time::OffsetDateTime::now_utc(), None)
        .with_check_run(Some(&original));
    let replay = replay::scenario_for(&doc);
    let replay_sim = sim(&replay.scenario).await;
    let replayed = check(
        &replay.profile(&doc, endpoints(&replay_sim)).unwrap(),
        replay.secret(),
    )
    .await;
    assert!(!replayed.token.ok);
    assert_eq!(
        replayed.token.diagnosis.as_ref().map(|d| d.cause.as_str()),
        original.token.diagnosis.as_ref().map(|d| d.cause.as_str())
    );
}
