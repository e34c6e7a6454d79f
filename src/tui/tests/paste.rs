//! Huge pastes and typed bursts: inserted in one step, cut to the field's limit with a note,
//! and Ctrl-C still quits, through `update` and through the event loop itself.

use std::sync::Arc;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use mailscope::profile::ProfileStore;
use mailscope::secrets::MemoryStore;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::harness::Harness;
use super::update_tests::{kundo, opened};
use crate::tui::app;
use crate::tui::effect_runner::Runner;
use crate::tui::form::limits;
use crate::tui::model::Model;
use crate::tui::screens::app_reg;

const MEGABYTE: usize = 1 << 20;

fn client_id(h: &Harness) -> String {
    h.model
        .wizard()
        .map(|w| w.app.form.value(app_reg::F_CLIENT).to_string())
        .unwrap_or_default()
}

#[test]
fn a_megabyte_pasted_into_the_client_id_is_cut_to_a_guid_and_says_so() {
    let mut h = opened(kundo(None));
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    h.ctrl('u');
    // A GUID in braces, as some portals copy it, then a megabyte of junk.
    let guid = "{b1c2d3e4-0000-4000-8000-000000000001}";
    let mut huge = guid.to_string();
    huge.push_str(&"x".repeat(MEGABYTE));
    h.paste(&huge);
    assert_eq!(client_id(&h), guid);
    let screen = h.screen();
    assert!(
        screen.contains("Only the first 38 characters fit"),
        "{screen}"
    );
    // Cut mid-way, the value is wrong: the error and the note are both shown.
    h.ctrl('u');
    h.paste(&"y".repeat(MEGABYTE));
    assert_eq!(client_id(&h), "y".repeat(limits::GUID));
    let screen = h.screen();
    assert!(
        screen.contains("is not") && screen.contains("Only the first 38"),
        "{screen}"
    );
    h.ctrl('c');
    assert!(h.model.quitting, "Ctrl-C quits right after a huge paste");
}

fn key(c: char) -> std::io::Result<Event> {
    Ok(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

/// Runs the real event loop on `events` (a terminal that delivers them all at once).
async fn run_loop(model: &mut Model, events: Vec<std::io::Result<Event>>) {
    let home = tempfile::tempdir().expect("tempdir");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = Runner::new(
        tx,
        ProfileStore::at(home.path()),
        Arc::new(MemoryStore::new()),
        false,
    );
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    let events = futures_util::stream::iter(events);
    app::run(&mut terminal, model, events, &mut runner, &mut rx)
        .await
        .expect("loop");
}

#[tokio::test]
async fn a_megabyte_of_typed_keys_is_inserted_in_bursts_and_ctrl_c_still_quits() {
    let mut h = opened(kundo(None));
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    h.ctrl('u');
    let mut events: Vec<_> = std::iter::repeat_n('a', MEGABYTE).map(key).collect();
    events.push(Ok(Event::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    ))));
    // Nothing after Ctrl-C may be handled.
    events.extend(std::iter::repeat_n('b', 10).map(key));
    run_loop(&mut h.model, events).await;
    assert!(h.model.quitting);
    assert_eq!(client_id(&h), "a".repeat(limits::GUID));
}
