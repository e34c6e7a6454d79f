//! Moving between screens, in one place: a screen's `Outcome` is applied here (its status
//! line, its effects, then its navigation: opening a profile, completing a step, which saves
//! it at once, going back, quitting).

use mailscope::graph::CheckRun;
use mailscope::preset;
use mailscope::profile::Profile;

use super::effect::Effect;
use super::model::{Model, Screen, Wizard};
use super::route;
use super::shared::{Nav, Outcome, Step};

/// Applies what a screen asked for: status, effects, then navigation (whose effects follow).
pub fn apply(model: &mut Model, outcome: Outcome) -> Vec<Effect> {
    let Outcome {
        effects: mut fx,
        status,
        nav,
    } = outcome;
    status.apply(&mut model.status);
    match nav {
        None => {}
        Some(Nav::Complete(step)) => fx.extend(complete(model, step)),
        Some(Nav::Back) => fx.extend(back(model)),
        Some(Nav::Open { profile, last_run }) => fx.extend(open(model, *profile, last_run)),
        Some(Nav::Quit) => fx.extend(quit(model)),
    }
    fx
}

/// Opens a profile where it was left (the step after the last completed one), with its last
/// recorded check run.
pub fn open(model: &mut Model, profile: Profile, last_run: Option<Box<CheckRun>>) -> Vec<Effect> {
    let preset = match preset::preset(profile.preset) {
        Ok(p) => p,
        Err(e) => {
            model.error(e.to_string());
            return Vec::new();
        }
    };
    let step = Step::resume_at(profile.step.as_deref(), &preset);
    model.info(format!("Opened '{}'.", profile.name));
    let mut wizard = Wizard::new(profile, preset, model.today());
    wizard.checks.recorded = last_run;
    model.screen = Screen::Wizard {
        step,
        wizard: Box::new(wizard),
    };
    arrive(model)
}

/// Shows a step of the open onboarding, starting whatever it needs on arrival.
pub fn go(model: &mut Model, to: Step) -> Vec<Effect> {
    if let Screen::Wizard { step, .. } = &mut model.screen {
        *step = to;
    }
    arrive(model)
}

fn arrive(model: &mut Model) -> Vec<Effect> {
    let outcome = route::on_enter(model);
    apply(model, outcome)
}

/// Marks `step` complete, saves the profile, and moves to the next step.
fn complete(model: &mut Model, step: Step) -> Vec<Effect> {
    let Some(w) = model.wizard_mut() else {
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

/// One screen back; from the first step, back to the start screen. Nothing typed is lost
/// within an onboarding (the start screen reopens a profile as it was saved).
fn back(model: &mut Model) -> Vec<Effect> {
    let Screen::Wizard { step, wizard } = &mut model.screen else {
        return Vec::new();
    };
    match step.prev(&wizard.preset) {
        Some(p) => {
            *step = p;
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
    if model.wizard().is_some_and(|w| w.checks.running()) {
        fx.push(Effect::CancelChecks);
    }
    fx.push(Effect::Quit);
    fx
}
