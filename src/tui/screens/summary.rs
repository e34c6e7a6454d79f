//! Summary: the values to enter in the vendor's settings (each copyable; the secret only on
//! explicit request), LEXZUR's integrations.json entry, the credential's expiry.

use std::path::PathBuf;

use mailscope::graph::CheckRun;
use mailscope::preset::{Preset, VendorOutputKind, VendorValue};
use mailscope::profile::Profile;
use mailscope::report;
use mailscope::secrets::Secret;
use mailscope::vendor_output;

use crate::tui::binding::{Binding, FocusKind};
use crate::tui::form::{Field, Form};
use crate::tui::msg::{Action, Msg, Reply};
use crate::tui::shared::{Ctx, Effect, Nav, Outcome, RunId, Step};

/// Shown in place of the secret until the admin asks for it.
pub const HIDDEN: &str = "•••••••• (press S to show)";

#[derive(Debug, Default)]
pub enum SecretView {
    #[default]
    Hidden,
    Loading(RunId),
    Shown(Secret),
    Failed(String),
}

#[derive(Debug, Default)]
pub struct SummaryState {
    pub selected: usize,
    pub secret: SecretView,
    /// While typing the path of LEXZUR's integrations.json to merge the entry into.
    pub merge: Option<Form>,
    /// A report opened read-only (`mailscope open`): exported as it is.
    pub opened: Option<Box<mailscope::report::Report>>,
}

/// One row of the vendor values: its label and the value to show / to copy.
pub struct Row {
    pub label: String,
    pub shown: String,
    /// What Copy puts on the clipboard; None while the secret is hidden or a value is missing.
    pub copy: Option<Secret>,
}

/// The vendor's fields with mailscope's values (the secret only once the admin asked).
pub fn rows(st: &SummaryState, profile: &Profile, preset: &Preset) -> Vec<Row> {
    let shown = match &st.secret {
        SecretView::Shown(s) => Some(s.expose()),
        _ => None,
    };
    let kinds = preset.vendor_settings.fields.iter().map(|f| f.value);
    vendor_output::vendor_fields(profile, preset, shown)
        .into_iter()
        .zip(kinds)
        .map(|(f, kind)| {
            let is_secret = kind == VendorValue::ClientSecret;
            let shown = match (&st.secret, is_secret) {
                (SecretView::Hidden, true) => HIDDEN.to_string(),
                (SecretView::Loading(_), true) => "(reading the keyring…)".to_string(),
                (SecretView::Failed(e), true) => e.clone(),
                _ => f.value.clone(),
            };
            let copyable = f.value != vendor_output::NOT_SET && (!is_secret || f.is_secret);
            Row {
                label: f.label,
                shown,
                copy: copyable.then(|| Secret::new(f.value)),
            }
        })
        .collect()
}

/// LEXZUR's `integrations.json` entry, with the secret only when shown.
pub fn integrations_entry(st: &SummaryState, profile: &Profile, preset: &Preset) -> Option<String> {
    let out = preset.vendor_output.as_ref()?;
    if out.kind != VendorOutputKind::IntegrationsJson {
        return None;
    }
    let secret = match &st.secret {
        SecretView::Shown(s) => Some(s.expose()),
        _ => None,
    };
    let client_id = profile
        .client_id
        .as_deref()
        .unwrap_or(vendor_output::NOT_SET);
    Some(vendor_output::integrations_entry(
        &out.key, client_id, secret,
    ))
}

pub fn bindings(st: &SummaryState, preset: &Preset) -> Vec<Binding> {
    if st.merge.is_some() {
        return Vec::new();
    }
    let json = preset.vendor_output.is_some();
    let mut b = vec![
        Binding::key('c', Action::Copy, "copy value", "c"),
        Binding::key('S', Action::ShowSecret, "show secret", "S"),
        Binding::key('e', Action::Export, "export report", "e"),
    ];
    if json {
        b.push(Binding::key('j', Action::CopyEntry, "copy JSON entry", "j"));
        b.push(Binding::key(
            'w',
            Action::WriteEntry,
            "write into file",
            "w",
        ));
    }
    b
}

pub fn focus_kind(st: &SummaryState) -> FocusKind {
    if st.merge.is_some() {
        FocusKind::Text
    } else {
        FocusKind::Other
    }
}

/// Typing the integrations.json path: edit, paste, Esc to close, Enter to merge.
fn merge_update(st: &mut SummaryState, profile: &Profile, preset: &Preset, msg: Msg) -> Outcome {
    let Some(form) = st.merge.as_mut() else {
        return Outcome::none();
    };
    match msg {
        Msg::Edit(req) => {
            form.edit(req);
        }
        Msg::Paste(text) => {
            form.paste(text.trim());
        }
        Msg::Action(Action::Back) => st.merge = None,
        Msg::Action(Action::Submit) => {
            let path = form.value(0).trim().to_string();
            if path.is_empty() {
                form.set_error(0, Some("Enter the path of integrations.json.".into()));
                return Outcome::none();
            }
            let Some(out) = preset.vendor_output.as_ref() else {
                return Outcome::none();
            };
            let secret = match &st.secret {
                SecretView::Shown(s) => Some(s.clone()),
                _ => None,
            };
            st.merge = None;
            return Outcome::effect(Effect::MergeIntegrations {
                path: PathBuf::from(path),
                key: out.key.clone(),
                client_id: profile.client_id.clone().unwrap_or_default(),
                secret,
            });
        }
        _ => {}
    }
    Outcome::none()
}

/// Writes the report as Markdown, HTML and JSON (for `mailscope open`) into the current
/// directory: the report `mailscope report` writes (built from the profile and its recorded
/// check run), or, for a report opened read-only, that report itself.
fn export(
    st: &SummaryState,
    profile: &Profile,
    preset: &Preset,
    recorded: Option<&CheckRun>,
    ctx: &Ctx,
) -> Outcome {
    let r = match &st.opened {
        Some(doc) => (**doc).clone(),
        None => report::for_profile(profile, preset, recorded, ctx.now),
    };
    let name = r.profile.name.clone();
    let mut fx = Outcome::none();
    for (format, ext) in [
        (report::Format::Markdown, "md"),
        (report::Format::Html, "html"),
        (report::Format::Json, "json"),
    ] {
        fx = match report::render(&r, format) {
            Ok(contents) => fx.then(Outcome::effect(Effect::WriteFile {
                path: PathBuf::from(format!("{name}-report.{ext}")),
                contents,
            })),
            Err(e) => fx.with_error(format!("Cannot write the report: {e}")),
        }
    }
    fx
}

/// The summary's part of `update`; `recorded` is the last recorded check run (for export).
pub fn update(
    st: &mut SummaryState,
    profile: &Profile,
    preset: &Preset,
    recorded: Option<&CheckRun>,
    ctx: &Ctx,
    msg: Msg,
) -> Outcome {
    if st.merge.is_some() && !matches!(msg, Msg::Reply(_)) {
        return merge_update(st, profile, preset, msg);
    }
    let run = ctx.run;
    let n = preset.vendor_settings.fields.len();
    match msg {
        m @ (Msg::Action(Action::Up | Action::Down | Action::Top | Action::Bottom)
        | Msg::Scroll(_)) => {
            if let Some(to) = super::listnav::moved(st.selected, n, n, &m) {
                st.selected = to;
            }
        }
        Msg::Action(Action::ShowSecret) => {
            st.secret = SecretView::Loading(run);
            return Outcome::effect(Effect::LoadSecret {
                run,
                profile: Box::new(profile.clone()),
            });
        }
        Msg::Action(Action::Copy) => {
            let row = rows(st, profile, preset).into_iter().nth(st.selected);
            return match row {
                Some(Row {
                    copy: Some(v),
                    label,
                    ..
                }) => Outcome::effect(Effect::Copy(v)).with_info(format!("Copying {label}…")),
                Some(Row { label, .. }) if label.to_lowercase().contains("secret") => {
                    Outcome::error(
                        "Press S to show the secret first; it is copied only on request.",
                    )
                }
                _ => Outcome::error("This value has not been entered yet."),
            };
        }
        Msg::Action(Action::Export) => return export(st, profile, preset, recorded, ctx),
        Msg::Action(Action::WriteEntry) => {
            let default = preset
                .vendor_output
                .as_ref()
                .map(|o| o.path.clone())
                .unwrap_or_default();
            st.merge = Some(Form::new(vec![
                Field::text("integrations.json", default).with_hint(
                    "Only clientId and clientSecret of the entry change; the secret only if shown (S).",
                ),
            ]));
        }
        Msg::Action(Action::CopyEntry) => {
            if let Some(entry) = integrations_entry(st, profile, preset) {
                return Outcome::effect(Effect::Copy(Secret::new(entry)));
            }
        }
        Msg::Action(Action::Submit) => return Outcome::go(Nav::Complete(Step::Summary)),
        Msg::Reply(Reply::SecretLoaded(id, res)) => {
            if matches!(st.secret, SecretView::Loading(r) if r == id) {
                st.secret = match res {
                    Ok(s) => SecretView::Shown(s),
                    Err(e) => SecretView::Failed(e),
                };
            }
        }
        _ => {}
    }
    Outcome::none()
}
