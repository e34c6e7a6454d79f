//! Summary: the values to enter in the vendor's settings (each copyable; the secret only on
//! explicit request), LEXZUR's integrations.json entry, the credential's expiry.

use mailscope::preset::{VendorOutputKind, VendorValue};
use std::path::PathBuf;

use mailscope::report;
use mailscope::secrets::Secret;

use crate::tui::effect::Effect;
use crate::tui::keys::Binding;
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
}

/// One row of the vendor values: its label and the value to show / to copy.
pub struct Row {
    pub label: String,
    pub shown: String,
    /// What Copy puts on the clipboard; None while the secret is hidden or a value is missing.
    pub copy: Option<Secret>,
}

/// The vendor's fields with mailscope's values.
pub fn rows(w: &Wizard) -> Vec<Row> {
    let p = &w.profile;
    let plain = |v: Option<String>| match v {
        Some(v) => (v.clone(), Some(Secret::new(v))),
        None => ("(not entered yet)".to_string(), None),
    };
    w.preset
        .vendor_settings
        .fields
        .iter()
        .map(|f| {
            let (shown, copy) = match f.value {
                VendorValue::ClientId => plain(p.client_id.clone()),
                VendorValue::TenantId => plain(p.tenant.clone()),
                VendorValue::RedirectUri => plain(p.redirect_uri.clone()),
                VendorValue::CertificateThumbprint => plain(
                    p.credential
                        .as_ref()
                        .and_then(|c| c.thumbprint_sha1.clone()),
                ),
                VendorValue::CertificateFile => {
                    plain(p.credential.as_ref().and_then(|c| c.cert_file.clone()))
                }
                VendorValue::MailboxAddresses => {
                    let list: Vec<&str> =
                        p.granted_mailboxes().map(|m| m.address.as_str()).collect();
                    plain((!list.is_empty()).then(|| list.join(", ")))
                }
                VendorValue::ClientSecret => match &w.summary.secret {
                    SecretView::Shown(s) => (s.expose().to_string(), Some(s.clone())),
                    SecretView::Loading(_) => ("(reading the keyring…)".into(), None),
                    SecretView::Failed(e) => (e.clone(), None),
                    SecretView::Hidden => (HIDDEN.to_string(), None),
                },
            };
            Row {
                label: f.label.clone(),
                shown,
                copy,
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
        SecretView::Shown(s) => s.expose().to_string(),
        _ => "<press S to show the secret>".to_string(),
    };
    let entry = serde_json::json!({
        out.key.clone(): {
            "clientId": w.profile.client_id.clone().unwrap_or_default(),
            "clientSecret": secret,
        }
    });
    serde_json::to_string_pretty(&entry).ok()
}

pub fn bindings(_model: &Model) -> Vec<Binding> {
    vec![
        Binding::key('c', Action::Copy, "copy value", "c"),
        Binding::key('S', Action::ShowSecret, "show secret", "S"),
        Binding::key('e', Action::Export, "export report", "e"),
    ]
}

/// Writes the report as Markdown and HTML into the current directory.
fn export(model: &mut Model) -> Vec<Effect> {
    let Some(r) = super::report::build(model) else {
        return Vec::new();
    };
    let name = r.profile.name.clone();
    let mut fx = Vec::new();
    for (format, ext) in [
        (report::Format::Markdown, "md"),
        (report::Format::Html, "html"),
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
                profile: w.profile.name.clone(),
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
