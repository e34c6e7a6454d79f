//! A screen's keys: what each does and how the footer names it; what has the focus.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::form::Form;
use super::msg::Action;

/// One key of a screen: what it does and how the footer names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub code: KeyCode,
    pub mods: KeyModifiers,
    /// How the footer writes the key ("Ctrl-R", "a").
    pub keys: &'static str,
    pub action: Action,
    /// What it does, in two or three words.
    pub hint: &'static str,
}

impl Binding {
    pub const fn key(c: char, action: Action, hint: &'static str, keys: &'static str) -> Self {
        Binding {
            code: KeyCode::Char(c),
            mods: KeyModifiers::NONE,
            keys,
            action,
            hint,
        }
    }

    pub const fn ctrl(c: char, action: Action, hint: &'static str, keys: &'static str) -> Self {
        Binding {
            code: KeyCode::Char(c),
            mods: KeyModifiers::CONTROL,
            keys,
            action,
            hint,
        }
    }

    pub const fn code(
        code: KeyCode,
        action: Action,
        hint: &'static str,
        keys: &'static str,
    ) -> Self {
        Binding {
            code,
            mods: KeyModifiers::NONE,
            keys,
            action,
            hint,
        }
    }

    pub fn matches(&self, k: &KeyEvent) -> bool {
        let mods = k.modifiers - KeyModifiers::SHIFT;
        self.code == k.code && self.mods == mods
    }
}

/// What has the keyboard focus: a text field takes printable keys, a choice takes ←/→.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FocusKind {
    Text,
    Choice,
    /// A list or a page: letters are commands.
    Other,
}

/// What a form's focused field takes: text, a choice, or nothing (letters are commands).
pub fn form_focus(form: &Form) -> FocusKind {
    match form.focused() {
        Some(f) if f.is_text() => FocusKind::Text,
        Some(_) => FocusKind::Choice,
        None => FocusKind::Other,
    }
}
