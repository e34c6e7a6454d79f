//! "Do it for me" (Ctrl-D) on the scoping screen, beside the script: the same panel as the
//! Entra screens ([`super::doit`]), for Exchange: a second sign-in (Exchange Online
//! PowerShell's public client), the plan for the group, its members, shared mailboxes and the
//! policy or RBAC the screen names, y applies it, Exchange's own test per mailbox proves it,
//! and the screen is marked as run as "I have run it" does. The script stays the documented
//! path; the endpoint mailscope uses is not documented, and the panel says so.

use mailscope::preset::Preset;
use mailscope::profile::Profile;

use super::doit::{DoItState, begin};
use super::scoping::{self, F_SP, ScopingState};
use crate::tui::effect::DoItArea;
use crate::tui::shared::{Ctx, Outcome};

/// Ctrl-D on the scoping screen: the form's values into the profile, then sign in and plan.
pub fn start(
    st: &mut DoItState,
    scoping: &mut ScopingState,
    profile: &mut Profile,
    preset: &Preset,
    ctx: &Ctx,
    device_code: bool,
) -> Outcome {
    if profile.tenant.is_none() {
        return Outcome::error(
            "Do it for me needs the tenant: fill the Directory (tenant) ID on the App registration step.",
        );
    }
    if profile.client_id.is_none() {
        return Outcome::error(
            "Do it for me needs the app's client ID: register the app first (Ctrl-D on the App registration step does it).",
        );
    }
    if !scoping::apply(scoping, profile, preset) {
        scoping.pane = scoping::Pane::Fields;
        scoping.form.focus_first_error();
        return Outcome::error("Fix the group name and address first (see beside the fields).");
    }
    begin(st, DoItArea::Exchange, profile, ctx, device_code)
        .with_info("Do it for me: signing in to Exchange as an admin…")
}

/// What a finished apply saved into the profile: the scope (mechanism, time it was run) and
/// the service principal's object ID RBAC for Applications used; the form shows the ID.
pub fn fill(profile: &mut Profile, scoping: &mut ScopingState, saved: &Profile) {
    if let (Some(mine), Some(theirs)) = (profile.scope.as_mut(), saved.scope.as_ref()) {
        mine.mechanism = theirs.mechanism;
        mine.changed_at = theirs.changed_at;
    } else {
        profile.scope.clone_from(&saved.scope);
    }
    if saved.service_principal_id.is_some() {
        profile
            .service_principal_id
            .clone_from(&saved.service_principal_id);
        if let Some(f) = scoping.form.fields.get_mut(F_SP) {
            f.set_text(saved.service_principal_id.as_deref().unwrap_or_default());
            f.error = None;
        }
    }
}
