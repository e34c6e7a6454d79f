//! Shared conventions for commands: exit codes and error printing.

/// Every check passed / the command did what was asked.
pub const EXIT_OK: u8 = 0;
/// Something was found wrong (a failed or pending check, an expiring credential).
pub const EXIT_FINDINGS: u8 = 1;
/// Bad usage or a bad profile.
pub const EXIT_USAGE: u8 = 2;
/// The work could not run (keyring, network, authentication).
pub const EXIT_CANNOT_RUN: u8 = 3;

/// Prints an error for a person on standard error and returns the exit code.
pub fn fail(code: u8, message: impl std::fmt::Display) -> u8 {
    eprintln!("mailscope: {message}");
    code
}
