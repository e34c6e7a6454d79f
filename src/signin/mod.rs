//! Signing the admin in (delegated OAuth 2.0 against the Microsoft identity platform).
//!
//! - [`roles`]: directory role names and their template ids (the `wids` claim).

pub mod roles;
