//! A test harness: the real key mapping and `update`, drawing into a `TestBackend`, with
//! effects collected so tests can inspect them and inject the replies.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::OffsetDateTime;
use time::macros::datetime;

use crate::tui::effect::Effect;
use crate::tui::keys;
use crate::tui::model::Model;
use crate::tui::msg::{Msg, Reply};
use crate::tui::theme::Theme;
use crate::tui::update::update;
use crate::tui::view;

pub const NOW: OffsetDateTime = datetime!(2026-11-22 10:00 UTC);

/// A check run of `profile` with these cells (JSON), as it is read back from disk: a token,
/// six seconds from NOW, its counts taken from the cells.
pub fn recorded_run(profile: &str, cells: serde_json::Value) -> mailscope::graph::CheckRun {
    let mut run: mailscope::graph::CheckRun = serde_json::from_value(serde_json::json!({
        "profile": profile,
        "started_at": "2026-11-22T10:00:00Z", "finished_at": "2026-11-22T10:00:06Z",
        "elapsed_ms": 6000,
        "token": {"ok": true, "credential": "secret", "authority": "https://login.example",
                  "graph": "https://graph.example"},
        "counts": {"pass": 0, "fail": 0, "pending": 0, "error": 0, "not_checked": 0},
        "cells": cells,
        "cancelled": false, "deadline_reached": false
    }))
    .expect("a check report");
    run.recount();
    run
}

pub struct Harness {
    pub model: Model,
    pub effects: Vec<Effect>,
    pub terminal: Terminal<TestBackend>,
}

impl Harness {
    /// A model on the start screen with no saved profiles, at 80×24.
    pub fn new() -> Self {
        Self::sized(80, 24)
    }

    pub fn sized(w: u16, h: u16) -> Self {
        let mut model = Model::new(NOW, Theme { color: false });
        model.size = (w, h);
        model.start.profiles = Some(Vec::new());
        let terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
        Harness {
            model,
            effects: Vec::new(),
            terminal,
        }
    }

    pub fn msg(&mut self, m: Msg) {
        let fx = update(&mut self.model, m);
        self.effects.extend(fx);
    }

    pub fn reply(&mut self, r: Reply) {
        self.msg(Msg::Reply(r));
    }

    pub fn key_with(&mut self, code: KeyCode, mods: KeyModifiers) {
        if let Some(m) = keys::map(&self.model, KeyEvent::new(code, mods)) {
            self.msg(m);
        }
    }

    pub fn key(&mut self, code: KeyCode) {
        self.key_with(code, KeyModifiers::NONE);
    }

    pub fn ctrl(&mut self, c: char) {
        self.key_with(KeyCode::Char(c), KeyModifiers::CONTROL);
    }

    pub fn enter(&mut self) {
        self.key(KeyCode::Enter);
    }

    pub fn typed(&mut self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    pub fn paste(&mut self, s: &str) {
        self.msg(Msg::Paste(s.to_string()));
    }

    /// Takes the effects produced so far.
    pub fn take(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// Takes the effects and returns the run id of the checks they started.
    pub fn started_checks(&mut self) -> crate::tui::msg::RunId {
        self.take()
            .iter()
            .find_map(|e| match e {
                Effect::StartChecks { run, .. } => Some(*run),
                _ => None,
            })
            .expect("checks started")
    }

    /// Draws and returns the screen as text, one quoted line per row (insta's format).
    pub fn screen(&mut self) -> String {
        let model = &self.model;
        self.terminal.draw(|f| view::draw(f, model)).expect("draw");
        format!("{}", self.terminal.backend())
    }

    pub fn resize(&mut self, w: u16, h: u16) {
        self.terminal.backend_mut().resize(w, h);
        self.msg(Msg::Resize(w, h));
    }
}
