//! Onboarding profiles: the typed answers of one onboarding, their validation and storage.

mod consistency;
mod model;
pub mod names;
mod store;
pub mod validate;

pub use consistency::{FieldProblem, check_profile, mailbox_list};
pub use model::*;
pub use names::Companion;
pub use store::{ProfileError, ProfileStore, parse_profile, render_profile};

#[cfg(test)]
#[path = "format_tests.rs"]
mod format_tests;
