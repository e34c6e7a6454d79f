//! "Do it for me" (Ctrl-D) on the app registration, credential and permissions screens: sign
//! in (or resume the remembered admin sign-in), show the plan with the tenant and admin at the
//! top and the role check, apply only after y / Enter, show each step and what is awaited,
//! then fill the fields from what apply saved. Esc cancels before anything changes. A failure
//! keeps the fields as they were and says why, what was recorded, and what to do.

use crossterm::event::KeyCode;
use mailscope::profile::{CredentialInfo, CredentialKind, Profile, validate};
use mailscope::secrets::Secret;

use super::app_reg::{self, AppRegState};
use super::credential::{self, CredState};
use crate::tui::binding::Binding;
use crate::tui::effect::DoItArea;
use crate::tui::entra_msg::{
    Applied, DoItReply, Failure, PlanSummary, Progress, SigninPrompt, StepLine,
};
use crate::tui::msg::{Action, CertInfo, Msg};
use crate::tui::shared::{Ctx, Effect, Outcome, RunId, Step};

/// Where "Do it for me" is.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Phase {
    /// Not running: the screen shows its form.
    #[default]
    Idle,
    /// Signing in (`prompt`: what the admin must do) or reading the tenant (`admin`: as whom).
    Preparing {
        run: RunId,
        prompt: Option<SigninPrompt>,
        admin: Option<String>,
    },
    /// The plan, waiting for y / Enter.
    Confirm { run: RunId, plan: PlanSummary },
    /// Applying: each step as it starts and ends, what is awaited now.
    Applying {
        run: RunId,
        of: usize,
        steps: Vec<StepLine>,
        waiting: Option<String>,
    },
    /// Applied (and proven, or said why not); the fields are filled.
    Done {
        applied: Applied,
        steps: Vec<StepLine>,
    },
    /// Stopped; the fields are as they were.
    Failed {
        failure: Failure,
        steps: Vec<StepLine>,
    },
}

#[derive(Debug, Default)]
pub struct DoItState {
    pub phase: Phase,
    pub scroll: u16,
    /// What the run showing changes: the app in Entra, or the scoping in Exchange.
    pub area: DoItArea,
}

impl DoItState {
    /// Whether the panel is showing (keys go to it, not to the form).
    pub fn active(&self) -> bool {
        self.phase != Phase::Idle
    }
}

/// The screens that offer it.
pub fn offered(step: Step) -> bool {
    matches!(
        step,
        Step::AppRegistration | Step::Credential | Step::Permissions | Step::Scoping
    )
}

/// The key that starts it, for the screens' footers.
pub const START: Binding = Binding::ctrl('d', Action::DoIt, "do it for me", "Ctrl-D");

/// The keys while the panel shows.
pub fn bindings(st: &DoItState) -> Vec<Binding> {
    let up = Binding::code(KeyCode::Down, Action::Down, "scroll", "↑↓");
    match &st.phase {
        Phase::Idle => vec![START],
        Phase::Preparing {
            prompt: Some(SigninPrompt::DeviceCode { .. }),
            ..
        } => vec![Binding::key('c', Action::Copy, "copy code", "c")],
        Phase::Preparing {
            prompt: Some(SigninPrompt::Browser { .. }),
            ..
        } => vec![Binding::key('c', Action::Copy, "copy address", "c")],
        Phase::Preparing { .. } | Phase::Applying { .. } => vec![up],
        Phase::Confirm { plan, .. } => {
            let mut b = Vec::new();
            if plan.can_apply() {
                b.push(Binding::key('y', Action::Yes, "apply", "y"));
            }
            if plan.consent_url.is_some() && plan.missing().next().is_some() {
                b.push(Binding::key('c', Action::Copy, "copy consent URL", "c"));
            }
            b.push(up);
            b
        }
        Phase::Done { .. } => vec![up],
        Phase::Failed { .. } => vec![START, up],
    }
}

/// What Enter does while the panel shows ("": nothing).
pub fn enter_hint(st: &DoItState) -> &'static str {
    match &st.phase {
        Phase::Done { .. } | Phase::Failed { .. } => "close",
        _ => "",
    }
}

/// What Esc does while the panel shows.
pub fn esc_hint(st: &DoItState) -> &'static str {
    match &st.phase {
        Phase::Preparing { .. } | Phase::Confirm { .. } => "cancel",
        Phase::Applying { .. } => "wait",
        _ => "close",
    }
}

/// The tenant the app registration form names, validated; the field's error otherwise.
fn tenant_from_form(app: &mut AppRegState) -> Result<String, ()> {
    let form = &mut app.form;
    match validate::tenant(form.value(app_reg::F_TENANT)) {
        Ok(t) => Ok(t),
        Err(e) => {
            let why = if form.value(app_reg::F_TENANT).trim().is_empty() {
                "Do it for me needs the tenant: enter the Directory (tenant) ID, or a domain such as contoso.onmicrosoft.com.".to_string()
            } else {
                e.0
            };
            form.set_error(app_reg::F_TENANT, Some(why));
            form.focus = app_reg::F_TENANT;
            Err(())
        }
    }
}

/// What the app registration form holds that is valid (name, account type, redirect URI,
/// client ID), into the profile, so the plan is for what the admin sees.
fn take_app_form(app: &AppRegState, profile: &mut Profile, preset: &mailscope::preset::Preset) {
    let form = &app.form;
    if let Ok(name) = validate::display_name(form.value(app_reg::F_NAME), "app name", 120) {
        profile.app_name = Some(name);
    }
    if let Some(a) = preset
        .account_types
        .get(form.value_index(app_reg::F_ACCOUNT))
    {
        profile.account_type = Some(*a);
    }
    let redirect_shown = form.get(app_reg::F_REDIRECT).is_some_and(|f| !f.hidden);
    if redirect_shown && let Ok(uri) = validate::redirect_uri(form.value(app_reg::F_REDIRECT)) {
        profile.redirect_uri = Some(uri);
    }
    if let Ok(id) = validate::client_id(form.value(app_reg::F_CLIENT)) {
        profile.client_id = Some(id);
    }
}

/// Ctrl-D: starts signing in and planning for the profile as the screen shows it.
#[allow(clippy::too_many_arguments)]
pub fn start(
    st: &mut DoItState,
    step: Step,
    profile: &mut Profile,
    preset: &mailscope::preset::Preset,
    app: &mut AppRegState,
    cred: &CredState,
    ctx: &Ctx,
    device_code: bool,
) -> Outcome {
    if step == Step::AppRegistration {
        let Ok(tenant) = tenant_from_form(app) else {
            return Outcome::error("Do it for me needs the tenant (Directory (tenant) ID).");
        };
        take_app_form(app, profile, preset);
        profile.tenant = Some(tenant);
    } else if profile.tenant.is_none() {
        return Outcome::error(
            "Do it for me needs the tenant: fill the Directory (tenant) ID on the App registration step (Esc goes back).",
        );
    }
    let kind = cred.kind();
    if profile.credential.as_ref().is_none_or(|c| c.kind != kind) {
        profile.credential = Some(CredentialInfo::new(kind));
    }
    // A certificate made or imported on the credential screen is the one uploaded.
    if let (CredentialKind::Certificate, Some(c), Some(info)) =
        (kind, &cred.cert, profile.credential.as_mut())
    {
        info.thumbprint_sha1 = Some(c.sha1.clone());
        info.thumbprint_sha256 = Some(c.sha256.clone()).filter(|s| !s.is_empty());
        info.cert_file = Some(c.cer_path.clone()).filter(|s| !s.is_empty());
        info.expires = c.expires;
    }
    begin(st, DoItArea::Entra, profile, ctx, device_code)
        .with_info("Do it for me: signing in as an admin…")
}

/// Shows the panel signing in and asks the runner to sign in, read and plan for `area`.
pub fn begin(
    st: &mut DoItState,
    area: DoItArea,
    profile: &Profile,
    ctx: &Ctx,
    device_code: bool,
) -> Outcome {
    st.scroll = 0;
    st.area = area;
    st.phase = Phase::Preparing {
        run: ctx.run,
        prompt: None,
        admin: None,
    };
    Outcome::effect(Effect::DoItPlan {
        run: ctx.run,
        profile: Box::new(profile.clone()),
        device_code,
        area,
    })
}

/// The screens' forms and the profile, which a finished apply fills.
pub struct Fields<'a> {
    pub profile: &'a mut Profile,
    pub app: &'a mut AppRegState,
    pub cred: &'a mut CredState,
    pub scoping: &'a mut super::scoping::ScopingState,
}

/// A key while the panel shows.
pub fn update(st: &mut DoItState, msg: Msg) -> Outcome {
    let confirm = matches!(msg, Msg::Action(Action::Yes | Action::Submit));
    match (&st.phase, msg) {
        (_, Msg::Action(Action::Up)) => st.scroll = st.scroll.saturating_sub(1),
        (_, Msg::Action(Action::Down)) => st.scroll = st.scroll.saturating_add(1),
        (_, Msg::Scroll(d)) => st.scroll = (i32::from(st.scroll) + d).clamp(0, 200) as u16,
        (Phase::Preparing { .. } | Phase::Confirm { .. }, Msg::Action(Action::Back)) => {
            st.phase = Phase::Idle;
            return Outcome::effect(Effect::DoItCancel)
                .with_info("Do it for me cancelled; nothing was changed in the tenant.");
        }
        (Phase::Preparing { prompt, .. }, Msg::Action(Action::Copy)) => {
            let text = match prompt {
                Some(SigninPrompt::DeviceCode { code, .. }) => code.clone(),
                Some(SigninPrompt::Browser { url, .. }) => url.clone(),
                None => return Outcome::none(),
            };
            return Outcome::effect(Effect::Copy(Secret::new(text)));
        }
        (Phase::Confirm { plan, .. }, Msg::Action(Action::Copy)) => {
            if let Some(url) = &plan.consent_url {
                return Outcome::effect(Effect::Copy(Secret::new(url.clone())));
            }
        }
        (Phase::Confirm { run, plan }, _) if confirm => {
            if plan.blocked.is_some() {
                return Outcome::error(
                    "Nothing can be applied: the plan stops before the first change (see why above). Esc closes.",
                );
            }
            if plan.missing().next().is_some() {
                return Outcome::error(
                    "Nothing can be applied: the signed-in admin lacks a role the plan needs (see above). Esc closes.",
                );
            }
            let run = *run;
            st.phase = Phase::Applying {
                run,
                of: plan.actions.len(),
                steps: Vec::new(),
                waiting: None,
            };
            st.scroll = 0;
            return Outcome::effect(Effect::DoItApply { run })
                .with_info("Applying the plan in the tenant…");
        }
        (Phase::Applying { .. }, Msg::Action(Action::Back)) => {
            return Outcome::error(
                "Applying: it does not stop halfway. The change record beside the profile keeps track of each step.",
            );
        }
        (Phase::Done { .. } | Phase::Failed { .. }, Msg::Action(Action::Back | Action::Submit)) => {
            st.phase = Phase::Idle;
        }
        _ => {}
    }
    Outcome::none()
}

fn record(steps: &mut Vec<StepLine>, p: Progress) -> Option<String> {
    match p {
        Progress::Started { summary, .. } => {
            steps.push(StepLine {
                summary,
                done: false,
                facts: String::new(),
            });
            None
        }
        Progress::Done { step, facts } => {
            if let Some(s) = steps.get_mut(step.saturating_sub(1)) {
                s.done = true;
                s.facts = facts;
            }
            None
        }
        Progress::Waiting(w) => Some(w),
        Progress::Proving(what) => Some(format!("Proving: {what}…")),
    }
}

/// A reply from the runner for the run showing.
pub fn reply(st: &mut DoItState, f: Fields<'_>, run: RunId, r: DoItReply) -> Outcome {
    let current = match &st.phase {
        Phase::Preparing { run, .. } | Phase::Confirm { run, .. } | Phase::Applying { run, .. } => {
            Some(*run)
        }
        _ => None,
    };
    if current != Some(run) {
        return Outcome::none();
    }
    match (&mut st.phase, r) {
        (Phase::Preparing { prompt, .. }, DoItReply::Signin(p)) => *prompt = Some(p),
        (Phase::Preparing { admin, .. }, DoItReply::Reading { admin: a }) => *admin = Some(a),
        (Phase::Preparing { .. }, DoItReply::Planned(plan)) => {
            let info = if plan.blocked.is_some() {
                "The plan stops before the first change (see why); nothing can be applied."
            } else if plan.actions.is_empty() && st.area == DoItArea::Exchange {
                "Exchange already holds everything: Enter runs Exchange's test and marks the scoping as run."
            } else if plan.actions.is_empty() {
                "The tenant already holds everything: Enter fills the fields."
            } else if plan.missing().next().is_some() {
                "The signed-in admin lacks a role the plan needs; nothing can be applied."
            } else {
                "Read the plan: y or Enter applies it, Esc cancels."
            };
            st.phase = Phase::Confirm { run, plan: *plan };
            return Outcome::info(info);
        }
        (Phase::Preparing { .. }, DoItReply::Stopped(failure)) => {
            st.phase = Phase::Failed {
                failure,
                steps: Vec::new(),
            };
            return Outcome::error("Do it for me stopped; nothing was changed.");
        }
        (Phase::Applying { steps, waiting, .. }, DoItReply::Progress(p)) => {
            *waiting = record(steps, p);
        }
        (Phase::Applying { steps, .. }, DoItReply::Finished(result)) => {
            let steps = std::mem::take(steps);
            return finished(st, f, steps, result);
        }
        _ => {}
    }
    Outcome::none()
}

fn finished(
    st: &mut DoItState,
    f: Fields<'_>,
    steps: Vec<StepLine>,
    result: Result<Applied, Failure>,
) -> Outcome {
    match result {
        Ok(applied) => {
            let exchange = st.area == DoItArea::Exchange;
            if exchange {
                super::doit_exchange::fill(f.profile, f.scoping, &applied.profile);
            } else {
                fill(f.profile, f.app, f.cred, &applied.profile);
            }
            let outcome = Outcome::effect(Effect::SaveProfile(f.profile.clone()));
            let outcome = match (applied.proven, exchange) {
                (true, true) => outcome.with_info(
                    "Done and proven by Exchange's test; the scoping is marked as run. Graph follows within the documented delay.",
                ),
                (false, true) => outcome.with_error(
                    "Applied, but Exchange's test does not agree yet (see why); the scoping is marked as run.",
                ),
                (true, false) => outcome.with_info(
                    "Done and proven: the fields are filled and the profile saved. Enter closes.",
                ),
                (false, false) => outcome.with_error(
                    "Applied, but not proven (see why); the fields are filled and the profile saved.",
                ),
            };
            st.phase = Phase::Done { applied, steps };
            st.scroll = 0;
            outcome
        }
        Err(failure) => {
            st.phase = Phase::Failed { failure, steps };
            st.scroll = 0;
            Outcome::error(if st.area == DoItArea::Exchange {
                "Do it for me stopped; the script stays the way to do it."
            } else {
                "Do it for me stopped; the fields are as they were."
            })
        }
    }
}

/// Fills the profile and the forms from the profile apply saved: client and tenant IDs,
/// Secret ID and expiry (the value is in the keyring) or the certificate's thumbprints.
pub fn fill(profile: &mut Profile, app: &mut AppRegState, cred: &mut CredState, saved: &Profile) {
    profile.client_id = saved.client_id.clone();
    profile.tenant = saved.tenant.clone();
    profile.credential = saved.credential.clone();
    let set = |form: &mut crate::tui::form::Form, i: usize, v: &str| {
        if let Some(field) = form.fields.get_mut(i) {
            field.set_text(v);
            field.error = None;
        }
    };
    set(
        &mut app.form,
        app_reg::F_CLIENT,
        saved.client_id.as_deref().unwrap_or_default(),
    );
    set(
        &mut app.form,
        app_reg::F_TENANT,
        saved.tenant.as_deref().unwrap_or_default(),
    );
    let Some(c) = &saved.credential else {
        return;
    };
    match c.kind {
        CredentialKind::Secret => {
            set(
                &mut cred.form,
                credential::F_SECRET_ID,
                c.secret_id.as_deref().unwrap_or_default(),
            );
            if let Some(d) = c.expires {
                set(&mut cred.form, credential::F_EXPIRES, &d.to_string());
            }
            set(&mut cred.form, credential::F_VALUE, "");
            if let Some(field) = cred.form.fields.get_mut(credential::F_VALUE) {
                field.hint =
                    Some("Do it for me stored the value in the keyring; leave empty.".into());
            }
            cred.stored = Some(true);
        }
        CredentialKind::Certificate => {
            if let Some(sha1) = &c.thumbprint_sha1 {
                cred.cert = Some(CertInfo {
                    sha1: sha1.clone(),
                    sha256: c.thumbprint_sha256.clone().unwrap_or_default(),
                    cer_path: c.cert_file.clone().unwrap_or_default(),
                    expires: c.expires,
                });
            }
        }
    }
}
