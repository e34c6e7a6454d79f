//! `update`: the one function that changes the model. No I/O, no clock, no awaiting; work
//! it needs done is returned as effects.

use super::effect::Effect;
use super::model::{Model, Overlay};
use super::msg::{Action, Msg, Reply};
use super::{nav, route};

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Resize(w, h) => {
            model.size = (w, h);
            Vec::new()
        }
        Msg::Tick(now) => {
            model.now = now;
            let outcome = route::tick(model);
            nav::apply(model, outcome)
        }
        Msg::Action(Action::Quit) => nav::quit(model),
        Msg::Action(Action::Help) => {
            model.overlay = match model.overlay {
                Overlay::None => Overlay::Help,
                Overlay::Help => Overlay::None,
            };
            Vec::new()
        }
        Msg::Reply(r) => reply(model, r),
        _ if model.overlay != Overlay::None => Vec::new(),
        other => {
            if matches!(other, Msg::Action(_) | Msg::Edit(_) | Msg::Paste(_)) {
                model.status = None;
            }
            if model.read_only() {
                return super::support::readonly::update(model, other);
            }
            let outcome = route::update(model, other);
            nav::apply(model, outcome)
        }
    }
}

/// Replies that concern the whole program; the rest go to the screen that asked.
fn reply(model: &mut Model, r: Reply) -> Vec<Effect> {
    match r {
        Reply::ProfilesLoaded(Ok(list)) => {
            model.start.selected = model.start.selected.min(list.len());
            let readable: Vec<_> = list.iter().filter_map(|l| l.profile.clone().ok()).collect();
            model.start.profiles = Some(list);
            // The start screen shows what `status --online` shows (where a sign-in is
            // remembered: the runner asks the keyring, not this function).
            if !readable.is_empty() && !model.read_only() {
                return vec![Effect::ReadOnline(readable)];
            }
        }
        Reply::Online(rows) => model.start.online = rows,
        Reply::ProfilesLoaded(Err(e)) => {
            model.start.profiles = Some(Vec::new());
            model.error(format!("Cannot read saved profiles: {e}"));
        }
        Reply::Saved(Ok(_)) => {}
        Reply::Saved(Err(e)) => model.error(format!("Progress NOT saved: {e}")),
        Reply::FileWritten(Ok(path)) => model.info(format!("Saved {path}")),
        Reply::FileWritten(Err(e)) => model.error(e),
        Reply::Copied(Ok(how)) => model.info(format!("Copied to the {how}.")),
        Reply::Copied(Err(e)) => model.error(format!("Could not copy: {e}")),
        other => {
            let outcome = route::reply(model, other);
            return nav::apply(model, outcome);
        }
    }
    Vec::new()
}
