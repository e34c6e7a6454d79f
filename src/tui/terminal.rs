//! The terminal guard: raw mode, alternate screen, bracketed paste and mouse on entry; all of
//! it undone when the guard drops, and by a panic hook before a panic message is printed.

use std::io::stdout;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::DefaultTerminal;

/// Owns the terminal while the wizard runs.
pub struct TerminalGuard {
    pub terminal: DefaultTerminal,
}

fn restore() {
    let _ = crossterm::execute!(stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::restore();
}

impl TerminalGuard {
    pub fn enter() -> std::io::Result<Self> {
        let terminal = ratatui::try_init()?;
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
        crossterm::execute!(stdout(), EnableBracketedPaste, EnableMouseCapture)?;
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}
