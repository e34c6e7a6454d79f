//! Shared conventions for commands: exit codes and error printing. Every value a command
//! prints passes [`mailscope::text`] (here re-exported as `safe`, `safe_text`, `safe_json`).

use mailscope::text::terminal_safe_text;
pub use mailscope::text::{
    json_terminal_safe as safe_json, terminal_safe as safe, terminal_safe_text as safe_text,
};

/// Every check passed / the command did what was asked.
pub const EXIT_OK: u8 = 0;
/// Something was found wrong (a failed or pending check, an expiring credential).
pub const EXIT_FINDINGS: u8 = 1;
/// Bad usage or a bad profile.
pub const EXIT_USAGE: u8 = 2;
/// The work could not run (keyring, network, authentication).
pub const EXIT_CANNOT_RUN: u8 = 3;

/// Prints an error for a person on standard error and returns the exit code. The message's
/// control characters (from a profile, a report, a server) are spelled out, never sent to the
/// terminal; its own line breaks stay.
pub fn fail(code: u8, message: impl std::fmt::Display) -> u8 {
    eprintln!("mailscope: {}", terminal_safe_text(&message.to_string()));
    code
}
