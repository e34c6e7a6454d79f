//! `entra inspect` and `entra plan` against the simulated tenant: an admin signed in (sign-ins
//! approved automatically), the sign-in remembered and resumed, apps created and broken through
//! Graph with the admin's delegated token; every finding appears from a tenant that has the
//! fault and goes once it is fixed; the plan for an empty tenant creates, for a matching app
//! does nothing; an admin without a role sees it named; no token in any output. One sim.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

#[path = "common/admin_sim.rs"]
mod common;
#[path = "common/entra_admin.rs"]
mod entra_admin;

use std::path::Path;
use std::sync::OnceLock;

use common::Shared;
use entra_admin::{Admin, now, preset_of};
use mailscope::entra::plan::RoleCheck;
use mailscope::entra::{
    Action, Cause, EntraError, RoleNeed, inspect, read_for_profile, signin_config,
};
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::profile::{Cloud, CredentialInfo, CredentialKind, PresetId, Profile};
use mailscope::secrets::MemoryStore;
use reqwest::Method;
use serde_json::{Value, json};

const TENANT: &str = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f";
const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
const SCENARIO: &str = r#"
tenant_id = "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f"
tenant_name = "Contoso"
domains = ["contoso.com"]
auto_approve = "admin@contoso.com"
device_code_interval_s = 0

[app_management]
max_secret_lifetime_days = 180

[[admin]]
upn = "admin@contoso.com"
roles = ["Application Administrator", "Privileged Role Administrator"]

[[admin]]
upn = "cloudadmin@contoso.com"
roles = ["Cloud Application Administrator"]

[[app]]
client_id = "e0000000-0000-4000-8000-0000000000e1"
name = "Old Kundo"
roles = ["Mail.Send", "Mail.ReadWrite"]
secrets = [{ id = "5ec0e7ed-0000-4000-8000-000000000001", value = "old-value-not-used", expires = "2020-01-01" }]
"#;

fn shared() -> &'static Shared {
    static S: OnceLock<Shared> = OnceLock::new();
    S.get_or_init(|| common::spawn(SCENARIO.to_string()))
}

fn http() -> reqwest::Client {
    common::http(shared())
}

fn endpoints() -> CloudEndpoints {
    let s = shared();
    CloudEndpoints::custom(&s.authority, &s.graph, Some(s.ca_pem.clone().into_bytes())).unwrap()
}

fn profile(preset: PresetId, app_name: &str) -> Profile {
    let mut p = Profile::new("sim", preset, Cloud::Custom);
    p.tenant = Some(TENANT.into());
    p.app_name = Some(app_name.into());
    p
}

async fn admin(upn: &str, p: &Profile) -> Admin {
    entra_admin::admin(shared(), upn, p).await
}

impl Admin {
    /// Permission name → id in Microsoft Graph's catalogue (`Role` or `Scope`).
    async fn perm_id(&self, name: &str, kind: &str) -> String {
        let sp = self
            .call(
                Method::GET,
                &format!("/servicePrincipals(appId='{GRAPH}')"),
                None,
            )
            .await;
        let key = if kind == "Role" {
            "appRoles"
        } else {
            "oauth2PermissionScopes"
        };
        sp[key]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["value"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn rra(&self, perms: &[(&str, &str)]) -> Value {
        let mut access = Vec::new();
        for (n, k) in perms {
            access.push(json!({"id": self.perm_id(n, k).await, "type": k}));
        }
        json!([{"resourceAppId": GRAPH, "resourceAccess": access}])
    }

    /// Creates an app; returns (object id, app id).
    async fn create_app(
        &self,
        name: &str,
        perms: &[(&str, &str)],
        extra: Value,
    ) -> (String, String) {
        let mut body = json!({"displayName": name, "signInAudience": "AzureADMyOrg",
            "requiredResourceAccess": self.rra(perms).await});
        for (k, v) in extra.as_object().into_iter().flatten() {
            body[k] = v.clone();
        }
        let app = self.call(Method::POST, "/applications", Some(body)).await;
        (
            app["id"].as_str().unwrap().into(),
            app["appId"].as_str().unwrap().into(),
        )
    }

    async fn create_sp(&self, app_id: &str) -> String {
        let sp = self
            .call(
                Method::POST,
                "/servicePrincipals",
                Some(json!({"appId": app_id})),
            )
            .await;
        sp["id"].as_str().unwrap().into()
    }

    /// Grants a Graph application permission; returns the assignment id.
    async fn assign(&self, sp: &str, role: &str) -> String {
        let g = self.graph_sp().await;
        let body = json!({"principalId": sp, "resourceId": g, "appRoleId": self.perm_id(role, "Role").await});
        let a = self
            .call(
                Method::POST,
                &format!("/servicePrincipals/{g}/appRoleAssignedTo"),
                Some(body),
            )
            .await;
        a["id"].as_str().unwrap().into()
    }

    async fn unassign(&self, id: &str) {
        let g = self.graph_sp().await;
        self.call(
            Method::DELETE,
            &format!("/servicePrincipals/{g}/appRoleAssignedTo/{id}"),
            None,
        )
        .await;
    }

    async fn add_secret(&self, object_id: &str, days: i64) -> String {
        let end = now() + time::Duration::days(days);
        let end = end
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        let body = json!({"passwordCredential": {"displayName": "t", "endDateTime": end}});
        let s = self
            .call(
                Method::POST,
                &format!("/applications/{object_id}/addPassword"),
                Some(body),
            )
            .await;
        s["keyId"].as_str().unwrap().into()
    }

    async fn patch(&self, object_id: &str, body: Value) {
        self.call(
            Method::PATCH,
            &format!("/applications/{object_id}"),
            Some(body),
        )
        .await;
    }
}

fn with_secret(mut p: Profile, key_id: &str) -> Profile {
    let mut c = CredentialInfo::new(CredentialKind::Secret);
    c.secret_id = Some(key_id.into());
    p.credential = Some(c);
    p
}

#[tokio::test]
async fn empty_tenant_plans_the_creates() {
    let p = profile(PresetId::Kundo, "Nobody Registered This");
    let a = admin("admin@contoso.com", &p).await;
    assert_eq!(a.causes(&p).await, [Cause::AppNotFound]);
    let plan = a.plan(&p).await;
    assert_eq!(plan.tenant.display_name, "Contoso");
    assert_eq!(plan.tenant.id, TENANT);
    assert_eq!(plan.admin.upn, "admin@contoso.com");
    let perm =
        |n: &str| mailscope::entra::view::Perm::new(n, mailscope::entra::view::Kind::Application);
    assert_eq!(
        plan.actions,
        [
            Action::CreateApp {
                display_name: "Nobody Registered This".into(),
                sign_in_audience: "AzureADMyOrg".into(),
                requested_access_token_version: None,
                redirect_uris: vec![],
                permissions: vec![perm("Mail.ReadWrite"), perm("Mail.Send")],
            },
            Action::CreateServicePrincipal,
            Action::AddSecret {
                lifetime_days: 180,
                capped_by_policy: true
            },
            Action::GrantAppRole {
                permission: "Mail.ReadWrite".into()
            },
            Action::GrantAppRole {
                permission: "Mail.Send".into()
            },
            Action::FillProfile {
                client_id: None,
                tenant_id: TENANT.into()
            },
        ]
    );
    assert!(
        plan.roles.iter().all(|r| r.held.is_some()),
        "{:?}",
        plan.roles
    );
    assert_eq!(plan.admin_consent_url, None);
    // The plan as data round-trips: `apply` reads this list.
    let json = serde_json::to_value(&plan.actions).unwrap();
    assert_eq!(json[0]["action"], "create-app");
    let back: Vec<Action> = serde_json::from_value(json).unwrap();
    assert_eq!(back, plan.actions);
}

#[tokio::test]
async fn an_admin_without_the_role_sees_it_named() {
    let p = profile(PresetId::Kundo, "Nobody Registered This Either");
    let a = admin("cloudadmin@contoso.com", &p).await;
    let plan = a.plan(&p).await;
    assert_eq!(plan.admin.roles, ["Cloud Application Administrator"]);
    let missing: Vec<&RoleCheck> = plan.missing_roles().collect();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].need, RoleNeed::GraphAppRoleConsent);
    assert_eq!(
        missing[0].roles,
        ["Privileged Role Administrator", "Global Administrator"]
    );
    let held = plan
        .roles
        .iter()
        .find(|r| r.need == RoleNeed::AppManagement)
        .unwrap();
    assert_eq!(
        held.held.as_deref(),
        Some("Cloud Application Administrator")
    );
}

#[tokio::test]
async fn a_matching_app_has_no_finding_and_nothing_to_do_and_each_fault_shows() {
    let p = profile(PresetId::Kundo, "Kundo Exact");
    let a = admin("admin@contoso.com", &p).await;
    let perms = [("Mail.Send", "Role"), ("Mail.ReadWrite", "Role")];
    let (obj, app_id) = a.create_app("Kundo Exact", &perms, json!({})).await;
    let sp = a.create_sp(&app_id).await;
    a.assign(&sp, "Mail.ReadWrite").await;
    let send = a.assign(&sp, "Mail.Send").await;
    let key = a.add_secret(&obj, 170).await;
    let mut p = with_secret(p, &key);
    p.client_id = Some(app_id.clone());
    assert_eq!(a.causes(&p).await, []);
    let plan0 = a.plan(&p).await;
    assert_eq!(plan0.actions, []);

    // No token anywhere in what inspect and plan give.
    let v = a.view(&p).await;
    let everything = format!(
        "{}{}{:?}{}",
        serde_json::to_string(&v).unwrap(),
        serde_json::to_string(&plan0).unwrap(),
        v,
        serde_json::to_string(&inspect(&v, &p, &preset_of(&p), now())).unwrap()
    );
    assert!(!everything.contains(a.token.expose()));
    assert!(!everything.contains(a.refresh.expose()));
    assert!(!everything.contains("secretText"));

    // Sign-in audience.
    a.patch(&obj, json!({"signInAudience": "AzureADMultipleOrgs"}))
        .await;
    assert_eq!(a.causes(&p).await, [Cause::SignInAudienceDifferent]);
    assert_eq!(
        a.plan(&p).await.actions,
        [Action::UpdateApp {
            property: "signInAudience".into(),
            from: "AzureADMultipleOrgs".into(),
            to: "AzureADMyOrg".into()
        }]
    );
    a.patch(&obj, json!({"signInAudience": "AzureADMyOrg"}))
        .await;
    assert_eq!(a.causes(&p).await, []);

    // Consent taken away; the admin-consent URL names the app.
    a.unassign(&send).await;
    assert_eq!(a.causes(&p).await, [Cause::PermissionNotConsented]);
    let plan = a.plan(&p).await;
    assert_eq!(
        plan.actions,
        [Action::GrantAppRole {
            permission: "Mail.Send".into()
        }]
    );
    assert_eq!(
        plan.admin_consent_url.unwrap(),
        format!(
            "{}/{TENANT}/adminconsent?client_id={app_id}",
            shared().authority
        )
    );
    let send = a.assign(&sp, "Mail.Send").await;
    assert_eq!(a.causes(&p).await, []);

    // A permission granted that the preset does not need (least privilege).
    let extra = a.assign(&sp, "User.Read.All").await;
    assert_eq!(a.causes(&p).await, [Cause::PermissionNotNeeded]);
    assert_eq!(
        a.plan(&p).await.actions,
        [Action::RevokeAppRole {
            permission: "User.Read.All".into()
        }]
    );
    a.unassign(&extra).await;
    assert_eq!(a.causes(&p).await, []);

    // The Secret ID typed into the profile is not in Entra.
    let typo = with_secret(p.clone(), "00000000-0000-4000-8000-00000000dead");
    assert_eq!(a.causes(&typo).await, [Cause::SecretIdNotInEntra]);
    assert!(matches!(
        a.plan(&typo).await.actions[..],
        [Action::AddSecret {
            lifetime_days: 180,
            ..
        }]
    ));

    // A secret expiring soon, from Entra's end date (not what was typed).
    let soon = a.add_secret(&obj, 10).await;
    let expiring = with_secret(p.clone(), &soon);
    assert_eq!(a.causes(&expiring).await, [Cause::SecretExpiring]);
    assert_eq!(a.plan(&expiring).await.actions.len(), 1);

    // Certificates: the uploaded one matches the profile's thumbprint, or does not.
    let cert = mailscope::credential::generate("Kundo Exact", 12, now()).unwrap();
    let short = mailscope::credential::generate("Kundo Exact short", 1, now()).unwrap();
    let b64 = |d: &[u8]| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(d)
    };
    let key = |c: &mailscope::credential::CertificateWithKey| json!({"type": "AsymmetricX509Cert", "usage": "Verify", "key": b64(&c.certificate.der), "displayName": "CN=t"});
    a.patch(&obj, json!({"keyCredentials": [key(&cert), key(&short)]}))
        .await;
    let with_cert = |thumb: &str| {
        let mut q = p.clone();
        let mut c = CredentialInfo::new(CredentialKind::Certificate);
        c.thumbprint_sha1 = Some(thumb.to_ascii_lowercase());
        q.credential = Some(c);
        q
    };
    let good = with_cert(&cert.certificate.thumbprints.sha1_hex);
    assert_eq!(a.causes(&good).await, []);
    let expiring = with_cert(&short.certificate.thumbprints.sha1_hex);
    assert_eq!(a.causes(&expiring).await, [Cause::CertificateExpiring]);
    let other = with_cert("00112233445566778899AABBCCDDEEFF00112233");
    assert_eq!(a.causes(&other).await, [Cause::CertificateMismatch]);
    assert_eq!(
        a.plan(&other).await.actions,
        [Action::UploadCertificate {
            thumbprint: Some("00112233445566778899AABBCCDDEEFF00112233".into())
        }]
    );
    let old =
        mailscope::credential::generate("Kundo Exact old", 1, now() - time::Duration::days(400))
            .unwrap();
    a.patch(&obj, json!({"keyCredentials": [key(&cert), key(&old)]}))
        .await;
    let expired = with_cert(&old.certificate.thumbprints.sha1_hex);
    assert_eq!(a.causes(&expired).await, [Cause::CertificateExpired]);
    assert_eq!(a.causes(&good).await, []);

    // A delegated grant an application preset does not need (made by a session that may
    // write delegated grants).
    let writer = admin("admin@contoso.com", &profile(PresetId::Lexzur, "-")).await;
    let g = a.graph_sp().await;
    writer.call(
        Method::POST,
        "/oauth2PermissionGrants",
        Some(json!({"clientId": sp, "consentType": "AllPrincipals", "resourceId": g, "scope": "Mail.Read"})),
    )
    .await;
    // The application preset's sign-in may not list delegated grants (Microsoft documents
    // Directory.Read.All or DelegatedPermissionGrant.ReadWrite.All): not read, no failure.
    assert!(!a.view(&good).await.delegated_grants_read);
    assert_eq!(a.causes(&good).await, []);
    assert!(writer.view(&good).await.delegated_grants_read);
    assert_eq!(writer.causes(&good).await, [Cause::PermissionNotNeeded]);
    let plan = writer.plan(&good).await;
    assert_eq!(plan.actions, [Action::GrantDelegated { scopes: vec![] }]);
    assert!(plan.actions[0].describe().starts_with("Remove"));
    let _ = send;
}

#[tokio::test]
async fn permissions_of_the_wrong_kind_or_consented_without_configuration() {
    let p = profile(PresetId::Kundo, "Kundo Mixed Up");
    let a = admin("admin@contoso.com", &p).await;
    let (obj, app_id) = a
        .create_app("Kundo Mixed Up", &[("Mail.Send", "Scope")], json!({}))
        .await;
    let mut p = p;
    p.client_id = Some(app_id.clone());
    let mut c = a.causes(&p).await;
    c.sort();
    assert_eq!(
        c,
        [
            Cause::NoServicePrincipal,
            Cause::PermissionMissing,
            Cause::WrongPermissionKind
        ]
    );
    assert!(
        a.plan(&p)
            .await
            .actions
            .contains(&Action::CreateServicePrincipal)
    );
    let sp = a.create_sp(&app_id).await;
    a.assign(&sp, "Mail.ReadWrite").await;
    let mut c = a.causes(&p).await;
    c.sort();
    assert_eq!(
        c,
        [
            Cause::WrongPermissionKind,
            Cause::ConsentWithoutConfiguration
        ]
    );
    let rra = a
        .rra(&[("Mail.Send", "Role"), ("Mail.ReadWrite", "Role")])
        .await;
    a.patch(&obj, json!({"requiredResourceAccess": rra})).await;
    a.assign(&sp, "Mail.Send").await;
    assert_eq!(a.causes(&p).await, []);
}

#[tokio::test]
async fn several_apps_with_the_name_and_an_expired_secret_from_the_scenario() {
    let p = profile(PresetId::Kundo, "Kundo Twin");
    let a = admin("admin@contoso.com", &p).await;
    let perms = [("Mail.Send", "Role"), ("Mail.ReadWrite", "Role")];
    let (_, first) = a.create_app("Kundo Twin", &perms, json!({})).await;
    a.create_app("Kundo Twin", &perms, json!({})).await;
    assert!(a.causes(&p).await.contains(&Cause::SeveralApps));
    assert!(!a.plan(&p).await.notes.is_empty());
    let mut named = p.clone();
    named.client_id = Some(first);
    assert!(!a.causes(&named).await.contains(&Cause::SeveralApps));

    let mut old = with_secret(
        profile(PresetId::Kundo, "Old Kundo"),
        "5ec0e7ed-0000-4000-8000-000000000001",
    );
    old.client_id = Some("e0000000-0000-4000-8000-0000000000e1".into());
    assert!(a.causes(&old).await.contains(&Cause::SecretExpired));
    let fresh = with_secret(old.clone(), "00000000-0000-4000-8000-000000000000");
    assert!(!a.causes(&fresh).await.contains(&Cause::SecretExpired));
}

#[tokio::test]
async fn lexzur_redirect_uri_audience_and_delegated_grant_read_back() {
    const URI: &str = "https://lexzur.example/api/v2/core/user_authorization_callback";
    let mut p = profile(PresetId::Lexzur, "LEXZUR Read Back");
    p.redirect_uri = Some(URI.into());
    let a = admin("admin@contoso.com", &p).await;
    let want: Vec<(String, &str)> = preset_of(&p)
        .delegated_permissions()
        .map(|x| (x.name.clone(), "Scope"))
        .collect();
    let perms: Vec<(&str, &str)> = want.iter().map(|(n, k)| (n.as_str(), *k)).collect();
    let (obj, app_id) = a
        .create_app(
            "LEXZUR Read Back",
            &perms,
            json!({"web": {"redirectUris": [URI.replace("callback", "callbak")]}}),
        )
        .await;
    p.client_id = Some(app_id.clone());
    let sp = a.create_sp(&app_id).await;
    let mut c = a.causes(&p).await;
    c.sort();
    assert_eq!(
        c.iter()
            .filter(|x| **x == Cause::PermissionNotConsented)
            .count(),
        perms.len()
    );
    c.retain(|x| *x != Cause::PermissionNotConsented);
    assert_eq!(
        c,
        [
            Cause::RedirectUriDifferent,
            Cause::SignInAudienceDifferent,
            Cause::AccessTokenVersion
        ]
    );
    let scopes: Vec<&str> = perms.iter().map(|(n, _)| *n).collect();
    let g = a.graph_sp().await;
    a.call(
        Method::POST,
        "/oauth2PermissionGrants",
        Some(json!({"clientId": sp, "consentType": "AllPrincipals", "resourceId": g, "scope": scopes.join(" ")})),
    )
    .await;
    a.patch(
        &obj,
        json!({"signInAudience": "AzureADandPersonalMicrosoftAccount", "api": {"requestedAccessTokenVersion": 2}, "web": {"redirectUris": []}}),
    )
    .await;
    assert_eq!(a.causes(&p).await, [Cause::RedirectUriMissing]);
    assert_eq!(
        a.plan(&p).await.actions[0],
        Action::AddRedirectUri { uri: URI.into() }
    );
    a.patch(&obj, json!({"web": {"redirectUris": [URI]}})).await;
    assert_eq!(a.causes(&p).await, []);
}

#[tokio::test]
async fn without_a_remembered_sign_in_it_says_how_to_sign_in() {
    let p = profile(PresetId::Kundo, "Anything");
    let cfg = signin_config(&p, &preset_of(&p), &endpoints()).unwrap();
    let err = read_for_profile(&cfg, &p, &preset_of(&p), &http(), &MemoryStore::new())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, EntraError::NotSignedIn { keyring: None, .. }),
        "{err:?}"
    );
    assert!(err.fix().contains("mailscope signin --profile sim"));
    let mut no_tenant = p.clone();
    no_tenant.tenant = None;
    assert!(signin_config(&no_tenant, &preset_of(&p), &endpoints()).is_none());
}

fn run_cli(home: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_mailscope"))
        .args(args)
        .env("MAILSCOPE_HOME", home)
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}/no-bus", home.display()),
        )
        .output()
        .unwrap()
}

#[tokio::test]
async fn the_commands_say_how_to_sign_in_and_refuse_bad_profiles() {
    let s = shared().clone();
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_path_buf();
    let ca = h.join("ca.pem");
    std::fs::write(&ca, &s.ca_pem).unwrap();
    let profile = |name: &str, tenant: &str| {
        format!(
            "version = 1\nname = \"{name}\"\npreset = \"kundo\"\ncloud = \"custom\"\n{tenant}\n[endpoints]\nauthority = \"{}\"\ngraph = \"{}\"\nca_file = \"{}\"\n",
            s.authority,
            s.graph,
            ca.display()
        )
    };
    std::fs::write(
        h.join("sim.toml"),
        profile("sim", &format!("tenant = \"{TENANT}\"")),
    )
    .unwrap();
    std::fs::write(h.join("bare.toml"), profile("bare", "")).unwrap();
    let outs = tokio::task::spawn_blocking(move || {
        for f in ["sim.toml", "bare.toml"] {
            let o = run_cli(&h, &["profile", "import", h.join(f).to_str().unwrap()]);
            assert!(o.status.success(), "{o:?}");
        }
        [
            run_cli(&h, &["entra", "inspect", "--profile", "sim"]),
            run_cli(&h, &["entra", "plan", "--profile", "sim", "--json"]),
            run_cli(&h, &["entra", "apply", "--profile", "sim", "--yes"]),
            run_cli(&h, &["entra", "inspect", "--profile", "bare"]),
            run_cli(&h, &["entra", "plan", "--profile", "nosuch"]),
        ]
    })
    .await
    .unwrap();
    let text = |o: &std::process::Output| {
        (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    for o in &outs[..3] {
        let (out, err) = text(o);
        assert_eq!(o.status.code(), Some(3), "{out}{err}");
        assert!(out.is_empty(), "{out}");
        assert!(err.contains("mailscope signin --profile sim"), "{err}");
    }
    let (_, err) = text(&outs[3]);
    assert_eq!(outs[3].status.code(), Some(2), "{err}");
    assert!(err.contains("names no tenant"), "{err}");
    assert_eq!(outs[4].status.code(), Some(2));
}
