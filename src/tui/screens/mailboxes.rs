//! Mailboxes: add one or many, import a file, mark each must-reach or must-not-reach, user or
//! shared. Validation is inline; problems are kept per row so drawing stays cheap.

use std::collections::HashSet;
use std::path::PathBuf;

use crossterm::event::KeyCode;
use mailscope::profile::{self, Expectation, MailboxKind, Profile};

use super::{listnav, mailbox_input};
use crate::tui::effect::Effect;
use crate::tui::form::{Field, Form};
use crate::tui::keys::{Binding, FocusKind};
use crate::tui::model::Model;
use crate::tui::msg::{Action, Msg, Reply, RunId};
use crate::tui::nav;
use crate::tui::step::Step;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MbMode {
    List,
    /// Typing or pasting addresses.
    Add,
    /// Typing the path of a file to import.
    Import,
}

#[derive(Debug)]
pub struct MailboxesState {
    pub mode: MbMode,
    pub selected: usize,
    /// The address field (Add) or the path field (Import).
    pub input: Form,
    pub path: Form,
    /// The expectation given to new entries (Tab switches it while adding).
    pub new_expect: Expectation,
    /// A problem per row (duplicate, conflict), aligned with the profile's mailboxes.
    pub problems: Vec<Option<String>>,
    pub import_run: Option<RunId>,
    index: HashSet<String>,
}

impl MailboxesState {
    pub fn new(profile: &Profile) -> Self {
        let mut st = MailboxesState {
            mode: MbMode::List,
            selected: 0,
            input: Form::new(vec![Field::text("Address", "")]),
            path: Form::new(vec![Field::text("File", "")]),
            new_expect: Expectation::Granted,
            problems: Vec::new(),
            import_run: None,
            index: HashSet::new(),
        };
        st.recompute(profile);
        st
    }

    /// Rebuilds the per-row problems and the address index after a change.
    fn recompute(&mut self, profile: &Profile) {
        self.problems = vec![None; profile.mailboxes.len()];
        for (i, e) in profile::mailbox_list(&profile.mailboxes) {
            if let Some(slot) = self.problems.get_mut(i) {
                *slot = Some(e.0);
            }
        }
        self.index = profile
            .mailboxes
            .iter()
            .map(|m| m.address.clone())
            .collect();
        self.selected = self.selected.min(profile.mailboxes.len().saturating_sub(1));
    }
}

pub fn bindings(model: &Model) -> Vec<Binding> {
    let Some(w) = model.wizard.as_ref() else {
        return Vec::new();
    };
    match w.mailboxes.mode {
        MbMode::List => {
            let mut b = vec![
                Binding::key('a', Action::Add, "add/paste", "a"),
                Binding::key('i', Action::Import, "import file", "i"),
                Binding::key('d', Action::Remove, "remove", "d"),
                Binding::code(KeyCode::Delete, Action::Remove, "remove", "Del"),
                Binding::key(' ', Action::ToggleExpect, "reach/not", "Space"),
            ];
            if w.preset.mailbox_kinds.len() > 1 {
                b.push(Binding::key('s', Action::ToggleKind, "user/shared", "s"));
            }
            b
        }
        MbMode::Add | MbMode::Import => Vec::new(),
    }
}

pub fn focus_kind(model: &Model) -> FocusKind {
    match model.wizard.as_ref().map(|w| w.mailboxes.mode) {
        Some(MbMode::Add | MbMode::Import) => FocusKind::Text,
        _ => FocusKind::Other,
    }
}

fn default_kind(kinds: &[MailboxKind]) -> MailboxKind {
    if kinds.contains(&MailboxKind::User) {
        MailboxKind::User
    } else {
        MailboxKind::Shared
    }
}

pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    let run = model.run_id();
    let height = usize::from(model.size.1.saturating_sub(12)).max(1);
    let Some(w) = model.wizard.as_mut() else {
        return Vec::new();
    };
    let st = &mut w.mailboxes;
    let n = w.profile.mailboxes.len();
    match (st.mode, msg) {
        (_, Msg::Reply(Reply::FileRead(id, res))) if st.import_run == Some(id) => {
            st.import_run = None;
            match res {
                Ok(text) => add_text(model, &text),
                Err(e) => st.path.set_error(0, Some(e)),
            }
        }
        (MbMode::List, m) if listnav::moved(st.selected, n, height, &m).is_some() => {
            st.selected = listnav::moved(st.selected, n, height, &m).unwrap_or(0)
        }
        (MbMode::List, Msg::Action(a)) => match a {
            Action::Add => st.mode = MbMode::Add,
            Action::Import => st.mode = MbMode::Import,
            Action::Remove if n > 0 => {
                if st.selected < n {
                    w.profile.mailboxes.remove(st.selected);
                }
                st.recompute(&w.profile);
            }
            Action::ToggleExpect => {
                if let Some(m) = w.profile.mailboxes.get_mut(st.selected) {
                    m.expect = match m.expect {
                        Expectation::Granted => Expectation::Denied,
                        Expectation::Denied => Expectation::Granted,
                    };
                    st.recompute(&w.profile);
                }
            }
            Action::ToggleKind => {
                if let Some(m) = w.profile.mailboxes.get_mut(st.selected) {
                    m.kind = match m.kind {
                        MailboxKind::User => MailboxKind::Shared,
                        MailboxKind::Shared => MailboxKind::User,
                    };
                }
            }
            Action::Back => return nav::back(model),
            Action::Submit => return submit(model),
            _ => {}
        },
        (MbMode::Add, Msg::Action(Action::FocusNext | Action::FocusPrev)) => {
            st.new_expect = match st.new_expect {
                Expectation::Granted => Expectation::Denied,
                Expectation::Denied => Expectation::Granted,
            }
        }
        (MbMode::Add | MbMode::Import, Msg::Action(Action::Back)) => st.mode = MbMode::List,
        (MbMode::Add, Msg::Edit(req)) => {
            st.input.edit(req);
        }
        (MbMode::Import, Msg::Edit(req)) => {
            st.path.edit(req);
        }
        (MbMode::Add, Msg::Paste(text)) => {
            if text.contains(['\n', '\r', ',', ';']) {
                add_text(model, &text);
            } else {
                st.input.paste(&text);
            }
        }
        (MbMode::Import, Msg::Paste(text)) => {
            st.path.paste(text.trim());
        }
        (MbMode::Add, Msg::Action(Action::Submit)) => {
            let text = st.input.value(0).to_string();
            add_text(model, &text);
        }
        (MbMode::Import, Msg::Action(Action::Submit)) => {
            let path = st.path.value(0).trim().to_string();
            if path.is_empty() {
                st.path.set_error(
                    0,
                    Some("Enter the path of a text or CSV file with one address per line.".into()),
                );
            } else {
                st.import_run = Some(run);
                return vec![Effect::ReadFile {
                    run,
                    path: PathBuf::from(path),
                }];
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Adds every address in `text`; refuses invalid ones and ones already listed, with the reason.
fn add_text(model: &mut Model, text: &str) {
    let Some(w) = model.wizard.as_mut() else {
        return;
    };
    let st = &mut w.mailboxes;
    let parsed = mailbox_input::parse(text, st.new_expect, default_kind(&w.preset.mailbox_kinds));
    let mut refused = parsed.rejected;
    let mut added = 0usize;
    for m in parsed.mailboxes {
        if st.index.contains(&m.address) {
            refused.push(format!("{} is already listed.", m.address));
            continue;
        }
        st.index.insert(m.address.clone());
        w.profile.mailboxes.push(m);
        added += 1;
    }
    st.problems.resize(w.profile.mailboxes.len(), None);
    if added > 0 {
        st.selected = w.profile.mailboxes.len() - 1;
    }
    let first = refused.first().cloned();
    let error = match (refused.len(), first) {
        (0, _) => None,
        (1, Some(e)) => Some(e),
        (k, Some(e)) => Some(format!("{k} entries refused; first: {e}")),
        _ => None,
    };
    if error.is_none() {
        st.input.fields.iter_mut().for_each(|f| f.set_text(""));
        st.mode = MbMode::List;
    }
    st.input.set_error(0, error.clone());
    st.path.set_error(0, error);
    if st.mode == MbMode::Import && added > 0 {
        st.mode = MbMode::List;
    }
    if added > 0 {
        model.info(format!("Added {added} mailbox(es)."));
    }
}

fn submit(model: &mut Model) -> Vec<Effect> {
    let Some(w) = model.wizard.as_mut() else {
        return Vec::new();
    };
    let st = &mut w.mailboxes;
    if let Some(i) = st.problems.iter().position(Option::is_some) {
        st.selected = i;
        model.error("Fix the marked entry first (duplicate or listed both ways).");
        return Vec::new();
    }
    if w.profile.granted_mailboxes().next().is_none() {
        model.error("Add at least one mailbox the app must reach (press a).");
        return Vec::new();
    }
    if !w
        .profile
        .mailboxes
        .iter()
        .any(|m| m.expect == Expectation::Denied)
    {
        model.info(
            "Tip: a must-not-reach mailbox proves the scoping works; add one with a, then Tab.",
        );
    }
    nav::complete(model, Step::Mailboxes)
}
