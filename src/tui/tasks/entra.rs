//! "Do it for me" and the Entra read-back through `mailscope::entra` and `mailscope::signin`:
//! the remembered admin sign-in (or a new one, remembered as `mailscope signin` does), the
//! tenant read and the plan ([`prepare`]), the apply with progress and the proof ([`execute`]),
//! and `inspect`'s findings for the permissions screen ([`inspect`]). What reaches the wizard
//! is plain words ([`crate::tui::entra_msg`], made by [`super::entra_words`]); tokens stay
//! here, in memory.

use mailscope::entra::retry::RetryPolicy;
use mailscope::entra::{self, ApplyContext, ApplyEvent, EntraError, Plan, TenantView};
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::preset::{self, Preset};
use mailscope::profile::{Companion, Profile, ProfileStore};
use mailscope::secrets::SecretStore;
use mailscope::signin::{
    SignedIn, SigninConfig, SigninError, SigninEvent, remember, resume, sign_in_browser,
    sign_in_device_code,
};

use super::entra_words::{failure, progress, proof_lines, stopped};
use crate::tui::entra_msg::{
    Applied, DoItReply, Failure, FindingLine, Inspection, PlanSummary, Progress, SigninPrompt,
};

/// What the plan was made with, kept by the runner (in memory) until the admin confirms.
pub struct Prepared {
    signed: SignedIn,
    view: TenantView,
    plan: Plan,
    profile: Profile,
    preset: Preset,
    endpoints: CloudEndpoints,
    http: reqwest::Client,
}

fn entra_failure(e: &EntraError) -> Failure {
    failure(e.to_string(), e.fix())
}

fn signin_failure(e: &SigninError) -> Failure {
    failure(format!("The sign-in failed: {e}"), e.fix())
}

/// The profile's preset, cloud, sign-in configuration and HTTP client.
fn setup(
    profile: &Profile,
) -> Result<(Preset, CloudEndpoints, SigninConfig, reqwest::Client), Failure> {
    let fix_profile = "Correct the profile (its cloud and endpoints), then press Ctrl-D again.";
    let preset = preset::preset(profile.preset).map_err(|e| failure(e.to_string(), fix_profile))?;
    let endpoints =
        CloudEndpoints::from_profile(profile).map_err(|e| failure(e.to_string(), fix_profile))?;
    let cfg = entra::signin_config(profile, &preset, &endpoints).ok_or_else(|| {
        failure(
            "The profile names no tenant yet.",
            "Fill the Directory (tenant) ID on the App registration step (a domain such as contoso.onmicrosoft.com is enough).",
        )
    })?;
    let http = endpoints
        .http_client(cfg.request_timeout)
        .map_err(|e| failure(e.to_string(), fix_profile))?;
    Ok((preset, endpoints, cfg, http))
}

/// The remembered sign-in, or a new one (browser, or device code when `device_code`), which
/// is then remembered in the keyring. `send` shows the admin what to do. The Exchange
/// "Do it for me" signs in with it too, through Exchange's own configuration.
pub(super) async fn session(
    cfg: &SigninConfig,
    http: &reqwest::Client,
    secrets: &dyn SecretStore,
    device_code: bool,
    send: &(dyn Fn(DoItReply) + Send + Sync),
) -> Result<SignedIn, Failure> {
    match resume(cfg, http, secrets).await {
        Ok(Some(s)) => return Ok(s),
        // Nothing remembered, the keyring unreachable, or Microsoft no longer accepts the
        // remembered token: sign in again.
        Ok(None) | Err(SigninError::Keyring(_)) | Err(SigninError::SignInAgain { .. }) => {}
        Err(e) => return Err(signin_failure(&e)),
    }
    let mut on_event = |e: SigninEvent| match e {
        SigninEvent::OpenBrowser { url } => {
            let opened = webbrowser::open(&url).is_ok();
            send(DoItReply::Signin(SigninPrompt::Browser { url, opened }));
        }
        SigninEvent::DeviceCode {
            message,
            user_code,
            verification_uri,
            ..
        } => send(DoItReply::Signin(SigninPrompt::DeviceCode {
            message,
            code: user_code,
            uri: verification_uri,
        })),
        SigninEvent::StillWaiting { .. } => {}
    };
    let signed = if device_code {
        sign_in_device_code(cfg, http, &mut on_event).await
    } else {
        sign_in_browser(cfg, http, &mut on_event).await
    }
    .map_err(|e| signin_failure(&e))?;
    if let Some(rt) = &signed.refresh_token {
        // Not remembered: the next Ctrl-D signs in again; nothing else depends on it.
        let _ = remember::store(secrets, &cfg.remember_key(), &signed.account.upn, rt);
    }
    Ok(signed)
}

/// Signs in (or resumes), reads the tenant and makes the plan for `profile`.
pub async fn prepare(
    profile: Profile,
    secrets: &dyn SecretStore,
    device_code: bool,
    send: &(dyn Fn(DoItReply) + Send + Sync),
) -> Result<Prepared, Failure> {
    let (preset, endpoints, cfg, http) = setup(&profile)?;
    let signed = session(&cfg, &http, secrets, device_code, send).await?;
    send(DoItReply::Reading {
        admin: signed.account.upn.clone(),
    });
    let view = entra::read_with(&endpoints, &http, &signed, &profile, &preset)
        .await
        .map_err(|e| entra_failure(&e))?;
    let plan = entra::plan(
        &view,
        &profile,
        &preset,
        &endpoints.authority,
        time::OffsetDateTime::now_utc(),
    );
    Ok(Prepared {
        signed,
        view,
        plan,
        profile,
        preset,
        endpoints,
        http,
    })
}

fn record_path(store: &ProfileStore, name: &str) -> String {
    store
        .companion_path(name, Companion::Changes)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| format!("{name}.changes.jsonl"))
}

/// Carries out the prepared plan, then proves it. `on_progress` sees each step.
/// The plan in words, for the confirm screen.
pub fn summary(p: &Prepared) -> PlanSummary {
    super::entra_words::plan_summary(&p.plan)
}

/// Carries out the prepared plan, then proves it. `on_progress` sees each step.
pub async fn execute(
    p: &Prepared,
    store: &ProfileStore,
    secrets: &dyn SecretStore,
    retry: RetryPolicy,
    on_progress: &mut dyn FnMut(Progress),
) -> Result<Applied, Failure> {
    let ctx = ApplyContext {
        endpoints: &p.endpoints,
        http: &p.http,
        token: &p.signed.access_token,
        account: &p.signed.account,
        store,
        secrets,
        retry,
    };
    let record = record_path(store, &p.profile.name);
    let mut on_event = |e: ApplyEvent| on_progress(progress(e));
    let applied = entra::apply(&ctx, &p.plan, &p.view, &p.profile, &p.preset, &mut on_event)
        .await
        .map_err(|e| stopped(&e, &p.signed.account.upn, &record))?;
    let run = if applied.steps.is_empty() {
        "nothing to record".to_string()
    } else {
        format!("run {}", applied.run)
    };
    let recorded = format!("Recorded in {record} ({run}).");
    let proof = entra::prove(&ctx, &applied.profile, &p.preset, &mut on_event).await;
    let (proven, proof) = match proof {
        Ok(pr) => (pr.passed(), proof_lines(&pr)),
        Err(e) => (
            false,
            vec![format!("Applied, but not proven: {e}"), e.fix()],
        ),
    };
    Ok(Applied {
        profile: Box::new(applied.profile),
        steps: applied.steps.len(),
        recorded,
        proven,
        proof,
    })
}

/// `inspect` with the remembered admin sign-in, for the permissions screen; never signs in.
pub async fn inspect(profile: Profile, secrets: &dyn SecretStore) -> Inspection {
    let how = "no admin sign-in is remembered. Ctrl-D (Do it for me) or `mailscope signin` signs in; then Entra's view of the app shows here.".to_string();
    let Ok((preset, _, cfg, http)) = setup(&profile) else {
        return Inspection::NotSignedIn { how };
    };
    let signed = match entra::session_for_profile(&cfg, &profile, &http, secrets).await {
        Ok(s) => s,
        Err(EntraError::NotSignedIn { .. }) => return Inspection::NotSignedIn { how },
        Err(e) => return Inspection::Failed(format!("{e}. {}", e.fix())),
    };
    let view = match entra::read_with(&cfg.endpoints, &http, &signed, &profile, &preset).await {
        Ok(v) => v,
        Err(e) => return Inspection::Failed(format!("{e}. {}", e.fix())),
    };
    let findings = entra::inspect(&view, &profile, &preset, time::OffsetDateTime::now_utc())
        .into_iter()
        .map(|f| FindingLine {
            code: f.cause.code(),
            evidence: f.evidence,
            fix: f.fix,
        })
        .collect();
    Inspection::Findings {
        admin: signed.account.upn,
        findings,
    }
}
