//! App registration: where to click in the Entra admin center, and the IDs to copy back.

use std::path::PathBuf;

use mailscope::powershell;
use mailscope::preset::Preset;
use mailscope::profile::{Profile, validate};

use crate::tui::binding::Binding;
use crate::tui::form::{Field, Form, limits};
use crate::tui::msg::{Action, Msg};
use crate::tui::shared::{Effect, Nav, Outcome, Step};

pub const F_NAME: usize = 0;
pub const F_ACCOUNT: usize = 1;
pub const F_REDIRECT: usize = 2;
pub const F_CLIENT: usize = 3;
pub const F_TENANT: usize = 4;

#[derive(Debug)]
pub struct AppRegState {
    pub form: Form,
}

impl AppRegState {
    pub fn new(profile: &Profile, preset: &Preset) -> Self {
        let accounts: Vec<String> = preset
            .account_types
            .iter()
            .map(|a| a.portal_label().to_string())
            .collect();
        let account_index = profile
            .account_type
            .and_then(|a| preset.account_types.iter().position(|x| *x == a))
            .unwrap_or(0);
        let redirect_hint = preset
            .redirect_uri_template
            .as_ref()
            .map(|t| format!("Web platform; your server's address in place of {{server}}: {t}"))
            .unwrap_or_default();
        let mut form = Form::new(vec![
            Field::text(
                "Name",
                profile
                    .app_name
                    .clone()
                    .unwrap_or_else(|| preset.default_app_name.clone()),
            )
            .with_max(limits::APP_NAME),
            Field::choice("Supported account types", accounts, account_index),
            Field::text(
                "Redirect URI",
                profile.redirect_uri.clone().unwrap_or_default(),
            )
            .with_hint(redirect_hint)
            .with_max(limits::URL),
            Field::text(
                "Application (client) ID",
                profile.client_id.clone().unwrap_or_default(),
            )
            .with_max(limits::GUID),
            Field::text(
                "Directory (tenant) ID",
                profile.tenant.clone().unwrap_or_default(),
            )
            .with_hint("The GUID from Overview, or a domain such as contoso.onmicrosoft.com.")
            .with_max(limits::DOMAIN),
        ]);
        form.set_hidden(F_REDIRECT, preset.redirect_uri_template.is_none());
        AppRegState { form }
    }
}

/// The validator of one field; None for choices.
fn check(i: usize, value: &str) -> Option<Result<String, validate::Invalid>> {
    match i {
        F_NAME => Some(validate::display_name(value, "app name", 120)),
        F_REDIRECT => Some(validate::redirect_uri(value)),
        F_CLIENT => Some(validate::client_id(value)),
        F_TENANT => Some(validate::tenant(value)),
        _ => None,
    }
}

pub fn bindings() -> Vec<Binding> {
    vec![Binding::ctrl(
        's',
        Action::Save,
        "save Entra script",
        "Ctrl-S",
    )]
}

/// For admins who prefer a script to portal clicks: the Microsoft Graph PowerShell that
/// registers the app with these values, saved as a .ps1 file.
fn save_entra_script(st: &AppRegState, profile: &Profile, preset: &Preset) -> Outcome {
    let form = &st.form;
    let mut profile = profile.clone();
    if let Ok(name) = validate::display_name(form.value(F_NAME), "app name", 120) {
        profile.app_name = Some(name);
    }
    profile.account_type = preset
        .account_types
        .get(form.value_index(F_ACCOUNT))
        .copied();
    if let Ok(uri) = validate::redirect_uri(form.value(F_REDIRECT)) {
        profile.redirect_uri = Some(uri);
    }
    match powershell::script_for(&profile, preset, powershell::Part::Entra, None) {
        Ok(contents) => Outcome::effect(Effect::WriteFile {
            path: PathBuf::from(format!("{}-entra.ps1", profile.name)),
            contents,
        }),
        Err(e) => Outcome::error(format!("No Entra script yet: {e}.")),
    }
}

pub fn update(st: &mut AppRegState, profile: &mut Profile, preset: &Preset, msg: Msg) -> Outcome {
    if matches!(msg, Msg::Action(Action::Save)) {
        return save_entra_script(st, profile, preset);
    }
    let form = &mut st.form;
    match msg {
        Msg::Action(Action::FocusNext) => form.focus_next(),
        Msg::Action(Action::FocusPrev) => form.focus_prev(),
        Msg::Edit(req) if form.edit(&req) => revalidate_focused(form),
        Msg::Paste(text) if form.paste(text.trim()) => revalidate_focused(form),
        Msg::Action(Action::Submit) if !form.at_last() => form.focus_next(),
        Msg::Action(Action::Submit) => return submit(st, profile, preset),
        _ => {}
    }
    Outcome::none()
}

/// Whether a half-typed value can still become valid: a GUID prefix, a domain being typed,
/// the start of `https://`. Those get no error until Enter.
fn still_typing(i: usize, value: &str) -> bool {
    let v = value.trim();
    let guid_prefix = v.len() < 36
        && v.char_indices().all(|(n, c)| {
            if [8, 13, 18, 23].contains(&n) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    match i {
        F_CLIENT => guid_prefix,
        F_TENANT => {
            let alias =
                ["common", "organizations", "consumers"].contains(&v.to_ascii_lowercase().as_str());
            guid_prefix
                || !alias
                    && (!v.contains('.') || v.ends_with('.'))
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        }
        F_REDIRECT => "https://".starts_with(v) || "http://localhost".starts_with(v),
        _ => false,
    }
}

/// Validation as typed: a non-empty value is checked on every change.
fn revalidate_focused(form: &mut Form) {
    let i = form.focus;
    let value = form.value(i).to_string();
    let err = if value.trim().is_empty() || still_typing(i, &value) {
        None
    } else {
        check(i, &value).and_then(|r| r.err()).map(|e| e.0)
    };
    form.set_error(i, err);
}

fn submit(st: &mut AppRegState, profile: &mut Profile, preset: &Preset) -> Outcome {
    let form = &mut st.form;
    let mut values = [None, None, None, None, None];
    for (i, slot) in values.iter_mut().enumerate() {
        if form.get(i).is_some_and(|f| f.hidden) {
            continue;
        }
        match check(i, form.value(i)) {
            Some(Ok(v)) => *slot = Some(v),
            Some(Err(e)) => form.set_error(i, Some(e.0)),
            None => {}
        }
    }
    if form.focus_first_error() {
        return Outcome::none();
    }
    let [name, _, redirect, client, tenant] = values;
    let account = preset
        .account_types
        .get(form.value_index(F_ACCOUNT))
        .copied();
    let p = profile;
    p.app_name = name;
    p.account_type = account;
    p.redirect_uri = redirect;
    p.client_id = client;
    p.tenant = tenant;
    Outcome::go(Nav::Complete(Step::AppRegistration))
}
