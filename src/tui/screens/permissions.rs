//! API permissions and consent: the exact list with reasons, Verify, which gets a token and
//! shows which application permissions it really carries, and beside it what Entra holds for
//! the app as the remembered admin sign-in reads it (`entra inspect`'s findings).

use crossterm::event::KeyCode;
use mailscope::preset::{PermissionKind, Preset};
use mailscope::profile::Profile;

use crate::tui::binding::Binding;
use crate::tui::msg::{Action, Inspection, Msg, Reply};
use crate::tui::shared::{Ctx, Effect, Nav, Outcome, RunId, Step};

/// The outcome of Verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    NotRun,
    Running(RunId),
    /// The token's `roles`.
    Roles(Vec<String>),
    Failed(String),
}

/// What the admin's read of the tenant says about the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntraRead {
    NotRead,
    Reading(RunId),
    Read(Inspection),
}

#[derive(Debug)]
pub struct PermsState {
    pub verification: Verification,
    pub entra: EntraRead,
    pub scroll: u16,
}

impl Default for PermsState {
    fn default() -> Self {
        PermsState {
            verification: Verification::NotRun,
            entra: EntraRead::NotRead,
            scroll: 0,
        }
    }
}

/// On arrival: read what Entra holds for the app, when an admin sign-in is remembered.
pub fn on_enter(st: &mut PermsState, profile: &Profile, ctx: &Ctx) -> Outcome {
    st.entra = EntraRead::Reading(ctx.run);
    Outcome::effect(Effect::InspectEntra {
        run: ctx.run,
        profile: Box::new(profile.clone()),
    })
}

pub fn bindings(preset: &Preset, read_only: bool) -> Vec<Binding> {
    let mut b = vec![
        Binding::key('v', Action::Verify, "verify token", "v"),
        Binding::code(KeyCode::Down, Action::Down, "scroll", "↑↓"),
    ];
    let optional = preset.optional_permissions().next().is_some();
    if optional && !read_only {
        b.push(Binding::key(
            'o',
            Action::ToggleOptional,
            "optional on/off",
            "o",
        ));
    }
    b
}

/// Chooses the preset's optional permissions when none is chosen yet, else leaves them all
/// out again (the profile's `optional_permissions`).
fn toggle_optional(profile: &mut Profile, preset: &Preset) {
    if profile.optional_permissions.is_empty() {
        profile.optional_permissions = preset
            .optional_permissions()
            .map(|p| p.name.clone())
            .collect();
    } else {
        profile.optional_permissions.clear();
    }
}

pub fn update(
    st: &mut PermsState,
    profile: &mut Profile,
    preset: &Preset,
    ctx: &Ctx,
    msg: Msg,
) -> Outcome {
    let run = ctx.run;
    match msg {
        Msg::Action(Action::Verify) => {
            if profile.client_id.is_none() || profile.tenant.is_none() {
                st.verification = Verification::Failed(
                    "Enter the client and tenant IDs on the App registration step first.".into(),
                );
                return Outcome::none();
            }
            st.verification = Verification::Running(run);
            return Outcome::effect(Effect::VerifyToken {
                run,
                profile: profile.clone(),
            });
        }
        Msg::Action(Action::ToggleOptional) => toggle_optional(profile, preset),
        Msg::Action(Action::Up) => st.scroll = st.scroll.saturating_sub(1),
        Msg::Action(Action::Down) => st.scroll = st.scroll.saturating_add(1),
        Msg::Scroll(d) => st.scroll = (i32::from(st.scroll) + d).clamp(0, 200) as u16,
        Msg::Action(Action::Submit) => return Outcome::go(Nav::Complete(Step::Permissions)),
        Msg::Reply(Reply::Inspected(id, found)) if st.entra == EntraRead::Reading(id) => {
            st.entra = EntraRead::Read(found);
        }
        Msg::Reply(Reply::TokenSeen(roles)) if st.verification == Verification::NotRun => {
            st.verification = Verification::Roles(roles);
        }
        Msg::Reply(Reply::Verified(id, res)) if st.verification == Verification::Running(id) => {
            st.verification = match res {
                Ok(roles) => Verification::Roles(roles),
                Err(e) => Verification::Failed(e),
            };
        }
        _ => {}
    }
    Outcome::none()
}

/// Application permissions the profile asks for (the preset's required ones and the optional
/// ones chosen) that the token lacks.
pub fn missing(st: &PermsState, profile: &Profile, preset: &Preset) -> Vec<String> {
    let Verification::Roles(roles) = &st.verification else {
        return Vec::new();
    };
    preset
        .requested(&profile.optional_permissions)
        .filter(|p| p.kind == PermissionKind::Application)
        .filter(|p| !roles.iter().any(|r| r == &p.name))
        .map(|p| p.name.clone())
        .collect()
}
