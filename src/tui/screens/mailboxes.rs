//! Mailboxes: add one or many, import a file, mark each must-reach or must-not-reach, user or
//! shared. Validation is inline; problems are kept per row so drawing stays cheap.

use std::collections::HashSet;
use std::path::PathBuf;

use crossterm::event::KeyCode;
use mailscope::preset::Preset;
use mailscope::profile::{self, Expectation, MailboxKind, Profile};

use super::{listnav, mailbox_input};
use crate::tui::binding::{Binding, FocusKind};
use crate::tui::form::{Field, Form};
use crate::tui::msg::{Action, Msg, Reply};
use crate::tui::shared::{Ctx, Effect, Nav, Outcome, RunId, Step};

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

pub fn bindings(st: &MailboxesState, preset: &Preset) -> Vec<Binding> {
    match st.mode {
        MbMode::List => {
            let mut b = vec![
                Binding::key('a', Action::Add, "add/paste", "a"),
                Binding::key('i', Action::Import, "import file", "i"),
                Binding::key('d', Action::Remove, "remove", "d"),
                Binding::code(KeyCode::Delete, Action::Remove, "remove", "Del"),
                Binding::key(' ', Action::ToggleExpect, "reach/not", "Space"),
            ];
            if preset.mailbox_kinds.len() > 1 {
                b.push(Binding::key('s', Action::ToggleKind, "user/shared", "s"));
            }
            b
        }
        MbMode::Add | MbMode::Import => Vec::new(),
    }
}

pub fn focus_kind(st: &MailboxesState) -> FocusKind {
    match st.mode {
        MbMode::Add | MbMode::Import => FocusKind::Text,
        MbMode::List => FocusKind::Other,
    }
}

fn default_kind(kinds: &[MailboxKind]) -> MailboxKind {
    if kinds.contains(&MailboxKind::User) {
        MailboxKind::User
    } else {
        MailboxKind::Shared
    }
}

pub fn update(
    st: &mut MailboxesState,
    profile: &mut Profile,
    preset: &Preset,
    ctx: &Ctx,
    msg: Msg,
) -> Outcome {
    let run = ctx.run;
    let height = usize::from(ctx.size.1.saturating_sub(12)).max(1);
    let n = profile.mailboxes.len();
    match (st.mode, msg) {
        (_, Msg::Reply(Reply::FileRead(id, res))) if st.import_run == Some(id) => {
            st.import_run = None;
            match res {
                Ok(text) => return add_text(st, profile, preset, &text),
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
                    profile.mailboxes.remove(st.selected);
                }
                st.recompute(profile);
            }
            Action::ToggleExpect => {
                if let Some(m) = profile.mailboxes.get_mut(st.selected) {
                    m.expect = match m.expect {
                        Expectation::Granted => Expectation::Denied,
                        Expectation::Denied => Expectation::Granted,
                    };
                    st.recompute(profile);
                }
            }
            Action::ToggleKind => {
                if let Some(m) = profile.mailboxes.get_mut(st.selected) {
                    m.kind = match m.kind {
                        MailboxKind::User => MailboxKind::Shared,
                        MailboxKind::Shared => MailboxKind::User,
                    };
                }
            }
            Action::Back => return Outcome::go(Nav::Back),
            Action::Submit => return submit(st, profile),
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
                return add_text(st, profile, preset, &text);
            } else {
                st.input.paste(&text);
            }
        }
        (MbMode::Import, Msg::Paste(text)) => {
            st.path.paste(text.trim());
        }
        (MbMode::Add, Msg::Action(Action::Submit)) => {
            let text = st.input.value(0).to_string();
            return add_text(st, profile, preset, &text);
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
                return Outcome::effect(Effect::ReadFile {
                    run,
                    path: PathBuf::from(path),
                });
            }
        }
        _ => {}
    }
    Outcome::none()
}

/// Adds every address in `text`; refuses invalid ones and ones already listed, with the reason.
fn add_text(
    st: &mut MailboxesState,
    profile: &mut Profile,
    preset: &Preset,
    text: &str,
) -> Outcome {
    let parsed = mailbox_input::parse(text, st.new_expect, default_kind(&preset.mailbox_kinds));
    let mut refused = parsed.rejected;
    let mut added = 0usize;
    for m in parsed.mailboxes {
        if st.index.contains(&m.address) {
            refused.push(format!("{} is already listed.", m.address));
            continue;
        }
        st.index.insert(m.address.clone());
        profile.mailboxes.push(m);
        added += 1;
    }
    st.problems.resize(profile.mailboxes.len(), None);
    if added > 0 {
        st.selected = profile.mailboxes.len() - 1;
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
        Outcome::info(format!("Added {added} mailbox(es)."))
    } else {
        Outcome::none()
    }
}

fn submit(st: &mut MailboxesState, profile: &Profile) -> Outcome {
    if let Some(i) = st.problems.iter().position(Option::is_some) {
        st.selected = i;
        return Outcome::error("Fix the marked entry first (duplicate or listed both ways).");
    }
    if profile.granted_mailboxes().next().is_none() {
        return Outcome::error("Add at least one mailbox the app must reach (press a).");
    }
    let done = Outcome::go(Nav::Complete(Step::Mailboxes));
    if profile
        .mailboxes
        .iter()
        .any(|m| m.expect == Expectation::Denied)
    {
        done
    } else {
        done.with_info(
            "Tip: a must-not-reach mailbox proves the scoping works; add one with a, then Tab.",
        )
    }
}
