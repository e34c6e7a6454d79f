//! Support mode: a report replayed on the simulated tenant yields the same verdicts.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

use std::net::SocketAddr;

use mailscope::graph::Cancel;
use mailscope::graph::CheckReport;
use mailscope::graph::cli::{CheckArgs, run_check_for};
use mailscope::preset;
use mailscope::profile::*;
use mailscope::report::{self, replay};
use mailscope::secrets::{MemoryStore, Secret, store_client_secret};
use mailscope::sim::{Scenario, SimHandle, start};

const DEMO: &str = include_str!("../assets/scenarios/demo.toml");

async fn sim(text: &str) -> SimHandle {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = Scenario::from_toml(text, dir, "scenario").unwrap();
    start(scenario, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap()
}

fn endpoints(s: &SimHandle) -> Endpoints {
    Endpoints {
        authority: s.authority.clone(),
        graph: s.graph.clone(),
        ca_file: Some(s.ca_file.display().to_string()),
    }
}

async fn check(profile: &Profile, secret: &str) -> CheckReport {
    let store = MemoryStore::new();
    store_client_secret(&store, &profile.name, &Secret::new(secret)).unwrap();
    let preset = preset::preset(profile.preset).unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let (_, report) = run_check_for(
        profile,
        &preset,
        &CheckArgs::default(),
        &store,
        &mut out,
        &mut err,
        Cancel::new(),
    )
    .await;
    report.unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(&err)))
}

fn demo_profile(s: &SimHandle) -> Profile {
    let mut p = Profile::new("demo", PresetId::Kundo, Cloud::Custom);
    p.tenant = Some("contoso.onmicrosoft.com".into());
    p.client_id = Some("b1c2d3e4-0000-4000-8000-000000000001".into());
    p.app_name = Some("Kundo Mail".into());
    let mut cred = CredentialInfo::new(CredentialKind::Secret);
    cred.secret_id = Some("5e1c0a77-1111-4222-8333-944445555666".into());
    p.credential = Some(cred);
    p.endpoints = Some(endpoints(s));
    p.scope = Some(Scope {
        mechanism: ScopeMechanism::ApplicationAccessPolicy,
        group_name: Some("Kundo Mail mailboxes".into()),
        group_address: Some("kundo-mailboxes@contoso.com".into()),
        description: None,
        changed_at: Some(time::OffsetDateTime::now_utc()),
    });
    for (addr, kind, expect) in [
        (
            "support@contoso.com",
            MailboxKind::Shared,
            Expectation::Granted,
        ),
        ("sales@contoso.com", MailboxKind::User, Expectation::Granted),
        (
            "team.lead@contoso.com",
            MailboxKind::User,
            Expectation::Granted,
        ),
        ("ceo@contoso.com", MailboxKind::User, Expectation::Denied),
        (
            "billing@contoso.com",
            MailboxKind::User,
            Expectation::Granted,
        ),
        (
            "hybrid@contoso.com",
            MailboxKind::User,
            Expectation::Granted,
        ),
        (
            "intern@contoso.com",
            MailboxKind::User,
            Expectation::Granted,
        ),
        (
            "nobody@contoso.com",
            MailboxKind::User,
            Expectation::Granted,
        ),
    ] {
        p.mailboxes.push(Mailbox {
            address: addr.into(),
            kind,
            expect,
        });
    }
    p
}

fn verdicts(r: &CheckReport) -> Vec<(String, String, String, Option<String>)> {
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
