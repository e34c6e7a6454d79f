//! API permissions and consent: the exact list with reasons, and Verify, which gets a token
//! and shows which application permissions it really carries.

use crossterm::event::KeyCode;
use mailscope::preset::PermissionKind;

use crate::tui::effect::Effect;
use crate::tui::keys::Binding;
use crate::tui::model::Model;
use crate::tui::msg::{Action, Msg, Reply, RunId};
use crate::tui::nav;
use crate::tui::step::Step;

/// The outcome of Verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    NotRun,
    Running(RunId),
    /// The token's `roles`.
    Roles(Vec<String>),
    Failed(String),
}

#[derive(Debug)]
pub struct PermsState {
    pub verification: Verification,
    pub scroll: u16,
}

impl Default for PermsState {
    fn default() -> Self {
        PermsState {
            verification: Verification::NotRun,
            scroll: 0,
        }
    }
}

pub fn bindings(model: &Model) -> Vec<Binding> {
    let mut b = vec![
        Binding::key('v', Action::Verify, "verify token", "v"),
        Binding::code(KeyCode::Down, Action::Down, "scroll", "↑↓"),
    ];
    let optional = model
        .wizard
        .as_ref()
        .is_some_and(|w| w.preset.optional_permissions().next().is_some());
    if optional && !model.read_only() {
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
fn toggle_optional(profile: &mut mailscope::profile::Profile, preset: &mailscope::preset::Preset) {
    if profile.optional_permissions.is_empty() {
        profile.optional_permissions = preset
            .optional_permissions()
            .map(|p| p.name.clone())
            .collect();
    } else {
        profile.optional_permissions.clear();
    }
}

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    let run = model.run_id();
    let Some(w) = model.wizard.as_mut() else {
        return Vec::new();
    };
    let st = &mut w.perms;
    match msg {
        Msg::Action(Action::Verify) => {
            if w.profile.client_id.is_none() || w.profile.tenant.is_none() {
                st.verification = Verification::Failed(
                    "Enter the client and tenant IDs on the App registration step first.".into(),
                );
                return Vec::new();
            }
            st.verification = Verification::Running(run);
            return vec![Effect::VerifyToken {
                run,
                profile: w.profile.clone(),
            }];
        }
        Msg::Action(Action::ToggleOptional) => toggle_optional(&mut w.profile, &w.preset),
        Msg::Action(Action::Up) => st.scroll = st.scroll.saturating_sub(1),
        Msg::Action(Action::Down) => st.scroll = st.scroll.saturating_add(1),
        Msg::Scroll(d) => st.scroll = (i32::from(st.scroll) + d).clamp(0, 200) as u16,
        Msg::Action(Action::Submit) => return nav::complete(model, Step::Permissions),
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
    Vec::new()
}

/// Application permissions the profile asks for (the preset's required ones and the optional
/// ones chosen) that the token lacks.
pub fn missing(model: &Model) -> Vec<String> {
    let Some(w) = model.wizard.as_ref() else {
        return Vec::new();
    };
    let Verification::Roles(roles) = &w.perms.verification else {
        return Vec::new();
    };
    w.preset
        .requested(&w.profile.optional_permissions)
        .filter(|p| p.kind == PermissionKind::Application)
        .filter(|p| !roles.iter().any(|r| r == &p.name))
        .map(|p| p.name.clone())
        .collect()
}
