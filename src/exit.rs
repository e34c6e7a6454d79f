//! The process exit codes of every command and of the wizard, in one place (binary only; the
//! library reports outcomes, not exit codes).

/// Every check passed / the command did what was asked.
pub const EXIT_OK: u8 = 0;
/// Something was found wrong (a failed or pending check, an expiring credential).
pub const EXIT_FINDINGS: u8 = 1;
/// Bad usage, a bad profile or file.
pub const EXIT_USAGE: u8 = 2;
/// The work could not run (keyring, network, authentication).
pub const EXIT_CANNOT_RUN: u8 = 3;

/// The exit code for how a check run ended.
pub fn outcome_code(o: mailscope::graph::Outcome) -> u8 {
    match o {
        mailscope::graph::Outcome::AllPass => EXIT_OK,
        mailscope::graph::Outcome::NotAllPass => EXIT_FINDINGS,
        mailscope::graph::Outcome::CouldNotRun => EXIT_CANNOT_RUN,
    }
}

/// Prints an error for a person on standard error and returns the exit code. The message's
/// control characters (from a profile, a report, a server) are spelled out, never sent to the
/// terminal; its own line breaks stay.
pub fn fail(code: u8, message: impl std::fmt::Display) -> u8 {
    eprintln!(
        "mailscope: {}",
        mailscope::text::terminal_safe_text(&message.to_string())
    );
    code
}
