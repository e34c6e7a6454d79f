//! The opt-in to the send check on the live-checks screen: a recipient typed in a small
//! prompt, checked as typed, kept in memory for this session only (never saved in the
//! profile); Enter re-runs the checks with the send column.

use mailscope::preset::{PermissionKind, Preset};
use mailscope::profile::validate;

use crate::tui::form::{Field, Form, limits};
use crate::tui::msg::{Action, Msg};

/// What the prompt says before the admin confirms.
pub const EXPLAIN: &str = "Enter re-runs the checks and sends one real test message from each must-reach mailbox to this address.";

/// The prompt and what was typed in it; closing keeps the text for the next opening.
#[derive(Debug)]
pub struct SendPrompt {
    pub open: bool,
    pub form: Form,
}

impl Default for SendPrompt {
    fn default() -> Self {
        SendPrompt {
            open: false,
            form: Form::new(vec![Field::text("Send to", "").with_max(limits::ADDRESS)]),
        }
    }
}

/// Whether the app asks for the Mail.Send application permission (required by the preset, or
/// an optional one in `chosen`), so sending can be proven.
pub fn offered(preset: &Preset, chosen: &[String]) -> bool {
    preset
        .requested(chosen)
        .any(|p| p.kind == PermissionKind::Application && p.name.eq_ignore_ascii_case("Mail.Send"))
}

/// The error to show beside the field while typing: none until the domain part has begun
/// (an address without its @ yet is not wrong, only unfinished).
fn live_error(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() || !t.contains('@') {
        return None;
    }
    validate::mail_address(t).err().map(|e| e.0)
}

/// Opens the prompt, with the recipient in use (`send_to`, or what was typed before) in the
/// field, when the app can send (`offered`).
pub fn open(p: &mut SendPrompt, send_to: Option<&str>, offered: bool) {
    if !offered {
        return;
    }
    if let Some(to) = send_to
        && p.form.value(0).trim().is_empty()
    {
        p.form.fields.iter_mut().for_each(|f| f.set_text(to));
    }
    p.open = true;
}

/// Keys while the prompt is open: edit, paste, Esc closes (text kept), Enter confirms.
/// Ok(Some(to)): run with that recipient; Ok(None) with an empty field: stop sending.
pub fn update(p: &mut SendPrompt, send_to: Option<&str>, msg: Msg) -> Option<Option<String>> {
    match msg {
        Msg::Edit(req) if p.form.edit(&req) => {
            p.form.set_error(0, live_error(p.form.value(0)));
        }
        Msg::Paste(text) if p.form.paste(text.trim()) => {
            p.form.set_error(0, live_error(p.form.value(0)));
        }
        Msg::Action(Action::Back) => p.open = false,
        Msg::Action(Action::Submit) => {
            let text = p.form.value(0).trim().to_string();
            if text.is_empty() && send_to.is_some() {
                p.open = false;
                return Some(None);
            }
            match validate::mail_address(&text) {
                Ok(to) => {
                    p.form.set_error(0, None);
                    p.open = false;
                    return Some(Some(to));
                }
                Err(e) => p.form.set_error(0, Some(e.0)),
            }
        }
        _ => {}
    }
    None
}
