//! Tokens and live checks through `mailscope::graph`: Verify's roles, and a check run whose
//! events become table cells, recorded beside the profile when complete.

use std::collections::HashMap;
use std::sync::Arc;

use mailscope::graph;
use mailscope::preset;
use mailscope::profile::{Profile, ProfileStore};
use mailscope::secrets::SecretStore;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;

use crate::tui::msg::{Msg, Reply, RunId};
use crate::tui::screens::checks::Capability;

/// A diagnosis in one line: cause, what happened, what to do, and the request id.
fn describe(d: &graph::Diagnosis) -> String {
    let mut out = format!("{}: {} Fix: {}", d.cause.as_str(), d.summary, d.fix);
    if let Some(id) = &d.request_id {
        out.push_str(&format!(" (request-id {id})"));
    }
    out
}

/// Signs in as the app (keyring access is blocking, so off the async threads).
async fn session(
    profile: Profile,
    secrets: Arc<dyn SecretStore>,
) -> Result<graph::Session, String> {
    tokio::task::spawn_blocking(move || {
        // The wizard works on stored profiles: bind a secret stored before bindings existed.
        let _ = mailscope::secrets::adopt_unbound(secrets.as_ref(), &profile);
        graph::Session::from_profile(&profile, secrets.as_ref(), graph::timeout::from_env())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Gets a token with the profile's credential; Ok: the `roles` it carries.
pub async fn verify_token(
    profile: Profile,
    secrets: Arc<dyn SecretStore>,
) -> Result<Vec<String>, String> {
    let session = session(profile, secrets).await?;
    match session.tokens.token_with_claims().await {
        Ok(t) => Ok(t.claims.roles.unwrap_or_default()),
        Err(d) => Err(describe(&d)),
    }
}

/// What one run checks: the profile, optionally only some (row, capability) cells, and the
/// recipient of the send check when the admin opted in.
#[derive(Debug)]
pub struct ChecksRequest {
    pub profile: Profile,
    pub cells: Option<Vec<(usize, Capability)>>,
    pub send_to: Option<String>,
}

/// Runs the checks (with the send column when `send_to` names a recipient), sending a `Reply` per cell, until done or `cancel` turns true; the
/// engine deletes its drafts before it returns, cancelled or not.
pub async fn run_checks(
    run: RunId,
    what: ChecksRequest,
    secrets: Arc<dyn SecretStore>,
    profiles: ProfileStore,
    tx: UnboundedSender<Msg>,
    mut cancel: watch::Receiver<bool>,
) {
    let ChecksRequest {
        profile,
        cells,
        send_to,
    } = what;
    let full_run = cells.is_none();
    let name = profile.name.clone();
    let send = |r: Reply| {
        let _ = tx.send(Msg::Reply(r));
    };
    let preset = match preset::preset(profile.preset) {
        Ok(p) => p,
        Err(e) => return send(Reply::ChecksFinished(run, Err(e.to_string()))),
    };
    let only = cells.as_ref().map(|cells| {
        cells
            .iter()
            .filter_map(|(row, cap)| {
                Some((
                    profile.mailboxes.get(*row)?.address.trim().to_string(),
                    *cap,
                ))
            })
            .collect::<Vec<(String, Capability)>>()
    });
    let rows: HashMap<String, usize> = profile
        .mailboxes
        .iter()
        .enumerate()
        .map(|(i, m)| (m.address.trim().to_string(), i))
        .collect();
    let (ptx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let stop = graph::Cancel::new();
    // The wizard edits stored profiles only: a secret stored before bindings existed is bound.
    let spec = graph::RunSpec {
        options: graph::CheckOptions {
            send_to,
            per_request_timeout: graph::timeout::from_env(),
            ..graph::CheckOptions::default()
        },
        only,
        stored_profile: true,
        // Exchange's verdict beside Graph's (kept in the run for the live-checks screen).
        exchange: Some(mailscope::exchange::check_probe::probe()),
    };
    let engine = graph::run_profile(&profile, &preset, secrets, &spec, ptx, stop.clone());
    tokio::pin!(engine);
    let forward = |ev: graph::CheckEvent| match ev {
        graph::CheckEvent::Planned { cells, .. } => send(Reply::ChecksStarted(run, cells)),
        graph::CheckEvent::Waiting { what, host } => {
            send(Reply::ChecksWaiting(run, format!("{what} at {host}")))
        }
        graph::CheckEvent::Token(t) => {
            if let Some(c) = t.consent.as_ref().filter(|_| t.ok) {
                let roles = c.granted.iter().chain(&c.extra).cloned().collect();
                send(Reply::TokenSeen(roles));
            }
        }
        graph::CheckEvent::Cell(c) => {
            if let Some(row) = rows.get(&c.mailbox) {
                send(Reply::CheckCell(run, *row, c));
            }
        }
        _ => {}
    };
    let result = loop {
        tokio::select! {
            result = &mut engine => break result,
            Some(ev) = events.recv() => forward(ev),
            changed = cancel.changed() => {
                if changed.is_err() || *cancel.borrow() {
                    stop.cancel();
                }
            }
        }
    };
    while let Ok(ev) = events.try_recv() {
        forward(ev);
    }
    let report = match result {
        Ok(r) => r,
        Err(e) => return send(Reply::ChecksFinished(run, Err(e.to_string()))),
    };
    // Recorded beside the profile for `status`, `report`, the start screen and the export: a
    // full run as it is, a re-check of some cells merged into the last run.
    let recorded = tokio::task::spawn_blocking({
        let report = report.clone();
        move || mailscope::last_check::record(&profiles, &name, report, !full_run)
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r.map_err(|e| e.to_string()));
    match recorded {
        Ok(r) => send(Reply::RunRecorded(Box::new(r))),
        Err(e) => send(Reply::FileWritten(Err(format!(
            "The check result was not recorded: {e}"
        )))),
    }
    finish(run, &report, &send);
}

/// Tells the screen the run is over: fine, or why no token could be had.
fn finish(run: RunId, report: &graph::CheckRun, send: &dyn Fn(Reply)) {
    let outcome = match (&report.token.diagnosis, report.token.ok) {
        (_, true) => Ok(()),
        (Some(d), false) => Err(describe(d)),
        (None, false) => Err("No token could be had for the checks.".to_string()),
    };
    send(Reply::ChecksFinished(run, outcome));
}
