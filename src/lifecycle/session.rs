//! What a lifecycle command works with ([`Ctx`]), the admin's session for one profile
//! ([`AdminSession`]: sign-in resumed, the tenant read, a Graph writer), and each change
//! recorded before and after its call ([`AdminSession::recorded`]).

use std::future::Future;

use time::OffsetDateTime;

use super::error::LifecycleError;
use crate::changes::{self, Area, ChangeRecord, Phase};
use crate::entra::retry::{RetryPolicy, Waiting, retry_write};
use crate::entra::view::AppReg;
use crate::entra::write::{WriteError, Writer};
use crate::entra::{TenantView, read_with, session_for_profile, signin_config};
use crate::graph::cloud::CloudEndpoints;
use crate::preset::Preset;
use crate::profile::{Profile, ProfileStore};
use crate::secrets::SecretStore;
use crate::signin::SignedIn;

/// What a lifecycle command works with.
pub struct Ctx<'a> {
    pub profiles: &'a ProfileStore,
    pub secrets: &'a dyn SecretStore,
    pub endpoints: &'a CloudEndpoints,
    pub http: &'a reqwest::Client,
    /// How long to ride out replication (a new secret Entra does not accept yet).
    pub retry: RetryPolicy,
}

/// What happens, for a terminal or the wizard to show. Never holds a secret.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// A line saying what is being done.
    Doing(String),
    /// A wait before another attempt.
    Waiting(Waiting),
}

/// The admin signed in for one profile, with the tenant as read.
pub struct AdminSession {
    pub signed: SignedIn,
    pub view: TenantView,
    pub recorder: Recorder,
}

/// Writes a command's changes to the profile's change record: one run, numbered steps.
pub struct Recorder {
    run: String,
    step: usize,
    tenant: String,
    admin: String,
}

impl AdminSession {
    /// Resumes the remembered admin sign-in for the profile's tenant and reads the tenant.
    pub async fn open(
        ctx: &Ctx<'_>,
        profile: &Profile,
        preset: &Preset,
        on: &mut dyn FnMut(Progress),
    ) -> Result<AdminSession, LifecycleError> {
        on(Progress::Doing("Resuming the admin sign-in".into()));
        let cfg = signin_config(profile, preset, ctx.endpoints).ok_or_else(|| {
            LifecycleError::Profile {
                profile: profile.name.clone(),
                what: "tenant".into(),
            }
        })?;
        let signed = session_for_profile(&cfg, profile, ctx.http, ctx.secrets).await?;
        let view = read_with(&cfg.endpoints, ctx.http, &signed, profile, preset).await?;
        let recorder = Recorder {
            run: uuid::Uuid::new_v4().to_string(),
            step: 0,
            tenant: view.organisation.id.clone(),
            admin: signed.account.upn.clone(),
        };
        Ok(AdminSession {
            signed,
            view,
            recorder,
        })
    }

    /// The profile's app as read, when its client ID matches.
    pub fn app(&self, profile: &Profile) -> Result<&AppReg, LifecycleError> {
        self.view
            .app()
            .filter(|a| {
                profile
                    .client_id
                    .as_deref()
                    .is_some_and(|c| c.trim().eq_ignore_ascii_case(&a.app_id))
            })
            .ok_or_else(|| LifecycleError::Profile {
                profile: profile.name.clone(),
                what: "app registration in the tenant with its client ID".into(),
            })
    }
}

/// A Graph writer with the admin's token.
pub fn writer<'a>(ctx: &'a Ctx<'_>, signed: &'a SignedIn) -> Writer<'a> {
    Writer {
        endpoints: ctx.endpoints,
        http: ctx.http,
        token: &signed.access_token,
        timeout: std::time::Duration::from_secs(30),
    }
}

impl Recorder {
    /// Runs one change: a `started` line in the change record, the call (repeated while
    /// Entra replicates or is busy), then a `done` line with the facts `objects` picks from the
    /// answer, or a `failed` line with the reason.
    #[allow(clippy::too_many_arguments)]
    pub async fn recorded<T, F, Fut>(
        &mut self,
        ctx: &Ctx<'_>,
        profile: &Profile,
        action: &str,
        summary: &str,
        facts: &[(&str, String)],
        on: &mut dyn FnMut(Progress),
        objects: impl Fn(&T) -> Vec<(&'static str, String)>,
        call: F,
    ) -> Result<T, LifecycleError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, WriteError>>,
    {
        let mut started = ChangeRecord::new(
            &self.run,
            self.step,
            Area::Entra,
            &self.tenant,
            Some(&self.admin),
            action,
            summary,
            Phase::Started,
        );
        for (k, v) in facts {
            started = started.with_object(k, v.clone());
        }
        self.step += 1;
        changes::append(ctx.profiles, &profile.name, &started)?;
        on(Progress::Doing(summary.to_string()));
        let result = retry_write(
            &ctx.retry,
            "Entra to accept the change",
            &mut |w| on(Progress::Waiting(w)),
            call,
        )
        .await;
        match result {
            Ok(v) => {
                let mut done = started.next(Phase::Done);
                for (k, val) in facts.iter().cloned().chain(objects(&v)) {
                    done = done.with_object(k, val);
                }
                changes::append(ctx.profiles, &profile.name, &done)?;
                Ok(v)
            }
            Err(e) => {
                let failed = started.next(Phase::Failed).with_error(e.to_string());
                changes::append(ctx.profiles, &profile.name, &failed)?;
                Err(e.into())
            }
        }
    }
}

/// `YYYY-MM-DD`.
pub(crate) fn day(t: OffsetDateTime) -> String {
    t.date().to_string()
}

/// Removes a client secret of the app, recorded (`why` is the record's summary).
pub(crate) async fn remove_secret(
    ctx: &Ctx<'_>,
    admin: &mut AdminSession,
    profile: &Profile,
    object_id: &str,
    key_id: &str,
    why: &str,
    on: &mut dyn FnMut(Progress),
) -> Result<(), LifecycleError> {
    let w = &writer(ctx, &admin.signed);
    admin
        .recorder
        .recorded(
            ctx,
            profile,
            "remove-secret",
            why,
            &[
                ("app_object_id", object_id.to_string()),
                ("secret_id", key_id.to_string()),
            ],
            on,
            |_: &()| Vec::new(),
            || w.remove_password(object_id, key_id),
        )
        .await
}
