//! One module per screen: its state, its keys, and its part of `update`. A screen's update
//! takes its own state, what it edits of the onboarding (profile, preset) and a read-only
//! [`Ctx`](super::shared::Ctx), and returns an [`Outcome`](super::shared::Outcome): effects, a
//! status line, where to go. Screens never see the whole model and never move between screens
//! themselves: `route` picks the screen, `nav` applies the outcome.

pub mod app_reg;
pub mod branding;
pub mod checks;
pub mod credential;
pub mod doit;
pub mod doit_exchange;
pub mod listnav;
pub mod mailbox_input;
pub mod mailboxes;
pub mod permissions;
pub mod scoping;
pub mod send_prompt;
pub mod start;
pub mod summary;

#[cfg(test)]
mod tests;
