//! Terminal events from a reader thread, as a stream for the event loop.
//!
//! crossterm's `EventStream` reads the terminal through edge-triggered epoll and stops reading
//! as soon as one event is parsed; input that arrived in one piece beyond its 1 KiB buffer (a
//! paste without bracketed-paste markers, a burst of keys) then stays in the kernel until more
//! arrives, and the terminal, blocked writing the rest, sends nothing more: the wizard stalls
//! and Ctrl-C never gets through (crossterm issue: PR #1057). With crossterm's `use-dev-tty`
//! source, `poll` is level-triggered and reads everything; this thread calls it and hands the
//! events over a bounded channel, which pushes back on the terminal instead of buffering a
//! flood in memory.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use crossterm::event::Event;
use futures_util::Stream;
use tokio::sync::mpsc;

/// Events read ahead of the loop at most.
const AHEAD: usize = 4096;
/// How often the reader looks whether it should stop.
const STOP_CHECK: Duration = Duration::from_millis(100);

/// The terminal's events; the reader thread stops when this is dropped.
pub struct TerminalEvents {
    rx: mpsc::Receiver<io::Result<Event>>,
    stop: Arc<AtomicBool>,
}

/// Starts reading the terminal.
pub fn spawn() -> io::Result<TerminalEvents> {
    let (tx, rx) = mpsc::channel(AHEAD);
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                let next = match crossterm::event::poll(STOP_CHECK) {
                    Ok(false) => continue,
                    Ok(true) => crossterm::event::read(),
                    Err(e) => Err(e),
                };
                let failed = next.is_err();
                if tx.blocking_send(next).is_err() || failed {
                    break;
                }
            }
        })?;
    Ok(TerminalEvents { rx, stop })
}

impl Stream for TerminalEvents {
    type Item = io::Result<Event>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

impl Drop for TerminalEvents {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
