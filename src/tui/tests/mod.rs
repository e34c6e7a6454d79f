//! Tests of the wizard without a terminal: update, snapshots, a scripted walk.

mod checks_exchange;
mod doit;
mod doit_exchange;
pub mod harness;
mod mailboxes;
mod paste;
mod screens_snap;
mod send;
mod start_online;
mod support;
mod timing;
mod update_tests;
mod waiting;
mod walk;
