//! The one entry point for a profile's check run: the command line (`mailscope check`,
//! `replay --headless`) and the wizard both call [`run_profile`] and differ only in how they
//! show the [`CheckEvent`]s it sends. It sets up the session (keyring or environment),
//! announces where it signs in, plans, asks Exchange for its own verdict per mailbox when given
//! a probe ([`RunSpec::exchange`]), runs (watching when asked) and returns the run's report.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use super::auth::SetupError;
use super::cancel::Cancel;
use super::events::CheckEvent;
use super::exchange_column::{ExchangeProbe, ExchangeVerdicts, ProbeInput};
use super::plan::{Capability, CheckPlan};
use super::run_result::CheckRun;
use super::runner::CheckOptions;
use super::session::{Session, SessionError};
use super::watch::run_watch;
use crate::preset::Preset;
use crate::profile::{FieldProblem, Profile, check_profile};
use crate::secrets::{self, SecretError, SecretStore};

/// How long Exchange may take to answer for all mailboxes when the run has no deadline.
const EXCHANGE_LIMIT: std::time::Duration = std::time::Duration::from_secs(600);

/// What to run for a profile.
#[derive(Debug, Clone, Default)]
pub struct RunSpec {
    pub options: CheckOptions,
    /// Only these (mailbox, capability) cells; every cell of the plan when `None`.
    pub only: Option<Vec<(String, Capability)>>,
    /// The profile was loaded from the profile store by its own name, so a secret stored before
    /// secrets were bound may be bound to it (see [`secrets::adopt_unbound`]). Never for a
    /// profile file from elsewhere.
    pub stored_profile: bool,
    /// Asks Exchange for its own verdict per mailbox (with a remembered Exchange admin sign-in,
    /// never a prompt), shown beside Graph's and used by the verdicts. `None`: not asked.
    pub exchange: Option<Arc<dyn ExchangeProbe>>,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("the profile is not complete or not valid ({} problem(s))", .0.len())]
    Profile(Vec<FieldProblem>),
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error("the checks could not start: {0}")]
    Internal(String),
    /// The profile uses the vendor's own app: there is no credential of the customer's to
    /// check app-only, and its permissions are delegated.
    #[error(
        "profile '{profile}' uses {app}, the vendor's own app: mailscope holds no credential of it, so nothing can be checked app-only. `mailscope entra inspect --profile {profile}` verifies its service principal, its consent and whether users can consent."
    )]
    VendorHostedApp { profile: String, app: String },
}

impl RunError {
    /// Whether the run could not start for a reason outside the profile (a missing, locked
    /// or silent keyring), rather than because of what the profile says.
    pub fn is_outage(&self) -> bool {
        match self {
            RunError::Session(SessionError::Setup(SetupError::Secret(e))) => !matches!(
                e,
                SecretError::BindingMismatch { .. } | SecretError::Unbound { .. }
            ),
            RunError::Internal(_) => true,
            RunError::Profile(_) | RunError::Session(_) | RunError::VendorHostedApp { .. } => false,
        }
    }
}

/// Where the client secret of this run comes from, in words.
fn credential_origin(profile: &Profile) -> &'static str {
    let env = std::env::var_os(secrets::CLIENT_SECRET_ENV).is_some_and(|v| !v.is_empty());
    match profile.credential.as_ref().map(|c| c.kind) {
        Some(crate::profile::CredentialKind::Secret) if env => secrets::CLIENT_SECRET_ENV,
        _ => "the keyring",
    }
}

/// Runs a profile's checks. Keyring access happens on a blocking thread. The report's
/// `profile` is the profile's name.
pub async fn run_profile(
    profile: &Profile,
    preset: &Preset,
    store: Arc<dyn SecretStore>,
    spec: &RunSpec,
    events: UnboundedSender<CheckEvent>,
    cancel: Cancel,
) -> Result<CheckRun, RunError> {
    let problems = check_profile(profile);
    if !problems.is_empty() {
        return Err(RunError::Profile(problems));
    }
    if let (Some(_), Some(v)) = (&profile.vendor_app, &preset.vendor_app) {
        return Err(RunError::VendorHostedApp {
            profile: profile.name.clone(),
            app: v.name.clone(),
        });
    }
    let timeout = spec.options.per_request_timeout;
    let exchange_store = store.clone();
    let session = tokio::task::spawn_blocking({
        let profile = profile.clone();
        let stored = spec.stored_profile;
        move || {
            if stored {
                let _ = secrets::adopt_unbound(store.as_ref(), &profile);
            }
            Session::from_profile(&profile, store.as_ref(), timeout)
        }
    })
    .await
    .map_err(|e| RunError::Internal(e.to_string()))??;
    let _ = events.send(CheckEvent::SigningIn {
        client_id: profile.client_id.clone().unwrap_or_default(),
        token_url: session
            .endpoints
            .token_url(profile.tenant.as_deref().unwrap_or_default()),
        credential: session.tokens.credential_kind(),
        from: credential_origin(profile),
    });
    let mut plan = CheckPlan::new(profile, preset, spec.options.send_to.as_deref());
    if let Some(only) = &spec.only {
        plan = plan.only(only);
    }
    if let Some(probe) = &spec.exchange
        && !plan.mailboxes.is_empty()
    {
        // The host the probe posts to: the profile's Exchange endpoint (its cloud's host or
        // `[endpoints] exchange`), else the Graph host, as `exchange::endpoints::base_for`.
        let host = profile.exchange_endpoint().map_or_else(
            || session.endpoints.graph_host().to_string(),
            |url| url.trim_start_matches("https://").to_string(),
        );
        let _ = events.send(CheckEvent::Waiting {
            what: "Exchange",
            host,
        });
        let input = ProbeInput {
            profile: profile.clone(),
            preset: preset.clone(),
            secrets: exchange_store,
            timeout,
        };
        let limit = spec.options.deadline.unwrap_or(EXCHANGE_LIMIT);
        let verdicts = tokio::select! {
            v = tokio::time::timeout(limit, probe.verdicts(input)) => v.unwrap_or_else(|_| {
                ExchangeVerdicts::not_available(format!(
                    "Exchange did not answer within {} s",
                    limit.as_secs()
                ))
            }),
            _ = cancel.cancelled() => ExchangeVerdicts::not_available("the check was cancelled"),
        };
        plan.exchange = Some(Arc::new(verdicts));
    }
    let mut report = run_watch(&plan, Arc::new(session), &spec.options, events, cancel).await;
    report.profile.clone_from(&profile.name);
    Ok(report)
}
