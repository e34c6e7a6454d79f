//! Which screen a message goes to: keys and ticks to the screen showing, replies to the screen
//! that asked (wherever the admin is now), arrival work to the step shown. Each screen gets its
//! own state and a read-only context; the `Outcome` it returns is applied by `nav`.

use super::binding::{Binding, FocusKind, form_focus};
use super::effect::DoItArea;
use super::model::{Model, Screen};
use super::msg::{Action, Msg, Reply};
use super::screens::doit::{self, Fields, Phase};
use super::screens::doit_exchange;
use super::screens::{
    app_reg, branding, checks, credential, mailboxes, permissions, scoping, start, summary,
};
use super::shared::{Nav, Outcome, Step};

/// The keys the current screen adds to the common ones.
pub fn bindings(model: &Model) -> Vec<Binding> {
    let read_only = model.read_only();
    let Screen::Wizard { step, wizard: w } = &model.screen else {
        return start::bindings(&model.start);
    };
    if doit::offered(*step) && w.doit.active() {
        return doit::bindings(&w.doit);
    }
    let mut b = match step {
        Step::AppRegistration => app_reg::bindings(),
        Step::Credential => credential::bindings(&w.cred),
        Step::Permissions => permissions::bindings(&w.preset, read_only),
        Step::Branding => branding::bindings(),
        Step::Mailboxes => mailboxes::bindings(&w.mailboxes, &w.preset),
        Step::Scoping => scoping::bindings(&w.scoping),
        Step::Checks => checks::bindings(&w.checks, &w.profile, &w.preset),
        Step::Summary => summary::bindings(&w.summary, &w.preset),
    };
    if doit::offered(*step) && !read_only {
        b.push(doit::START);
    }
    b
}

/// What the keyboard is on: decides whether letters are typed or are commands.
pub fn focus_kind(model: &Model) -> FocusKind {
    let Screen::Wizard { step, wizard: w } = &model.screen else {
        return start::focus_kind(&model.start);
    };
    if doit::offered(*step) && w.doit.active() {
        return FocusKind::Other;
    }
    match step {
        Step::AppRegistration => form_focus(&w.app.form),
        Step::Credential => form_focus(&w.cred.form),
        Step::Mailboxes => mailboxes::focus_kind(&w.mailboxes),
        Step::Scoping => scoping::focus_kind(&w.scoping),
        Step::Summary => summary::focus_kind(&w.summary),
        Step::Checks => checks::focus_kind(&w.checks),
        Step::Permissions | Step::Branding => FocusKind::Other,
    }
}

/// Work the step shown starts on arrival.
pub fn on_enter(model: &mut Model) -> Outcome {
    let ctx = model.ctx();
    let read_only = model.read_only();
    let Screen::Wizard { step, wizard: w } = &mut model.screen else {
        return Outcome::none();
    };
    match step {
        Step::Credential => credential::on_enter(&mut w.cred, &w.profile, &ctx),
        Step::Permissions if !read_only => permissions::on_enter(&mut w.perms, &w.profile, &ctx),
        Step::Scoping => scoping::regenerate(&mut w.scoping, &mut w.profile, &w.preset, &ctx),
        Step::Checks => checks::on_enter(&mut w.checks, &w.profile, &w.preset, &ctx),
        _ => Outcome::none(),
    }
}

/// About a second passed: the live checks count down to their next watch round.
pub fn tick(model: &mut Model) -> Outcome {
    if model.wizard().is_none_or(|w| !w.checks.watch) {
        return Outcome::none();
    }
    let ctx = model.ctx();
    match &mut model.screen {
        Screen::Wizard { wizard: w, .. } => {
            checks::tick(&mut w.checks, &w.profile, &w.preset, &ctx)
        }
        Screen::Start => Outcome::none(),
    }
}

/// Routes a reply to the screen that asked for it, wherever the admin is now. Replies for an
/// onboarding that is no longer open are dropped.
pub fn reply(model: &mut Model, r: Reply) -> Outcome {
    let ctx = model.ctx();
    let Screen::Wizard { wizard: w, .. } = &mut model.screen else {
        return Outcome::none();
    };
    match r {
        r @ (Reply::SecretPresence(..) | Reply::SecretStored(..) | Reply::Certificate(..)) => {
            credential::update(&mut w.cred, &mut w.profile, &ctx, Msg::Reply(r))
        }
        Reply::DoIt(run, r) => {
            let was_applying = matches!(w.doit.phase, Phase::Applying { .. });
            let fields = Fields {
                profile: &mut w.profile,
                app: &mut w.app,
                cred: &mut w.cred,
                scoping: &mut w.scoping,
            };
            let out = doit::reply(&mut w.doit, fields, run, r);
            let entra = w.doit.area == DoItArea::Entra;
            if entra && was_applying && matches!(w.doit.phase, Phase::Done { .. }) {
                // What the tenant now holds, read back for the permissions screen.
                w.perms.verification = permissions::Verification::NotRun;
                return out.then(permissions::on_enter(&mut w.perms, &w.profile, &ctx));
            }
            out
        }
        r @ (Reply::Verified(..) | Reply::TokenSeen(..) | Reply::Inspected(..)) => {
            permissions::update(&mut w.perms, &mut w.profile, &w.preset, &ctx, Msg::Reply(r))
        }
        r @ Reply::Script(..) => scoping::update(
            &mut w.scoping,
            &mut w.profile,
            &w.preset,
            &ctx,
            Msg::Reply(r),
        ),
        r @ Reply::FileRead(..) => mailboxes::update(
            &mut w.mailboxes,
            &mut w.profile,
            &w.preset,
            &ctx,
            Msg::Reply(r),
        ),
        r @ (Reply::ChecksStarted(..)
        | Reply::CheckCell(..)
        | Reply::ChecksWaiting(..)
        | Reply::ChecksFinished(..)
        | Reply::RunRecorded(..)) => {
            checks::update(&mut w.checks, &w.profile, &w.preset, &ctx, Msg::Reply(r))
        }
        r @ Reply::SecretLoaded(..) => summary::update(
            &mut w.summary,
            &w.profile,
            &w.preset,
            w.checks.recorded.as_deref(),
            &ctx,
            Msg::Reply(r),
        ),
        Reply::ProfilesLoaded(..)
        | Reply::Online(..)
        | Reply::Saved(..)
        | Reply::FileWritten(..)
        | Reply::Copied(..) => Outcome::none(),
    }
}

/// Passes a key message to the screen showing. Esc goes back unless the screen has a
/// sub-mode to leave first (mailbox input, send prompt, merge path; the start screen decides
/// itself).
pub fn update(model: &mut Model, msg: Msg) -> Outcome {
    let ctx = model.ctx();
    // The simulated tenant approves a device code by itself; no browser is opened for it.
    let device_code = model.demo.is_some();
    let Screen::Wizard { step, wizard: w } = &mut model.screen else {
        return start::update(&mut model.start, msg);
    };
    if doit::offered(*step) {
        if w.doit.active() {
            return doit::update(&mut w.doit, msg);
        }
        if matches!(msg, Msg::Action(Action::DoIt)) && *step == Step::Scoping {
            return doit_exchange::start(
                &mut w.doit,
                &mut w.scoping,
                &mut w.profile,
                &w.preset,
                &ctx,
                device_code,
            );
        }
        if matches!(msg, Msg::Action(Action::DoIt)) {
            return doit::start(
                &mut w.doit,
                *step,
                &mut w.profile,
                &w.preset,
                &mut w.app,
                &w.cred,
                &ctx,
                device_code,
            );
        }
    }
    let own_back = match step {
        Step::Mailboxes => true,
        Step::Checks => checks::prompting(&w.checks),
        Step::Summary => w.summary.merge.is_some(),
        _ => false,
    };
    if matches!(msg, Msg::Action(Action::Back)) && !own_back {
        return Outcome::go(Nav::Back);
    }
    match step {
        Step::AppRegistration => app_reg::update(&mut w.app, &mut w.profile, &w.preset, msg),
        Step::Credential => credential::update(&mut w.cred, &mut w.profile, &ctx, msg),
        Step::Permissions => {
            permissions::update(&mut w.perms, &mut w.profile, &w.preset, &ctx, msg)
        }
        Step::Branding => branding::update(msg),
        Step::Mailboxes => {
            mailboxes::update(&mut w.mailboxes, &mut w.profile, &w.preset, &ctx, msg)
        }
        Step::Scoping => scoping::update(&mut w.scoping, &mut w.profile, &w.preset, &ctx, msg),
        Step::Checks => checks::update(&mut w.checks, &w.profile, &w.preset, &ctx, msg),
        Step::Summary => summary::update(
            &mut w.summary,
            &w.profile,
            &w.preset,
            w.checks.recorded.as_deref(),
            &ctx,
            msg,
        ),
    }
}
