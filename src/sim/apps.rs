//! The tenant's one app registry: applications, service principals, app role assignments and
//! delegated grants. Seeded from the scenario's `[[app]]`s; Graph changes it; the token endpoint
//! reads it ([`Registry::client`]), so an app created through Graph can sign in.

use serde::Deserialize;
use time::OffsetDateTime;

use super::graph_catalog::{self, GRAPH_APP_ID};
use super::scenario::{App, AppCertificate, AppSecret, Scenario};
use super::scenario_load::derived_id;

/// `[app_management]`: replication lag and the tenant's app management policy.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AppManagement {
    /// Seconds a new application, service principal or assignment takes to replicate.
    pub replication_lag_s: f64,
    /// Seconds before the token endpoint accepts a newly added secret.
    pub secret_lag_s: f64,
    /// The default app management policy's maximum password lifetime; `None`: no policy.
    pub max_secret_lifetime_days: Option<u32>,
    /// Multi-tenant apps registered in other tenants (vendor-hosted apps) whose service
    /// principal can be created here with `POST /servicePrincipals`.
    pub external_apps: Vec<ExternalApp>,
    /// Injected failures of app management calls (an apply interrupted midway).
    pub fail: Vec<FailCall>,
    /// Calls carried out but answered late (an apply killed while a call is in flight).
    pub stall: Vec<super::apps_stall::StallCall>,
    /// The tenant's user consent settings and admin consent request policy.
    pub consent: ConsentPolicies,
    /// The tenant does not offer the sign-in activity report (no Entra ID P1): 403.
    pub no_sign_in_activity: bool,
}

/// `[app_management.consent]`: what `GET /policies/authorizationPolicy` and `GET
/// /policies/adminConsentRequestPolicy` answer. The defaults are a new tenant's per Microsoft's
/// documentation: users may consent to permissions that need no admin ("Allow user consent for
/// apps", `microsoft-user-default-legacy`), and admin consent requests are off.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsentPolicies {
    /// `legacy` (allow user consent for apps), `low` (verified publishers, low-impact
    /// permissions), `recommended` (managed by Microsoft), `none` (no user consent), or the id
    /// of a custom app consent policy.
    pub user_consent: String,
    /// "Users can request admin consent to apps they are unable to consent to".
    pub admin_consent_requests: bool,
    /// UPNs of the admin consent request reviewers.
    pub reviewers: Vec<String>,
}

impl Default for ConsentPolicies {
    fn default() -> Self {
        ConsentPolicies {
            user_consent: "legacy".into(),
            admin_consent_requests: false,
            reviewers: Vec::new(),
        }
    }
}

impl ConsentPolicies {
    /// `defaultUserRolePermissions.permissionGrantPoliciesAssigned`.
    pub fn assigned(&self) -> Vec<String> {
        let own = match self.user_consent.as_str() {
            "none" => None,
            "legacy" => Some("microsoft-user-default-legacy"),
            "low" => Some("microsoft-user-default-low"),
            "recommended" => Some("microsoft-user-default-recommended"),
            custom => Some(custom),
        };
        own.map(|p| format!("ManagePermissionGrantsForSelf.{p}"))
            .into_iter()
            .chain(std::iter::once(
                "ManagePermissionGrantsForOwnedResource.microsoft-dynamically-managed-permissions-for-team".to_string(),
            ))
            .collect()
    }
}

/// `[[app_management.fail]]`: the first `times` calls of a route fail with `status`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailCall {
    /// Route template as in `/_sim/stats`, e.g. `POST /v1.0/servicePrincipals`.
    pub route: String,
    /// How many calls fail (default 1).
    #[serde(default = "one")]
    pub times: u32,
    /// 500, 503 or 429 (default 500).
    #[serde(default = "five_hundred")]
    pub status: u16,
}

pub(crate) fn one() -> u32 {
    1
}

fn five_hundred() -> u16 {
    500
}

/// `[[app_management.external_apps]]`: a vendor's multi-tenant app.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalApp {
    /// Application (client) id.
    pub app_id: String,
    /// Display name.
    pub name: String,
}

/// Validates `[app_management]` (the error points at the table).
pub(crate) fn check_app_management(
    cx: &super::scenario_load::Ctx<'_>,
    m: &AppManagement,
) -> Result<AppManagement, super::scenario::ScenarioError> {
    let at = cx.text.find("[app_management]").unwrap_or(0);
    let max = super::scenario_bounds::MAX_WAIT_S;
    for (key, v) in [
        ("app_management.replication_lag_s", m.replication_lag_s),
        ("app_management.secret_lag_s", m.secret_lag_s),
    ] {
        if !v.is_finite() || !(0.0..=max).contains(&v) {
            return Err(cx.err_at(at, key, format!("must be between 0 and {max} seconds")));
        }
    }
    if m.max_secret_lifetime_days
        .is_some_and(|d| !(1..=36_500).contains(&d))
    {
        let key = "app_management.max_secret_lifetime_days";
        return Err(cx.err_at(at, key, "must be between 1 and 36500 days".into()));
    }
    if let Err((key, m)) = super::apps_stall::check(&m.stall) {
        return Err(cx.err_at(at, key, m));
    }
    for f in &m.fail {
        if !matches!(f.status, 429 | 500 | 503) {
            let key = "app_management.fail.status";
            return Err(cx.err_at(at, key, "must be 429, 500 or 503".into()));
        }
    }
    let c = &m.consent.user_consent;
    if c.is_empty() || !c.chars().all(|x| x.is_ascii_alphanumeric() || x == '-') {
        let key = "app_management.consent.user_consent";
        return Err(cx.err_at(
            at,
            key,
            "must be legacy, low, recommended, none or a policy id (letters, digits, -)".into(),
        ));
    }
    let mut m = m.clone();
    for e in &mut m.external_apps {
        e.app_id = e.app_id.to_ascii_lowercase();
        if uuid::Uuid::parse_str(&e.app_id).is_err() {
            let key = "app_management.external_apps.app_id";
            let hint = crate::guid::likely_guid_hint(&e.app_id);
            return Err(cx.err_at(at, key, format!("'{}' is not a GUID.{hint}", e.app_id)));
        }
    }
    Ok(m)
}

/// A password credential; the value is kept for the token endpoint only.
#[derive(Clone)]
pub(crate) struct Password {
    pub(crate) key_id: String,
    pub(crate) display_name: Option<String>,
    pub(crate) hint: String,
    pub(crate) value: String,
    pub(crate) start: OffsetDateTime,
    pub(crate) end: OffsetDateTime,
    /// Sim clock when added (`-inf` for the scenario's).
    pub(crate) added_s: f64,
}

/// A key credential (public certificate).
#[derive(Clone)]
pub(crate) struct KeyCred {
    pub(crate) key_id: String,
    pub(crate) display_name: Option<String>,
    pub(crate) cert: AppCertificate,
    pub(crate) start: OffsetDateTime,
    pub(crate) end: OffsetDateTime,
}

/// An application object.
#[derive(Clone)]
pub(crate) struct Application {
    pub(crate) id: String,
    pub(crate) app_id: String,
    pub(crate) display_name: String,
    pub(crate) created: OffsetDateTime,
    pub(crate) created_s: f64,
    pub(crate) sign_in_audience: String,
    pub(crate) token_version: Option<i64>,
    pub(crate) required_resource_access: serde_json::Value,
    pub(crate) web_redirects: Vec<String>,
    pub(crate) public_redirects: Vec<String>,
    pub(crate) spa_redirects: Vec<String>,
    pub(crate) fallback_public: Option<bool>,
    pub(crate) passwords: Vec<Password>,
    pub(crate) keys: Vec<KeyCred>,
    /// The scenario's `disabled` (AADSTS7000112 at the token endpoint).
    pub(crate) disabled: bool,
}

/// A service principal.
#[derive(Clone)]
pub(crate) struct ServicePrincipal {
    pub(crate) id: String,
    pub(crate) app_id: String,
    pub(crate) display_name: String,
    pub(crate) created_s: f64,
    pub(crate) enabled: bool,
    /// `appOwnerOrganizationId`: the tenant where the application is registered.
    pub(crate) home_tenant: String,
}

/// What applications and service principals share: the keys Graph finds and filters them by.
pub(crate) trait Keyed {
    fn id(&self) -> &str;
    fn app_id(&self) -> &str;
    fn display_name(&self) -> &str;
    /// Sim clock at creation (`-inf` for the scenario's objects).
    fn created_s(&self) -> f64;
}

macro_rules! keyed {
    ($t:ty) => {
        impl Keyed for $t {
            fn id(&self) -> &str {
                &self.id
            }
            fn app_id(&self) -> &str {
                &self.app_id
            }
            fn display_name(&self) -> &str {
                &self.display_name
            }
            fn created_s(&self) -> f64 {
                self.created_s
            }
        }
    };
}
keyed!(Application);
keyed!(ServicePrincipal);

/// An app role assignment (application permission granted).
#[derive(Clone)]
pub(crate) struct Assignment {
    pub(crate) id: String,
    pub(crate) principal_id: String,
    pub(crate) resource_id: String,
    pub(crate) app_role_id: String,
    pub(crate) created: OffsetDateTime,
}

/// An OAuth2 permission grant (delegated consent).
#[derive(Clone)]
pub(crate) struct Grant {
    pub(crate) id: String,
    pub(crate) client_id: String,
    pub(crate) consent_type: String,
    pub(crate) principal_id: Option<String>,
    pub(crate) resource_id: String,
    pub(crate) scope: String,
}

/// All of it, behind one mutex in `SimState`.
pub(crate) struct Registry {
    /// Failures still to inject, per `[[app_management.fail]]` entry.
    pub(crate) failures_left: Vec<u32>,
    /// Answers still to hold, per `[[app_management.stall]]` entry.
    pub(crate) stalls_left: Vec<u32>,
    pub(crate) apps: Vec<Application>,
    pub(crate) sps: Vec<ServicePrincipal>,
    pub(crate) assignments: Vec<Assignment>,
    pub(crate) grants: Vec<Grant>,
    /// Last token per credential, for the sign-in activity report.
    pub(crate) last_sign_in: super::apps_activity::LastSignIns,
}

/// The id of Graph's service principal in this tenant.
pub(crate) fn graph_sp_id(tenant_id: &str) -> String {
    derived_id("sp-graph", tenant_id)
}

/// A scenario date (last valid day) as the end of that UTC day.
fn end_of_day(d: time::Date) -> OffsetDateTime {
    d.with_hms(23, 59, 59)
        .map(|t| t.assume_utc())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The first three characters of a secret (Graph's `hint`).
pub(crate) fn hint_of(value: &str) -> String {
    value.chars().take(3).collect()
}

/// A certificate's validity from its DER (now and now + 1 year when unreadable).
pub(crate) fn validity(der: &[u8]) -> (OffsetDateTime, OffsetDateTime) {
    use x509_parser::prelude::FromDer;
    let now = OffsetDateTime::now_utc();
    match x509_parser::certificate::X509Certificate::from_der(der) {
        Ok((_, c)) => {
            let v = c.validity();
            let at = |t: i64| OffsetDateTime::from_unix_timestamp(t).unwrap_or(now);
            (at(v.not_before.timestamp()), at(v.not_after.timestamp()))
        }
        Err(_) => (now, now + time::Duration::days(365)),
    }
}

impl Registry {
    /// The scenario's apps, their service principals and consented roles, and Graph's SP.
    pub(crate) fn seed(s: &Scenario) -> Registry {
        let now = OffsetDateTime::now_utc();
        let graph_sp = graph_sp_id(&s.tenant_id);
        let mut r = Registry {
            failures_left: s.app_management.fail.iter().map(|f| f.times).collect(),
            stalls_left: s.app_management.stall.iter().map(|f| f.times).collect(),
            last_sign_in: Default::default(),
            apps: Vec::new(),
            sps: vec![ServicePrincipal {
                id: graph_sp.clone(),
                app_id: GRAPH_APP_ID.to_string(),
                display_name: "Microsoft Graph".into(),
                created_s: f64::NEG_INFINITY,
                enabled: true,
                home_tenant: graph_catalog::MICROSOFT_TENANT.into(),
            }],
            assignments: Vec::new(),
            grants: Vec::new(),
        };
        r.sps.push(ServicePrincipal {
            id: derived_id("sp-exchange", &s.tenant_id),
            app_id: graph_catalog::EXCHANGE_APP_ID.to_string(),
            display_name: "Office 365 Exchange Online".into(),
            created_s: f64::NEG_INFINITY,
            enabled: true,
            home_tenant: graph_catalog::MICROSOFT_TENANT.into(),
        });
        for a in &s.apps {
            r.apps.push(Application {
                id: derived_id("application", &a.client_id),
                app_id: a.client_id.clone(),
                display_name: a.name.clone(),
                created: now,
                created_s: f64::NEG_INFINITY,
                sign_in_audience: "AzureADMyOrg".into(),
                token_version: None,
                required_resource_access: serde_json::json!([]),
                web_redirects: Vec::new(),
                public_redirects: Vec::new(),
                spa_redirects: Vec::new(),
                fallback_public: None,
                passwords: a
                    .secrets
                    .iter()
                    .map(|x| Password {
                        key_id: x.id.clone(),
                        display_name: None,
                        hint: hint_of(&x.value),
                        value: x.value.clone(),
                        start: end_of_day(x.expires) - time::Duration::days(730),
                        end: end_of_day(x.expires),
                        added_s: f64::NEG_INFINITY,
                    })
                    .collect(),
                keys: a
                    .certificates
                    .iter()
                    .map(|c| {
                        let (start, end) = validity(&c.der);
                        KeyCred {
                            key_id: derived_id("key", &c.thumbprint_hex),
                            display_name: None,
                            cert: c.clone(),
                            start,
                            end,
                        }
                    })
                    .collect(),
                disabled: a.disabled,
            });
            if !a.service_principal {
                continue;
            }
            r.sps.push(ServicePrincipal {
                id: a.object_id.clone(),
                app_id: a.client_id.clone(),
                display_name: a.name.clone(),
                created_s: f64::NEG_INFINITY,
                enabled: true,
                home_tenant: s.tenant_id.clone(),
            });
            for role in &a.roles {
                if let Some(role_id) = graph_catalog::role_id(role) {
                    r.assignments.push(Assignment {
                        id: derived_id("assignment", &format!("{}:{role}", a.client_id)),
                        principal_id: a.object_id.clone(),
                        resource_id: graph_sp.clone(),
                        app_role_id: role_id.to_string(),
                        created: now,
                    });
                }
            }
        }
        r
    }

    /// The app as the token endpoint sees it at `now_s`: replicated secrets only, roles from
    /// Graph app role assignments, `service_principal` from the service principals.
    pub(crate) fn client(&self, client_id: &str, now_s: f64, lag: &AppManagement) -> Option<App> {
        let a = self
            .apps
            .iter()
            .find(|a| a.app_id.eq_ignore_ascii_case(client_id))?;
        if now_s < a.created_s + lag.replication_lag_s {
            return None;
        }
        let sp = self.sp_by_app_id(&a.app_id);
        let graph_sp = self.sp_by_app_id(GRAPH_APP_ID).map(|g| g.id.clone());
        let roles = match sp {
            Some(sp) => self
                .assignments
                .iter()
                .filter(|x| x.principal_id == sp.id && Some(&x.resource_id) == graph_sp.as_ref())
                .filter_map(|x| graph_catalog::role_value(&x.app_role_id))
                .map(String::from)
                .collect(),
            None => Vec::new(),
        };
        Some(App {
            client_id: a.app_id.clone(),
            name: a.display_name.clone(),
            object_id: sp.map_or_else(|| derived_id("sp", &a.app_id), |s| s.id.clone()),
            roles,
            secrets: a
                .passwords
                .iter()
                .filter(|p| now_s >= p.added_s + lag.secret_lag_s)
                .map(|p| AppSecret {
                    id: p.key_id.clone(),
                    value: p.value.clone(),
                    expires: p.end.date(),
                })
                .collect(),
            certificates: a.keys.iter().map(|k| k.cert.clone()).collect(),
            disabled: a.disabled || sp.is_some_and(|s| !s.enabled),
            service_principal: sp.is_some(),
        })
    }

    /// The app role values an app holds on another resource (e.g. Exchange.ManageAsApp on
    /// Office 365 Exchange Online).
    pub(crate) fn roles_on(&self, client_id: &str, resource_app_id: &str) -> Vec<String> {
        let (Some(sp), Some(resource)) = (
            self.sp_by_app_id(client_id),
            self.sp_by_app_id(resource_app_id),
        ) else {
            return Vec::new();
        };
        let catalog = graph_catalog::roles_of(resource_app_id);
        self.assignments
            .iter()
            .filter(|x| x.principal_id == sp.id && x.resource_id == resource.id)
            .filter_map(|x| catalog.iter().find(|(_, id, _)| x.app_role_id == *id))
            .map(|(value, _, _)| value.to_string())
            .collect()
    }

    /// The service principal of an app id.
    pub(crate) fn sp_by_app_id(&self, app_id: &str) -> Option<&ServicePrincipal> {
        self.sps
            .iter()
            .find(|s| s.app_id.eq_ignore_ascii_case(app_id))
    }
}

impl super::state::SimState {
    /// The registered app with this client id as the token endpoint sees it now.
    pub(crate) fn registered_app(&self, client_id: &str) -> Option<App> {
        let lag = &self.scenario.app_management;
        super::state::lock(&self.apps).client(client_id, self.elapsed_s(), lag)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a panic is the failure report
    use super::super::scenario::Scenario;

    fn load(extra: &str) -> Result<Scenario, String> {
        let text = format!(
            "tenant_id = \"8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f\"\ndomains = [\"contoso.com\"]\n\n[app_management]\n{extra}\n"
        );
        Scenario::from_toml(&text, std::path::Path::new("."), "t.toml").map_err(|e| e.to_string())
    }

    #[test]
    fn app_management_keys_are_checked_and_named() {
        let ok = load("replication_lag_s = 0.25\nmax_secret_lifetime_days = 180").unwrap();
        assert_eq!(ok.app_management.replication_lag_s, 0.25);
        assert_eq!(ok.app_management.max_secret_lifetime_days, Some(180));
        let e = load("secret_lag_s = -1").unwrap_err();
        assert!(
            e.contains("t.toml:4: key `app_management.secret_lag_s`"),
            "{e}"
        );
        let e = load("max_secret_lifetime_days = 0").unwrap_err();
        assert!(e.contains("app_management.max_secret_lifetime_days"), "{e}");
        let e = load(
            "external_apps = [{ app_id = \"21e7e0d8-bedf4a60-a5eb-fd0ae1571d36\", name = \"L\" }]",
        )
        .unwrap_err();
        assert!(e.contains("is not a GUID"), "{e}");
        assert!(e.contains("21e7e0d8-bedf-4a60-a5eb-fd0ae1571d36"), "{e}");
        let e = load("replication_lag = 1").unwrap_err();
        assert!(e.contains("replication_lag"), "{e}");
    }

    #[test]
    fn consent_settings_default_to_a_new_tenant_and_are_checked() {
        let new_tenant = load("").unwrap().app_management.consent;
        assert_eq!(
            new_tenant.assigned()[0],
            "ManagePermissionGrantsForSelf.microsoft-user-default-legacy"
        );
        assert!(!new_tenant.admin_consent_requests);
        let off = load("[app_management.consent]\nuser_consent = \"none\"\nadmin_consent_requests = true\nreviewers = [\"a@contoso.com\"]")
            .unwrap()
            .app_management
            .consent;
        assert!(
            off.assigned()
                .iter()
                .all(|p| !p.starts_with("ManagePermissionGrantsForSelf."))
        );
        let body = super::super::apps_json::admin_consent_request_policy(&off, "https://g");
        assert_eq!(body["isEnabled"], true);
        assert_eq!(body["reviewers"].as_array().map(Vec::len), Some(1));
        let body = super::super::apps_json::authorization_policy(&off, "https://g");
        assert_eq!(body["id"], "authorizationPolicy");
        assert!(body["defaultUserRolePermissions"]["permissionGrantPoliciesAssigned"].is_array());
        let e = load("[app_management.consent]\nuser_consent = \"all of them\"").unwrap_err();
        assert!(e.contains("app_management.consent.user_consent"), "{e}");
    }
}
