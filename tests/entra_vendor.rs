//! LEXZUR as the vendor-hosted app on the simulated tenant, and "will users be able to
//! consent?": the unconfirmed app stops the plan with the likely GUID shown; from an empty
//! tenant the plan creates the vendor app's service principal and the tenant-wide consent and
//! registers nothing, `entra apply` carries it out and the proof (the read-back) passes; once
//! that is done (also by hand through Graph) inspect finds nothing;
//! a scope granted beyond the preset is found; users meet "Need admin approval" in a tenant
//! with user consent off until the tenant-wide consent is granted. One sim.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

#[path = "common/admin_sim.rs"]
mod common;
#[path = "common/entra_admin.rs"]
mod entra_admin;

use std::sync::OnceLock;

use common::Shared;
use entra_admin::{Admin, now, preset_of};
use mailscope::changes;
use mailscope::entra::retry::RetryPolicy;
use mailscope::entra::view::UserConsent;
use mailscope::entra::{Action, ApplyContext, Cause, Plan, apply, inspect, prove};
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::profile::{Cloud, PresetId, Profile, ProfileStore, VendorApp};
use mailscope::secrets::MemoryStore;
use reqwest::Method;
use serde_json::json;

const TENANT: &str = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f";
/// The ID LEXZUR's guide means (it prints `21e7e0d8-bedf4a60-a5eb-fd0ae1571d36`).
const LEXZUR_APP: &str = "21e7e0d8-bedf-4a60-a5eb-fd0ae1571d36";
/// A second vendor app, so tests that change the tenant do not meet each other.
const OTHER_APP: &str = "0c0ffee0-0000-4000-8000-00000000000b";
const SCENARIO: &str = r#"
tenant_id = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f"
tenant_name = "Contoso"
domains = ["contoso.com"]
auto_approve = "admin@contoso.com"

[app_management]
external_apps = [
  { app_id = "21e7e0d8-bedf-4a60-a5eb-fd0ae1571d36", name = "LEXZUR App" },
  { app_id = "0c0ffee0-0000-4000-8000-00000000000b", name = "LEXZUR App (test copy)" },
]

[app_management.consent]
user_consent = "none"
admin_consent_requests = true
reviewers = ["admin@contoso.com"]

[[admin]]
upn = "admin@contoso.com"
roles = ["Application Administrator", "Privileged Role Administrator"]
"#;

fn shared() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| common::spawn(SCENARIO.to_string()))
}

fn http() -> reqwest::Client {
    common::http(shared())
}

fn endpoints() -> CloudEndpoints {
    entra_admin::endpoints(shared())
}

fn lexzur(vendor_app_id: Option<&str>) -> Profile {
    let mut p = Profile::new("lexzur-vendor", PresetId::Lexzur, Cloud::Custom);
    p.tenant = Some(TENANT.into());
    p.vendor_app = Some(VendorApp {
        app_id: vendor_app_id.map(String::from),
    });
    let s = shared();
    p.endpoints = Some(mailscope::profile::Endpoints {
        authority: s.authority.clone(),
        graph: s.graph.clone(),
        ca_file: None,
        exchange: None,
    });
    p
}

async fn admin(p: &Profile) -> Admin {
    entra_admin::admin(shared(), "admin@contoso.com", p).await
}

impl Admin {
    /// What `apply` does for the plan's service principal and tenant-wide consent.
    async fn carry_out(&self, plan: &Plan, app_id: &str) -> String {
        let mut sp = String::new();
        for a in &plan.actions {
            match a {
                Action::CreateServicePrincipal => {
                    let v = self
                        .call(
                            Method::POST,
                            "/servicePrincipals",
                            Some(json!({"appId": app_id})),
                        )
                        .await;
                    sp = v["id"].as_str().unwrap().to_string();
                }
                Action::GrantDelegated { scopes } => {
                    let g = self.graph_sp().await;
                    let body = json!({"clientId": sp, "consentType": "AllPrincipals",
                        "resourceId": g, "scope": scopes.join(" ")});
                    self.call(Method::POST, "/oauth2PermissionGrants", Some(body))
                        .await;
                }
                Action::FillProfile { .. } => {}
                other => panic!("the vendor app's plan holds {other:?}"),
            }
        }
        sp
    }
}

fn scopes(p: &Profile) -> Vec<String> {
    let mut s: Vec<String> = preset_of(p)
        .delegated_permissions()
        .map(|x| x.name.clone())
        .collect();
    s.sort();
    s
}

#[tokio::test]
async fn an_unconfirmed_vendor_app_stops_the_plan_and_shows_the_likely_guid() {
    let p = lexzur(None);
    let a = admin(&p).await;
    let plan = a.plan(&p).await;
    assert!(plan.actions.is_empty(), "{:?}", plan.actions);
    let stop = plan.stop.as_deref().expect("the plan stops");
    assert!(
        stop.contains("21e7e0d8-bedf4a60-a5eb-fd0ae1571d36"),
        "{stop}"
    );
    assert!(stop.contains(LEXZUR_APP), "{stop}");
    assert!(stop.contains("app_id"), "{stop}");
    assert_eq!(plan.vendor_app_id, None);
    assert_eq!(a.causes(&p).await, [Cause::VendorAppUnconfirmed]);
}

#[tokio::test]
async fn from_an_empty_tenant_the_vendor_app_is_planned_applied_and_proven() {
    let home = tempfile::tempdir().unwrap();
    let store = ProfileStore::at(home.path());
    let p = lexzur(Some(LEXZUR_APP));
    store.save(&p).unwrap();
    let a = admin(&p).await;
    let v = a.view(&p).await;
    assert!(v.apps.is_empty() && v.service_principal.is_none());
    assert_eq!(v.consent.user_consent, Some(UserConsent::Off));
    let plan = a.plan(&p).await;
    assert_eq!(plan.stop, None);
    assert_eq!(
        plan.actions,
        [
            Action::CreateServicePrincipal,
            Action::GrantDelegated { scopes: scopes(&p) },
            Action::FillProfile {
                client_id: Some(LEXZUR_APP.into()),
                tenant_id: TENANT.into(),
            },
        ]
    );
    assert_eq!(plan.vendor_app_id.as_deref(), Some(LEXZUR_APP));
    assert!(plan.notes.is_empty(), "{:?}", plan.notes);
    assert!(plan.admin_consent_url.as_deref().is_some_and(|u| u
        .ends_with(&format!("/{TENANT}/adminconsent?client_id={LEXZUR_APP}"))));
    assert!(plan.missing_roles().next().is_none());
    let mut c = a.causes(&p).await;
    let not_consented = c
        .iter()
        .filter(|x| **x == Cause::PermissionNotConsented)
        .count();
    assert_eq!(not_consented, scopes(&p).len());
    c.retain(|x| *x != Cause::PermissionNotConsented);
    assert_eq!(
        c,
        [Cause::NoServicePrincipal, Cause::UsersNeedAdminApproval]
    );

    // `entra apply` carries it out: no app registration, no credential, the profile filled.
    let secrets = MemoryStore::new();
    let ctx = ApplyContext {
        endpoints: &endpoints(),
        http: &http(),
        token: &a.token,
        account: &a.account,
        store: &store,
        secrets: &secrets,
        retry: RetryPolicy::fast(),
    };
    let applied = apply(&ctx, &plan, &v, &p, &preset_of(&p), &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(applied.steps.len(), 3);
    let saved = store.load(&p.name).unwrap();
    assert_eq!(saved.client_id.as_deref(), Some(LEXZUR_APP));
    assert!(
        saved.credential.is_none(),
        "the vendor holds the credential"
    );
    assert!(saved.service_principal_id.is_some());
    let proof = prove(&ctx, &saved, &preset_of(&saved), &mut |_| {})
        .await
        .unwrap();
    assert!(proof.passed(), "{proof:?}");
    let after = a.view(&saved).await;
    assert!(
        after.apps.is_empty(),
        "nothing registered in the customer's tenant"
    );
    assert_eq!(inspect(&after, &saved, &preset_of(&saved), now()), []);
    let record = changes::read(&store, &p.name).unwrap();
    assert!(changes::unfinished(&record).is_empty());
    assert!(
        record
            .iter()
            .any(|r| r.action == "create-service-principal" && r.phase == changes::Phase::Done)
    );
    // A second plan changes nothing.
    assert_eq!(a.plan(&saved).await.actions, []);
}

#[tokio::test]
async fn the_vendor_app_consented_tenant_wide_has_no_finding_and_extra_scopes_are_found() {
    let mut p = lexzur(Some(OTHER_APP));
    let a = admin(&p).await;
    let v = a.view(&p).await;
    let f = inspect(&v, &p, &preset_of(&p), now());
    let users = f
        .iter()
        .find(|x| x.cause == Cause::UsersNeedAdminApproval)
        .expect("users would meet Need admin approval");
    assert!(users.evidence.contains("turned off"), "{}", users.evidence);
    assert!(
        users
            .evidence
            .contains("Admin consent requests are on (1 reviewer)"),
        "{}",
        users.evidence
    );
    assert!(
        users.fix.contains("tenant-wide admin consent"),
        "{}",
        users.fix
    );
    let plan = a.plan(&p).await;
    assert!(plan.notes[0].contains("not the one the guide prints"));
    let sp = a.carry_out(&plan, OTHER_APP).await;
    assert_eq!(a.view(&p).await.service_principal.as_deref(), Some(&*sp));
    assert_eq!(a.causes(&p).await, [], "consented: nothing to find");
    p.client_id = Some(OTHER_APP.into());
    let again = a.plan(&p).await;
    assert_eq!(again.actions, [], "a second plan changes nothing");
    // One scope more than the preset asks for is least privilege broken.
    let grants = a
        .call(
            Method::GET,
            &format!("/oauth2PermissionGrants?$filter=clientId eq '{sp}'"),
            None,
        )
        .await;
    let id = grants["value"][0]["id"].as_str().unwrap().to_string();
    let mut wider = scopes(&p);
    wider.push("Mail.Read".into());
    a.call(
        Method::PATCH,
        &format!("/oauth2PermissionGrants/{id}"),
        Some(json!({"scope": wider.join(" ")})),
    )
    .await;
    assert_eq!(a.causes(&p).await, [Cause::PermissionNotNeeded]);
    assert_eq!(
        a.plan(&p).await.actions,
        [Action::GrantDelegated { scopes: scopes(&p) }]
    );
}

#[tokio::test]
async fn check_says_the_vendor_app_is_verified_by_inspect() {
    let p = lexzur(Some(LEXZUR_APP));
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let store: std::sync::Arc<dyn mailscope::secrets::SecretStore> =
        std::sync::Arc::new(MemoryStore::new());
    let spec = mailscope::graph::RunSpec::default();
    let e = mailscope::graph::run_profile(
        &p,
        &preset_of(&p),
        store,
        &spec,
        tx,
        mailscope::graph::Cancel::new(),
    )
    .await
    .expect_err("nothing to check app-only");
    assert!(!e.is_outage());
    let text = e.to_string();
    assert!(text.contains("LEXZUR App"), "{text}");
    assert!(
        text.contains("entra inspect --profile lexzur-vendor"),
        "{text}"
    );
}
