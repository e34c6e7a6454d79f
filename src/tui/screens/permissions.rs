//! API permissions and consent: the exact list with reasons, and Verify, which gets a token
//! and shows which application permissions it really carries.

use crossterm::event::KeyCode;

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

pub fn bindings(_model: &Model) -> Vec<Binding> {
    vec![
        Binding::key('v', Action::Verify, "verify token", "v"),
        Binding::code(KeyCode::Down, Action::Down, "scroll", "↑↓"),
    ]
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

/// Application permissions the preset needs that the token lacks.
pub fn missing(model: &Model) -> Vec<String> {
    let Some(w) = model.wizard.as_ref() else {
        return Vec::new();
    };
    let Verification::Roles(roles) = &w.perms.verification else {
        return Vec::new();
    };
    w.preset
        .application_permissions()
        .filter(|p| !p.optional && !roles.iter().any(|r| r == &p.name))
        .map(|p| p.name.clone())
        .collect()
}
