//! One module per screen: its state, its keys, and its part of `update`. This file routes.

pub mod app_reg;
pub mod branding;
pub mod checks;
pub mod credential;
pub mod listnav;
pub mod mailbox_input;
pub mod mailboxes;
pub mod permissions;
pub mod scoping;
pub mod send_prompt;
pub mod start;
pub mod summary;

use super::effect::Effect;
use super::form::Form;
use super::keys::{Binding, FocusKind};
use super::model::{Model, Screen};
use super::msg::{Action, Msg, Reply};
use super::nav;
use super::step::Step;

/// The keys the current screen adds to the common ones.
pub fn bindings(model: &Model) -> Vec<Binding> {
    match model.screen {
        Screen::Start => start::bindings(model),
        Screen::Step(Step::Credential) => credential::bindings(model),
        Screen::Step(Step::Permissions) => permissions::bindings(model),
        Screen::Step(Step::Branding) => branding::bindings(model),
        Screen::Step(Step::Mailboxes) => mailboxes::bindings(model),
        Screen::Step(Step::Scoping) => scoping::bindings(model),
        Screen::Step(Step::Checks) => checks::bindings(model),
        Screen::Step(Step::Summary) => summary::bindings(model),
        Screen::Step(Step::AppRegistration) => app_reg::bindings(model),
    }
}

fn form_focus(form: &Form) -> FocusKind {
    match form.focused() {
        Some(f) if f.is_text() => FocusKind::Text,
        Some(_) => FocusKind::Choice,
        None => FocusKind::Other,
    }
}

/// What the keyboard is on: decides whether letters are typed or are commands.
pub fn focus_kind(model: &Model) -> FocusKind {
    let w = model.wizard.as_ref();
    match model.screen {
        Screen::Start => start::focus_kind(model),
        Screen::Step(Step::AppRegistration) => {
            w.map_or(FocusKind::Other, |w| form_focus(&w.app.form))
        }
        Screen::Step(Step::Credential) => w.map_or(FocusKind::Other, |w| form_focus(&w.cred.form)),
        Screen::Step(Step::Mailboxes) => mailboxes::focus_kind(model),
        Screen::Step(Step::Scoping) => scoping::focus_kind(model),
        Screen::Step(Step::Summary) => summary::focus_kind(model),
        Screen::Step(Step::Checks) => checks::focus_kind(model),
        Screen::Step(_) => FocusKind::Other,
    }
}

/// Work a screen starts when it is shown.
pub fn on_enter(model: &mut Model, step: Step) -> Vec<Effect> {
    match step {
        Step::Credential => credential::on_enter(model),
        Step::Scoping => scoping::regenerate(model),
        Step::Checks => checks::on_enter(model),
        _ => Vec::new(),
    }
}

/// Routes a reply to the screen that asked for it, wherever the admin is now.
pub fn reply(model: &mut Model, r: Reply) -> Vec<Effect> {
    let target: fn(&mut Model, Msg) -> Vec<Effect> = match &r {
        Reply::SecretPresence(..) | Reply::SecretStored(..) | Reply::Certificate(..) => {
            credential::update
        }
        Reply::Verified(..) | Reply::TokenSeen(..) => permissions::update,
        Reply::Script(..) => scoping::update,
        Reply::FileRead(..) => mailboxes::update,
        Reply::ChecksStarted(..)
        | Reply::CheckCell(..)
        | Reply::ChecksWaiting(..)
        | Reply::ChecksFinished(..)
        | Reply::RunRecorded(..) => checks::update,
        Reply::SecretLoaded(..) => summary::update,
        Reply::ProfilesLoaded(..)
        | Reply::Saved(..)
        | Reply::FileWritten(..)
        | Reply::Copied(..) => {
            return Vec::new();
        }
    };
    target(model, Msg::Reply(r))
}

/// Passes a key message to the current screen. Esc goes back unless the screen has a
/// sub-mode to leave first (start form, mailbox input).
pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    let screen = model.screen;
    let own_back = |s| match s {
        Step::Mailboxes => true,
        Step::Checks => checks::prompting(model),
        Step::Summary => model
            .wizard
            .as_ref()
            .is_some_and(|w| w.summary.merge.is_some()),
        _ => false,
    };
    if let (Screen::Step(s), Msg::Action(Action::Back)) = (screen, &msg)
        && !own_back(s)
    {
        return nav::back(model);
    }
    match screen {
        Screen::Start => start::update(model, msg),
        Screen::Step(Step::AppRegistration) => app_reg::update(model, msg),
        Screen::Step(Step::Credential) => credential::update(model, msg),
        Screen::Step(Step::Permissions) => permissions::update(model, msg),
        Screen::Step(Step::Branding) => branding::update(model, msg),
        Screen::Step(Step::Mailboxes) => mailboxes::update(model, msg),
        Screen::Step(Step::Scoping) => scoping::update(model, msg),
        Screen::Step(Step::Checks) => checks::update(model, msg),
        Screen::Step(Step::Summary) => summary::update(model, msg),
    }
}
