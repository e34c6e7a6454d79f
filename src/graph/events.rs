//! Progress events for the TUI and the command line's progress bar.

use super::report::{CellResult, Counts, TokenResult};

/// What a running check reports as it goes.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckEvent {
    /// The run starts with this many mailboxes and cells.
    Planned { mailboxes: usize, cells: usize },
    /// Token acquired (or not) and the consent compared.
    Token(Box<TokenResult>),
    /// One cell was decided.
    Cell(Box<CellResult>),
    /// A request for `mailbox` is repeated after `after_s` seconds.
    Retrying { mailbox: String, after_s: f64 },
    /// Cancelled or out of time: only draft cleanup continues.
    Stopping,
    /// A watch round ended; the next starts in `next_in_s` seconds.
    WatchRound {
        round: u32,
        unsettled: usize,
        next_in_s: f64,
    },
    /// The run ended.
    Finished(Counts),
}
