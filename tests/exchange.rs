//! `exchange plan|apply|test` through the library against the simulated tenant's InvokeCommand:
//! from a tenant where the app exists and nothing is scoped, apply for each mechanism, then
//! Exchange's test agrees with the profile at once; a second apply changes nothing; a policy
//! to RBAC migration ends with the same verdicts and no policy; an admin without the Exchange
//! role changes nothing; an interrupted apply leaves a record that matches the tenant and a
//! rerun completes it. The admin signs in through Exchange Online PowerShell's public client
//! (approved automatically), remembered apart from the Entra sign-in.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

#[path = "common/binary.rs"]
mod binary;
#[path = "common/admin_sim.rs"]
mod common;

use std::sync::OnceLock;

use common::Shared;
use mailscope::changes::{self, Phase};
use mailscope::exchange::apply::{Context, Event};
use mailscope::exchange::entra_consent::EntraConsent;
use mailscope::exchange::{
    self, Action, ApplyError, Connection, ExchangeError, Plan, Target, params,
};
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::preset::{self, Preset};
use mailscope::profile::{
    Cloud, Endpoints, Expectation, Mailbox, MailboxKind, PresetId, Profile, ProfileStore,
    ScopeMechanism,
};
use mailscope::secrets::MemoryStore;
use mailscope::signin::{SigninConfig, remember};
use serde_json::json;

const TENANT: &str = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f";
const APP_POLICY: &str = "a1000000-0000-4000-8000-000000000001";
const APP_RBAC: &str = "a2000000-0000-4000-8000-000000000002";
const SP_RBAC: &str = "5b200000-0000-4000-8000-000000000002";
const APP_MOVE: &str = "a3000000-0000-4000-8000-000000000003";
const SP_MOVE: &str = "5b300000-0000-4000-8000-000000000003";
const APP_FAULT: &str = "a4000000-0000-4000-8000-000000000004";
const APP_GRAPH: &str = "a5000000-0000-4000-8000-000000000005";
const APP_SCRIPT: &str = "a6000000-0000-4000-8000-000000000006";
const SP_SCRIPT: &str = "5b600000-0000-4000-8000-000000000006";

fn app(client_id: &str, object_id: &str, name: &str) -> String {
    format!(
        "[[app]]\nclient_id = \"{client_id}\"\nobject_id = \"{object_id}\"\nname = \"{name}\"\nroles = [\"Mail.ReadWrite\", \"Mail.Send\"]\nsecrets = [{{ id = \"{object_id}\", value = \"v~{name}\", expires = \"2099-01-01\" }}]\n"
    )
}

fn scenario(extra: &str) -> String {
    let mut s = format!(
        r#"
tenant_id = "{TENANT}"
tenant_name = "Contoso"
domains = ["contoso.com"]
auto_approve = "exo@contoso.com"
device_code_interval_s = 0

[exchange]
propagation_s = 1.0
{extra}

[[admin]]
upn = "exo@contoso.com"
roles = ["Exchange Administrator", "Privileged Role Administrator", "Application Administrator"]

[[admin]]
upn = "apps@contoso.com"
roles = ["Application Administrator"]

[[admin]]
upn = "recipients@contoso.com"
roles = ["Exchange Recipient Administrator"]
"#
    );
    for (c, o, n) in [
        (APP_POLICY, "5b100000-0000-4000-8000-000000000001", "Policy"),
        (APP_RBAC, SP_RBAC, "Rbac"),
        (APP_MOVE, SP_MOVE, "Move"),
        (APP_FAULT, "5b400000-0000-4000-8000-000000000004", "Fault"),
        (APP_GRAPH, "5b500000-0000-4000-8000-000000000005", "Graph"),
        (APP_SCRIPT, SP_SCRIPT, "Script"),
    ] {
        s.push_str(&app(c, o, n));
    }
    for m in ["a", "b", "c", "d", "e", "f", "g", "h"] {
        s.push_str(&format!("[[mailbox]]\naddress = \"{m}@contoso.com\"\n"));
    }
    s
}

fn shared() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| common::spawn(scenario("")))
}

/// A second tenant whose `New-ApplicationAccessPolicy` fails once (an apply stopped midway).
fn faulty() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| {
        common::spawn(scenario(
            "[[exchange.fail]]\ncmdlet = \"New-ApplicationAccessPolicy\"\nstatus = 500\n\n[[exchange.fail]]\ncmdlet = \"Add-DistributionGroupMember\"\nstatus = 503\napplied = true",
        ))
    })
}

/// A profile in its own store, pointed at `sim`.
struct Tenant {
    sim: &'static Shared,
    _dir: tempfile::TempDir,
    store: ProfileStore,
    profile: Profile,
    secrets: MemoryStore,
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

/// `reach` / `not` are local parts; `shared` mailboxes are listed as shared (and must be reached).
fn tenant(
    sim: &'static Shared,
    client_id: &str,
    sp: Option<&str>,
    group: &str,
    reach: &[&str],
    not: &[&str],
    shared: &[&str],
) -> Tenant {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &sim.ca_pem).unwrap();
    let mut p = Profile::new("contoso", PresetId::Kundo, Cloud::Custom);
    p.tenant = Some(TENANT.into());
    p.client_id = Some(client_id.into());
    p.service_principal_id = sp.map(String::from);
    p.endpoints = Some(Endpoints {
        authority: sim.authority.clone(),
        graph: sim.graph.clone(),
        ca_file: Some(ca.display().to_string()),
    });
    p.scope = Some(mailscope::profile::Scope {
        mechanism: ScopeMechanism::ApplicationAccessPolicy,
        group_name: Some(group.into()),
        group_address: Some(format!(
            "{}@contoso.com",
            group.to_ascii_lowercase().replace(' ', "-")
        )),
        description: None,
        changed_at: None,
    });
    let mb = |m: &&str, kind, expect| Mailbox {
        address: format!("{m}@contoso.com"),
        kind,
        expect,
    };
    p.mailboxes = reach
        .iter()
        .map(|m| mb(m, MailboxKind::User, Expectation::Granted))
        .chain(
            not.iter()
                .map(|m| mb(m, MailboxKind::User, Expectation::Denied)),
        )
        .chain(
            shared
                .iter()
                .map(|m| mb(m, MailboxKind::Shared, Expectation::Granted)),
        )
        .collect();
    let store = ProfileStore::at(dir.path().join("profiles"));
    store.save(&p).unwrap();
    Tenant {
        sim,
        _dir: dir,
        store,
        profile: p,
        secrets: MemoryStore::new(),
    }
}

impl Tenant {
    fn cfg(&self) -> SigninConfig {
        exchange::signin_config(&self.profile, &endpoints(self.sim)).unwrap()
    }

    /// `mailscope signin --profile … --exchange` as `upn`.
    async fn sign_in(&self, upn: &str) {
        self.sign_in_with(self.cfg(), upn).await;
    }

    /// `mailscope signin --profile …` (Entra) as `upn`.
    async fn sign_in_entra(&self, upn: &str) {
        let p = &self.profile;
        let cfg = mailscope::entra::signin_config(p, &preset_of(p), &endpoints(self.sim)).unwrap();
        self.sign_in_with(cfg, upn).await;
    }

    /// Signs in through the loopback with `cfg` and remembers it, as `mailscope signin` does.
    async fn sign_in_with(&self, mut cfg: SigninConfig, upn: &str) {
        cfg.login_hint = Some(upn.into());
        let signed = common::browser(self.sim, &cfg).await.0.unwrap();
        remember::store(
            &self.secrets,
            &cfg.remember_key(),
            upn,
            &signed.refresh_token.unwrap(),
        )
        .unwrap();
    }

    async fn connect(&self) -> Result<Connection, ExchangeError> {
        exchange::connect(
            &self.cfg(),
            &self.profile,
            &common::http(self.sim),
            &self.secrets,
        )
        .await
    }

    fn target(&self, m: Option<ScopeMechanism>) -> Target {
        Target::of(&self.profile, &preset_of(&self.profile), m)
    }

    async fn entra(&self) -> Option<EntraConsent> {
        EntraConsent::connect(
            &self.profile,
            &preset_of(&self.profile),
            &endpoints(self.sim),
            &common::http(self.sim),
            &self.secrets,
        )
        .await
    }

    async fn plan(&self, c: &Connection, m: Option<ScopeMechanism>) -> Plan {
        let target = self.target(m);
        let view = exchange::read(&c.transport, &target).await.unwrap();
        let consent = match self.entra().await {
            Some(e) => Some(
                e.scoped_grants(target.app_id.as_deref().unwrap(), &target.names.roles)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|g| g.permission)
                    .collect(),
            ),
            None => None,
        };
        exchange::plan(
            &view,
            &target,
            &c.account,
            &c.tenant_id,
            self.profile.scope.as_ref().map(|s| s.mechanism),
            &consent,
        )
    }

    /// `exchange apply --yes` (with `--remove-consent` when `consent`).
    async fn apply(
        &mut self,
        c: &Connection,
        m: Option<ScopeMechanism>,
        consent: bool,
    ) -> (Plan, Result<Vec<String>, ApplyError>) {
        let plan = self.plan(c, m).await;
        let target = self.target(m);
        let entra = if consent { self.entra().await } else { None };
        let mut on_event = |_: Event| {};
        let r = exchange::apply::apply(
            Context {
                transport: &c.transport,
                target: &target,
                store: &self.store,
                profile: &mut self.profile,
                consent: entra.as_ref(),
            },
            &plan,
            &mut on_event,
        )
        .await;
        (plan, r.map(|a| a.done))
    }

    async fn verdicts(&self, c: &Connection) -> Vec<(String, bool)> {
        let t = exchange::test_scoping(&c.transport, &self.target(None))
            .await
            .unwrap();
        assert!(t.all_pass(), "{t:#?}");
        t.mailboxes
            .iter()
            .map(|m| (m.address.clone(), m.access == exchange::Access::Granted))
            .collect()
    }
}

fn tags(p: &Plan) -> Vec<String> {
    p.actions.iter().map(Action::tag).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_applied_is_tested_by_exchange_at_once_and_a_second_apply_changes_nothing() {
    let mut t = tenant(
        shared(),
        APP_POLICY,
        None,
        "Policy mailboxes",
        &["a", "b"],
        &["c"],
        &[],
    );
    let c = t.connect().await;
    assert!(
        matches!(c, Err(ExchangeError::NotSignedIn { .. })),
        "no sign-in yet: {c:?}"
    );
    let fix = c.unwrap_err().fix_for("contoso");
    assert!(
        fix.contains("mailscope signin --profile contoso --exchange"),
        "{fix}"
    );
    t.sign_in("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    assert_eq!(c.account.upn, "exo@contoso.com");
    let (plan, done) = t.apply(&c, None, false).await;
    assert_eq!(
        tags(&plan),
        [
            "create-group",
            "add-member",
            "add-member",
            "new-access-policy"
        ],
        "{plan:#?}"
    );
    done.unwrap();
    let verdicts = t.verdicts(&c).await;
    assert_eq!(
        verdicts,
        [
            ("a@contoso.com".to_string(), true),
            ("b@contoso.com".to_string(), true),
            ("c@contoso.com".to_string(), false)
        ]
    );
    let records = changes::read(&t.store, "contoso").unwrap();
    assert_eq!(records.len(), 8);
    assert!(changes::unfinished(&records).is_empty());
    assert!(
        t.store
            .load("contoso")
            .unwrap()
            .scope
            .unwrap()
            .changed_at
            .is_some()
    );
    let again = t.plan(&c, None).await;
    assert!(again.actions.is_empty(), "{:?}", tags(&again));

    // A must-not-reach mailbox put into the group by hand is reported, never removed.
    let add = params([
        ("Identity", json!("policy-mailboxes@contoso.com")),
        ("Member", json!("c@contoso.com")),
    ]);
    c.transport
        .invoke("Add-DistributionGroupMember", &add)
        .await
        .unwrap();
    let p = t.plan(&c, None).await;
    assert!(p.actions.is_empty(), "{:?}", tags(&p));
    assert!(
        p.warnings[0].starts_with("c@contoso.com is a member"),
        "{:?}",
        p.warnings
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rbac_from_nothing_removes_the_entra_consent_only_when_confirmed() {
    let mut t = tenant(
        shared(),
        APP_RBAC,
        Some(SP_RBAC),
        "Rbac mailboxes",
        &["d"],
        &["e"],
        &[],
    );
    t.sign_in("exo@contoso.com").await;
    t.sign_in_entra("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    let rbac = Some(ScopeMechanism::Rbac);
    let (plan, done) = t.apply(&c, rbac, false).await;
    let tags = tags(&plan);
    assert_eq!(
        tags,
        [
            "create-group",
            "add-member",
            "new-service-principal",
            "new-management-scope",
            "new-role-assignment",
            "new-role-assignment",
            "verify-rbac",
            "remove-entra-consent",
            "save-mechanism"
        ],
        "{plan:#?}"
    );
    done.unwrap();
    let still = t.plan(&c, rbac).await;
    assert_eq!(
        still.actions,
        [
            Action::VerifyRbac,
            Action::RemoveEntraConsent {
                permissions: vec!["Mail.ReadWrite".into(), "Mail.Send".into()]
            }
        ],
        "not confirmed: the consent stays"
    );
    let (_, done) = t.apply(&c, rbac, true).await;
    done.unwrap();
    assert_eq!(
        t.verdicts(&c).await,
        [
            ("d@contoso.com".to_string(), true),
            ("e@contoso.com".to_string(), false)
        ]
    );
    assert_eq!(
        t.store.load("contoso").unwrap().scope.unwrap().mechanism,
        ScopeMechanism::Rbac
    );
    let again = t.plan(&c, None).await;
    assert!(again.actions.is_empty(), "{again:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_from_a_policy_to_rbac_keeps_the_verdicts_and_leaves_no_policy() {
    let mut t = tenant(
        shared(),
        APP_MOVE,
        Some(SP_MOVE),
        "Move mailboxes",
        &["f"],
        &["g"],
        &[],
    );
    t.sign_in("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    t.apply(&c, None, false).await.1.unwrap();
    let before = t.verdicts(&c).await;
    let (plan, done) = t.apply(&c, Some(ScopeMechanism::Rbac), false).await;
    assert!(plan.migration, "{plan:#?}");
    let tags = tags(&plan);
    let at = |tag: &str| tags.iter().position(|t| t == tag).unwrap();
    assert!(at("new-role-assignment") < at("verify-rbac"), "{tags:?}");
    assert!(at("verify-rbac") < at("remove-access-policy"), "{tags:?}");
    done.unwrap();
    assert_eq!(t.verdicts(&c).await, before);
    let policies = c
        .transport
        .invoke("Get-ApplicationAccessPolicy", &params([]))
        .await
        .unwrap();
    assert!(
        !policies
            .iter()
            .any(|p| p["AppId"].to_string().contains(APP_MOVE)),
        "{policies:?}"
    );
    let again = t.plan(&c, None).await;
    assert!(!again.migration);
    assert!(
        !again.actions.iter().any(Action::changes_tenant),
        "{again:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_without_the_exchange_role_gets_a_clear_message_and_nothing_changes() {
    for upn in ["apps@contoso.com", "recipients@contoso.com"] {
        let t = tenant(shared(), APP_POLICY, None, "Never made", &["h"], &[], &[]);
        t.sign_in(upn).await;
        let c = t.connect().await.unwrap();
        let e = exchange::read(&c.transport, &t.target(None))
            .await
            .unwrap_err();
        assert!(
            matches!(e, ExchangeError::AccessDenied { .. }),
            "{upn}: {e:?}"
        );
        assert!(
            e.fix_for("contoso").contains("Exchange Administrator"),
            "{e}"
        );
        assert!(changes::read(&t.store, "contoso").unwrap().is_empty());
    }
    let t = tenant(shared(), APP_POLICY, None, "Never made", &["h"], &[], &[]);
    t.sign_in("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    // A cmdlet the endpoint will not run: the refusal points at the generated script.
    let e = c
        .transport
        .invoke("Set-Nothing", &params([]))
        .await
        .unwrap_err();
    assert!(e.falls_back_to_script(), "{e:?}");
    assert!(
        e.fix_for("contoso")
            .contains("mailscope script --profile contoso --part exchange"),
        "{e}"
    );
    // Exchange's verdict for a profile, as the check table will show it.
    let test = exchange::test_profile(
        &t.profile,
        &preset_of(&t.profile),
        &endpoints(t.sim),
        &common::http(t.sim),
        &t.secrets,
    )
    .await
    .unwrap();
    assert_eq!(test.mailboxes[0].address, "h@contoso.com");
    let group = params([("Identity", json!("Never made"))]);
    assert!(
        c.transport
            .find("Get-DistributionGroup", &group)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_apply_leaves_a_matching_record_and_a_rerun_completes_it() {
    let mut t = tenant(
        faulty(),
        APP_FAULT,
        None,
        "Fault mailboxes",
        &["a"],
        &["b"],
        &["help"],
    );
    t.sign_in("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    let (plan, done) = t.apply(&c, None, false).await;
    assert_eq!(
        tags(&plan),
        [
            "create-shared-mailbox",
            "create-group",
            "add-member",
            "add-member",
            "new-access-policy"
        ]
    );
    match done {
        Err(ApplyError::Step { step: 5, error, .. }) => {
            assert_eq!(error.code(), "cmdlet-failed", "{error:?}")
        }
        other => panic!("{other:?}"),
    }
    let records = changes::read(&t.store, "contoso").unwrap();
    let phases: Vec<(String, Phase)> = records
        .iter()
        .map(|r| (r.action.clone(), r.phase))
        .collect();
    assert_eq!(phases.len(), 10, "{phases:?}");
    assert_eq!(phases[9], ("new-access-policy".to_string(), Phase::Failed));
    // The first member's answer was lost but the change made: read back, recorded as done.
    assert_eq!(phases[5], ("add-member".to_string(), Phase::Done));
    assert!(
        records[5].objects["verified"].contains("503"),
        "{:?}",
        records[5]
    );
    let left = t.plan(&c, None).await;
    assert_eq!(
        tags(&left),
        ["new-access-policy"],
        "the record matches the tenant"
    );
    let (_, done) = t.apply(&c, None, false).await;
    done.unwrap();
    assert_eq!(
        t.verdicts(&c).await,
        [
            ("a@contoso.com".to_string(), true),
            ("help@contoso.com".to_string(), true),
            ("b@contoso.com".to_string(), false)
        ]
    );
    assert!(t.plan(&c, None).await.actions.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_commands_sign_in_for_exchange_and_name_the_exact_sign_in_command() {
    let t = tenant(
        shared(),
        APP_POLICY,
        None,
        "Cli mailboxes",
        &["a"],
        &[],
        &[],
    );
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("contoso.toml");
    std::fs::write(
        &file,
        mailscope::profile::render_profile(&t.profile).unwrap(),
    )
    .unwrap();
    let h = home.path().to_path_buf();
    let (import, signin, test, bad) = tokio::task::spawn_blocking(move || {
        let import = binary::run(&h, &["profile", "import", file.to_str().unwrap()]);
        let signin = binary::run(
            &h,
            &[
                "signin",
                "--profile",
                "contoso",
                "--exchange",
                "--device-code",
                "--no-remember",
            ],
        );
        let test = binary::run(&h, &["exchange", "test", "--profile", "contoso"]);
        let bad = binary::run(
            &h,
            &[
                "exchange",
                "plan",
                "--profile",
                "contoso",
                "--mechanism",
                "dl",
            ],
        );
        (import, signin, test, bad)
    })
    .await
    .unwrap();
    assert!(import.status.success(), "{}", binary::out(&import));
    let out = binary::out(&signin);
    assert!(signin.status.success(), "{out}");
    assert!(out.contains("Signed in as exo@contoso.com"), "{out}");
    assert!(out.contains("Exchange Administrator"), "{out}");
    assert!(!out.contains("eyJ"), "no token in the output: {out}");
    let out = binary::out(&test);
    assert_eq!(test.status.code(), Some(3), "{out}");
    assert!(
        out.contains("`mailscope signin --profile contoso --exchange`"),
        "{out}"
    );
    let out = binary::out(&bad);
    assert_eq!(bad.status.code(), Some(2), "{out}");
    assert!(
        out.contains("'dl' is not a mechanism; use policy or rbac"),
        "{out}"
    );
}

/// The profile's live Graph checks (as `mailscope check` runs them), with the app's secret.
async fn check(t: &Tenant) -> mailscope::graph::CheckRun {
    let mut p = t.store.load("contoso").unwrap();
    p.credential = Some(mailscope::profile::CredentialInfo::new(
        mailscope::profile::CredentialKind::Secret,
    ));
    let store = MemoryStore::new();
    mailscope::secrets::store_client_secret(
        &store,
        &p,
        &mailscope::secrets::Secret::new("v~Graph"),
    )
    .unwrap();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    mailscope::graph::run_profile(
        &p,
        &preset_of(&p),
        std::sync::Arc::new(store),
        &mailscope::graph::RunSpec::default(),
        tx,
        mailscope::graph::cancel::Cancel::new(),
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graph_follows_exchange_after_the_propagation_delay() {
    use mailscope::graph::verdict::Verdict;
    let mut t = tenant(
        shared(),
        APP_GRAPH,
        None,
        "Graph mailboxes",
        &["a"],
        &["c"],
        &[],
    );
    t.sign_in("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    let verdicts = |run: &mailscope::graph::CheckRun, mailbox: &str| -> Vec<Verdict> {
        run.cells
            .iter()
            .filter(|cell| cell.mailbox == mailbox)
            .map(|cell| cell.verdict)
            .collect()
    };
    // Nothing scoped: the app reaches the mailbox it must not.
    let before = check(&t).await;
    assert!(
        verdicts(&before, "c@contoso.com").contains(&Verdict::Fail),
        "{before:#?}"
    );
    t.apply(&c, None, false).await.1.unwrap();
    t.verdicts(&c).await; // Exchange agrees at once.
    let started = std::time::Instant::now();
    let now = check(&t).await;
    if started.elapsed().as_secs_f64() < 0.9 {
        // Graph has not followed yet: pending, not fail.
        let v = verdicts(&now, "c@contoso.com");
        assert!(v.contains(&Verdict::Pending), "{v:?}");
        assert!(!v.contains(&Verdict::Fail), "{v:?}");
    }
    // Once the sim's propagation delay has passed, Graph gives the intended matrix.
    let mut last = now;
    for _ in 0..40 {
        if last.cells.iter().all(|cell| cell.verdict == Verdict::Pass) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        last = check(&t).await;
    }
    assert!(
        last.cells.iter().all(|cell| cell.verdict == Verdict::Pass),
        "{:#?}",
        last.cells
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_scoped_by_the_generated_script_plans_to_nothing() {
    let mut t = tenant(
        shared(),
        APP_SCRIPT,
        Some(SP_SCRIPT),
        "Script mailboxes",
        &["b"],
        &["c"],
        &[],
    );
    t.sign_in("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    let names = t.target(Some(ScopeMechanism::Rbac)).names;
    let group = names.group_address.clone();
    // The cmdlets and values the script runs (src/powershell/exchange.rs, aap.rs, rbac.rs).
    let steps = vec![
        (
            "New-DistributionGroup",
            params([
                ("Name", json!(names.group_name)),
                ("Alias", json!(names.group_alias)),
                ("Type", json!("Security")),
                ("PrimarySmtpAddress", json!(group)),
            ]),
        ),
        (
            "Add-DistributionGroupMember",
            params([
                ("Identity", json!(group)),
                ("Member", json!("b@contoso.com")),
                ("BypassSecurityGroupManagerCheck", json!(true)),
            ]),
        ),
        (
            "New-ApplicationAccessPolicy",
            params([
                ("AccessRight", json!("RestrictAccess")),
                ("AppId", json!(APP_SCRIPT)),
                ("PolicyScopeGroupId", json!(group)),
                ("Description", json!(names.description)),
            ]),
        ),
    ];
    for (cmdlet, p) in &steps {
        c.transport.invoke(cmdlet, p).await.unwrap();
    }
    let p = t.plan(&c, None).await;
    assert!(
        !p.actions.iter().any(Action::changes_tenant),
        "{:?}",
        tags(&p)
    );
    // Then the script's RBAC part (and no policy: the script writes one mechanism).
    c.transport
        .invoke(
            "New-ServicePrincipal",
            &params([
                ("AppId", json!(APP_SCRIPT)),
                ("ObjectId", json!(SP_SCRIPT)),
                ("DisplayName", json!(names.app_name)),
            ]),
        )
        .await
        .unwrap();
    for role in &names.roles {
        c.transport
            .invoke(
                "New-ManagementRoleAssignment",
                &params([
                    ("App", json!(SP_SCRIPT)),
                    ("Role", json!(role)),
                    ("RecipientGroupScope", json!(group)),
                ]),
            )
            .await
            .unwrap();
    }
    let p = t.plan(&c, Some(ScopeMechanism::Rbac)).await;
    let tags = tags(&p);
    assert!(
        !tags.iter().any(|t| t.starts_with("new-")),
        "nothing to create: {tags:?}"
    );
    assert!(p.migration, "the policy still scopes the app: {tags:?}");
    t.apply(&c, Some(ScopeMechanism::Rbac), false)
        .await
        .1
        .unwrap();
    assert_eq!(
        t.verdicts(&c).await,
        [
            ("b@contoso.com".to_string(), true),
            ("c@contoso.com".to_string(), false)
        ]
    );
}
