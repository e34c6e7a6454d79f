//! mailscope: the domain library. No terminal code lives here; the binary (`src/main.rs`)
//! holds the command line and the wizard.
//!
//! - [`profile`]: the typed answers of one onboarding, validation of every value, TOML storage.
//! - [`preset`]: the five vendor guides (plus `custom`) as data.
//! - [`secrets`]: client secrets and private keys in the OS keyring, never on disk.
//! - [`tomlfile`]: TOML parsing whose errors name file, line and key.
//! - [`fsutil`], [`paths`]: atomic owner-only writes; where files live.

pub mod fsutil;
pub mod graph;
pub mod paths;
pub mod preset;
pub mod profile;
pub mod secrets;
pub mod tomlfile;
