//! A sim per test, profiles pointing at it, and a helper that runs a check and collects its
//! events.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use mailscope::graph::auth::Credential;
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::graph::{Cancel, CheckEvent, CheckOptions, CheckPlan, CheckRun, Session};
use mailscope::preset;
use mailscope::profile::{
    Cloud, CredentialInfo, CredentialKind, Endpoints, Expectation, Mailbox, MailboxKind, PresetId,
    Profile, Scope, ScopeMechanism,
};
use mailscope::secrets::Secret;
use mailscope::sim::{Scenario, SimHandle};

pub const TENANT: &str = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f";
pub const KUNDO: &str = "b1c2d3e4-0000-4000-8000-000000000001";
pub const KUNDO_SECRET: &str = "kundo~secret~value";
pub const KUNDO_SECRET_ID: &str = "5e1c0a77-1111-4222-8333-944445555666";

/// The scenario header: tenant, domains, latency.
pub fn header(latency_ms: u64) -> String {
    format!(
        "tenant_id = \"{TENANT}\"\ndomains = [\"contoso.onmicrosoft.com\", \"contoso.com\"]\nlatency_ms = {latency_ms}\njitter_ms = 0\n"
    )
}

/// The Kundo app (Mail.Send + Mail.ReadWrite) with its secret.
pub fn kundo_app() -> String {
    format!(
        "[[app]]\nclient_id = \"{KUNDO}\"\nname = \"Kundo Mail\"\nroles = [\"Mail.Send\", \"Mail.ReadWrite\"]\nsecrets = [{{ id = \"{KUNDO_SECRET_ID}\", value = \"{KUNDO_SECRET}\", expires = \"2030-01-01\" }}]\n"
    )
}

/// Starts a sim from scenario text; `dir` holds files the scenario names and lives as long
/// as the returned guard.
pub async fn start(text: &str, dir: &tempfile::TempDir) -> SimHandle {
    let scenario = Scenario::from_toml(text, dir.path(), "test scenario").expect("scenario");
    let listen: SocketAddr = "127.0.0.1:0".parse().expect("addr");
    mailscope::sim::start(scenario, listen)
        .await
        .expect("sim starts")
}

pub fn endpoints(sim: &SimHandle) -> CloudEndpoints {
    CloudEndpoints::custom(
        &sim.authority,
        &sim.graph,
        Some(sim.ca_pem.as_bytes().to_vec()),
    )
    .expect("endpoints")
}

pub fn session(sim: &SimHandle, tenant: &str, client_id: &str, cred: Credential) -> Arc<Session> {
    session_timeout(sim, tenant, client_id, cred, Duration::from_secs(10))
}

pub fn session_timeout(
    sim: &SimHandle,
    tenant: &str,
    client_id: &str,
    cred: Credential,
    timeout: Duration,
) -> Arc<Session> {
    Arc::new(Session::new(endpoints(sim), tenant, client_id, cred, timeout).expect("session"))
}

/// The Kundo app signed in with its secret.
pub fn kundo_session(sim: &SimHandle) -> Arc<Session> {
    session(sim, TENANT, KUNDO, secret(KUNDO_SECRET))
}

pub fn secret(s: &str) -> Credential {
    Credential::Secret(Secret::new(s))
}

/// A Kundo profile on the sim with these mailboxes.
pub fn profile(
    sim: &SimHandle,
    client_id: &str,
    mailboxes: &[(&str, Expectation)],
    changed_at: Option<time::OffsetDateTime>,
) -> Profile {
    let mut p = Profile::new("simtest", PresetId::Kundo, Cloud::Custom);
    p.tenant = Some(TENANT.to_string());
    p.client_id = Some(client_id.to_string());
    p.endpoints = Some(Endpoints {
        authority: sim.authority.clone(),
        graph: sim.graph.clone(),
        ca_file: Some(sim.ca_file.display().to_string()),
        exchange: None,
    });
    let mut cred = CredentialInfo::new(CredentialKind::Secret);
    cred.secret_id = Some(KUNDO_SECRET_ID.to_string());
    p.credential = Some(cred);
    p.scope = Some(Scope {
        mechanism: ScopeMechanism::ApplicationAccessPolicy,
        group_name: None,
        group_address: None,
        description: None,
        changed_at,
    });
    p.mailboxes = mailboxes
        .iter()
        .map(|(a, e)| Mailbox {
            address: a.to_string(),
            kind: MailboxKind::User,
            expect: *e,
        })
        .collect();
    p
}

pub fn plan(p: &Profile, send_to: Option<&str>) -> CheckPlan {
    CheckPlan::new(p, &preset::preset(p.preset).expect("preset"), send_to)
}

/// Runs a check to the end; returns the report and every event.
pub async fn check(
    plan: &CheckPlan,
    session: Arc<Session>,
    options: &CheckOptions,
) -> (CheckRun, Vec<CheckEvent>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let report = mailscope::graph::run_watch(plan, session, options, tx, Cancel::new()).await;
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    (report, events)
}

pub fn options(batch: bool) -> CheckOptions {
    CheckOptions {
        batch,
        ..CheckOptions::default()
    }
}
