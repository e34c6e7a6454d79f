//! The wizard: a ratatui screen for every documented onboarding step.
//!
//! Shape: `update(&mut Model, Msg) -> Vec<Effect>` is pure; `runner` is the one place effects
//! run, replying with messages tagged by run id; `app` is the loop; `view` draws from `&Model`.
//!
//! Layers, each importing only those below it: `update` → `nav` (applies a screen's
//! `Outcome`: status, effects, navigation) → `route` (picks the screen for a key, reply, tick
//! or arrival) → `model` (`Screen::Start` | `Screen::Wizard { step, wizard }`) → `screens`
//! (each: own state + read-only `Ctx` → `Outcome`) → the leaves `shared`, `msg`, `effect`,
//! `binding`, `form`, `step`. A test in `screens` keeps the screens from importing upward.

mod app;
mod binding;
pub mod clipboard;
pub mod demo;
mod effect;
mod effect_runner;
mod entra_msg;
mod form;
mod input;
mod keys;
mod model;
mod msg;
mod nav;
mod route;
mod screens;
mod shared;
mod step;
pub mod support;
pub(crate) mod tasks;
mod terminal;
mod theme;
mod update;
mod view;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use mailscope::profile::ProfileStore;
use mailscope::secrets::{KeyringStore, SecretStore};
use mailscope::text::terminal_safe_text as safe_text;
use time::OffsetDateTime;

use effect::Effect;
use model::Model;
use theme::Theme;

/// Starts the wizard on the start screen; returns the process exit code.
pub fn run() -> u8 {
    let profiles = match ProfileStore::open_default() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("mailscope: {}", safe_text(&e.to_string()));
            return crate::exit::EXIT_CANNOT_RUN;
        }
    };
    let secrets: Arc<dyn SecretStore> = Arc::new(KeyringStore::open());
    let model = Model::new(OffsetDateTime::now_utc(), Theme::from_env());
    launch(model, profiles, secrets, vec![Effect::LoadProfiles])
}

fn launch(
    model: Model,
    profiles: ProfileStore,
    secrets: Arc<dyn SecretStore>,
    first: Vec<Effect>,
) -> u8 {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    exit_code(rt.block_on(drive(model, profiles, secrets, first)))
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, u8> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("mailscope: cannot start: {}", safe_text(&e.to_string()));
            crate::exit::EXIT_CANNOT_RUN
        })
}

pub(crate) fn exit_code(result: Result<(), String>) -> u8 {
    match result {
        Ok(()) => crate::exit::EXIT_OK,
        Err(e) => {
            eprintln!("mailscope: {}", safe_text(&e.to_string()));
            crate::exit::EXIT_CANNOT_RUN
        }
    }
}

/// Runs the wizard in the current runtime until it quits; the terminal is restored on return.
pub(crate) async fn drive(
    mut model: Model,
    profiles: ProfileStore,
    secrets: Arc<dyn SecretStore>,
    first: Vec<Effect>,
) -> Result<(), String> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = effect_runner::Runner::new(tx, profiles, secrets, true);
    for e in first {
        runner.run(e);
    }
    let mut guard = terminal::TerminalGuard::enter().map_err(|e| e.to_string())?;
    let events = input::spawn().map_err(|e| format!("cannot read the terminal: {e}"))?;
    let r = app::run(
        &mut guard.terminal,
        &mut model,
        events,
        &mut runner,
        &mut rx,
    )
    .await;
    drop(guard);
    runner.shutdown().await;
    r
}
