//! `mailscope offboard`: the end of the lifecycle. Plans from the change record what
//! mailscope created that the tenant still holds ([`super::offboard_plan`], and in Exchange
//! [`super::offboard_exchange`]), asks, removes
//! those (each recorded), then forgets the app locally: the profile's keyring entries are
//! deleted and the profile no longer names the app or a credential (it stays, for the record
//! and a later `entra apply`).

use super::error::LifecycleError;
use super::offboard_exchange::{plan_exchange, remove_exchange};
use super::offboard_plan::{OffboardPlan, Removal, plan};
use super::session::{AdminSession, Ctx, Progress, writer};
use crate::changes;
use crate::preset::Preset;
use crate::profile::Profile;
use crate::secrets;

/// How an offboarding ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offboarded {
    /// Nothing recorded is left in the tenant (the plan says what was already gone).
    Nothing(OffboardPlan),
    /// The admin said no: nothing changed.
    Declined(OffboardPlan),
    /// Removed; `keyring_entries`: how many secrets of the profile were deleted.
    Removed {
        plan: OffboardPlan,
        keyring_entries: usize,
    },
}

/// Plans, asks `confirm` with the plan, and removes. `profile` is saved to `ctx.profiles`.
pub async fn offboard(
    ctx: &Ctx<'_>,
    profile: &mut Profile,
    preset: &Preset,
    confirm: &mut dyn FnMut(&OffboardPlan) -> bool,
    on: &mut dyn FnMut(Progress),
) -> Result<Offboarded, LifecycleError> {
    let records = changes::read(ctx.profiles, &profile.name)?;
    let mut admin = AdminSession::open(ctx, profile, preset, on).await?;
    let mut planned = plan(&records, &admin.view);
    let exchange = plan_exchange(ctx, profile, &records, &mut planned).await;
    if planned.is_empty() {
        return Ok(Offboarded::Nothing(planned));
    }
    if !confirm(&planned) {
        return Ok(Offboarded::Declined(planned));
    }
    let held: Vec<String> = admin
        .view
        .app()
        .map(|a| a.certificates.iter().map(|c| c.key_id.clone()).collect())
        .unwrap_or_default();
    let leaving: Vec<&str> = planned
        .removals
        .iter()
        .filter_map(|r| match r {
            Removal::RemoveCertificate { key_id, .. } => Some(key_id.as_str()),
            _ => None,
        })
        .collect();
    let keep: Vec<String> = held
        .into_iter()
        .filter(|k| !leaving.iter().any(|l| l.eq_ignore_ascii_case(k)))
        .collect();
    // Exchange first: its objects point at the app, and a failure leaves the app to retry.
    if let Some(conn) = &exchange {
        remove_exchange(ctx, profile, conn, &planned, on).await?;
    }
    let mut certs_done = false;
    for r in &planned.removals {
        if matches!(r, Removal::RemoveCertificate { .. }) {
            // One PATCH takes every certificate mailscope added off the app.
            if certs_done {
                continue;
            }
            certs_done = true;
        }
        remove(ctx, &mut admin, profile, r, &keep, on).await?;
    }
    let keyring_entries = secrets::delete_all_for(ctx.secrets, &profile.name)?;
    profile.client_id = None;
    profile.service_principal_id = None;
    profile.credential = None;
    ctx.profiles.save(profile).map_err(LifecycleError::Save)?;
    Ok(Offboarded::Removed {
        plan: planned,
        keyring_entries,
    })
}

/// One removal, recorded. `keep`: the certificates that stay on the app.
async fn remove(
    ctx: &Ctx<'_>,
    admin: &mut AdminSession,
    profile: &Profile,
    r: &Removal,
    keep: &[String],
    on: &mut dyn FnMut(Progress),
) -> Result<(), LifecycleError> {
    let w = &writer(ctx, &admin.signed);
    let facts: Vec<(&str, String)> = match r {
        Removal::DeleteApp { object_id, app_id } => vec![
            ("app_object_id", object_id.clone()),
            ("app_id", app_id.clone()),
        ],
        Removal::DeleteServicePrincipal { id } => vec![("service_principal_id", id.clone())],
        Removal::RemoveGrant { grant_id } => vec![("removed_grant_id", grant_id.clone())],
        Removal::RevokeAppRole { assignment_id, .. } => {
            vec![("removed_assignment_id", assignment_id.clone())]
        }
        Removal::RemoveSecret {
            object_id,
            secret_id,
        } => vec![
            ("app_object_id", object_id.clone()),
            ("secret_id", secret_id.clone()),
        ],
        Removal::RemoveCertificate { object_id, .. } => vec![("app_object_id", object_id.clone())],
    };
    let call = || async move {
        match r {
            Removal::DeleteApp { object_id, .. } => w.delete_app(object_id).await,
            Removal::DeleteServicePrincipal { id } => w.delete_service_principal(id).await,
            Removal::RemoveGrant { grant_id } => w.delete_grant(grant_id).await,
            Removal::RevokeAppRole {
                resource_sp,
                assignment_id,
            } => w.remove_app_role(resource_sp, assignment_id).await,
            Removal::RemoveSecret {
                object_id,
                secret_id,
            } => w.remove_password(object_id, secret_id).await,
            Removal::RemoveCertificate { object_id, .. } => {
                w.set_key_credentials(object_id, keep, &[]).await.map(drop)
            }
        }
    };
    let summary = r.describe();
    admin
        .recorder
        .recorded(
            ctx,
            profile,
            r.tag(),
            &summary,
            &facts,
            on,
            |_: &()| Vec::new(),
            call,
        )
        .await
}
