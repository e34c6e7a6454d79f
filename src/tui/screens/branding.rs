//! Branding: optional; continue or skip, both record the step.

use crate::tui::binding::Binding;
use crate::tui::msg::{Action, Msg};
use crate::tui::shared::{Nav, Outcome, Step};

pub fn bindings() -> Vec<Binding> {
    vec![Binding::key('s', Action::Skip, "skip", "s")]
}

pub fn update(msg: Msg) -> Outcome {
    match msg {
        Msg::Action(Action::Submit | Action::Skip) => Outcome::go(Nav::Complete(Step::Branding)),
        _ => Outcome::none(),
    }
}
