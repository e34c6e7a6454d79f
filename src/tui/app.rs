//! The loop: terminal events, worker replies and a one-second tick meet in one `select!`;
//! `update` turns each into effects for the runner; the screen is redrawn only after a change.

use std::time::Duration;

use crossterm::event::{Event, MouseEventKind};
use futures_util::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedReceiver;

use super::keys;
use super::model::Model;
use super::msg::{Action, Msg};
use super::runner::Runner;
use super::update::update;
use super::view;

/// Turns a terminal event into a message (None: nothing to do).
pub fn event_to_msg(model: &Model, ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => keys::map(model, k),
        Event::Paste(s) => Some(Msg::Paste(s)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Msg::Scroll(1)),
            MouseEventKind::ScrollUp => Some(Msg::Scroll(-1)),
            _ => None,
        },
        _ => None,
    }
}

/// Runs until the model says quit or the events end.
pub async fn run<B, S>(
    terminal: &mut Terminal<B>,
    model: &mut Model,
    mut events: S,
    runner: &mut Runner,
    replies: &mut UnboundedReceiver<Msg>,
) -> Result<(), String>
where
    B: Backend,
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let size = terminal.size().map_err(|e| e.to_string())?;
    model.size = (size.width, size.height);
    let mut terminate = Terminate::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    terminal
        .draw(|f| view::draw(f, model))
        .map_err(|e| e.to_string())?;
    loop {
        let msg = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => event_to_msg(model, ev),
                Some(Err(e)) => return Err(e.to_string()),
                None => break,
            },
            Some(m) = replies.recv() => Some(m),
            _ = tick.tick() => Some(Msg::Tick(OffsetDateTime::now_utc())),
            () = terminate.recv() => Some(Msg::Action(Action::Quit)),
        };
        let Some(msg) = msg else { continue };
        let quiet_tick = matches!(msg, Msg::Tick(_)) && !ticks_show(model);
        for effect in update(model, msg) {
            runner.run(effect);
        }
        if model.quitting {
            break;
        }
        if !quiet_tick {
            terminal
                .draw(|f| view::draw(f, model))
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Whether a tick changes what is on screen (the watch countdown).
fn ticks_show(model: &Model) -> bool {
    model.wizard.as_ref().is_some_and(|w| w.checks.watch)
}

/// SIGTERM and SIGHUP quit like Ctrl-C: checks are cancelled, drafts cleaned up, the terminal
/// restored.
struct Terminate {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Terminate {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Terminate {
                signals: signal(SignalKind::terminate())
                    .and_then(|t| Ok((t, signal(SignalKind::hangup())?)))
                    .ok(),
            }
        }
        #[cfg(not(unix))]
        Terminate {}
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        if let Some((term, hup)) = self.signals.as_mut() {
            tokio::select! {
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
            return;
        }
        std::future::pending::<()>().await
    }
}
