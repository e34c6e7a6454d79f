//! The library parts the wizard calls through the runner. Each function is the single place a
//! screen meets its engine; the ones whose engine is not in this build say so plainly.

use std::path::Path;
use std::sync::Arc;

use std::collections::HashMap;
use std::time::Duration;

use mailscope::credential;
use mailscope::graph;
use mailscope::powershell;
use mailscope::preset;
use mailscope::profile::{Profile, ProfileStore};
use mailscope::secrets::{Secret, SecretStore};
use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;
use zeroize::Zeroizing;

use super::msg::{CertInfo, Msg, Reply, RunId};
use super::screens::checks::{Capability, CellResult};

/// Per-request timeout for the wizard's calls.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

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
        graph::Session::from_profile(&profile, secrets.as_ref(), REQUEST_TIMEOUT)
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

/// The Exchange Online PowerShell (group, members, scoping) for the profile.
pub fn scoping_script(profile: &Profile) -> Result<String, String> {
    let preset = preset::preset(profile.preset).map_err(|e| e.to_string())?;
    powershell::script_for(profile, &preset, powershell::Part::Exchange, None).map_err(|e| {
        let text = e.to_string();
        let mut chars = text.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect::<String>() + ".")
            .unwrap_or_default()
    })
}

/// The facts shown for a certificate the admin now holds.
fn cert_info(cert: &credential::PublicCertificate, cer_path: &Path) -> CertInfo {
    CertInfo {
        sha1: cert.thumbprints.sha1_hex.clone(),
        sha256: cert.thumbprints.sha256_hex.clone(),
        cer_path: std::path::absolute(cer_path)
            .unwrap_or_else(|_| cer_path.to_path_buf())
            .display()
            .to_string(),
        expires: Some(cert.expires()),
    }
}

/// Keeps the private key in the keyring, then writes the public `.cer` (never overwriting).
fn keep(
    profile: &Profile,
    cert: &credential::CertificateWithKey,
    cer_path: &Path,
    secrets: &dyn SecretStore,
) -> Result<CertInfo, String> {
    if cer_path.as_os_str().is_empty() {
        return Err("Enter where to write the public .cer file.".into());
    }
    if cer_path.exists() {
        return Err(
            credential::CredentialError::FileExists(cer_path.display().to_string()).to_string(),
        );
    }
    credential::store_private_key(secrets, &profile.name, &cert.private_key)
        .map_err(|e| e.to_string())?;
    credential::write_public_certificate(cer_path, &cert.certificate.der, false)
        .map_err(|e| e.to_string())?;
    Ok(cert_info(&cert.certificate, cer_path))
}

/// Generates a self-signed certificate, keeps the key in the keyring, writes the public part.
pub fn generate_certificate(
    profile: &Profile,
    cer_path: &Path,
    secrets: &dyn SecretStore,
) -> Result<CertInfo, String> {
    let preset = preset::preset(profile.preset).map_err(|e| e.to_string())?;
    let name = profile.app_name.clone().unwrap_or(preset.default_app_name);
    let months = preset
        .secret_lifetime_months
        .clamp(1, credential::MAX_VALID_MONTHS);
    let cert = credential::generate(&name, months, OffsetDateTime::now_utc())
        .map_err(|e| e.to_string())?;
    keep(profile, &cert, cer_path, secrets)
}

/// Imports a PEM (certificate and key) or PFX file, keeps the key, writes the public part.
pub fn import_certificate(
    profile: &Profile,
    path: &Path,
    password: &Secret,
    cer_path: &Path,
    secrets: &dyn SecretStore,
) -> Result<CertInfo, String> {
    let bytes =
        Zeroizing::new(std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?);
    let today = OffsetDateTime::now_utc().date();
    let cert = match credential::inspect_file(&bytes) {
        credential::CertFileKind::Pfx => credential::import_pfx(&bytes, password, today),
        _ => credential::import_pem(&bytes, today),
    }
    .map_err(|e| e.to_string())?;
    keep(profile, &cert, cer_path, secrets)
}

/// One engine result as the table shows it.
fn cell(c: &graph::CellResult) -> CellResult {
    let observed = match c.status {
        Some(s) if (200..300).contains(&s) => format!("{s} (granted)"),
        Some(s) => s.to_string(),
        None => "no answer".to_string(),
    };
    CellResult {
        verdict: c.verdict,
        observed,
        cause: c.cause.map(|x| x.as_str().to_string()),
        summary: c.summary.clone(),
        fix: c.fix.clone().unwrap_or_default(),
        request_id: c.request_id.clone(),
    }
}

/// Runs the checks, sending a `Reply` per cell, until done or `cancel` turns true; the
/// engine deletes its drafts before it returns, cancelled or not.
pub async fn run_checks(
    run: RunId,
    profile: Profile,
    cells: Option<Vec<(usize, Capability)>>,
    secrets: Arc<dyn SecretStore>,
    profiles: ProfileStore,
    tx: UnboundedSender<Msg>,
    mut cancel: watch::Receiver<bool>,
) {
    let full_run = cells.is_none();
    let name = profile.name.clone();
    let send = |r: Reply| {
        let _ = tx.send(Msg::Reply(r));
    };
    let preset = match preset::preset(profile.preset) {
        Ok(p) => p,
        Err(e) => return send(Reply::ChecksFinished(run, Err(e.to_string()))),
    };
    let mut plan = graph::CheckPlan::new(&profile, &preset, None);
    if let Some(cells) = &cells {
        let keep: Vec<(String, Capability)> = cells
            .iter()
            .filter_map(|(row, cap)| {
                Some((
                    profile.mailboxes.get(*row)?.address.trim().to_string(),
                    *cap,
                ))
            })
            .collect();
        plan = plan.only(&keep);
    }
    let rows: HashMap<String, usize> = profile
        .mailboxes
        .iter()
        .enumerate()
        .map(|(i, m)| (m.address.trim().to_string(), i))
        .collect();
    let session = match session(profile, secrets).await {
        Ok(s) => Arc::new(s),
        Err(e) => return send(Reply::ChecksFinished(run, Err(e))),
    };
    let (ptx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let stop = graph::Cancel::new();
    let options = graph::CheckOptions::default();
    let engine = graph::run(&plan, session, &options, ptx, stop.clone());
    tokio::pin!(engine);
    let forward = |ev: graph::CheckEvent| match ev {
        graph::CheckEvent::Planned { cells, .. } => send(Reply::ChecksStarted(run, cells)),
        graph::CheckEvent::Token(t) => {
            if let Some(c) = t.consent.as_ref().filter(|_| t.ok) {
                let roles = c.granted.iter().chain(&c.extra).cloned().collect();
                send(Reply::TokenSeen(roles));
            }
        }
        graph::CheckEvent::Cell(c) => {
            if let Some(row) = rows.get(&c.mailbox) {
                send(Reply::CheckCell(run, *row, c.capability, cell(&c)));
            }
        }
        _ => {}
    };
    let report = loop {
        tokio::select! {
            report = &mut engine => break report,
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
    // A full run is recorded beside the profile for `status`, `report` and the start screen.
    let mut report = report;
    report.profile.clone_from(&name);
    if full_run {
        let copy = report.clone();
        let saved = tokio::task::spawn_blocking(move || {
            mailscope::last_check::save(&profiles, &name, &copy)
        })
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r);
        if let Err(e) = saved {
            send(Reply::FileWritten(Err(format!(
                "The check result was not recorded: {e}"
            ))));
        }
    }
    finish(run, &report, &send);
}

/// Tells the screen the run is over: fine, or why no token could be had.
fn finish(run: RunId, report: &graph::CheckReport, send: &dyn Fn(Reply)) {
    let outcome = match (&report.token.diagnosis, report.token.ok) {
        (_, true) => Ok(()),
        (Some(d), false) => Err(describe(d)),
        (None, false) => Err("No token could be had for the checks.".to_string()),
    };
    send(Reply::ChecksFinished(run, outcome));
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailscope::graph::Verdict;
    use mailscope::profile::{Cloud, PresetId};
    use mailscope::secrets::{MemoryStore, SecretSlot};

    #[test]
    fn a_generated_certificate_keeps_its_key_in_the_store_and_only_the_public_part_on_disk() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cer = dir.path().join("elegere.cer");
        let store = MemoryStore::new();
        let profile = Profile::new("contoso-elegere", PresetId::Elegere, Cloud::Global);
        let info = generate_certificate(&profile, &cer, &store).expect("generated");
        assert_eq!(info.sha1.len(), 40);
        assert_eq!(info.sha256.len(), 64);
        let text = std::fs::read_to_string(&cer).expect("cer written");
        assert!(text.contains("BEGIN CERTIFICATE") && !text.contains("PRIVATE KEY"));
        assert!(
            store
                .get("contoso-elegere", SecretSlot::PrivateKey)
                .expect("get")
                .is_some()
        );
        let again = generate_certificate(&profile, &cer, &store).expect_err("no overwrite");
        assert!(again.contains("already exists"), "{again}");
        let no_key = import_certificate(
            &profile,
            &cer,
            &Secret::new(""),
            &dir.path().join("x.cer"),
            &store,
        )
        .expect_err("a .cer has no key");
        assert!(!no_key.is_empty());
    }

    /// The demo tenant in this process, the demo profile and its in-memory secret.
    async fn demo_tenant() -> (mailscope::sim::SimHandle, Profile, Arc<dyn SecretStore>) {
        let text = include_str!("../../assets/scenarios/demo.toml");
        let scenario =
            mailscope::sim::Scenario::from_toml(text, std::path::Path::new("."), "demo.toml")
                .expect("scenario");
        let sim = mailscope::sim::start(scenario, ([127, 0, 0, 1], 0).into())
            .await
            .expect("sim");
        let endpoints = crate::tui::demo::SimEndpoints {
            authority: sim.authority.clone(),
            graph: sim.graph.clone(),
            ca_file: sim.ca_file.display().to_string(),
            tenant_id: sim.tenant_id.clone(),
        };
        let profile = crate::tui::demo::demo_profile(&endpoints, OffsetDateTime::now_utc());
        (sim, profile, crate::tui::demo::demo_secrets())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn verify_and_checks_against_the_demo_tenant() {
        let (sim, profile, secrets) = demo_tenant().await;
        let roles = verify_token(profile.clone(), secrets.clone())
            .await
            .expect("token");
        assert_eq!(roles, ["Mail.Send", "Mail.ReadWrite"]);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let (_cancel_tx, cancel) = watch::channel(false);
        let home = tempfile::tempdir().expect("tempdir");
        let store = ProfileStore::at(home.path());
        run_checks(
            7,
            profile.clone(),
            None,
            secrets.clone(),
            store.clone(),
            tx,
            cancel,
        )
        .await;
        let last = mailscope::last_check::load(&store, &profile.name)
            .expect("load")
            .expect("the run was recorded beside the profile");
        assert_eq!(last.profile, profile.name);
        assert_eq!(last.counts.pending, 2, "billing read and write");
        let mut cells = HashMap::new();
        let mut finished = None;
        let mut seen = Vec::new();
        while let Ok(Msg::Reply(r)) = rx.try_recv() {
            match r {
                Reply::TokenSeen(roles) => seen = roles,
                Reply::CheckCell(7, row, cap, c) => {
                    cells.insert((row, cap), c);
                }
                Reply::ChecksFinished(7, res) => finished = Some(res),
                _ => {}
            }
        }
        assert_eq!(finished, Some(Ok(())));
        seen.sort();
        assert_eq!(
            seen,
            ["Mail.ReadWrite", "Mail.Send"],
            "the run's token roles"
        );
        let verdict = |addr: &str| {
            let row = profile
                .mailboxes
                .iter()
                .position(|m| m.address == addr)
                .expect("row");
            cells
                .get(&(row, Capability::Read))
                .map(|c| (c.verdict, c.cause.clone()))
        };
        assert_eq!(verdict("support@contoso.com"), Some((Verdict::Pass, None)));
        assert_eq!(
            verdict("billing@contoso.com"),
            Some((Verdict::Pending, Some("policy-denied".into())))
        );
        assert_eq!(
            verdict("hybrid@contoso.com"),
            Some((Verdict::Fail, Some("mailbox-not-rest-enabled".into())))
        );
        assert_eq!(
            verdict("ceo@contoso.com").map(|v| v.0),
            Some(Verdict::Pass),
            "refused, as expected"
        );
        // A wrong secret is diagnosed, not a crash.
        let wrong: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
        wrong
            .set(
                &profile.name,
                SecretSlot::ClientSecret,
                b"wrong~secret~value~0123456789",
            )
            .expect("set");
        let e = verify_token(profile, wrong).await.expect_err("refused");
        assert!(e.starts_with("secret-invalid"), "{e}");
        sim.shutdown().await;
    }
}
