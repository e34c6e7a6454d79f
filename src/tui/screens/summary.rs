//! Summary: the values to enter in the vendor's settings (each copyable; the secret only on
//! explicit request), LEXZUR's integrations.json entry, the credential's expiry.

use mailscope::preset::{VendorOutputKind, VendorValue};
use std::path::PathBuf;

use mailscope::report;
use mailscope::secrets::Secret;
use mailscope::vendor_output;

use crate::tui::effect::Effect;
use crate::tui::form::{Field, Form};
use crate::tui::keys::{Binding, FocusKind};
use crate::tui::model::{Model, Wizard};
use crate::tui::msg::{Action, Msg, Reply, RunId};
use crate::tui::nav;
use crate::tui::step::Step;

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
pub fn rows(w: &Wizard) -> Vec<Row> {
    let shown = match &w.summary.secret {
        SecretView::Shown(s) => Some(s.expose()),
        _ => None,
    };
    let kinds = w.preset.vendor_settings.fields.iter().map(|f| f.value);
    vendor_output::vendor_fields(&w.profile, &w.preset, shown)
        .into_iter()
        .zip(kinds)
        .map(|(f, kind)| {
            let is_secret = kind == VendorValue::ClientSecret;
            let shown = match (&w.summary.secret, is_secret) {
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
pub fn integrations_entry(w: &Wizard) -> Option<String> {
    let out = w.preset.vendor_output.as_ref()?;
    if out.kind != VendorOutputKind::IntegrationsJson {
        return None;
    }
    let secret = match &w.summary.secret {
        SecretView::Shown(s) => Some(s.expose()),
        _ => None,
    };
    let client_id = w
        .profile
        .client_id
        .as_deref()
        .unwrap_or(vendor_output::NOT_SET);
    Some(vendor_output::integrations_entry(
        &out.key, client_id, secret,
    ))
}

pub fn bindings(model: &Model) -> Vec<Binding> {
    let Some(w) = model.wizard.as_ref() else {
        return Vec::new();
    };
    if w.summary.merge.is_some() {
        return Vec::new();
    }
    let json = w.preset.vendor_output.is_some();
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

pub fn focus_kind(model: &Model) -> FocusKind {
    match model.wizard.as_ref().map(|w| w.summary.merge.is_some()) {
        Some(true) => FocusKind::Text,
        _ => FocusKind::Other,
    }
}

/// Typing the integrations.json path: edit, paste, Esc to close, Enter to merge.
fn merge_update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    let Some(w) = model.wizard.as_mut() else {
        return Vec::new();
    };
    let Some(form) = w.summary.merge.as_mut() else {
        return Vec::new();
    };
    match msg {
        Msg::Edit(req) => {
            form.edit(req);
        }
        Msg::Paste(text) => {
            form.paste(text.trim());
        }
        Msg::Action(Action::Back) => w.summary.merge = None,
        Msg::Action(Action::Submit) => {
            let path = form.value(0).trim().to_string();
            if path.is_empty() {
                form.set_error(0, Some("Enter the path of integrations.json.".into()));
                return Vec::new();
            }
            let Some(out) = w.preset.vendor_output.as_ref() else {
                return Vec::new();
            };
            let secret = match &w.summary.secret {
                SecretView::Shown(s) => Some(s.clone()),
                _ => None,
            };
            let fx = vec![Effect::MergeIntegrations {
                path: PathBuf::from(path),
                key: out.key.clone(),
                client_id: w.profile.client_id.clone().unwrap_or_default(),
                secret,
            }];
            w.summary.merge = None;
            return fx;
        }
        _ => {}
    }
    Vec::new()
}

/// Writes the report as Markdown, HTML and JSON (for `mailscope open`) into the current
/// directory: the report `mailscope report` writes (built from the profile and its recorded
/// check run), or, for a report opened read-only, that report itself.
fn export(model: &mut Model) -> Vec<Effect> {
    let Some(w) = model.wizard.as_ref() else {
        return Vec::new();
    };
    let r = match &w.summary.opened {
        Some(doc) => (**doc).clone(),
        None => report::for_profile(
            &w.profile,
            &w.preset,
            w.checks.recorded.as_deref(),
            model.now,
        ),
    };
    let name = r.profile.name.clone();
    let mut fx = Vec::new();
    for (format, ext) in [
        (report::Format::Markdown, "md"),
        (report::Format::Html, "html"),
        (report::Format::Json, "json"),
    ] {
        match report::render(&r, format) {
            Ok(contents) => fx.push(Effect::WriteFile {
                path: PathBuf::from(format!("{name}-report.{ext}")),
                contents,
            }),
            Err(e) => model.error(format!("Cannot write the report: {e}")),
        }
    }
    fx
}

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    if model
        .wizard
        .as_ref()
        .is_some_and(|w| w.summary.merge.is_some())
        && !matches!(msg, Msg::Reply(_))
    {
        return merge_update(model, msg);
    }
    let run = model.run_id();
    let Some(w) = model.wizard.as_mut() else {
        return Vec::new();
    };
    let n = w.preset.vendor_settings.fields.len();
    match msg {
        m @ (Msg::Action(Action::Up | Action::Down | Action::Top | Action::Bottom)
        | Msg::Scroll(_)) => {
            if let Some(to) = super::listnav::moved(w.summary.selected, n, n, &m) {
                w.summary.selected = to;
            }
        }
        Msg::Action(Action::ShowSecret) => {
            w.summary.secret = SecretView::Loading(run);
            return vec![Effect::LoadSecret {
                run,
                profile: Box::new(w.profile.clone()),
            }];
        }
        Msg::Action(Action::Copy) => {
            let row = rows(w).into_iter().nth(w.summary.selected);
            match row {
                Some(Row {
                    copy: Some(v),
                    label,
                    ..
                }) => {
                    model.info(format!("Copying {label}…"));
                    return vec![Effect::Copy(v)];
                }
                Some(Row { label, .. }) if label.to_lowercase().contains("secret") => {
                    model.error("Press S to show the secret first; it is copied only on request.")
                }
                _ => model.error("This value has not been entered yet."),
            }
        }
        Msg::Action(Action::Export) => return export(model),
        Msg::Action(Action::WriteEntry) => {
            let default = w
                .preset
                .vendor_output
                .as_ref()
                .map(|o| o.path.clone())
                .unwrap_or_default();
            w.summary.merge = Some(Form::new(vec![
                Field::text("integrations.json", default).with_hint(
                    "Only clientId and clientSecret of the entry change; the secret only if shown (S).",
                ),
            ]));
        }
        Msg::Action(Action::CopyEntry) => {
            if let Some(entry) = integrations_entry(w) {
                return vec![Effect::Copy(Secret::new(entry))];
            }
        }
        Msg::Action(Action::Submit) => return nav::complete(model, Step::Summary),
        Msg::Reply(Reply::SecretLoaded(id, res)) => {
            if matches!(w.summary.secret, SecretView::Loading(r) if r == id) {
                w.summary.secret = match res {
                    Ok(s) => SecretView::Shown(s),
                    Err(e) => SecretView::Failed(e),
                };
            }
        }
        _ => {}
    }
    Vec::new()
}
