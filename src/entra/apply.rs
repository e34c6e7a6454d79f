//! `entra apply`: carries out a [`Plan`] in the tenant, action by action in a safe order,
//! with the admin's delegated token. Before each call a `started` line goes into the change
//! record beside the profile, after it `done` (object IDs, Secret ID, expiry, thumbprint) or
//! `failed`; the first failure stops the run, so the record says exactly what was done. A new
//! secret's value goes straight into the keyring (bound to the new app), its Secret ID and
//! expiry into the profile; the client ID and service principal ID are saved as soon as they
//! exist, so a rerun finds the app by its ID and completes the plan. Progress is reported as
//! [`ApplyEvent`]s (no terminal code); the proof is in [`super::prove`].

use std::collections::BTreeMap;

use crate::changes::{self, Area, ChangeRecord, ChangesError, Phase};
use crate::credential::CredentialError;
use crate::graph::cloud::CloudEndpoints;
use crate::preset::Preset;
use crate::profile::{Profile, ProfileError, ProfileStore};
use crate::secrets::{Secret, SecretError, SecretStore};
use crate::signin::Account;

use super::apply_steps::{self, Facts};
use super::plan::{Action, Plan, RoleCheck};
use super::retry::{RetryPolicy, Waiting};
use super::view::TenantView;
use super::write::{WriteError, Writer};

/// What apply works with: the admin's session, where the profile and secrets live, the
/// retry policy.
pub struct ApplyContext<'a> {
    pub endpoints: &'a CloudEndpoints,
    pub http: &'a reqwest::Client,
    /// The admin's delegated access token (memory only).
    pub token: &'a Secret,
    pub account: &'a Account,
    pub store: &'a ProfileStore,
    pub secrets: &'a dyn SecretStore,
    pub retry: RetryPolicy,
}

impl ApplyContext<'_> {
    pub(crate) fn writer(&self) -> Writer<'_> {
        Writer {
            endpoints: self.endpoints,
            http: self.http,
            token: self.token,
            timeout: std::time::Duration::from_secs(30),
        }
    }
}

/// Progress, for a terminal or a TUI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyEvent {
    /// Step `step` (1-based) of `of` begins.
    Started {
        step: usize,
        of: usize,
        summary: String,
    },
    /// A wait before another attempt, saying what is awaited.
    Waiting(Waiting),
    /// The step is done; the non-secret facts the tenant returned.
    Done {
        step: usize,
        summary: String,
        objects: BTreeMap<String, String>,
    },
    /// The proof begins: a token with the new credential, or a re-read of the tenant.
    Proving { what: String },
}

/// Why a step failed.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    #[error("{0}")]
    Graph(#[from] WriteError),
    #[error("the OS keyring: {0}")]
    Keyring(#[from] SecretError),
    #[error("{0}")]
    Credential(#[from] CredentialError),
    #[error("could not save the profile: {0}")]
    Profile(#[from] ProfileError),
    /// Something the step needs is not there (e.g. Microsoft Graph's service principal).
    #[error("{0}")]
    Missing(String),
}

impl StepError {
    /// Whether the tenant refused (as opposed to this computer failing).
    pub fn refused_by_tenant(&self) -> bool {
        matches!(self, StepError::Graph(_))
    }

    /// What to do about it.
    pub fn fix(&self) -> String {
        match self {
            StepError::Graph(e) => e.fix(),
            StepError::Keyring(_) => "Make the OS keyring reachable (on Linux, a Secret Service such as GNOME Keyring in this session) and run the command again; a secret already added in Entra is named in the change record and can be removed in the portal.".into(),
            StepError::Credential(_) | StepError::Profile(_) | StepError::Missing(_) => {
                "Fix the cause above and run the command again (it continues where it stopped).".into()
            }
        }
    }
}

/// Why apply stopped.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The admin lacks a directory role the plan needs; nothing was changed.
    #[error("the signed-in admin does not hold a role the plan needs; nothing was changed")]
    MissingRoles(Vec<RoleCheck>),
    /// The change record could not be written, so the change was not made.
    #[error("{0}")]
    Record(#[from] ChangesError),
    /// Step `step` (1-based) failed; the steps before it are done.
    #[error("step {step} ({summary}) failed: {error}")]
    Step {
        step: usize,
        summary: String,
        error: StepError,
        /// Facts recorded for the failed step (e.g. a Secret ID created before the keyring
        /// refused its value).
        objects: BTreeMap<String, String>,
    },
}

/// One step that was carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepDone {
    pub action: Action,
    pub summary: String,
    pub objects: BTreeMap<String, String>,
}

/// What apply did.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The change record's run ID.
    pub run: String,
    pub steps: Vec<StepDone>,
    /// The profile as saved.
    pub profile: Profile,
}

impl Applied {
    /// A fact recorded by any step (`secret_id`, `expires`, `thumbprint`, `app_id`, …).
    pub fn fact(&self, key: &str) -> Option<&str> {
        self.steps
            .iter()
            .rev()
            .find_map(|s| s.objects.get(key).map(String::as_str))
    }
}

/// The action's tag as the plan's JSON gives it (`create-app`, …).
pub fn tag(a: &Action) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v["action"].as_str().map(String::from))
        .unwrap_or_default()
}

/// A safe order: the app and its shape, then the service principal, the credential, consent,
/// least privilege, the profile. `api.requestedAccessTokenVersion` before `signInAudience`
/// (personal accounts need version 2 first).
fn rank(a: &Action) -> u8 {
    match a {
        Action::CreateApp { .. } => 0,
        Action::UpdateApp { property, .. } if property.starts_with("api.") => 1,
        Action::UpdateApp { .. } => 2,
        Action::AddRedirectUri { .. } => 3,
        Action::SetPermissions { .. } => 4,
        Action::CreateServicePrincipal => 5,
        Action::AddSecret { .. } | Action::UploadCertificate { .. } => 6,
        Action::GrantAppRole { .. } => 7,
        Action::GrantDelegated { .. } => 8,
        Action::RevokeAppRole { .. } => 9,
        Action::FillProfile { .. } => 10,
    }
}

/// The plan's actions in the order apply runs them.
pub fn ordered(plan: &Plan) -> Vec<Action> {
    let mut actions = plan.actions.clone();
    actions.sort_by_key(rank);
    actions
}

/// Local steps change only the profile, not the tenant: no record line.
fn is_local(a: &Action) -> bool {
    matches!(a, Action::FillProfile { .. })
}

/// Carries out `plan` (made from `view`) for `profile`. Stops before any change when a role
/// is missing. The profile is saved as facts arrive; the returned [`Applied`] holds it.
pub async fn apply(
    ctx: &ApplyContext<'_>,
    plan: &Plan,
    view: &TenantView,
    profile: &Profile,
    preset: &Preset,
    on_event: &mut dyn FnMut(ApplyEvent),
) -> Result<Applied, ApplyError> {
    let missing: Vec<RoleCheck> = plan.missing_roles().cloned().collect();
    if !missing.is_empty() {
        return Err(ApplyError::MissingRoles(missing));
    }
    let run = uuid::Uuid::new_v4().to_string();
    let actions = ordered(plan);
    let mut facts = Facts::from_view(view, profile.clone());
    let mut steps = Vec::new();
    let of = actions.len();
    for (i, action) in actions.iter().enumerate() {
        let summary = action.describe();
        on_event(ApplyEvent::Started {
            step: i + 1,
            of,
            summary: summary.clone(),
        });
        let started = ChangeRecord::new(
            &run,
            i,
            Area::Entra,
            &view.organisation.id,
            Some(&ctx.account.upn),
            &tag(action),
            &summary,
            Phase::Started,
        );
        let local = is_local(action);
        if !local {
            changes::append(ctx.store, &profile.name, &started)?;
        }
        let mut objects = BTreeMap::new();
        let outcome = apply_steps::run(ctx, action, &mut facts, preset, &mut objects, &mut |w| {
            on_event(ApplyEvent::Waiting(w))
        })
        .await;
        let mut line = started.next(if outcome.is_ok() {
            Phase::Done
        } else {
            Phase::Failed
        });
        for (k, v) in &objects {
            line = line.with_object(k, v.clone());
        }
        if let Err(e) = outcome {
            if !local {
                line = line.with_error(e.to_string());
                changes::append(ctx.store, &profile.name, &line)?;
            }
            return Err(ApplyError::Step {
                step: i + 1,
                summary,
                error: e,
                objects,
            });
        }
        if !local {
            changes::append(ctx.store, &profile.name, &line)?;
        }
        on_event(ApplyEvent::Done {
            step: i + 1,
            summary: summary.clone(),
            objects: objects.clone(),
        });
        steps.push(StepDone {
            action: action.clone(),
            summary,
            objects,
        });
    }
    Ok(Applied {
        run,
        steps,
        profile: facts.profile,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entra::view::{Kind, Perm};

    #[test]
    fn the_order_puts_the_token_version_before_the_audience_and_consent_after_the_app() {
        let plan_actions = vec![
            Action::GrantAppRole {
                permission: "Mail.Send".into(),
            },
            Action::UpdateApp {
                property: "signInAudience".into(),
                from: "AzureADMyOrg".into(),
                to: "AzureADandPersonalMicrosoftAccount".into(),
            },
            Action::UpdateApp {
                property: "api.requestedAccessTokenVersion".into(),
                from: "not set".into(),
                to: "2".into(),
            },
            Action::CreateServicePrincipal,
            Action::SetPermissions {
                add: vec![Perm::new("Mail.Send", Kind::Application)],
                remove: vec![],
            },
        ];
        let plan = Plan {
            tenant: crate::entra::view::Organisation {
                id: "t".into(),
                display_name: "T".into(),
            },
            admin: crate::entra::view::Admin {
                upn: "a".into(),
                role_ids: vec![],
                roles: vec![],
            },
            roles: vec![],
            actions: plan_actions,
            admin_consent_url: None,
            notes: vec![],
            stop: None,
            vendor_app_id: None,
        };
        let tags: Vec<String> = ordered(&plan).iter().map(tag).collect();
        assert_eq!(
            tags,
            [
                "update-app",
                "update-app",
                "set-permissions",
                "create-service-principal",
                "grant-app-role"
            ]
        );
        assert!(
            matches!(&ordered(&plan)[0], Action::UpdateApp { property, .. } if property.starts_with("api."))
        );
    }
}
