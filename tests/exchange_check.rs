//! `check` with Exchange's own verdict beside Graph's, against the simulated tenant: after
//! `exchange apply` (nonzero propagation delay), cells where Exchange already agrees with the
//! profile and Graph does not yet are pending with that cause, and the intended matrix follows
//! once the sim's delay has passed; a policy that does not grant a must-reach mailbox fails at
//! once with the fix; without an Exchange sign-in the column says so; the JSON carries it.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

#[path = "common/binary.rs"]
mod binary;
#[path = "common/admin_sim.rs"]
mod common;

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use common::Shared;
use mailscope::exchange::apply::{Context, Event};
use mailscope::exchange::entra_consent::EntraConsent;
use mailscope::exchange::{self, Connection, Target};
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::graph::exchange_column::ProbeFuture;
use mailscope::graph::{
    Cancel, Cause, CheckRun, ExchangeAccess, ExchangeProbe, ExchangeState, ProbeInput, RunSpec,
    Verdict,
};
use mailscope::preset::{self, Preset};
use mailscope::profile::{
    CredentialInfo, CredentialKind, Expectation, Mailbox, MailboxKind, Profile, ProfileStore,
    Scope, ScopeMechanism, parse_profile,
};
use mailscope::report::{self, Format};
use mailscope::secrets::{MemoryStore, Secret, SecretStore, store_client_secret};
use mailscope::signin::{SigninConfig, remember};

const TENANT: &str = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f";
const APP_POLICY: &str = "c1000000-0000-4000-8000-000000000001";
const APP_RBAC: &str = "c2000000-0000-4000-8000-000000000002";
const SP_RBAC: &str = "6b200000-0000-4000-8000-000000000002";
const APP_NONE: &str = "c3000000-0000-4000-8000-000000000003";
/// The sim's `[exchange] propagation_s`: long enough for a check to finish inside it.
const PROPAGATION: Duration = Duration::from_secs(2);

fn app(client_id: &str, object_id: &str, name: &str) -> String {
    format!(
        "[[app]]\nclient_id = \"{client_id}\"\nobject_id = \"{object_id}\"\nname = \"{name}\"\nroles = [\"Mail.ReadWrite\", \"Mail.Send\"]\nsecrets = [{{ id = \"{object_id}\", value = \"v~{name}\", expires = \"2099-01-01\" }}]\n"
    )
}

fn scenario() -> String {
    let mut s = format!(
        r#"
tenant_id = "{TENANT}"
tenant_name = "Contoso"
domains = ["contoso.com"]
auto_approve = "exo@contoso.com"
device_code_interval_s = 0

[exchange]
propagation_s = {}

[[admin]]
upn = "exo@contoso.com"
roles = ["Exchange Administrator", "Privileged Role Administrator", "Application Administrator"]
"#,
        PROPAGATION.as_secs_f64()
    );
    for (c, o, n) in [
        (APP_POLICY, "6b100000-0000-4000-8000-000000000001", "Policy"),
        (APP_RBAC, SP_RBAC, "Rbac"),
        (APP_NONE, "6b300000-0000-4000-8000-000000000003", "None"),
    ] {
        s.push_str(&app(c, o, n));
    }
    for m in ["a", "b", "c", "d", "e"] {
        s.push_str(&format!("[[mailbox]]\naddress = \"{m}@contoso.com\"\n"));
    }
    s
}

fn shared() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| common::spawn(scenario()))
}

fn endpoints(sim: &Shared) -> CloudEndpoints {
    CloudEndpoints::custom(
        &sim.authority,
        &sim.graph,
        Some(sim.ca_pem.clone().into_bytes()),
    )
    .unwrap()
}

fn preset_of(p: &Profile) -> Preset {
    preset::preset(p.preset).unwrap()
}

/// A profile in its own store, its app's secret and (once signed in) the Exchange admin's
/// sign-in in one secret store, as `mailscope check` finds them in the keyring.
struct Tenant {
    sim: &'static Shared,
    dir: tempfile::TempDir,
    store: ProfileStore,
    profile: Profile,
    secrets: Arc<MemoryStore>,
}

fn mailbox(local: &str, expect: Expectation) -> Mailbox {
    Mailbox {
        address: format!("{local}@contoso.com"),
        kind: MailboxKind::User,
        expect,
    }
}

fn tenant(client_id: &str, sp: Option<&str>, name: &str, reach: &[&str], not: &[&str]) -> Tenant {
    let sim = shared();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &sim.ca_pem).unwrap();
    // From the file format, so the test keeps compiling as [endpoints] gains keys.
    let text = format!(
        "version = 1\nname = \"contoso\"\npreset = \"kundo\"\ncloud = \"custom\"\n\n[endpoints]\nauthority = \"{}\"\ngraph = \"{}\"\nca_file = \"{}\"\n",
        sim.authority,
        sim.graph,
        ca.display()
    );
    let mut p = parse_profile(&text, "test").unwrap();
    p.tenant = Some(TENANT.into());
    p.client_id = Some(client_id.into());
    p.service_principal_id = sp.map(String::from);
    p.credential = Some(CredentialInfo::new(CredentialKind::Secret));
    p.scope = Some(Scope {
        mechanism: ScopeMechanism::ApplicationAccessPolicy,
        group_name: Some(format!("{name} mailboxes")),
        group_address: Some(format!("{}-mailboxes@contoso.com", name.to_lowercase())),
        description: None,
        changed_at: None,
    });
    p.mailboxes = reach
        .iter()
        .map(|m| mailbox(m, Expectation::Granted))
        .chain(not.iter().map(|m| mailbox(m, Expectation::Denied)))
        .collect();
    let store = ProfileStore::at(dir.path().join("profiles"));
    store.save(&p).unwrap();
    let secrets = Arc::new(MemoryStore::new());
    store_client_secret(secrets.as_ref(), &p, &Secret::new(format!("v~{name}"))).unwrap();
    Tenant {
        sim,
        dir,
        store,
        profile: p,
        secrets,
    }
}

impl Tenant {
    fn cfg(&self) -> SigninConfig {
        exchange::signin_config(&self.profile, &endpoints(self.sim)).unwrap()
    }

    /// `mailscope signin` as exo@contoso.com with `cfg`, remembered.
    async fn sign_in_with(&self, mut cfg: SigninConfig) {
        cfg.login_hint = Some("exo@contoso.com".into());
        let signed = common::browser(self.sim, &cfg).await.0.unwrap();
        remember::store(
            self.secrets.as_ref(),
            &cfg.remember_key(),
            "exo@contoso.com",
            &signed.refresh_token.unwrap(),
        )
        .unwrap();
    }

    /// `mailscope signin --exchange` and, for RBAC, the Entra sign-in too.
    async fn sign_in(&self, entra: bool) -> Connection {
        self.sign_in_with(self.cfg()).await;
        if entra {
            let p = &self.profile;
            let cfg =
                mailscope::entra::signin_config(p, &preset_of(p), &endpoints(self.sim)).unwrap();
            self.sign_in_with(cfg).await;
        }
        exchange::connect(
            &self.cfg(),
            &self.profile,
            &common::http(self.sim),
            self.secrets.as_ref(),
        )
        .await
        .unwrap()
    }

    /// `exchange apply --yes` (`--remove-consent` with RBAC); returns when it started and ended.
    async fn apply(&mut self, c: &Connection, m: Option<ScopeMechanism>) -> Applied {
        let target = Target::of(&self.profile, &preset_of(&self.profile), m);
        let view = exchange::read(&c.transport, &target).await.unwrap();
        let entra = match m {
            Some(ScopeMechanism::Rbac) => EntraConsent::connect(
                &self.profile,
                &preset_of(&self.profile),
                &endpoints(self.sim),
                &common::http(self.sim),
                self.secrets.as_ref(),
            )
            .await
            .map(|e| (e, target.app_id.clone().unwrap())),
            _ => None,
        };
        let consent = match &entra {
            Some((e, app)) => Some(
                e.scoped_grants(app, &target.names.roles)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|g| g.permission)
                    .collect(),
            ),
            None => None,
        };
        let plan = exchange::plan(
            &view,
            &target,
            &c.account,
            &c.tenant_id,
            self.profile.scope.as_ref().map(|s| s.mechanism),
            &consent,
        );
        let started = Instant::now();
        let mut on_event = |_: Event| {};
        exchange::apply::apply(
            Context {
                transport: &c.transport,
                target: &target,
                store: &self.store,
                profile: &mut self.profile,
                consent: entra.as_ref().map(|(e, _)| e),
            },
            &plan,
            &mut on_event,
        )
        .await
        .unwrap();
        Applied {
            started,
            ended: Instant::now(),
        }
    }

    /// `mailscope check` as the command line runs it (Exchange asked when `exchange`).
    async fn check(&self, exchange: bool) -> CheckRun {
        let probe = exchange.then(mailscope::exchange::check_probe::probe);
        self.check_with(probe, Cancel::new()).await
    }

    async fn check_with(&self, probe: Option<Arc<dyn ExchangeProbe>>, cancel: Cancel) -> CheckRun {
        let p = self.store.load("contoso").unwrap();
        let spec = RunSpec {
            exchange: probe,
            ..RunSpec::default()
        };
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let secrets: Arc<dyn SecretStore> = self.secrets.clone();
        mailscope::graph::run_profile(&p, &preset_of(&p), secrets, &spec, tx, cancel)
            .await
            .unwrap()
    }

    /// Adds a must-reach mailbox to the stored profile (not to Exchange).
    fn add_must_reach(&mut self, local: &str) {
        self.profile
            .mailboxes
            .push(mailbox(local, Expectation::Granted));
        self.store.save(&self.profile).unwrap();
    }
}

/// The cells of `mailbox`: (verdict, summary).
fn cells(run: &CheckRun, mailbox: &str) -> Vec<(Verdict, String)> {
    let v: Vec<_> = run
        .cells
        .iter()
        .filter(|c| c.mailbox == format!("{mailbox}@contoso.com"))
        .map(|c| (c.verdict, c.summary.clone()))
        .collect();
    assert!(!v.is_empty(), "{mailbox}: {run:#?}");
    v
}

fn all(run: &CheckRun, mailbox: &str, verdict: Verdict, says: &str) {
    for (v, summary) in cells(run, mailbox) {
        assert_eq!(v, verdict, "{mailbox}: {summary}");
        assert!(summary.contains(says), "{mailbox}: {summary}");
    }
}

fn exchange_says(run: &CheckRun, mailbox: &str) -> Option<ExchangeAccess> {
    run.exchange
        .as_ref()
        .unwrap()
        .access(&format!("{mailbox}@contoso.com"))
}

/// When an apply's changes were made: between `started` and `ended`.
#[derive(Debug, Clone, Copy)]
struct Applied {
    started: Instant,
    ended: Instant,
}

/// Waits until the sim's propagation delay has passed for the apply's last change (no longer).
async fn propagated(applied: Applied) {
    tokio::time::sleep_until((applied.ended + PROPAGATION).into()).await;
}

/// The cause of a pending-confirmed cell, either way.
const GRANTS: &str =
    "Exchange already grants it; Graph follows within the documented delay (30 minutes to 2 hours)";
const REFUSES: &str = "Exchange already refuses it; Graph follows within the documented delay (30 minutes to 2 hours)";

/// `now`, a check right after `applied`: `pending`'s cells are pending with `cause` and are
/// watched, `passing`'s pass; once the sim's delay has passed, the intended matrix (every cell
/// passes but those of `failing`, which fail), which is returned.
async fn pending_until_propagated(
    t: &Tenant,
    applied: Applied,
    now: &CheckRun,
    pending: &str,
    cause: &str,
    passing: Option<&str>,
    failing: &[&str],
) -> CheckRun {
    if inside(applied) {
        all(now, pending, Verdict::Pending, cause);
        assert!(!now.unsettled().is_empty(), "pending cells are watched");
        if let Some(m) = passing {
            all(now, m, Verdict::Pass, "");
        }
    }
    propagated(applied).await;
    let after = t.check(true).await;
    let fails = |m: &str| failing.iter().any(|f| m == format!("{f}@contoso.com"));
    assert!(
        after.cells.iter().all(|c| c.verdict
            == if fails(&c.mailbox) {
                Verdict::Fail
            } else {
                Verdict::Pass
            }),
        "{:#?}",
        after.cells
    );
    after
}

/// Whether a check that ended now ran before the apply's first change reached Graph.
fn inside(applied: Applied) -> bool {
    let ok = applied.started.elapsed() < PROPAGATION;
    if !ok {
        eprintln!("the check took longer than the sim's propagation delay; pending not asserted");
    }
    ok
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_shows_pending_confirmed_cells_until_graph_follows_then_the_intended_matrix() {
    let mut t = tenant(APP_POLICY, None, "Policy", &["a"], &["c"]);
    let c = t.sign_in(false).await;
    let applied = t.apply(&c, None).await;
    // b must be reached too, but the policy's group lacks it (the profile changed, no apply).
    t.add_must_reach("b");
    let now = t.check(true).await;
    let x = now.exchange.as_ref().unwrap();
    assert_eq!(x.state, ExchangeState::Tested, "{x:#?}");
    assert_eq!(x.admin.as_deref(), Some("exo@contoso.com"));
    assert_eq!(exchange_says(&now, "a"), Some(ExchangeAccess::Granted));
    assert_eq!(exchange_says(&now, "b"), Some(ExchangeAccess::Denied));
    assert_eq!(exchange_says(&now, "c"), Some(ExchangeAccess::Denied));
    // Exchange does not grant b: it fails at once with the fix, while Graph still reaches it
    // and after, where Graph alone would wait out the propagation window.
    let not_granted = |run: &CheckRun| {
        all(
            run,
            "b",
            Verdict::Fail,
            "Exchange does not grant the app this mailbox",
        );
        for cell in run.cells.iter().filter(|c| c.mailbox == "b@contoso.com") {
            let fix = cell.fix.as_deref().unwrap_or_default();
            assert!(
                fix.contains("`mailscope exchange apply --profile contoso`"),
                "{fix}"
            );
            assert_eq!(cell.cause, Some(Cause::PolicyDenied), "{cell:?}");
        }
        assert!(
            !run.unsettled().iter().any(|(m, _)| m == "b@contoso.com"),
            "a fail is not watched"
        );
    };
    not_granted(&now);
    if inside(applied) {
        all(&now, "b", Verdict::Fail, "Graph still reaches it");
    }
    // Graph still reaches c: Exchange already refuses it, so pending, not fail.
    let after = pending_until_propagated(&t, applied, &now, "c", REFUSES, Some("a"), &["b"]).await;
    not_granted(&after);
    all(
        &after,
        "b",
        Verdict::Fail,
        "waiting for propagation will not help",
    );
    let graph_only = t.check(false).await;
    assert!(graph_only.exchange.is_none());
    all(
        &graph_only,
        "b",
        Verdict::Pending,
        "Scoping changed recently",
    );

    // Applied: Exchange grants b at once, Graph refuses it until the membership propagates.
    let applied = t.apply(&c, None).await;
    let now = t.check(true).await;
    assert_eq!(exchange_says(&now, "b"), Some(ExchangeAccess::Granted));
    let after = pending_until_propagated(&t, applied, &now, "b", GRANTS, None, &[]).await;
    // The JSON `check --json` prints carries Exchange's verdict.
    let json = serde_json::to_value(&after).unwrap();
    assert_eq!(json["exchange"]["state"], "tested");
    assert_eq!(json["exchange"]["mechanism"], "application-access-policy");
    let b = json["exchange"]["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["address"] == "b@contoso.com")
        .unwrap();
    assert_eq!(b["access"], "granted");
    // And so do the reports.
    let p = t.store.load("contoso").unwrap();
    let now = time::OffsetDateTime::now_utc();
    let r = report::build(&p, &preset_of(&p), now, None).with_check_run(Some(&after));
    let x = r.check.as_ref().unwrap().exchange.as_ref().unwrap();
    assert_eq!(x.state, "tested");
    assert_eq!(x.admin.as_deref(), Some("exo@contoso.com"));
    let md = report::render(&r, Format::Markdown).unwrap();
    assert!(md.contains("| Verdict | Exchange | HTTP |"), "{md}");
    assert!(
        md.contains("| b@contoso.com | read | granted | **pass** | granted |"),
        "{md}"
    );
    let html = report::render(&r, Format::Html).unwrap();
    assert!(html.contains("<th>Exchange</th>"), "{html}");
    let json = report::render(&r, Format::Json).unwrap();
    assert_eq!(report::parse_json(&json).unwrap(), r);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rbac_shows_pending_confirmed_cells_until_graph_follows_then_the_intended_matrix() {
    let mut t = tenant(APP_RBAC, Some(SP_RBAC), "Rbac", &["d"], &["e"]);
    let c = t.sign_in(true).await;
    let applied = t.apply(&c, Some(ScopeMechanism::Rbac)).await;
    let now = t.check(true).await;
    let x = now.exchange.as_ref().unwrap();
    assert_eq!(x.mechanism, Some(ScopeMechanism::Rbac), "{x:#?}");
    let d = x.mailbox("d@contoso.com").unwrap();
    assert!(d.roles.iter().all(|r| r.in_scope), "{d:#?}");
    assert_eq!(exchange_says(&now, "e"), Some(ExchangeAccess::Denied));
    // The Entra consent is gone at once, the RBAC grants reach Graph later.
    pending_until_propagated(&t, applied, &now, "d", GRANTS, Some("e"), &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_exchange_sign_in_the_column_says_so() {
    let t = tenant(APP_NONE, None, "None", &["a"], &["c"]);
    let run = t.check(true).await;
    let x = run.exchange.as_ref().unwrap();
    assert_eq!(x.state, ExchangeState::NotAvailable);
    assert_eq!(
        x.reason.as_deref(),
        Some("not available: no Exchange sign-in (mailscope signin --exchange --profile contoso)")
    );
    assert_eq!(x.column("a@contoso.com"), "n/a");
    // Graph alone decides: nothing is scoped, so c is reached (fail), a passes.
    all(&run, "a", Verdict::Pass, "");
    assert!(cells(&run, "c").iter().all(|(v, _)| *v == Verdict::Fail));

    // The command line: the table's column and the JSON say so too.
    let home = t.dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let file = t.dir.path().join("contoso.toml");
    std::fs::write(
        &file,
        mailscope::profile::render_profile(&t.profile).unwrap(),
    )
    .unwrap();
    let h = home.clone();
    let (import, table, json) = tokio::task::spawn_blocking(move || {
        let import = binary::run(&h, &["profile", "import", file.to_str().unwrap()]);
        let check = |json: bool| {
            let mut args = vec!["check", "--profile", "contoso", "--no-progress"];
            if json {
                args.push("--json");
            }
            binary::mailscope(&h)
                .env("MAILSCOPE_CLIENT_SECRET", "v~None")
                .args(&args)
                .output()
                .unwrap()
        };
        (import, check(false), check(true))
    })
    .await
    .unwrap();
    assert!(import.status.success(), "{}", binary::out(&import));
    let out = binary::out(&table);
    assert!(
        out.contains(
            "Exchange: not available: no Exchange sign-in (mailscope signin --exchange --profile contoso)"
        ),
        "{out}"
    );
    assert!(out.contains(" VERDICT  EXCHANGE CAUSE"), "{out}");
    let row = out
        .lines()
        .find(|l| l.starts_with("a@contoso.com"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(row.contains(" pass     n/a "), "{row}");
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", binary::out(&json));
    });
    assert_eq!(doc["exchange"]["state"], "not-available");
    let says = "not available: no Exchange sign-in (mailscope signin --exchange --profile contoso)";
    assert!(
        doc["exchange"]["reason"]
            .as_str()
            .unwrap()
            .starts_with(says),
        "{doc}"
    );
    // The report of that check says so too.
    let h = home.clone();
    let (json, md) = tokio::task::spawn_blocking(move || {
        let report =
            |format: &str| binary::run(&h, &["report", "--profile", "contoso", "--format", format]);
        (report("json"), report("md"))
    })
    .await
    .unwrap();
    let out = binary::out(&json);
    assert!(json.status.success(), "{out}");
    let r = report::parse_json(&String::from_utf8_lossy(&json.stdout)).unwrap();
    let x = r.check.as_ref().unwrap().exchange.as_ref().unwrap();
    assert_eq!(x.state, "not-available");
    assert!(x.reason.as_deref().unwrap().starts_with(says), "{x:?}");
    let out = binary::out(&md);
    assert!(out.contains(&format!("Exchange: {says}")), "{out}");
    assert!(out.contains("| **pass** | n/a |"), "{out}");
}

/// A probe whose Exchange never answers.
#[derive(Debug)]
struct Silent;

impl ExchangeProbe for Silent {
    fn verdicts(&self, _: ProbeInput) -> ProbeFuture {
        Box::pin(std::future::pending())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_check_does_not_wait_for_exchange() {
    let t = tenant(APP_NONE, None, "None", &["a"], &[]);
    let cancel = Cancel::new();
    cancel.cancel();
    let run = t.check_with(Some(Arc::new(Silent)), cancel).await;
    assert!(run.cancelled);
    let x = run.exchange.unwrap();
    assert_eq!(x.state, ExchangeState::NotAvailable);
    assert_eq!(
        x.reason.as_deref(),
        Some("not available: the check was cancelled")
    );
}
