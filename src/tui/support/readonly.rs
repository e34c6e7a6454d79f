//! Read-only mode (`mailscope open`): which keys still work, and moving between the three
//! screens a report fills (token, check table, summary) without saving anything.

use mailscope::preset::Preset;

use crate::tui::effect::Effect;
use crate::tui::model::{Model, Screen};
use crate::tui::msg::{Action, Msg};
use crate::tui::route;
use crate::tui::step::Step;

/// The status line shown when a disabled key is pressed.
pub const REFUSED: &str = "read-only: from a report. Nothing can be changed or run here.";

/// The screens a report fills, in order.
pub fn steps(preset: &Preset) -> Vec<Step> {
    let checks = Step::Checks.applies(preset);
    [Step::Permissions, Step::Checks, Step::Summary]
        .into_iter()
        .filter(|s| *s != Step::Checks || checks)
        .collect()
}

/// Whether an action only looks (moves, filters, scrolls, leaves) rather than changes or runs.
pub fn allowed(a: Action) -> bool {
    use Action::*;
    matches!(
        a,
        Quit | Back
            | Help
            | Submit
            | FocusNext
            | FocusPrev
            | Up
            | Down
            | PageUp
            | PageDown
            | Top
            | Bottom
            | Left
            | Right
            | Filter
    )
}

/// `update` for a read-only model: looking keys go to the screen, Enter and Esc move between
/// the report's screens, everything else is refused with a visible message.
pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Action(Action::Submit) => step_by(model, 1),
        Msg::Action(Action::Back) => step_by(model, -1),
        Msg::Action(a) if !allowed(a) => {
            model.error(REFUSED);
            Vec::new()
        }
        Msg::Edit(_) | Msg::Paste(_) => {
            model.error(REFUSED);
            Vec::new()
        }
        // Navigation and filtering change only what is shown; the screens start no work for them.
        other => {
            route::update(model, other).status.apply(&mut model.status);
            Vec::new()
        }
    }
}

fn step_by(model: &mut Model, by: isize) -> Vec<Effect> {
    let Screen::Wizard { step, wizard } = &mut model.screen else {
        return Vec::new();
    };
    let seq = steps(&wizard.preset);
    let at = seq.iter().position(|s| s == step).unwrap_or(0);
    match at.checked_add_signed(by).and_then(|i| seq.get(i)) {
        Some(next) => *step = *next,
        None if by < 0 => model.info("This is the first screen of the report. q quits."),
        None => model.info("This is the last screen of the report. q quits."),
    }
    Vec::new()
}
