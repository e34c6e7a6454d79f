//! The simulated tenants, a profile pointed at one, and the admin's sessions (Exchange and
//! Entra sign-ins remembered in memory), plan and apply as the commands run them.

use std::sync::OnceLock;

use mailscope::exchange::apply::{Context, Event};
use mailscope::exchange::entra_consent::EntraConsent;
use mailscope::exchange::{self, Action, ApplyError, Connection, ExchangeError, Plan, Target};
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::preset::{self, Preset};
use mailscope::profile::{
    Expectation, Mailbox, MailboxKind, Profile, ProfileStore, ScopeMechanism,
};
use mailscope::secrets::MemoryStore;
use mailscope::signin::{SigninConfig, remember};

use crate::common::{self, Shared};

pub const TENANT: &str = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f";
pub const APP_POLICY: &str = "a1000000-0000-4000-8000-000000000001";
pub const APP_RBAC: &str = "a2000000-0000-4000-8000-000000000002";
pub const SP_RBAC: &str = "5b200000-0000-4000-8000-000000000002";
pub const APP_MOVE: &str = "a3000000-0000-4000-8000-000000000003";
pub const SP_MOVE: &str = "5b300000-0000-4000-8000-000000000003";
pub const APP_FAULT: &str = "a4000000-0000-4000-8000-000000000004";
pub const APP_GRAPH: &str = "a5000000-0000-4000-8000-000000000005";
pub const APP_CLI: &str = "a7000000-0000-4000-8000-000000000007";
pub const APP_SCRIPT: &str = "a6000000-0000-4000-8000-000000000006";
pub const SP_SCRIPT: &str = "5b600000-0000-4000-8000-000000000006";

pub fn app(client_id: &str, object_id: &str, name: &str) -> String {
    format!(
        "[[app]]\nclient_id = \"{client_id}\"\nobject_id = \"{object_id}\"\nname = \"{name}\"\nroles = [\"Mail.ReadWrite\", \"Mail.Send\"]\nsecrets = [{{ id = \"{object_id}\", value = \"v~{name}\", expires = \"2099-01-01\" }}]\n"
    )
}

pub fn scenario(extra: &str) -> String {
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
        (APP_CLI, "5b700000-0000-4000-8000-000000000007", "Cli"),
    ] {
        s.push_str(&app(c, o, n));
    }
    for m in ["a", "b", "c", "d", "e", "f", "g", "h"] {
        s.push_str(&format!("[[mailbox]]\naddress = \"{m}@contoso.com\"\n"));
    }
    s
}

pub fn shared() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| common::spawn(scenario("")))
}

/// A second tenant whose `New-ApplicationAccessPolicy` fails once (an apply stopped midway).
pub fn faulty() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| {
        common::spawn(scenario(
            "[[exchange.fail]]\ncmdlet = \"New-ApplicationAccessPolicy\"\nstatus = 500\n\n[[exchange.fail]]\ncmdlet = \"Add-DistributionGroupMember\"\nstatus = 503\napplied = true",
        ))
    })
}

/// A profile in its own store, pointed at `sim`.
pub struct Tenant {
    pub sim: &'static Shared,
    _dir: tempfile::TempDir,
    pub store: ProfileStore,
    pub profile: Profile,
    pub secrets: MemoryStore,
}

pub fn endpoints(sim: &Shared) -> CloudEndpoints {
    CloudEndpoints::custom(
        &sim.authority,
        &sim.graph,
        Some(sim.ca_pem.clone().into_bytes()),
    )
    .unwrap()
}

pub fn preset_of(p: &Profile) -> Preset {
    preset::preset(p.preset).unwrap()
}

/// `reach` / `not` are local parts; `shared` mailboxes are listed as shared (and must be reached).
pub fn tenant(
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
    // From the file format, so the test keeps compiling as [endpoints] gains keys.
    let text = format!(
        "version = 1\nname = \"contoso\"\npreset = \"kundo\"\ncloud = \"custom\"\n\n[endpoints]\nauthority = \"{}\"\ngraph = \"{}\"\nca_file = \"{}\"\n",
        sim.authority,
        sim.graph,
        ca.display()
    );
    let mut p = mailscope::profile::parse_profile(&text, "test").unwrap();
    p.tenant = Some(TENANT.into());
    p.client_id = Some(client_id.into());
    p.service_principal_id = sp.map(String::from);
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
    pub fn cfg(&self) -> SigninConfig {
        exchange::signin_config(&self.profile, &endpoints(self.sim)).unwrap()
    }

    /// `mailscope signin --profile … --exchange` as `upn`.
    pub async fn sign_in(&self, upn: &str) {
        self.sign_in_with(self.cfg(), upn).await;
    }

    /// `mailscope signin --profile …` (Entra) as `upn`.
    pub async fn sign_in_entra(&self, upn: &str) {
        let p = &self.profile;
        let cfg = mailscope::entra::signin_config(p, &preset_of(p), &endpoints(self.sim)).unwrap();
        self.sign_in_with(cfg, upn).await;
    }

    /// Signs in through the loopback with `cfg` and remembers it, as `mailscope signin` does.
    pub async fn sign_in_with(&self, mut cfg: SigninConfig, upn: &str) {
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

    pub async fn connect(&self) -> Result<Connection, ExchangeError> {
        exchange::connect(
            &self.cfg(),
            &self.profile,
            &common::http(self.sim),
            &self.secrets,
        )
        .await
    }

    pub fn target(&self, m: Option<ScopeMechanism>) -> Target {
        Target::of(&self.profile, &preset_of(&self.profile), m)
    }

    pub async fn entra(&self) -> Option<EntraConsent> {
        EntraConsent::connect(
            &self.profile,
            &preset_of(&self.profile),
            &endpoints(self.sim),
            &common::http(self.sim),
            &self.secrets,
        )
        .await
    }

    pub async fn plan(&self, c: &Connection, m: Option<ScopeMechanism>) -> Plan {
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
    pub async fn apply(
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

    pub async fn verdicts(&self, c: &Connection) -> Vec<(String, bool)> {
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

pub fn tags(p: &Plan) -> Vec<String> {
    p.actions.iter().map(Action::tag).collect()
}
