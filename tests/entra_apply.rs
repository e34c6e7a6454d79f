//! `entra apply` (the library) against the simulated tenant: for every preset, from an empty
//! tenant and a profile without client ID, apply fills the profile, the proof passes (token
//! roles, the tenant read back), inspect finds nothing, `check` passes for every must-reach
//! mailbox, a second apply changes nothing; replication lag (0.3 s for new objects and
//! secrets, in the whole sim) is ridden out with the fast retry policy; the tenant's 180-day
//! policy gives a 180-day secret; an admin without the role changes nothing; a call failing
//! midway stops the run with a record that matches the tenant, and a rerun completes; no
//! secret or token in any file or event. Through the binary (real keyring): the command asks,
//! applies and proves; a process killed while a call is in flight (the call landing all the
//! same) leaves a record that matches the tenant and a rerun completes without repeating it;
//! an admin without the role is refused, nothing changed. One sim for most tests; the failure
//! test and the device-code command tests each share another (their faults hit a route).
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

#[path = "common/admin_sim.rs"]
mod common;

use std::path::Path;
use std::sync::{Arc, OnceLock};

use common::Shared;
use mailscope::changes::{self, Phase};
use mailscope::entra::apply::tag;
use mailscope::entra::retry::RetryPolicy;
use mailscope::entra::{
    Action, Applied, ApplyContext, ApplyError, ApplyEvent, Proof, TenantView, apply, inspect, plan,
    prove, read_with, signin_config,
};
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::preset::{self, Preset};
use mailscope::profile::{
    Cloud, Companion, CredentialKind, Endpoints, Expectation, Mailbox, MailboxKind, PresetId,
    Profile, ProfileStore,
};
use mailscope::secrets::{MemoryStore, SecretSlot, SecretStore};
use mailscope::signin::SignedIn;

const TENANT: &str = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f";
const LEXZUR_URI: &str = "https://lexzur.example/api/v2/core/user_authorization_callback";
const SCENARIO: &str = r#"
tenant_id = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f"
tenant_name = "Contoso"
domains = ["contoso.com"]
auto_approve = "admin@contoso.com"
device_code_interval_s = 0

[app_management]
max_secret_lifetime_days = 180
replication_lag_s = 0.3
secret_lag_s = 0.3

[[admin]]
upn = "admin@contoso.com"
roles = ["Application Administrator", "Privileged Role Administrator"]

[[admin]]
upn = "cloudadmin@contoso.com"
roles = ["Cloud Application Administrator"]

[[mailbox]]
address = "support@contoso.com"
kind = "shared"
display_name = "Support"

[[mailbox]]
address = "sales@contoso.com"
display_name = "Sales"
"#;

/// A sim whose app role assignments fail three times (503), for the run stopped midway.
const FAILING: &str = r#"
tenant_id = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f"
tenant_name = "Contoso"
domains = ["contoso.com"]
auto_approve = "admin@contoso.com"
device_code_interval_s = 0

[app_management]
max_secret_lifetime_days = 180

[[app_management.fail]]
route = "POST /v1.0/servicePrincipals/{id}/appRoleAssignedTo"
times = 3
status = 503

[[admin]]
upn = "admin@contoso.com"
roles = ["Application Administrator", "Privileged Role Administrator"]
"#;

/// The sim of the command-line tests that sign in by device code, approved from the test as
/// the admin named (no automatic approval): the first app role assignment is carried out but
/// its answer held (the process is killed meanwhile); an app registered before mailscope, for
/// the admin without Privileged Role Administrator.
#[cfg(target_os = "linux")]
const HELD: &str = r#"
tenant_id = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f"
tenant_name = "Contoso"
domains = ["contoso.com"]
device_code_interval_s = 0

[app_management]
max_secret_lifetime_days = 180

[[app_management.stall]]
route = "POST /v1.0/servicePrincipals/{id}/appRoleAssignedTo"
stall_s = 600

[[admin]]
upn = "admin@contoso.com"
roles = ["Application Administrator", "Privileged Role Administrator"]

[[admin]]
upn = "appadmin@contoso.com"
roles = ["Application Administrator"]

[[app]]
client_id = "5b1c3f0e-2a4d-4e6f-8a9b-0c1d2e3f4a5b"
name = "Kundo Registered By Hand"

[[mailbox]]
address = "support@contoso.com"
kind = "shared"
display_name = "Support"
"#;

struct Sim {
    s: Shared,
    /// Holds the CA file the profiles name.
    _dir: tempfile::TempDir,
    ca_file: String,
}

fn sim_of(text: &str) -> Sim {
    let s = common::spawn(text.to_string());
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &s.ca_pem).unwrap();
    Sim {
        s,
        ca_file: ca.display().to_string(),
        _dir: dir,
    }
}

fn shared() -> &'static Sim {
    static S: OnceLock<Sim> = OnceLock::new();
    S.get_or_init(|| sim_of(SCENARIO))
}

fn failing() -> &'static Sim {
    static S: OnceLock<Sim> = OnceLock::new();
    S.get_or_init(|| sim_of(FAILING))
}

#[cfg(target_os = "linux")]
fn held() -> &'static Sim {
    static S: OnceLock<Sim> = OnceLock::new();
    S.get_or_init(|| sim_of(HELD))
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// One profile in its own home: what the admin would `profile import`, without client ID or
/// credential.
struct Case {
    sim: &'static Sim,
    store: ProfileStore,
    _home: tempfile::TempDir,
    secrets: Arc<MemoryStore>,
    preset: Preset,
    endpoints: CloudEndpoints,
    http: reqwest::Client,
    signed: SignedIn,
    name: String,
}

async fn case(sim: &'static Sim, preset_id: PresetId, app: &str, upn: &str) -> Case {
    let home = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(home.path());
    let mut p = Profile::new("p", preset_id, Cloud::Custom);
    p.tenant = Some(TENANT.into());
    p.app_name = Some(app.into());
    p.endpoints = Some(Endpoints {
        authority: sim.s.authority.clone(),
        graph: sim.s.graph.clone(),
        ca_file: Some(sim.ca_file.clone()),
        exchange: None,
    });
    if preset_id == PresetId::Lexzur {
        p.redirect_uri = Some(LEXZUR_URI.into());
    } else {
        for (a, k) in [
            ("support@contoso.com", MailboxKind::Shared),
            ("sales@contoso.com", MailboxKind::User),
        ] {
            p.mailboxes.push(Mailbox {
                address: a.into(),
                kind: k,
                expect: Expectation::Granted,
            });
        }
    }
    store.save(&p).unwrap();
    let preset = preset::preset(preset_id).unwrap();
    let endpoints = CloudEndpoints::from_profile(&p).unwrap();
    let mut cfg = signin_config(&p, &preset, &endpoints).unwrap();
    cfg.login_hint = Some(upn.into());
    let signed = common::browser(&sim.s, &cfg).await.0.unwrap();
    Case {
        sim,
        store,
        _home: home,
        secrets: Arc::new(MemoryStore::new()),
        preset,
        endpoints,
        http: common::http(&sim.s),
        signed,
        name: "p".into(),
    }
}

impl Case {
    fn profile(&self) -> Profile {
        self.store.load(&self.name).unwrap()
    }

    fn ctx(&self, retry: RetryPolicy) -> ApplyContext<'_> {
        ApplyContext {
            endpoints: &self.endpoints,
            http: &self.http,
            token: &self.signed.access_token,
            account: &self.signed.account,
            store: &self.store,
            secrets: &*self.secrets,
            retry,
        }
    }

    async fn view(&self) -> TenantView {
        read_with(
            &self.endpoints,
            &self.http,
            &self.signed,
            &self.profile(),
            &self.preset,
        )
        .await
        .unwrap()
    }

    async fn plan(&self) -> (TenantView, mailscope::entra::Plan) {
        let v = self.view().await;
        let p = plan(
            &v,
            &self.profile(),
            &self.preset,
            &self.sim.s.authority,
            now(),
        );
        (v, p)
    }

    /// Plans and applies; the events heard.
    async fn apply(
        &self,
        retry: RetryPolicy,
    ) -> (Result<Applied, ApplyError>, Vec<ApplyEvent>, Vec<Action>) {
        let (v, pl) = self.plan().await;
        let mut events = Vec::new();
        let out = apply(
            &self.ctx(retry),
            &pl,
            &v,
            &self.profile(),
            &self.preset,
            &mut |e| events.push(e),
        )
        .await;
        (out, events, pl.actions)
    }

    async fn prove(&self) -> Proof {
        self.prove_heard().await.0
    }

    /// The proof and the events heard while proving.
    async fn prove_heard(&self) -> (Proof, Vec<ApplyEvent>) {
        let mut events = Vec::new();
        let proof = prove(
            &self.ctx(RetryPolicy::fast()),
            &self.profile(),
            &self.preset,
            &mut |e| events.push(e),
        )
        .await
        .unwrap();
        (proof, events)
    }

    fn record(&self) -> Vec<changes::ChangeRecord> {
        changes::read(&self.store, &self.name).unwrap()
    }

    fn file(&self, which: Option<Companion>) -> String {
        let path = match which {
            Some(c) => self.store.companion_path(&self.name, c).unwrap(),
            None => self.store.path_of(&self.name).unwrap(),
        };
        std::fs::read_to_string(path).unwrap_or_default()
    }

    /// `check`, with the send check to a mailbox of the tenant (eLegere only sends).
    async fn check(&self) -> mailscope::graph::CheckRun {
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let mut spec = mailscope::graph::RunSpec::default();
        spec.options.send_to = Some("sales@contoso.com".into());
        mailscope::graph::run_profile(
            &self.profile(),
            &self.preset,
            self.secrets.clone(),
            &spec,
            tx,
            mailscope::graph::Cancel::new(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
    }
}

/// The whole path for one preset; returns the case for more assertions.
async fn from_empty_tenant(preset_id: PresetId, app: &str) -> Case {
    let c = case(shared(), preset_id, app, "admin@contoso.com").await;
    assert!(c.profile().client_id.is_none());
    let (out, events, actions) = c.apply(RetryPolicy::fast()).await;
    let applied = out.unwrap_or_else(|e| panic!("{preset_id:?}: {e}"));
    assert_eq!(applied.steps.len(), actions.len());
    assert!(matches!(actions[0], Action::CreateApp { .. }));
    // The new app replicated while apply went on: it waited, saying what for.
    assert!(
        events.iter().any(
            |e| matches!(e, ApplyEvent::Waiting(w) if w.line().starts_with("waiting for Entra to replicate"))
        ),
        "{events:?}"
    );

    // The profile is filled and saved.
    let saved = c.profile();
    let app_id = applied.fact("app_id").unwrap().to_string();
    assert_eq!(saved.client_id.as_deref(), Some(app_id.as_str()));
    assert_eq!(
        saved.service_principal_id.as_deref(),
        applied.fact("service_principal_id")
    );
    let cred = saved.credential.clone().unwrap();
    assert_eq!(cred.kind, c.preset.default_credential);
    match cred.kind {
        CredentialKind::Secret => {
            assert_eq!(cred.secret_id.as_deref(), applied.fact("secret_id"));
            // The tenant's policy of 180 days, not the preset's 24 months.
            assert_eq!(applied.fact("lifetime_days"), Some("180"));
            assert_eq!(
                cred.expires,
                Some((now() + time::Duration::days(180)).date())
            );
            assert!(
                c.secrets
                    .get(&c.name, SecretSlot::ClientSecret)
                    .unwrap()
                    .is_some()
            );
        }
        CredentialKind::Certificate => {
            assert_eq!(cred.thumbprint_sha1.as_deref(), applied.fact("thumbprint"));
            assert!(
                c.secrets
                    .get(&c.name, SecretSlot::PrivateKey)
                    .unwrap()
                    .is_some()
            );
            assert!(Path::new(cred.cert_file.as_deref().unwrap()).exists());
        }
    }

    // Every change recorded: a started and a done line per tenant call.
    let record = c.record();
    let done: Vec<&str> = record
        .iter()
        .filter(|r| r.phase == Phase::Done)
        .map(|r| r.action.as_str())
        .collect();
    let expected: Vec<String> = applied
        .steps
        .iter()
        .map(|s| tag(&s.action))
        .filter(|t| t != "fill-profile")
        .collect();
    assert_eq!(done, expected);
    assert!(changes::unfinished(&record).is_empty());
    assert!(record.iter().all(|r| r.tenant == TENANT));

    // Proven: the token's roles are the preset's application permissions; inspect is clean.
    let proof = c.prove().await;
    assert!(proof.passed(), "{proof:?}");
    let v = c.view().await;
    assert_eq!(inspect(&v, &saved, &c.preset, now()), []);
    if let Some(key) = applied.fact("key_id") {
        let held = &v.app().unwrap().certificates;
        assert!(held.iter().any(|k| k.key_id == key), "{held:?}");
    }

    // A second apply changes nothing.
    let (out, _, actions) = c.apply(RetryPolicy::fast()).await;
    assert_eq!(actions, []);
    assert!(out.unwrap().steps.is_empty());
    assert_eq!(c.record().len(), record.len());
    assert_eq!(
        c.view().await.app().unwrap().secrets.len(),
        v.app().unwrap().secrets.len()
    );

    // No secret, private key or token in any file or event.
    let mut secrets = vec![
        c.signed.access_token.expose().to_string(),
        c.signed.refresh_token.clone().unwrap().expose().to_string(),
    ];
    if let Some(s) = c.secrets.get(&c.name, SecretSlot::ClientSecret).unwrap() {
        secrets.push(String::from_utf8(s.expose().to_vec()).unwrap());
    }
    let files = format!(
        "{}{}{events:?}{applied:?}{proof:?}",
        c.file(None),
        c.file(Some(Companion::Changes))
    );
    for s in &secrets {
        assert!(!files.contains(s.as_str()), "a secret leaked");
    }
    if let Some(path) = &cred.cert_file {
        let cer = std::fs::read_to_string(path).unwrap();
        assert!(cer.contains("BEGIN CERTIFICATE") && !cer.contains("PRIVATE KEY"));
    }
    c
}

async fn and_check_passes(c: &Case) {
    let run = c.check().await;
    assert!(run.counts.pass > 0, "{:?}", run.counts);
    assert_eq!(
        (run.counts.fail, run.counts.error, run.counts.pending),
        (0, 0, 0),
        "{:#?}",
        run.cells
    );
}

#[tokio::test]
async fn kundo_from_an_empty_tenant() {
    let c = from_empty_tenant(PresetId::Kundo, "Kundo Applied").await;
    and_check_passes(&c).await;

    // The profile's Secret ID gone from Entra (mistyped): apply adds one secret, and the proof
    // rides out the new secret's replication (AADSTS7000215 for 0.3 s).
    let mut p = c.profile();
    let old = p.credential.as_ref().unwrap().secret_id.clone();
    p.credential.as_mut().unwrap().secret_id = Some("00000000-0000-4000-8000-00000000dead".into());
    c.store.save(&p).unwrap();
    let (out, _, actions) = c.apply(RetryPolicy::fast()).await;
    assert!(
        matches!(
            actions[..],
            [Action::AddSecret {
                lifetime_days: 180,
                capped_by_policy: true
            }]
        ),
        "{actions:?}"
    );
    let applied = out.unwrap();
    let new = c.profile().credential.unwrap().secret_id;
    assert_ne!(new, old);
    assert_eq!(new.as_deref(), applied.fact("secret_id"));
    let (proof, events) = c.prove_heard().await;
    assert!(proof.passed(), "{proof:?}");
    assert!(
        events.iter().any(
            |e| matches!(e, ApplyEvent::Waiting(w) if w.awaited == "Entra to accept the new credential")
        ),
        "{events:?}"
    );
}

#[tokio::test]
async fn sinch_from_an_empty_tenant() {
    let c = from_empty_tenant(PresetId::Sinch, "Sinch Applied").await;
    and_check_passes(&c).await;
}

#[tokio::test]
async fn emplifi_from_an_empty_tenant() {
    let c = from_empty_tenant(PresetId::Emplifi, "Emplifi Applied").await;
    and_check_passes(&c).await;
}

#[tokio::test]
async fn custom_from_an_empty_tenant() {
    let c = from_empty_tenant(PresetId::Custom, "Custom Applied").await;
    and_check_passes(&c).await;
}

#[tokio::test]
async fn elegere_with_a_certificate_from_an_empty_tenant() {
    let c = from_empty_tenant(PresetId::Elegere, "eLegere Applied").await;
    and_check_passes(&c).await;
}

#[tokio::test]
async fn lexzur_delegated_with_its_redirect_uri_from_an_empty_tenant() {
    let c = from_empty_tenant(PresetId::Lexzur, "LEXZUR Applied").await;
    let v = c.view().await;
    let app = v.app().unwrap();
    assert_eq!(app.redirect_uris, [LEXZUR_URI]);
    assert_eq!(app.sign_in_audience, "AzureADandPersonalMicrosoftAccount");
    assert_eq!(app.requested_access_token_version, Some(2));
    assert!(v.delegated_grants_read);
    let wanted = c.preset.delegated_permissions().count();
    assert_eq!(v.consented.len(), wanted, "{:?}", v.consented);
}

#[tokio::test]
async fn an_admin_without_the_role_is_told_and_nothing_changes() {
    let c = case(
        shared(),
        PresetId::Kundo,
        "Kundo Not Allowed",
        "cloudadmin@contoso.com",
    )
    .await;
    let (out, events, _) = c.apply(RetryPolicy::fast()).await;
    let Err(ApplyError::MissingRoles(missing)) = out else {
        panic!("{out:?}")
    };
    assert_eq!(
        missing[0].roles,
        ["Privileged Role Administrator", "Global Administrator"]
    );
    assert!(events.is_empty());
    assert!(c.view().await.apps.is_empty());
    assert!(c.record().is_empty());
    assert!(c.profile().client_id.is_none());
}

#[tokio::test]
async fn a_call_failing_midway_stops_the_run_the_record_matches_and_a_rerun_completes() {
    let c = case(
        failing(),
        PresetId::Kundo,
        "Kundo Interrupted",
        "admin@contoso.com",
    )
    .await;
    // Three attempts, so the sim's three failures exhaust the first run's bound.
    let three = RetryPolicy {
        waits: vec![std::time::Duration::from_millis(1); 2],
    };
    let (out, _, _) = c.apply(three.clone()).await;
    let Err(ApplyError::Step { summary, error, .. }) = out else {
        panic!("{out:?}")
    };
    assert!(summary.contains("Grant admin consent"), "{summary}");
    assert!(error.refused_by_tenant(), "{error}");
    let record = c.record();
    let phases: Vec<(String, Phase)> = record.iter().map(|r| (r.action.clone(), r.phase)).collect();
    let pairs = |a: &str| {
        [
            (a.to_string(), Phase::Started),
            (a.to_string(), Phase::Done),
        ]
    };
    let mut expected = Vec::new();
    for a in ["create-app", "create-service-principal", "add-secret"] {
        expected.extend(pairs(a));
    }
    expected.push(("grant-app-role".into(), Phase::Started));
    expected.push(("grant-app-role".into(), Phase::Failed));
    assert_eq!(phases, expected);
    assert!(changes::unfinished(&record).is_empty());

    // The record matches what the tenant holds.
    let fact = |k: &str| {
        record
            .iter()
            .find_map(|r| r.objects.get(k).cloned())
            .unwrap()
    };
    let v = c.view().await;
    let app = v.app().unwrap();
    assert_eq!(app.app_id, fact("app_id"));
    assert_eq!(app.object_id, fact("app_object_id"));
    assert_eq!(
        v.service_principal.as_deref(),
        Some(fact("service_principal_id").as_str())
    );
    assert_eq!(app.secrets.len(), 1);
    assert_eq!(app.secrets[0].key_id, fact("secret_id"));
    assert!(v.consented.is_empty());

    // The rerun plans only what is left and completes.
    let (out, _, actions) = c.apply(three).await;
    assert!(
        actions
            .iter()
            .all(|a| matches!(a, Action::GrantAppRole { .. })),
        "{actions:?}"
    );
    assert_eq!(out.unwrap().steps.len(), 2);
    assert!(c.prove().await.passed());
}

#[cfg(target_os = "linux")]
#[path = "common/keyring_session.rs"]
mod keyring_session;

/// The command as an admin runs it, with the real OS keyring (gnome-keyring in a private
/// D-Bus session): sign in, refuse without a terminal or --yes, apply, inspect, check, apply
/// again; no secret value or token in any output or file.
#[cfg(target_os = "linux")]
#[test]
fn the_command_asks_applies_proves_and_never_shows_a_secret() {
    use keyring_session::{files_containing, mailscope_env, start_session, text, tools_or_skip};
    if tools_or_skip().is_none() {
        return;
    }
    let sim = shared();
    let session = start_session(true);
    let mut p = Profile::new("cli", PresetId::Kundo, Cloud::Custom);
    p.tenant = Some(TENANT.into());
    p.app_name = Some("Kundo From The Command Line".into());
    p.endpoints = Some(Endpoints {
        authority: sim.s.authority.clone(),
        graph: sim.s.graph.clone(),
        ca_file: Some(sim.ca_file.clone()),
        exchange: None,
    });
    p.mailboxes.push(Mailbox {
        address: "support@contoso.com".into(),
        kind: MailboxKind::Shared,
        expect: Expectation::Granted,
    });
    let file = session.root.path().join("cli.toml");
    std::fs::write(&file, mailscope::profile::render_profile(&p).unwrap()).unwrap();
    let fast = [("MAILSCOPE_APPLY_RETRY", "fast")];
    let run = |args: &[&str]| mailscope_env(&session, args, None, &fast);
    let o = run(&["profile", "import", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["signin", "--profile", "cli", "--device-code"]);
    assert!(o.status.success(), "{}", text(&o));

    // No terminal and no --yes: the plan is shown, nothing changes, exit 2.
    let refused = run(&["entra", "apply", "--profile", "cli"]);
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    assert!(text(&refused).contains("--yes"), "{}", text(&refused));
    assert!(
        text(&refused).contains("1. Create the app registration 'Kundo From The Command Line'"),
        "{}",
        text(&refused)
    );
    let record = mailscope::profile::ProfileStore::at(session.root.path().join("mailscope"));
    assert!(changes::read(&record, "cli").unwrap().is_empty());

    let applied = run(&["entra", "apply", "--profile", "cli", "--yes"]);
    let out = text(&applied);
    assert_eq!(applied.status.code(), Some(0), "{out}");
    for want in [
        &format!("Tenant: Contoso ({TENANT})") as &str,
        "Signed in as: admin@contoso.com",
        "held (Application Administrator)",
        "waiting for Entra to replicate the new app (attempt 2 of 8)",
        "Client secret: Secret ID ",
        "never shown",
        "cli.changes.jsonl",
        "Proven: a token with the new credential holds Mail.ReadWrite, Mail.Send",
        "mailscope check --profile cli",
    ] {
        assert!(out.contains(want), "{want:?} not in:\n{out}");
    }
    let lines = changes::read(&record, "cli").unwrap().len();
    assert!(lines >= 10, "{lines}");

    let inspect = run(&["entra", "inspect", "--profile", "cli"]);
    assert_eq!(inspect.status.code(), Some(0), "{}", text(&inspect));
    let check = run(&["check", "--profile", "cli"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    // A process killed during a call leaves a `started` line without its outcome.
    let killed = changes::ChangeRecord::new(
        "killed-run",
        0,
        changes::Area::Entra,
        TENANT,
        Some("admin@contoso.com"),
        "add-secret",
        "Add a client secret valid for 180 days",
        Phase::Started,
    );
    changes::append(&record, "cli", &killed).unwrap();
    let again = run(&["entra", "apply", "--profile", "cli", "--yes"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(text(&again).contains("Nothing to do"), "{}", text(&again));
    assert!(
        text(&again).contains(
            "the last apply stopped while 1 change(s) were in flight (Add a client secret valid for 180 days)"
        ),
        "{}",
        text(&again)
    );
    assert_eq!(changes::read(&record, "cli").unwrap().len(), lines + 1);

    // Entra's secret values have `Q~` after three characters; tokens are JWTs (`eyJ`).
    let all = [&refused, &applied, &inspect, &check, &again]
        .iter()
        .map(|o| text(o))
        .collect::<String>();
    assert!(!all.contains("Q~") && !all.contains("eyJ"), "{all}");
    let home = session.root.path().join("mailscope");
    for needle in [b"Q~" as &[u8], b"eyJ", b"secretText"] {
        let hits = files_containing(&home, needle);
        assert!(hits.is_empty(), "{hits:?}");
    }
}

/// A Kundo profile for the command line in `session`'s home, imported; `client_id` names an
/// app already registered.
#[cfg(target_os = "linux")]
fn cli_profile(
    session: &keyring_session::Session,
    sim: &Sim,
    app: &str,
    client_id: Option<&str>,
) -> (Profile, ProfileStore) {
    use keyring_session::{mailscope, text};
    let mut p = Profile::new("cli", PresetId::Kundo, Cloud::Custom);
    p.tenant = Some(TENANT.into());
    p.app_name = Some(app.into());
    p.client_id = client_id.map(String::from);
    p.endpoints = Some(Endpoints {
        authority: sim.s.authority.clone(),
        graph: sim.s.graph.clone(),
        ca_file: Some(sim.ca_file.clone()),
        exchange: None,
    });
    p.mailboxes.push(Mailbox {
        address: "support@contoso.com".into(),
        kind: MailboxKind::Shared,
        expect: Expectation::Granted,
    });
    let file = session.root.path().join("cli.toml");
    std::fs::write(&file, mailscope::profile::render_profile(&p).unwrap()).unwrap();
    let o = mailscope(
        session,
        &["profile", "import", file.to_str().unwrap()],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let store = ProfileStore::at(session.root.path().join("mailscope"));
    (store.load("cli").unwrap(), store)
}

/// `mailscope signin --device-code` for the profile, the code approved from the test as `upn`
/// through `/_sim/devicecode/approve`.
#[cfg(target_os = "linux")]
fn signin_by_device_code(session: &keyring_session::Session, sim: &Sim, upn: &str) {
    use keyring_session::{read_until, spawn_env};
    use std::io::{BufReader, Read};
    let mut child = spawn_env(
        session,
        &["signin", "--profile", "cli", "--device-code"],
        &[],
    );
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let line = read_until(&mut err, |l| l.contains("enter the code "));
    let code = line
        .split("enter the code ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_string();
    let approve = async {
        common::http(&sim.s)
            .post(format!("{}/_sim/devicecode/approve", sim.s.authority))
            .json(&serde_json::json!({"user_code": code, "upn": upn}))
            .send()
            .await
            .unwrap()
            .status()
    };
    let status = tokio::runtime::Runtime::new().unwrap().block_on(approve);
    assert_eq!(status.as_u16(), 204);
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!("{}{rest}", String::from_utf8_lossy(&out.stdout));
    assert!(out.status.success(), "{said}");
    assert!(said.contains(upn), "{said}");
}

/// The admin's delegated view of the tenant for `p` (the test's own sign-in as `upn`), and
/// the raw app role assignments of its service principal.
#[cfg(target_os = "linux")]
fn tenant_holds(sim: &'static Sim, p: &Profile, upn: &str) -> (TenantView, Vec<serde_json::Value>) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = case(sim, PresetId::Kundo, "unused", upn).await;
        let v = read_with(&c.endpoints, &c.http, &c.signed, p, &c.preset)
            .await
            .unwrap();
        let mut assigned = Vec::new();
        if let Some(sp) = &v.service_principal {
            let url = format!(
                "{}/v1.0/servicePrincipals/{sp}/appRoleAssignments",
                sim.s.graph
            );
            let body: serde_json::Value = c
                .http
                .get(url)
                .bearer_auth(c.signed.access_token.expose())
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assigned = body["value"].as_array().unwrap().clone();
        }
        (v, assigned)
    })
}

/// Kills the child when the test ends early.
#[cfg(target_os = "linux")]
struct KillOnDrop(std::process::Child);

#[cfg(target_os = "linux")]
impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The process killed (SIGKILL) while an admin-consent call is in flight, the call landing in
/// the tenant all the same: the record's `started` line of that step has no outcome, the steps
/// before it are `done` and match the tenant; a rerun says the last apply stopped mid-change,
/// plans only what is left (not the grant that landed), completes and proves.
#[cfg(target_os = "linux")]
#[test]
fn the_process_killed_mid_call_leaves_a_record_that_matches_and_a_rerun_completes() {
    use keyring_session::{
        mailscope_env, read_until, spawn_env, start_session, text, tools_or_skip,
    };
    use std::io::BufReader;
    if tools_or_skip().is_none() {
        return;
    }
    let sim = held();
    let session = start_session(true);
    let (_, store) = cli_profile(&session, sim, "Kundo Killed Midway", None);
    signin_by_device_code(&session, sim, "admin@contoso.com");

    let fast = [("MAILSCOPE_APPLY_RETRY", "fast")];
    let args = ["entra", "apply", "--profile", "cli", "--yes"];
    let mut child = KillOnDrop(spawn_env(&session, &args, &fast));
    let mut out = BufReader::new(child.0.stdout.take().unwrap());
    let step = read_until(&mut out, |l| l.starts_with('[') && l.contains("] Grant"));
    // The sim carries the call out when it arrives and holds the answer: wait for the hold.
    let stats = format!("{}/_sim/stats", sim.s.authority);
    let http = common::http(&sim.s);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while rt.block_on(async {
        let v: serde_json::Value = http.get(&stats).send().await.unwrap().json().await.unwrap();
        v["stalled"].as_u64().unwrap()
    }) == 0
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the grant never reached the sim"
        );
    }
    child.0.kill().unwrap();
    let status = child.0.wait().unwrap();
    assert_eq!(status.code(), None, "killed by a signal");

    // The record: the steps before are done, the grant started without an outcome.
    let record = changes::read(&store, "cli").unwrap();
    let phases: Vec<(String, Phase)> = record.iter().map(|r| (r.action.clone(), r.phase)).collect();
    let mut expected = Vec::new();
    for a in ["create-app", "create-service-principal", "add-secret"] {
        expected.push((a.to_string(), Phase::Started));
        expected.push((a.to_string(), Phase::Done));
    }
    expected.push(("grant-app-role".into(), Phase::Started));
    assert_eq!(phases, expected, "{step}");
    let open = changes::unfinished(&record);
    assert_eq!(open.len(), 1);
    assert!(
        step.contains(&open[0].summary),
        "{step} / {}",
        open[0].summary
    );

    // The tenant holds what the record says, and the grant that landed.
    let saved = store.load("cli").unwrap();
    let fact = |k: &str| {
        record
            .iter()
            .find_map(|r| r.objects.get(k).cloned())
            .unwrap()
    };
    let (v, assigned) = tenant_holds(sim, &saved, "admin@contoso.com");
    let app = v.app().unwrap();
    assert_eq!(v.apps.len(), 1);
    assert_eq!(app.app_id, fact("app_id"));
    assert_eq!(saved.client_id.as_deref(), Some(app.app_id.as_str()));
    assert_eq!(
        v.service_principal.as_deref(),
        Some(fact("service_principal_id").as_str())
    );
    assert_eq!(app.secrets.len(), 1);
    assert_eq!(app.secrets[0].key_id, fact("secret_id"));
    assert_eq!(assigned.len(), 1, "{assigned:?}");

    // The rerun: told, plans the one grant left, completes and proves.
    let again = mailscope_env(&session, &args, None, &fast);
    let said = text(&again);
    assert_eq!(again.status.code(), Some(0), "{said}");
    assert!(
        said.contains(&format!(
            "the last apply stopped while 1 change(s) were in flight ({})",
            open[0].summary
        )),
        "{said}"
    );
    assert!(said.contains("Applied 1 change(s)."), "{said}");
    assert!(
        said.contains("Proven: a token with the new credential holds Mail.ReadWrite, Mail.Send"),
        "{said}"
    );
    let (v, assigned) = tenant_holds(sim, &store.load("cli").unwrap(), "admin@contoso.com");
    assert_eq!(v.apps.len(), 1, "no second app");
    assert_eq!(v.app().unwrap().secrets.len(), 1, "no second secret");
    let mut roles: Vec<&str> = assigned
        .iter()
        .map(|a| a["appRoleId"].as_str().unwrap())
        .collect();
    roles.sort_unstable();
    roles.dedup();
    assert_eq!((assigned.len(), roles.len()), (2, 2), "{assigned:?}");
    let record = changes::read(&store, "cli").unwrap();
    assert_eq!(record.len(), expected.len() + 2);
    assert_eq!(record.last().unwrap().phase, Phase::Done);
}

/// An admin with Application Administrator but without Privileged Role Administrator, signed
/// in by device code: `entra apply --yes` exits 3 naming the role, with the PIM note and the
/// admin-consent URL; the tenant, the record and the profile are unchanged.
#[cfg(target_os = "linux")]
#[test]
fn the_command_refuses_an_admin_without_the_role_and_changes_nothing() {
    use keyring_session::{mailscope_env, start_session, text, tools_or_skip};
    if tools_or_skip().is_none() {
        return;
    }
    const APP: &str = "5b1c3f0e-2a4d-4e6f-8a9b-0c1d2e3f4a5b";
    let sim = held();
    let session = start_session(true);
    let (p, store) = cli_profile(&session, sim, "Kundo Registered By Hand", Some(APP));
    let profile_file = std::fs::read(store.path_of("cli").unwrap()).unwrap();
    signin_by_device_code(&session, sim, "appadmin@contoso.com");
    let (before, assigned_before) = tenant_holds(sim, &p, "admin@contoso.com");
    assert_eq!(before.app().unwrap().app_id, APP);

    let o = mailscope_env(
        &session,
        &["entra", "apply", "--profile", "cli", "--yes"],
        None,
        &[("MAILSCOPE_APPLY_RETRY", "fast")],
    );
    let said = text(&o);
    assert_eq!(o.status.code(), Some(3), "{said}");
    for want in [
        "Signed in as: appadmin@contoso.com",
        "Privileged Role Administrator or Global Administrator",
        "NOT held by appadmin@contoso.com",
        "Privileged Identity Management",
        "Or hand this admin-consent URL to someone who holds the role:",
        &format!("/{TENANT}/adminconsent?client_id={APP}") as &str,
        "appadmin@contoso.com does not hold Privileged Role Administrator or Global Administrator; nothing was changed.",
    ] {
        assert!(said.contains(want), "{want:?} not in:\n{said}");
    }
    let (after, assigned_after) = tenant_holds(sim, &p, "admin@contoso.com");
    let (b, a) = (before.app().unwrap(), after.app().unwrap());
    assert_eq!(
        (
            a.secrets.len(),
            a.certificates.len(),
            &after.service_principal
        ),
        (
            b.secrets.len(),
            b.certificates.len(),
            &before.service_principal
        )
    );
    assert_eq!(assigned_after.len(), assigned_before.len());
    assert_eq!(after.apps.len(), 1);
    assert!(changes::read(&store, "cli").unwrap().is_empty());
    assert_eq!(
        std::fs::read(store.path_of("cli").unwrap()).unwrap(),
        profile_file
    );
}
