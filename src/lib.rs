//! mailscope: the domain library. No terminal code lives here; the binary (`src/main.rs`)
//! holds the command line and the wizard.
//!
//! - [`profile`]: the typed answers of one onboarding, validation of every value, TOML storage.
//! - [`preset`]: the five vendor guides (plus `custom`) as data.
//! - [`secrets`]: client secrets and private keys in the OS keyring, never on disk.
//! - [`changes`]: the record of what mailscope changed in a tenant (`NAME.changes.jsonl`).
//! - [`credential`]: self-signed certificates, PEM/PFX import, thumbprints, signing material.
//! - [`graph`]: clouds, app-only tokens, live per-mailbox checks, diagnosis of Microsoft's errors.
//! - [`last_check`]: the last check result kept beside each profile.
//! - [`expiry`]: how close a credential is to expiring.
//! - [`lifecycle`]: credentials as Entra holds them (`status --online`), rotation and retirement.
//! - [`sim`]: the simulated Microsoft 365 tenant (identity platform + Graph mail) used by tests and the demo.
//! - [`powershell`], [`vendor_output`]: the scripts and vendor settings for a profile's exact values.
//! - [`report`]: Markdown, JSON and HTML reports with a versioned schema.
//! - [`tomlfile`], [`fsutil`], [`paths`]: located TOML errors, atomic owner-only writes, where files live.
//! - [`text`]: the one function every printed value passes, so control characters stay inert.
//! - [`guid`]: GUIDs as admins paste them, and the likely intended GUID of a mistyped one.
//!
//! Every value that reaches PowerShell goes through one quoting function:
//!
//! ```
//! use mailscope::powershell::quote::quote;
//! assert_eq!(quote("Kundo Mail"), "'Kundo Mail'");
//! assert_eq!(quote("it's $(evil)"), "'it''s $(evil)'");
//! // Non-ASCII characters (the Unicode quotes PowerShell also honours among them) are spelled
//! // out as [char] codes, so no code page can turn a byte of them into a quote.
//! assert_eq!(quote("a\u{2019}b"), "('a' + [char]0x2019 + 'b')");
//! ```

pub mod changes;
pub mod credential;
pub mod entra;
pub mod exchange;
pub mod expiry;
pub mod fsutil;
pub mod graph;
pub mod guid;
pub mod last_check;
pub mod lifecycle;
pub mod paths;
pub mod powershell;
pub mod preset;
pub mod profile;
pub mod report;
pub mod secrets;
pub mod signin;
pub mod sim;
pub mod text;
pub mod timefmt;
pub mod tomlfile;
pub mod vendor_output;
pub mod vocab;
