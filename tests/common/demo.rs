//! The demo tenant in-process, a profile for it, and a check run: shared by report tests.
#![allow(dead_code, clippy::unwrap_used)] // test support: a panic is the failure report

use std::net::SocketAddr;

use mailscope::graph::Cancel;
use mailscope::graph::CheckRun;
use mailscope::preset;
use mailscope::profile::*;
use mailscope::secrets::{MemoryStore, Secret, store_client_secret};
use mailscope::sim::{Scenario, SimHandle, start};

pub const DEMO: &str = include_str!("../../assets/scenarios/demo.toml");

pub async fn sim(text: &str) -> SimHandle {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = Scenario::from_toml(text, dir, "scenario").unwrap();
    start(scenario, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap()
}

pub fn endpoints(s: &SimHandle) -> Endpoints {
    Endpoints {
        authority: s.authority.clone(),
        graph: s.graph.clone(),
        ca_file: Some(s.ca_file.display().to_string()),
        exchange: None,
    }
}

pub async fn check(profile: &Profile, secret: &str) -> CheckRun {
    let store = MemoryStore::new();
    store_client_secret(&store, profile, &Secret::new(secret)).unwrap();
    let preset = preset::preset(profile.preset).unwrap();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    mailscope::graph::run_profile(
        profile,
        &preset,
        std::sync::Arc::new(store),
        &mailscope::graph::RunSpec::default(),
        tx,
        Cancel::new(),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

pub fn demo_profile(s: &SimHandle) -> Profile {
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
