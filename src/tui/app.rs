//! The loop: terminal events, worker replies and a one-second tick meet in one `select!`;
//! `update` turns each into effects for the runner; the screen is redrawn only after a change.

use std::time::Duration;

use crossterm::event::{Event, MouseEventKind};
use futures_util::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedReceiver;

use tui_input::InputRequest;

use super::effect_runner::Runner;
use super::form::Edit;
use super::keys;
use super::model::Model;
use super::msg::{Action, Msg};
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

/// Terminal events handled in one go before replies, signals and the clock get a turn (and
/// the screen is drawn). Keys typed or pasted faster than this are inserted in steps of this
/// size, so the loop stays responsive to Ctrl-C, SIGTERM and worker replies.
pub const BURST_MAX: usize = 1024;

/// What woke the loop.
enum Woken {
    Event(Event),
    Msg(Msg),
    Ended,
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
        let woken = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => Woken::Event(ev),
                Some(Err(e)) => return Err(e.to_string()),
                None => Woken::Ended,
            },
            Some(m) = replies.recv() => Woken::Msg(m),
            _ = tick.tick() => Woken::Msg(Msg::Tick(OffsetDateTime::now_utc())),
            () = terminate.recv() => Woken::Msg(Msg::Action(Action::Quit)),
        };
        let (redraw, ended) = match woken {
            Woken::Ended => break,
            Woken::Msg(msg) => {
                let redraw = !matches!(msg, Msg::Tick(_)) || ticks_show(model);
                apply(model, runner, msg);
                (redraw, false)
            }
            Woken::Event(ev) => burst(model, runner, ev, &mut events).await?,
        };
        if model.quitting || ended {
            break;
        }
        if redraw {
            terminal
                .draw(|f| view::draw(f, model))
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn apply(model: &mut Model, runner: &mut Runner, msg: Msg) {
    for effect in update(model, msg) {
        runner.run(effect);
    }
}

/// Handles `first` and the terminal events already waiting behind it (up to [`BURST_MAX`]):
/// runs of typed characters become one insertion, in order with the other keys. Returns
/// whether to redraw and whether the events ended.
async fn burst<S>(
    model: &mut Model,
    runner: &mut Runner,
    first: Event,
    events: &mut S,
) -> Result<(bool, bool), String>
where
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let mut typed = String::new();
    let mut next = Some(first);
    let mut handled = 0;
    let mut ended = false;
    while let Some(ev) = next.take() {
        handled += 1;
        match event_to_msg(model, ev.clone()) {
            Some(Msg::Edit(Edit::Key(InputRequest::InsertChar(c)))) => typed.push(c),
            msg => {
                // Keys are mapped against the model as it is once the text before them is in.
                let msg = if typed.is_empty() {
                    msg
                } else {
                    apply(
                        model,
                        runner,
                        Msg::Edit(Edit::Insert(std::mem::take(&mut typed))),
                    );
                    event_to_msg(model, ev)
                };
                if let Some(msg) = msg {
                    apply(model, runner, msg);
                }
            }
        }
        if model.quitting || handled >= BURST_MAX {
            break;
        }
        match ready(events).await {
            Some(Some(Ok(ev))) => next = Some(ev),
            Some(Some(Err(e))) => return Err(e.to_string()),
            Some(None) => ended = true,
            None => {}
        }
    }
    if !typed.is_empty() && !model.quitting {
        apply(model, runner, Msg::Edit(Edit::Insert(typed)));
    }
    Ok((true, ended))
}

/// The next event if one is ready now (`Some(None)`: the events ended), without waiting.
/// Polled with this task's own waker, so a stream that remembers the waker of a pending poll
/// (crossterm's does) still wakes the loop later.
async fn ready<S>(events: &mut S) -> Option<Option<std::io::Result<Event>>>
where
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    tokio::select! {
        biased;
        ev = events.next() => Some(ev),
        () = std::future::ready(()) => None,
    }
}

/// Whether a tick changes what is on screen (the watch countdown, how long a running check
/// has waited).
fn ticks_show(model: &Model) -> bool {
    model
        .wizard()
        .is_some_and(|w| w.checks.watch || w.checks.running())
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
