//! The Exchange side of `offboard`: what the change record says mailscope created in Exchange
//! ([`crate::exchange::offboard`]), kept where Exchange (read with the remembered Exchange
//! sign-in) still holds it, and removed in the safe order, each removal recorded. Without an
//! Exchange sign-in the items are listed as not removed, with the sign-in command.

use super::error::LifecycleError;
use super::offboard_plan::OffboardPlan;
use super::session::{Ctx, Progress};
use crate::changes::{self, Area, ChangeRecord, Phase};
use crate::exchange::offboard::{from_records, remove, still_held};
use crate::exchange::{Connection, connect, signin_config};
use crate::profile::Profile;

/// Adds the Exchange side to `plan`; the connection when there is something to remove.
pub(crate) async fn plan_exchange(
    ctx: &Ctx<'_>,
    profile: &Profile,
    records: &[ChangeRecord],
    plan: &mut OffboardPlan,
) -> Option<Connection> {
    let exo = from_records(records);
    plan.by_hand.extend(exo.by_hand);
    if exo.removals.is_empty() {
        return None;
    }
    let conn = match signin_config(profile, ctx.endpoints) {
        Some(cfg) => connect(&cfg, profile, ctx.http, ctx.secrets).await.ok(),
        None => None,
    };
    let Some(conn) = conn else {
        plan.exchange_signin = Some(format!(
            "mailscope signin --profile {} --exchange",
            profile.name
        ));
        for r in &exo.removals {
            plan.by_hand.push(format!(
                "{} — not removed: no Exchange sign-in",
                r.describe()
            ));
        }
        return None;
    };
    for r in exo.removals {
        match still_held(&conn.transport, &r).await {
            Ok(true) => plan.exchange.push(r),
            Ok(false) => plan
                .gone
                .push(format!("{} (Exchange no longer holds it)", r.describe())),
            Err(e) => plan.by_hand.push(format!(
                "{} — not removed: Exchange could not be read ({e})",
                r.describe()
            )),
        }
    }
    (!plan.exchange.is_empty()).then_some(conn)
}

/// Runs the planned Exchange removals in order, each with a `started` and a `done` or
/// `failed` line; the first failure stops.
pub(crate) async fn remove_exchange(
    ctx: &Ctx<'_>,
    profile: &Profile,
    conn: &Connection,
    plan: &OffboardPlan,
    on: &mut dyn FnMut(Progress),
) -> Result<(), LifecycleError> {
    let run = uuid::Uuid::new_v4().to_string();
    for (i, r) in plan.exchange.iter().enumerate() {
        on(Progress::Doing(format!("Exchange: {}", r.describe())));
        let mut start = ChangeRecord::new(
            &run,
            i,
            Area::Exchange,
            &conn.tenant_id,
            Some(&conn.account.upn),
            r.tag(),
            &r.describe(),
            Phase::Started,
        );
        for (k, v) in r.facts() {
            start = start.with_object(k, v);
        }
        changes::append(ctx.profiles, &profile.name, &start)?;
        match remove(&conn.transport, r).await {
            Ok(()) => {
                let done = r
                    .facts()
                    .into_iter()
                    .fold(start.next(Phase::Done), |d, (k, v)| d.with_object(k, v));
                changes::append(ctx.profiles, &profile.name, &done)?;
            }
            Err(e) => {
                let mut failed = start.next(Phase::Failed);
                failed.error = Some(e.to_string());
                changes::append(ctx.profiles, &profile.name, &failed)?;
                return Err(LifecycleError::Exchange {
                    profile: profile.name.clone(),
                    error: Box::new(e),
                });
            }
        }
    }
    Ok(())
}
