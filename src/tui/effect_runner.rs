//! The effect runner: the one place where the wizard's effects are executed. Every result is
//! sent back as a message carrying the run id of its request.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailscope::profile::ProfileStore;
use mailscope::secrets::{self, Secret, SecretError, SecretSlot, SecretStore};
use mailscope::vendor_output;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use super::effect::{DoItArea, Effect};
use super::entra_msg::{DoItReply, Failure};
use super::msg::{ListedProfile, Msg, Reply};
use super::tasks;
use super::tasks::Prepared;

/// How long quitting waits for running checks to clean up (drafts are deleted on cancel).
const CLEANUP_WAIT: Duration = Duration::from_secs(10);
/// How long quitting waits for "Do it for me" to finish applying, so the change record beside
/// the profile says how each change ended.
const APPLY_WAIT: Duration = Duration::from_secs(60);

pub struct Runner {
    tx: UnboundedSender<Msg>,
    profiles: ProfileStore,
    secrets: Arc<dyn SecretStore>,
    /// Whether OSC 52 may be written to standard output (false in tests).
    osc52: bool,
    checks: Option<(watch::Sender<bool>, JoinHandle<()>)>,
    /// Dropping it cancels "Do it for me"'s sign-in and read.
    doit_cancel: Option<oneshot::Sender<()>>,
    /// The plan "Do it for me" showed, with the admin's session (memory only), by run id.
    prepared: Arc<Mutex<Option<(u64, Prepared)>>>,
    /// "Do it for me" applying.
    applying: Option<JoinHandle<()>>,
}

impl Runner {
    pub fn new(
        tx: UnboundedSender<Msg>,
        profiles: ProfileStore,
        secrets: Arc<dyn SecretStore>,
        osc52: bool,
    ) -> Self {
        Runner {
            tx,
            profiles,
            secrets,
            osc52,
            checks: None,
            doit_cancel: None,
            prepared: Arc::new(Mutex::new(None)),
            applying: None,
        }
    }

    fn reply(&self, r: Reply) {
        let _ = self.tx.send(Msg::Reply(r));
    }

    /// Runs blocking work (files, keyring) off the async threads and sends its reply.
    fn blocking<F>(&self, f: F)
    where
        F: FnOnce() -> Reply + Send + 'static,
    {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let _ = tx.send(Msg::Reply(f()));
        });
    }

    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::LoadProfiles => {
                let store = self.profiles.clone();
                self.blocking(move || Reply::ProfilesLoaded(load_all(&store)));
            }
            Effect::ReadOnline(list) => {
                let (tx, s) = (self.tx.clone(), self.secrets.clone());
                tokio::spawn(async move {
                    let rows = tasks::read_online(list, s).await;
                    let _ = tx.send(Msg::Reply(Reply::Online(rows)));
                });
            }
            Effect::SaveProfile(p) => {
                let store = self.profiles.clone();
                self.blocking(move || {
                    Reply::Saved(
                        store
                            .save(&p)
                            .map(|path| path.display().to_string())
                            .map_err(|e| e.to_string()),
                    )
                });
            }
            Effect::StoreSecret {
                run,
                profile,
                value,
            } => {
                let s = self.secrets.clone();
                self.blocking(move || {
                    let r = secrets::store_client_secret(s.as_ref(), &profile, &value)
                        .map(|()| s.backend())
                        .map_err(|e| e.to_string());
                    Reply::SecretStored(run, r)
                });
            }
            Effect::ProbeSecret { run, profile } => {
                let s = self.secrets.clone();
                self.blocking(move || {
                    // The wizard edits stored profiles only, so a secret stored before
                    // bindings existed is bound to it; one stored for other values is absent.
                    let _ = secrets::adopt_unbound(s.as_ref(), &profile);
                    let r =
                        match secrets::bound_secret(s.as_ref(), &profile, SecretSlot::ClientSecret)
                        {
                            Ok(v) => Ok(v.is_some()),
                            Err(SecretError::BindingMismatch { .. }) => Ok(false),
                            Err(e) => Err(e.to_string()),
                        };
                    Reply::SecretPresence(run, r)
                });
            }
            Effect::LoadSecret { run, profile } => {
                let s = self.secrets.clone();
                self.blocking(move || {
                    let _ = secrets::adopt_unbound(s.as_ref(), &profile);
                    let r = match secrets::client_secret(s.as_ref(), &profile) {
                        Ok(Some((v, _))) => Ok(v),
                        Ok(None) => Err(format!(
                            "No client secret is stored for '{}'.",
                            profile.name
                        )),
                        Err(e) => Err(e.to_string()),
                    };
                    Reply::SecretLoaded(run, r)
                });
            }
            Effect::GenerateCertificate {
                run,
                profile,
                cer_path,
            } => {
                let s = self.secrets.clone();
                self.blocking(move || {
                    Reply::Certificate(
                        run,
                        tasks::generate_certificate(&profile, &cer_path, s.as_ref()),
                    )
                });
            }
            Effect::ImportCertificate {
                run,
                profile,
                path,
                password,
                cer_path,
            } => {
                let s = self.secrets.clone();
                self.blocking(move || {
                    let r = tasks::import_certificate(
                        &profile,
                        &path,
                        &password,
                        &cer_path,
                        s.as_ref(),
                    );
                    Reply::Certificate(run, r)
                });
            }
            Effect::VerifyToken { run, profile } => {
                let (tx, s) = (self.tx.clone(), self.secrets.clone());
                tokio::spawn(async move {
                    let r = tasks::verify_token(profile, s).await;
                    let _ = tx.send(Msg::Reply(Reply::Verified(run, r)));
                });
            }
            Effect::GenerateScript { run, profile } => {
                self.blocking(move || Reply::Script(run, tasks::scoping_script(&profile)));
            }
            Effect::ReadFile { run, path } => self.blocking(move || {
                Reply::FileRead(
                    run,
                    mailscope::fsutil::read_regular_to_string(
                        &path,
                        mailscope::fsutil::MAX_DOCUMENT_BYTES,
                    )
                    .map_err(|e| format!("{}: {e}", path.display())),
                )
            }),
            Effect::WriteFile { path, contents } => self.blocking(move || {
                Reply::FileWritten(
                    mailscope::fsutil::write_private(&path, contents.as_bytes())
                        .map(|()| {
                            std::path::absolute(&path)
                                .unwrap_or_else(|_| path.clone())
                                .display()
                                .to_string()
                        })
                        .map_err(|e| format!("Cannot write {}: {e}", path.display())),
                )
            }),
            Effect::MergeIntegrations {
                path,
                key,
                client_id,
                secret,
            } => self.blocking(move || {
                let secret = secret.as_ref().map(Secret::expose);
                let r = vendor_output::write_integrations(&path, &key, &client_id, secret)
                    .map(|o| {
                        format!(
                            "{}: entry {}; secret {}",
                            path.display(),
                            if o.entry_added { "added" } else { "updated" },
                            if o.secret_written {
                                "written"
                            } else {
                                "not written (press S first to include it)"
                            }
                        )
                    })
                    .map_err(|e| e.to_string());
                Reply::FileWritten(r)
            }),
            Effect::Copy(text) => {
                let r = self.copy(&text);
                self.reply(Reply::Copied(r));
            }
            Effect::StartChecks {
                run,
                profile,
                cells,
                send_to,
            } => {
                self.cancel_checks();
                let (cancel_tx, cancel_rx) = watch::channel(false);
                let task = tokio::spawn(tasks::run_checks(
                    run,
                    tasks::ChecksRequest {
                        profile,
                        cells,
                        send_to,
                    },
                    self.secrets.clone(),
                    self.profiles.clone(),
                    self.tx.clone(),
                    cancel_rx,
                ));
                self.checks = Some((cancel_tx, task));
            }
            Effect::CancelChecks => self.cancel_checks(),
            Effect::DoItPlan {
                run,
                profile,
                device_code,
                area,
            } => self.doit_plan(run, *profile, device_code, area),
            Effect::DoItApply { run } => self.doit_apply(run),
            Effect::DoItCancel => {
                self.doit_cancel = None;
                self.take_prepared();
            }
            Effect::InspectEntra { run, profile } => {
                let (tx, s) = (self.tx.clone(), self.secrets.clone());
                tokio::spawn(async move {
                    let r = tasks::entra::inspect(*profile, s.as_ref()).await;
                    let _ = tx.send(Msg::Reply(Reply::Inspected(run, r)));
                });
            }
            Effect::Quit => {}
        }
    }

    fn take_prepared(&self) -> Option<(u64, Prepared)> {
        self.prepared.lock().ok().and_then(|mut g| g.take())
    }

    /// Signs in (or resumes), reads and plans; the plan is kept for [`Runner::doit_apply`].
    /// A new request or [`Effect::DoItCancel`] drops the cancel handle, which stops it.
    fn doit_plan(
        &mut self,
        run: u64,
        profile: mailscope::profile::Profile,
        device_code: bool,
        area: DoItArea,
    ) {
        self.take_prepared();
        let (cancel_tx, cancel_rx) = oneshot::channel::<()>();
        self.doit_cancel = Some(cancel_tx);
        let device = device_code || !mailscope::signin::browser_possible();
        let (tx, s, slot) = (self.tx.clone(), self.secrets.clone(), self.prepared.clone());
        tokio::spawn(async move {
            let send = move |r: DoItReply| {
                let _ = tx.send(Msg::Reply(Reply::DoIt(run, r)));
            };
            let work = tasks::prepare(area, profile, s.as_ref(), device, &send);
            let result = tokio::select! {
                r = work => r,
                _ = cancel_rx => return,
            };
            match result {
                Ok(p) => {
                    let plan = p.summary();
                    if let Ok(mut g) = slot.lock() {
                        *g = Some((run, p));
                    }
                    send(DoItReply::Planned(Box::new(plan)));
                }
                Err(f) => send(DoItReply::Stopped(f)),
            }
        });
    }

    /// Applies the plan kept for `run` and proves it, on a blocking thread (the library's
    /// progress callback is not `Send`); each step is sent back as it happens.
    fn doit_apply(&mut self, run: u64) {
        self.doit_cancel = None;
        let tx = self.tx.clone();
        let send = move |r: DoItReply| {
            let _ = tx.send(Msg::Reply(Reply::DoIt(run, r)));
        };
        let Some((_, prepared)) = self.take_prepared().filter(|(id, _)| *id == run) else {
            send(DoItReply::Finished(Err(Failure {
                what: "The plan is no longer at hand; nothing was changed.".into(),
                fix: "Press Ctrl-D again to read the tenant and make the plan anew.".into(),
                recorded: None,
            })));
            return;
        };
        let (store, s) = (self.profiles.clone(), self.secrets.clone());
        let handle = tokio::runtime::Handle::current();
        self.applying = Some(tokio::task::spawn_blocking(move || {
            let mut on_progress = |p| send(DoItReply::Progress(p));
            let result = handle.block_on(prepared.execute(&store, s.as_ref(), &mut on_progress));
            send(DoItReply::Finished(result));
        }));
    }

    fn cancel_checks(&mut self) {
        if let Some((cancel, _)) = &self.checks {
            let _ = cancel.send(true);
        }
    }

    /// Called on exit: cancels checks and waits (bounded) for their cleanup.
    pub async fn shutdown(&mut self) {
        self.cancel_checks();
        if let Some((_, task)) = self.checks.take() {
            let _ = tokio::time::timeout(CLEANUP_WAIT, task).await;
        }
        if let Some(task) = self.applying.take().filter(|t| !t.is_finished()) {
            eprintln!(
                "mailscope: waiting for Do it for me to finish applying in the tenant (at most {} s)…",
                APPLY_WAIT.as_secs()
            );
            let _ = tokio::time::timeout(APPLY_WAIT, task).await;
        }
    }

    /// OSC 52 (works over SSH) and the system clipboard where there is one.
    fn copy(&self, text: &Secret) -> Result<String, String> {
        super::clipboard::copy(text, self.osc52)
    }
}

/// The last recorded run, and "last check 2026-11-22 10:00 UTC: 6 pass, 2 fail" or why it
/// cannot be read.
fn last_check(
    store: &ProfileStore,
    name: &str,
) -> (Option<Box<mailscope::graph::CheckRun>>, Option<String>) {
    match mailscope::last_check::load(store, name) {
        Ok(Some(r)) => (Some(Box::new(r.clone())), last_check_line(&r)),
        Ok(None) => (None, None),
        Err(e) => (None, Some(format!("last check unreadable: {e}"))),
    }
}

fn last_check_line(r: &mailscope::graph::CheckRun) -> Option<String> {
    let t = r.finished_at;
    let c = r.counts;
    Some(format!(
        "last check {} {:02}:{:02} UTC: {} pass, {} fail, {} pending, {} error",
        t.date(),
        t.hour(),
        t.minute(),
        c.pass,
        c.fail,
        c.pending,
        c.error
    ))
}

fn load_all(store: &ProfileStore) -> Result<Vec<ListedProfile>, String> {
    let names = store.list().map_err(|e| e.to_string())?;
    Ok(names
        .into_iter()
        .map(|name| {
            let (last_run, last_check) = last_check(store, &name);
            ListedProfile {
                profile: store.load(&name).map_err(|e| e.to_string()),
                last_check,
                last_run,
                name,
            }
        })
        .collect())
}
