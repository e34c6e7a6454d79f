//! The credential lifecycle of a profile's app, on the admin's delegated sign-in. No terminal
//! code: the command line and the wizard print what these return.
//!
//! - [`online`]: every credential of the app as Entra holds it, with its expiry and whether the
//!   profile knows it (`mailscope status --online`).

pub mod online;

pub use online::{CredKind, Known, OnlineCredential, ProfileOnline, Reading};
