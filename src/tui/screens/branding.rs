//! Branding: optional; continue or skip, both record the step.

use crate::tui::effect::Effect;
use crate::tui::keys::Binding;
use crate::tui::model::Model;
use crate::tui::msg::{Action, Msg};
use crate::tui::nav;
use crate::tui::step::Step;

pub fn bindings(_model: &Model) -> Vec<Binding> {
    vec![Binding::key('s', Action::Skip, "skip", "s")]
}

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Action(Action::Submit | Action::Skip) => nav::complete(model, Step::Branding),
        _ => Vec::new(),
    }
}
