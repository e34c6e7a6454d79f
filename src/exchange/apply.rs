//! `exchange apply`: executes a [`Plan`] action by action, in its order, through the one
//! transport. Before each change a `started` line goes to the change record beside the
//! profile, after it `done` (object names and IDs) or `failed`; the first failure stops the
//! run, so the record says exactly what was done and a rerun (which plans from a fresh read)
//! completes it. An object that already exists counts as made. The profile's scope gets the
//! mechanism and, when Exchange changed, the time (so checks can tell "not propagated yet").

use time::OffsetDateTime;

use super::entra_consent::EntraConsent;
use super::error::ExchangeError;
use super::plan::{Action, Plan};
use super::steps::execute_checked;
use super::target::Target;
use super::transport::Transport;
use super::verdict::{ScopingTest, test_scoping};
use crate::changes::{self, Area, ChangeRecord, ChangesError, Phase};
use crate::profile::{Profile, ProfileError, ProfileStore, Scope};

/// Why apply stopped.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The plan stops before any change (a distribution list for a policy, no client ID…).
    #[error("{0}")]
    Blocked(String),
    /// The admin holds none of the Exchange roles the plan needs; nothing was changed.
    #[error("{admin} holds none of {roles} (active, per the sign-in); nothing was changed")]
    MissingRole { admin: String, roles: String },
    /// A step failed; the ones before it are done and recorded.
    #[error("step {step} ({action}) failed: {error}")]
    Step {
        step: usize,
        action: String,
        error: ExchangeError,
    },
    /// Removing the Entra consent failed.
    #[error("step {step} (remove-entra-consent) failed: {message}")]
    Consent { step: usize, message: String },
    /// RBAC for Applications did not test as the profile expects: the access policy is kept.
    #[error(
        "RBAC for Applications does not yet give the expected result for every mailbox; the access policy was kept"
    )]
    NotVerified(Box<ScopingTest>),
    /// The change record could not be written: the change was not made.
    #[error(transparent)]
    Record(#[from] ChangesError),
    /// The profile could not be saved.
    #[error(transparent)]
    Profile(#[from] ProfileError),
}

/// Progress, for the caller to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Step `n` (1-based) of `of` is starting.
    Started { n: usize, of: usize, what: String },
    /// Step `n` was left out, and why.
    Skipped { n: usize, why: String },
}

/// What was done.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Tags of the steps done.
    pub done: Vec<String>,
    /// Steps left out, and why.
    pub skipped: Vec<String>,
    /// The run's ID in the change record.
    pub run: String,
}

/// Everything apply works with.
pub struct Context<'a> {
    pub transport: &'a Transport,
    pub target: &'a Target,
    pub store: &'a ProfileStore,
    pub profile: &'a mut Profile,
    /// The Entra sign-in for removing consent, present only when the admin confirmed it.
    pub consent: Option<&'a EntraConsent>,
}

/// Applies `plan`.
pub async fn apply(
    cx: Context<'_>,
    plan: &Plan,
    on_event: &mut (dyn FnMut(Event) + Send),
) -> Result<Applied, ApplyError> {
    if let Some(b) = &plan.blocked {
        return Err(ApplyError::Blocked(b.clone()));
    }
    if plan.changes_tenant() && plan.role.held.is_none() {
        return Err(ApplyError::MissingRole {
            admin: plan.admin.clone(),
            roles: plan.role.roles.join(" or "),
        });
    }
    let mut applied = Applied {
        run: uuid::Uuid::new_v4().to_string(),
        ..Applied::default()
    };
    let mut changed = false;
    let result = run(&cx, plan, on_event, &mut applied, &mut changed).await;
    let save_mechanism = plan
        .actions
        .iter()
        .any(|a| matches!(a, Action::SaveMechanism { .. }));
    if changed || (result.is_ok() && save_mechanism) {
        remember_scope(cx.profile, cx.target, changed);
        cx.store.save(cx.profile)?;
    }
    result.map(|()| applied)
}

/// The profile's scope after apply: the mechanism, and the time when Exchange changed.
fn remember_scope(profile: &mut Profile, target: &Target, changed: bool) {
    let scope = profile.scope.get_or_insert(Scope {
        mechanism: target.mechanism(),
        group_name: None,
        group_address: None,
        description: None,
        changed_at: None,
    });
    scope.mechanism = target.mechanism();
    if changed {
        scope.changed_at = Some(OffsetDateTime::now_utc());
    }
}

async fn run(
    cx: &Context<'_>,
    plan: &Plan,
    on_event: &mut (dyn FnMut(Event) + Send),
    applied: &mut Applied,
    changed: &mut bool,
) -> Result<(), ApplyError> {
    let of = plan.actions.len();
    for (i, action) in plan.actions.iter().enumerate() {
        let n = i + 1;
        match action {
            Action::SaveMechanism { .. } => {
                applied.done.push(action.tag());
                continue;
            }
            Action::VerifyRbac => {
                on_event(Event::Started {
                    n,
                    of,
                    what: action.describe(),
                });
                let test = test_scoping(cx.transport, cx.target)
                    .await
                    .map_err(|error| ApplyError::Step {
                        step: n,
                        action: action.tag(),
                        error,
                    })?;
                if !test.all_pass() {
                    return Err(ApplyError::NotVerified(Box::new(test)));
                }
                applied.done.push(action.tag());
                continue;
            }
            Action::RemoveEntraConsent { .. } if cx.consent.is_none() => {
                let why = "the tenant-wide Entra consent was left in place (not confirmed): Graph still reaches every mailbox until it is removed".to_string();
                on_event(Event::Skipped {
                    n,
                    why: why.clone(),
                });
                applied.skipped.push(why);
                continue;
            }
            _ => {}
        }
        on_event(Event::Started {
            n,
            of,
            what: action.describe(),
        });
        let start = ChangeRecord::new(
            &applied.run,
            i,
            Area::Exchange,
            &plan.tenant_id,
            Some(&plan.admin),
            &action.tag(),
            &action.describe(),
            Phase::Started,
        );
        changes::append(cx.store, &cx.profile.name, &start)?;
        let outcome = match action {
            Action::RemoveEntraConsent { .. } => remove_consent(cx)
                .await
                .map_err(|message| ApplyError::Consent { step: n, message }),
            _ => execute_checked(cx.transport, action)
                .await
                .map_err(|error| ApplyError::Step {
                    step: n,
                    action: action.tag(),
                    error,
                }),
        };
        match outcome {
            Ok(objects) => {
                let mut done = start.next(Phase::Done);
                for (k, v) in action_objects(action).into_iter().chain(objects) {
                    done = done.with_object(&k, v);
                }
                changes::append(cx.store, &cx.profile.name, &done)?;
                *changed = true;
                applied.done.push(action.tag());
            }
            Err(e) => {
                let mut failed = start.next(Phase::Failed);
                failed.error = Some(e.to_string());
                changes::append(cx.store, &cx.profile.name, &failed)?;
                return Err(e);
            }
        }
    }
    Ok(())
}

/// The action's own text parameters (`group`, `address`, `name`…), recorded so that
/// `offboard` can name what was made even when Exchange's answer did not.
fn action_objects(action: &Action) -> Vec<(String, String)> {
    match serde_json::to_value(action) {
        Ok(serde_json::Value::Object(m)) => m
            .into_iter()
            .filter(|(k, _)| k != "action")
            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
            .collect(),
        _ => Vec::new(),
    }
}

async fn remove_consent(cx: &Context<'_>) -> Result<Vec<(String, String)>, String> {
    let Some(c) = cx.consent else {
        return Ok(Vec::new());
    };
    let app = cx.target.app_id.clone().unwrap_or_default();
    let grants = c.scoped_grants(&app, &cx.target.names.roles).await?;
    let mut objects = Vec::new();
    for g in &grants {
        c.remove(g).await?;
        objects.push((format!("removed_{}", g.permission), g.id.clone()));
    }
    Ok(objects)
}

#[cfg(test)]
#[path = "apply_tests.rs"]
mod tests;
