//! "Do it for me" on the scoping screen through `mailscope::exchange`: the Exchange sign-in
//! (Exchange Online PowerShell's public client; remembered apart from the Entra one, as
//! `mailscope signin --exchange` does), the read of Exchange and the plan ([`prepare`]), the
//! apply with progress and Exchange's own test per mailbox as the proof ([`execute`]). What
//! reaches the wizard is plain words ([`crate::tui::entra_msg`], made by
//! [`super::exchange_words`]); the token stays here, in memory.

use mailscope::exchange::apply::{Context, Event};
use mailscope::exchange::entra_consent::EntraConsent;
use mailscope::exchange::{self, Connection, Plan, Target, Transport};
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::preset;
use mailscope::profile::{Profile, ProfileStore, ScopeMechanism};
use mailscope::secrets::SecretStore;

use super::entra::session;
use super::entra_words::failure;
use super::exchange_words::{apply_failure, plan_summary, proof_lines, read_failure};
use crate::tui::entra_msg::{Applied, DoItReply, Failure, PlanSummary, Progress};

/// What the plan was made with, kept by the runner (in memory) until the admin confirms.
pub struct Prepared {
    transport: Transport,
    target: Target,
    plan: Plan,
    profile: Profile,
    tenant_name: String,
}

/// Signs in to Exchange (the remembered sign-in, or a new one), reads Exchange and makes the
/// plan for `profile` with the mechanism its scope names.
pub async fn prepare(
    mut profile: Profile,
    secrets: &dyn SecretStore,
    device_code: bool,
    send: &(dyn Fn(DoItReply) + Send + Sync),
) -> Result<Prepared, Failure> {
    let fix_profile = "Correct the profile (its cloud and endpoints), then press Ctrl-D again.";
    let preset = preset::preset(profile.preset).map_err(|e| failure(e.to_string(), fix_profile))?;
    let cloud =
        CloudEndpoints::from_profile(&profile).map_err(|e| failure(e.to_string(), fix_profile))?;
    let cfg = exchange::signin_config(&profile, &cloud).ok_or_else(|| {
        failure(
            "The profile names no tenant yet.",
            "Fill the Directory (tenant) ID on the App registration step.",
        )
    })?;
    let http = cloud
        .http_client(cfg.request_timeout)
        .map_err(|e| failure(e.to_string(), fix_profile))?;
    let signed = session(&cfg, &http, secrets, device_code, send).await?;
    send(DoItReply::Reading {
        admin: signed.account.upn.clone(),
    });
    let Connection {
        transport,
        account,
        tenant_id,
    } = Connection::from_signed(&cfg, &profile, &http, signed);
    let mechanism = profile.scope.as_ref().map(|s| s.mechanism);
    let mut target = Target::of(&profile, &preset, mechanism);
    // RBAC for Applications needs the service principal's object ID and the Entra consent:
    // both from the remembered Entra sign-in, when there is one (the CLI does the same).
    let mut consent = None;
    if target.mechanism() == ScopeMechanism::Rbac
        && let Some(app) = target.app_id.clone()
        && let Some(e) = EntraConsent::connect(&profile, &preset, &cloud, &http, secrets).await
    {
        if target.sp_object_id.is_none() {
            let id = e.service_principal_id(&app).await.ok().flatten();
            target.sp_object_id.clone_from(&id);
            profile.service_principal_id = id;
        }
        consent = e
            .scoped_grants(&app, &target.names.roles)
            .await
            .ok()
            .map(|g| g.into_iter().map(|g| g.permission).collect::<Vec<_>>());
    }
    let view = exchange::read(&transport, &target)
        .await
        .map_err(|e| read_failure(&e, &profile.name))?;
    let plan = exchange::plan(&view, &target, &account, &tenant_id, mechanism, &consent);
    Ok(Prepared {
        transport,
        target,
        plan,
        tenant_name: profile.tenant.clone().unwrap_or_default(),
        profile,
    })
}

/// The plan in words, for the confirm screen.
pub fn summary(p: &Prepared) -> PlanSummary {
    plan_summary(&p.plan, &p.tenant_name)
}

/// Carries out the prepared plan (the Entra consent is never removed here: that needs its
/// own confirmation, `mailscope exchange apply --remove-consent`), then runs Exchange's own
/// test per mailbox. The profile's scope is marked as run (`changed_at`) as "I have run it"
/// does.
pub async fn execute(
    p: Prepared,
    store: &ProfileStore,
    on_progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Applied, Failure> {
    let Prepared {
        transport,
        target,
        plan,
        mut profile,
        ..
    } = p;
    let record = store
        .companion_path(&profile.name, mailscope::profile::Companion::Changes)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| format!("{}.changes.jsonl", profile.name));
    let mut last = 0usize;
    let mut on_event = |e: Event| match e {
        Event::Started { n, of, what } => {
            if last > 0 {
                on_progress(Progress::Done {
                    step: last,
                    facts: String::new(),
                });
            }
            last = n;
            on_progress(Progress::Started {
                step: n,
                of,
                summary: what,
            });
        }
        Event::Skipped { n, why } => {
            if last > 0 {
                on_progress(Progress::Done {
                    step: last,
                    facts: String::new(),
                });
            }
            last = 0;
            on_progress(Progress::Started {
                step: n,
                of: plan.actions.len(),
                summary: "Remove the app's tenant-wide Entra consent".into(),
            });
            on_progress(Progress::Done {
                step: n,
                facts: format!("left out: {why}"),
            });
        }
    };
    let cx = Context {
        transport: &transport,
        target: &target,
        store,
        profile: &mut profile,
        consent: None,
    };
    let result = exchange::apply(cx, &plan, &mut on_event).await;
    let applied = result.map_err(|e| apply_failure(&e, &profile.name, &record))?;
    if last > 0 {
        on_progress(Progress::Done {
            step: last,
            facts: String::new(),
        });
    }
    // "I have run it": the time Graph's propagation is counted from, when apply did not set it.
    if let Some(s) = profile.scope.as_mut()
        && s.changed_at.is_none()
    {
        s.changed_at = Some(time::OffsetDateTime::now_utc());
    }
    let recorded = if applied.done.iter().all(|t| t == "save-mechanism") {
        format!("Nothing changed in Exchange; {record} is unchanged.")
    } else {
        format!("Recorded in {record} (run {}).", applied.run)
    };
    on_progress(Progress::Proving(
        "Exchange's own test for each mailbox".into(),
    ));
    let (proven, proof) = match exchange::test_scoping(&transport, &target).await {
        Ok(test) => (test.all_pass(), proof_lines(&test)),
        Err(e) => (
            false,
            vec![
                format!("Applied, but Exchange's test did not run: {e}"),
                e.fix_for(&profile.name),
            ],
        ),
    };
    let mut proof = proof;
    proof.extend(applied.skipped.iter().map(|s| format!("Left out: {s}.")));
    Ok(Applied {
        profile: Box::new(profile),
        steps: plan.actions.len(),
        recorded,
        proven,
        proof,
    })
}
