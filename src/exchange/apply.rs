//! `exchange apply`: executes a [`Plan`] action by action, in its order, through the one
//! transport. Before each change a `started` line goes to the change record beside the
//! profile, after it `done` (object names and IDs) or `failed`; the first failure stops the
//! run, so the record says exactly what was done and a rerun (which plans from a fresh read)
//! completes it. An object that already exists counts as made. The profile's scope gets the
//! mechanism and, when Exchange changed, the time (so checks can tell "not propagated yet").

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::entra_consent::EntraConsent;
use super::error::ExchangeError;
use super::plan::{Action, Plan};
use super::read::read_group;
use super::target::{Target, member_of_filter};
use super::transport::{Transport, params, text};
use super::verdict::{ScopingTest, test_scoping};
use super::verify::{is_done, outcome_unknown};
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
                for (k, v) in objects {
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

/// [`execute`]; when its answer was lost, the change is read back: found, the step is done
/// (the record says how it was known).
async fn execute_checked(t: &Transport, action: &Action) -> Result<Objects, ExchangeError> {
    match execute(t, action).await {
        Err(e) if outcome_unknown(&e) => match is_done(t, action).await {
            Ok(true) => Ok(vec![(
                "verified".to_string(),
                format!("read back after the answer was lost ({e})"),
            )]),
            _ => Err(e),
        },
        other => other,
    }
}

/// `(key, value)` facts for the record.
type Objects = Vec<(String, String)>;

fn facts(item: Option<&Value>, keys: &[&str]) -> Objects {
    let Some(item) = item else {
        return Vec::new();
    };
    keys.iter()
        .map(|k| (snake(k), text(item, k)))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// `PrimarySmtpAddress` → `primary_smtp_address`, as the record's other keys are written.
fn snake(key: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = key.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
        let prev_lower = i > 0 && chars[i - 1].is_ascii_lowercase();
        if c.is_ascii_uppercase() && i > 0 && (prev_lower || next_lower) {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Runs a cmdlet that creates something; "already exists" counts as made.
async fn create(
    t: &Transport,
    cmdlet: &str,
    p: serde_json::Map<String, Value>,
    keys: &[&str],
) -> Result<Objects, ExchangeError> {
    match t.invoke(cmdlet, &p).await {
        Ok(items) => Ok(facts(items.first(), keys)),
        Err(ExchangeError::AlreadyExists { .. }) => {
            Ok(vec![("already_existed".to_string(), "true".to_string())])
        }
        Err(e) => Err(e),
    }
}

async fn execute(t: &Transport, action: &Action) -> Result<Objects, ExchangeError> {
    match action {
        Action::CreateSharedMailbox { address } => {
            let name = address.split('@').next().unwrap_or(address);
            let p = params([
                ("Shared", json!(true)),
                ("Name", json!(name)),
                ("PrimarySmtpAddress", json!(address)),
            ]);
            create(
                t,
                "New-Mailbox",
                p,
                &["Identity", "ExternalDirectoryObjectId"],
            )
            .await
        }
        Action::CreateGroup {
            name,
            alias,
            address,
        } => {
            let mut p = params([
                ("Name", json!(name)),
                ("Alias", json!(alias)),
                ("Type", json!("Security")),
            ]);
            if let Some(a) = address {
                p.insert("PrimarySmtpAddress".into(), json!(a));
            }
            create(
                t,
                "New-DistributionGroup",
                p,
                &[
                    "Identity",
                    "PrimarySmtpAddress",
                    "ExternalDirectoryObjectId",
                ],
            )
            .await
        }
        Action::AddMember { group, address } => {
            let p = params([
                ("Identity", json!(group)),
                ("Member", json!(address)),
                ("BypassSecurityGroupManagerCheck", json!(true)),
            ]);
            create(t, "Add-DistributionGroupMember", p, &[]).await
        }
        Action::NewAccessPolicy {
            app_id,
            group,
            description,
        } => {
            let p = params([
                ("AppId", json!(app_id)),
                ("PolicyScopeGroupId", json!(group)),
                ("AccessRight", json!("RestrictAccess")),
                ("Description", json!(description)),
            ]);
            create(
                t,
                "New-ApplicationAccessPolicy",
                p,
                &["Identity", "ScopeIdentity"],
            )
            .await
        }
        Action::NewServicePrincipal {
            app_id,
            object_id,
            display_name,
        } => {
            let p = params([
                ("AppId", json!(app_id)),
                ("ObjectId", json!(object_id)),
                ("DisplayName", json!(display_name)),
            ]);
            create(t, "New-ServicePrincipal", p, &["Identity", "ObjectId"]).await
        }
        Action::NewManagementScope { name, group } => {
            let dn = read_group(t, group)
                .await?
                .map(|g| g.distinguished_name)
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| group.clone());
            let p = params([
                ("Name", json!(name)),
                ("RecipientRestrictionFilter", json!(member_of_filter(&dn))),
            ]);
            create(t, "New-ManagementScope", p, &["Identity", "Name"]).await
        }
        Action::NewRoleAssignment { app, role, scope } => {
            let p = params([
                ("App", json!(app)),
                ("Role", json!(role)),
                ("CustomResourceScope", json!(scope)),
            ]);
            create(t, "New-ManagementRoleAssignment", p, &["Name", "Identity"]).await
        }
        Action::RemoveAccessPolicy { identity } => {
            let p = params([("Identity", json!(identity)), ("Confirm", json!(false))]);
            match t.invoke("Remove-ApplicationAccessPolicy", &p).await {
                Ok(_) | Err(ExchangeError::NotFound { .. }) => {
                    Ok(vec![("identity".to_string(), identity.clone())])
                }
                Err(e) => Err(e),
            }
        }
        Action::VerifyRbac | Action::RemoveEntraConsent { .. } | Action::SaveMechanism { .. } => {
            Ok(Vec::new())
        }
    }
}

#[cfg(test)]
#[path = "apply_tests.rs"]
mod tests;
