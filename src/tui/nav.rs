//! Moving between screens: opening a profile, completing a step (saved at once), going back.

use mailscope::preset;
use mailscope::profile::Profile;

use super::effect::Effect;
use super::model::{Model, Screen, Wizard};
use super::screens;
use super::step::Step;

/// Opens a profile where it was left: the step after the last completed one.
pub fn open(model: &mut Model, profile: Profile) -> Vec<Effect> {
    let preset = match preset::preset(profile.preset) {
        Ok(p) => p,
        Err(e) => {
            model.error(e.to_string());
            return Vec::new();
        }
    };
    let step = Step::resume_at(profile.step.as_deref(), &preset);
    model.info(format!("Opened '{}'.", profile.name));
    model.wizard = Some(Wizard::new(profile, preset, model.today()));
    go(model, step)
}

/// Shows a step, starting whatever it needs on arrival.
pub fn go(model: &mut Model, step: Step) -> Vec<Effect> {
    model.screen = Screen::Step(step);
    screens::on_enter(model, step)
}

/// Marks `step` complete, saves the profile, and moves to the next step.
pub fn complete(model: &mut Model, step: Step) -> Vec<Effect> {
    let Some(w) = model.wizard.as_mut() else {
        return Vec::new();
    };
    let done_before = w.profile.step.as_deref().and_then(Step::parse);
    let rank = |s: Step| Step::ALL.iter().position(|x| *x == s);
    if done_before.is_none_or(|d| rank(step) >= rank(d)) {
        w.profile.step = Some(step.as_str().to_string());
    }
    let mut fx = vec![Effect::SaveProfile(w.profile.clone())];
    match step.next(&w.preset) {
        Some(next) => fx.extend(go(model, next)),
        None => fx.extend(quit(model)),
    }
    fx
}

/// One screen back; from the first step, back to the start screen. Nothing typed is lost.
pub fn back(model: &mut Model) -> Vec<Effect> {
    let Screen::Step(step) = model.screen else {
        return Vec::new();
    };
    let prev = model.wizard.as_ref().and_then(|w| step.prev(&w.preset));
    match prev {
        Some(p) => {
            model.screen = Screen::Step(p);
            Vec::new()
        }
        None => {
            model.screen = Screen::Start;
            vec![Effect::LoadProfiles]
        }
    }
}

/// Leaves the program, cancelling running checks first.
pub fn quit(model: &mut Model) -> Vec<Effect> {
    model.quitting = true;
    let mut fx = Vec::new();
    if model.wizard.as_ref().is_some_and(|w| w.checks.running()) {
        fx.push(Effect::CancelChecks);
    }
    fx.push(Effect::Quit);
    fx
}
