//! `entra plan`: what `apply` would change so the tenant matches the profile and its preset,
//! each [`Action`] in words and as data (`--json`; `apply` executes this list), and, before
//! anything, which directory role each action needs and whether the signed-in admin holds it.
//! With the vendor-hosted app (`[vendor_app]`), only its service principal and the consent,
//! and nothing at all until the admin has confirmed its ID ([`Plan::stop`]).
//! Pure: the tenant comes in as a [`TenantView`].

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::target::{Target, VendorTarget};
use super::view::{Admin, AppReg, Kind, Organisation, Perm, TenantView};
use crate::expiry::WARN_URGENT_DAYS;
use crate::preset::Preset;
use crate::profile::{CredentialKind, Profile};
use crate::signin::roles;

/// A directory role requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoleNeed {
    /// Creating and changing app registrations, service principals, secrets, delegated
    /// grants: Application Administrator, Cloud Application Administrator or Global
    /// Administrator.
    AppManagement,
    /// Consenting to Microsoft Graph application permissions (app roles): Privileged Role
    /// Administrator or Global Administrator.
    GraphAppRoleConsent,
}

impl RoleNeed {
    /// The roles that satisfy it, as the portal names them.
    pub fn roles(self) -> &'static [&'static str] {
        match self {
            RoleNeed::AppManagement => &[
                "Application Administrator",
                "Cloud Application Administrator",
                "Global Administrator",
            ],
            RoleNeed::GraphAppRoleConsent => {
                &["Privileged Role Administrator", "Global Administrator"]
            }
        }
    }

    /// The first of [`RoleNeed::roles`] the admin holds (active, from `wids`).
    pub fn held_by(self, admin: &Admin) -> Option<&'static str> {
        self.roles().iter().copied().find(|r| {
            roles::template_id(r)
                .is_some_and(|id| admin.role_ids.iter().any(|w| w.eq_ignore_ascii_case(id)))
        })
    }
}

/// One change `apply` would make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
    /// `POST /applications`.
    CreateApp {
        display_name: String,
        sign_in_audience: String,
        requested_access_token_version: Option<i64>,
        redirect_uris: Vec<String>,
        permissions: Vec<Perm>,
    },
    /// `PATCH /applications/{id}` of one scalar property (`signInAudience`,
    /// `api.requestedAccessTokenVersion`).
    UpdateApp {
        property: String,
        from: String,
        to: String,
    },
    /// `PATCH` `web.redirectUris` adding `uri`.
    AddRedirectUri { uri: String },
    /// `PATCH` `requiredResourceAccess` on Microsoft Graph.
    SetPermissions { add: Vec<Perm>, remove: Vec<Perm> },
    /// `POST /servicePrincipals {appId}`: of the app created or found, or of the vendor-hosted
    /// app ([`Plan::vendor_app_id`]).
    CreateServicePrincipal,
    /// `addPassword`; the value goes to the keyring, the Secret ID and expiry to the profile.
    AddSecret {
        lifetime_days: u32,
        capped_by_policy: bool,
    },
    /// Upload the profile's certificate (or a generated one) as a key credential.
    UploadCertificate { thumbprint: Option<String> },
    /// `POST /servicePrincipals/{graph}/appRoleAssignedTo`.
    GrantAppRole { permission: String },
    /// `DELETE` an app role assignment the preset does not need.
    RevokeAppRole { permission: String },
    /// Create or update the `AllPrincipals` grant on Microsoft Graph to exactly `scopes`
    /// (empty: delete it).
    GrantDelegated { scopes: Vec<String> },
    /// Write the client and tenant IDs into the profile (`None`: from the app created).
    FillProfile {
        client_id: Option<String>,
        tenant_id: String,
    },
}

impl Action {
    /// The role the action needs; `None` for local changes.
    pub fn needs(&self) -> Option<RoleNeed> {
        match self {
            Action::GrantAppRole { .. } | Action::RevokeAppRole { .. } => {
                Some(RoleNeed::GraphAppRoleConsent)
            }
            Action::FillProfile { .. } => None,
            _ => Some(RoleNeed::AppManagement),
        }
    }

    /// The action in words.
    pub fn describe(&self) -> String {
        let labels = |ps: &[Perm]| ps.iter().map(Perm::label).collect::<Vec<_>>().join(", ");
        match self {
            Action::CreateApp {
                display_name,
                sign_in_audience,
                permissions,
                redirect_uris,
                requested_access_token_version,
            } => {
                let mut s = format!(
                    "Create the app registration '{display_name}' (signInAudience {sign_in_audience}"
                );
                if let Some(v) = requested_access_token_version {
                    s.push_str(&format!(", api.requestedAccessTokenVersion {v}"));
                }
                if !redirect_uris.is_empty() {
                    s.push_str(&format!(", redirect URI {}", redirect_uris.join(", ")));
                }
                s.push_str(&format!(
                    ") with the Microsoft Graph permissions {}",
                    labels(permissions)
                ));
                s
            }
            Action::UpdateApp { property, from, to } => {
                format!("Update the app's {property} from {from} to {to}")
            }
            Action::AddRedirectUri { uri } => format!("Add the redirect URI {uri}"),
            Action::SetPermissions { add, remove } => {
                let mut parts = Vec::new();
                if !add.is_empty() {
                    parts.push(format!("add {}", labels(add)));
                }
                if !remove.is_empty() {
                    parts.push(format!("remove {}", labels(remove)));
                }
                format!(
                    "Update the app's configured permissions (requiredResourceAccess): {}",
                    parts.join("; ")
                )
            }
            Action::CreateServicePrincipal => {
                "Create the app's service principal (enterprise application)".into()
            }
            Action::AddSecret {
                lifetime_days,
                capped_by_policy,
            } => format!(
                "Add a client secret valid for {lifetime_days} days{} (its value goes to the keyring, its Secret ID and expiry to the profile)",
                if *capped_by_policy {
                    ", capped by the tenant's app management policy"
                } else {
                    ""
                }
            ),
            Action::UploadCertificate { thumbprint } => match thumbprint {
                Some(t) => format!("Upload the profile's certificate (SHA-1 {t})"),
                None => "Generate a certificate (private key in the keyring) and upload it".into(),
            },
            Action::GrantAppRole { permission } => format!(
                "Grant admin consent to the Microsoft Graph application permission {permission} (app role assignment)"
            ),
            Action::RevokeAppRole { permission } => format!(
                "Revoke the Microsoft Graph application permission {permission}, which the preset does not need"
            ),
            Action::GrantDelegated { scopes } if scopes.is_empty() => {
                "Remove the app's tenant-wide delegated permission grant on Microsoft Graph (the preset needs no delegated permission)".into()
            }
            Action::GrantDelegated { scopes } => format!(
                "Grant tenant-wide admin consent to the delegated scopes {} (AllPrincipals)",
                scopes.join(" ")
            ),
            Action::FillProfile {
                client_id,
                tenant_id,
            } => format!(
                "Fill the client ID ({}) and tenant ID ({tenant_id}) into the profile",
                client_id.as_deref().unwrap_or("of the app created")
            ),
        }
    }
}

/// Whether the admin holds what a set of actions needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleCheck {
    pub need: RoleNeed,
    /// Roles that satisfy it.
    pub roles: Vec<String>,
    /// The role the admin holds for it, if any.
    pub held: Option<String>,
}

/// The plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub tenant: Organisation,
    pub admin: Admin,
    pub roles: Vec<RoleCheck>,
    pub actions: Vec<Action>,
    /// `{authority}/{tenant}/adminconsent?client_id=…`, for someone who holds the role
    /// (only once the app exists).
    pub admin_consent_url: Option<String>,
    /// Things the plan cannot decide for the admin.
    pub notes: Vec<String>,
    /// Why nothing may be done yet (the vendor-hosted app's ID is unconfirmed); `actions` is
    /// then empty and `apply` must not run.
    pub stop: Option<String>,
    /// With the vendor-hosted app: its confirmed app id, the `appId` that
    /// `create-service-principal` creates a service principal for (there is no app
    /// registration of the customer's).
    pub vendor_app_id: Option<String>,
}

impl Plan {
    /// Roles needed and not held.
    pub fn missing_roles(&self) -> impl Iterator<Item = &RoleCheck> {
        self.roles.iter().filter(|r| r.held.is_none())
    }
}

fn app_actions(want: &Target, app: &AppReg, out: &mut Vec<Action>) {
    if !app
        .sign_in_audience
        .eq_ignore_ascii_case(want.sign_in_audience)
    {
        out.push(Action::UpdateApp {
            property: "signInAudience".into(),
            from: app.sign_in_audience.clone(),
            to: want.sign_in_audience.into(),
        });
    }
    if want.needs_token_v2 && app.requested_access_token_version != Some(2) {
        out.push(Action::UpdateApp {
            property: "api.requestedAccessTokenVersion".into(),
            from: app
                .requested_access_token_version
                .map(|v| v.to_string())
                .unwrap_or_else(|| "not set".into()),
            to: "2".into(),
        });
    }
    if let Some(uri) = &want.redirect_uri
        && !app.redirect_uris.contains(uri)
    {
        out.push(Action::AddRedirectUri { uri: uri.clone() });
    }
    let add: Vec<Perm> = want
        .permissions
        .iter()
        .filter(|p| !app.configured.contains(p))
        .cloned()
        .collect();
    let remove: Vec<Perm> = app
        .configured
        .iter()
        .filter(|p| !want.wants(p))
        .cloned()
        .collect();
    if !add.is_empty() || !remove.is_empty() {
        out.push(Action::SetPermissions { add, remove });
    }
}

fn credential_action(
    want: &Target,
    app: Option<&AppReg>,
    policy_days: Option<u32>,
    now: OffsetDateTime,
) -> Option<Action> {
    let usable = |end: Option<OffsetDateTime>| {
        end.is_none_or(|e| (e.date() - now.date()).whole_days() > WARN_URGENT_DAYS)
    };
    match want.credential {
        CredentialKind::Secret => {
            let ok = app.zip(want.secret_id.as_ref()).is_some_and(|(a, id)| {
                a.secrets
                    .iter()
                    .any(|s| s.key_id.eq_ignore_ascii_case(id.trim()) && usable(s.end))
            });
            (!ok).then(|| {
                let capped = policy_days.is_some_and(|d| d < want.secret_lifetime_days);
                Action::AddSecret {
                    lifetime_days: policy_days.map_or(want.secret_lifetime_days, |d| {
                        d.min(want.secret_lifetime_days)
                    }),
                    capped_by_policy: capped,
                }
            })
        }
        CredentialKind::Certificate => {
            let ok = app.zip(want.thumbprint.as_ref()).is_some_and(|(a, t)| {
                a.certificates
                    .iter()
                    .any(|c| c.thumbprint.as_deref() == Some(t.as_str()) && usable(c.end))
            });
            (!ok).then(|| Action::UploadCertificate {
                thumbprint: want.thumbprint.clone(),
            })
        }
    }
}

fn consent_actions(
    want: &Target,
    app: Option<&AppReg>,
    consented: &[Perm],
    grants_read: bool,
    out: &mut Vec<Action>,
) {
    for p in want
        .permissions
        .iter()
        .filter(|p| p.kind == Kind::Application)
    {
        if !consented.contains(p) {
            out.push(Action::GrantAppRole {
                permission: p.name.clone(),
            });
        }
    }
    for p in consented
        .iter()
        .filter(|p| p.kind == Kind::Application && !want.wants(p))
    {
        out.push(Action::RevokeAppRole {
            permission: p.name.clone(),
        });
    }
    let wanted: Vec<String> = want
        .permissions
        .iter()
        .filter(|p| p.kind == Kind::Delegated)
        .map(|p| p.name.clone())
        .collect();
    let mut have: Vec<String> = consented
        .iter()
        .filter(|p| p.kind == Kind::Delegated)
        .map(|p| p.name.clone())
        .collect();
    have.sort();
    let mut sorted = wanted.clone();
    sorted.sort();
    let unknown = !grants_read && wanted.is_empty();
    if sorted != have && !(wanted.is_empty() && app.is_none()) && !unknown {
        out.push(Action::GrantDelegated { scopes: wanted });
    }
}

/// What `apply` would do for `profile` (with its `preset`) in `view`, at `now`.
/// `authority` is the cloud's sign-in base URL (for the admin-consent URL).
pub fn plan(
    view: &TenantView,
    profile: &Profile,
    preset: &Preset,
    authority: &str,
    now: OffsetDateTime,
) -> Plan {
    let want = Target::of(profile, preset);
    if let Some(vendor) = &want.vendor {
        return vendor_plan(view, profile, &want, vendor, authority);
    }
    let mut actions = Vec::new();
    let mut notes = Vec::new();
    let app = view.app();
    match app {
        None => actions.push(Action::CreateApp {
            display_name: want.display_name.clone(),
            sign_in_audience: want.sign_in_audience.into(),
            requested_access_token_version: want.needs_token_v2.then_some(2),
            redirect_uris: want.redirect_uri.iter().cloned().collect(),
            permissions: want.permissions.clone(),
        }),
        Some(a) => app_actions(&want, a, &mut actions),
    }
    if view.apps.len() > 1 {
        notes.push(format!(
            "{} app registrations are named '{}'; the plan is for the first ({}). Put the right client ID into the profile first.",
            view.apps.len(),
            want.display_name,
            app.map(|a| a.app_id.as_str()).unwrap_or_default()
        ));
    }
    if app.is_none() || view.service_principal.is_none() {
        actions.push(Action::CreateServicePrincipal);
    }
    actions.extend(credential_action(
        &want,
        app,
        view.policy.max_secret_lifetime_days,
        now,
    ));
    consent_actions(
        &want,
        app,
        &view.consented,
        view.delegated_grants_read,
        &mut actions,
    );
    let tenant_missing = profile.tenant.is_none();
    let client_missing = match (app, &profile.client_id) {
        (Some(a), Some(c)) => !a.app_id.eq_ignore_ascii_case(c),
        _ => true,
    };
    if tenant_missing || client_missing {
        actions.push(Action::FillProfile {
            client_id: app.map(|a| a.app_id.clone()),
            tenant_id: view.organisation.id.clone(),
        });
    }
    let url = app.map(|a| admin_consent_url(authority, view, &a.app_id));
    finish(view, actions, notes, url)
}

/// `{authority}/{tenant}/adminconsent?client_id=…`.
fn admin_consent_url(authority: &str, view: &TenantView, app_id: &str) -> String {
    format!(
        "{}/{}/adminconsent?client_id={}",
        authority.trim_end_matches('/'),
        view.organisation.id,
        app_id
    )
}

/// The plan with the role check for its actions.
fn finish(
    view: &TenantView,
    actions: Vec<Action>,
    notes: Vec<String>,
    admin_consent_url: Option<String>,
) -> Plan {
    let mut needs: Vec<RoleNeed> = actions.iter().filter_map(Action::needs).collect();
    needs.sort();
    needs.dedup();
    let roles = needs
        .into_iter()
        .map(|n| RoleCheck {
            need: n,
            roles: n.roles().iter().map(|r| r.to_string()).collect(),
            held: n.held_by(&view.admin).map(String::from),
        })
        .collect();
    Plan {
        tenant: view.organisation.clone(),
        admin: view.admin.clone(),
        roles,
        actions,
        admin_consent_url,
        notes,
        stop: None,
        vendor_app_id: None,
    }
}

/// The vendor-hosted app: no app registration and no credential; its service principal and
/// the tenant-wide consent, once the admin has confirmed its ID (else the plan stops).
fn vendor_plan(
    view: &TenantView,
    profile: &Profile,
    want: &Target,
    vendor: &VendorTarget,
    authority: &str,
) -> Plan {
    let Some(id) = vendor.confirmed.clone() else {
        let mut p = finish(view, Vec::new(), Vec::new(), None);
        p.stop = Some(vendor.unconfirmed_message(&profile.name));
        return p;
    };
    let mut actions = Vec::new();
    let mut notes = Vec::new();
    if vendor.likely.as_deref() != Some(id.as_str()) {
        notes.push(format!(
            "The confirmed ID {id} is not the one the guide prints ('{}'); make sure it is {}'s.",
            vendor.printed, vendor.name
        ));
    }
    if view.service_principal.is_none() {
        actions.push(Action::CreateServicePrincipal);
    }
    consent_actions(
        want,
        None,
        &view.consented,
        view.delegated_grants_read,
        &mut actions,
    );
    let client_ok = profile
        .client_id
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case(&id));
    if profile.tenant.is_none() || !client_ok {
        actions.push(Action::FillProfile {
            client_id: Some(id.clone()),
            tenant_id: view.organisation.id.clone(),
        });
    }
    let url = admin_consent_url(authority, view, &id);
    let mut p = finish(view, actions, notes, Some(url));
    p.vendor_app_id = Some(id);
    p
}
