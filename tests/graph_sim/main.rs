//! The Graph check engine against the simulated tenant, over HTTPS.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

mod auth;
mod bench;
mod cli;
mod outcomes;
mod politeness;
mod support;
mod unreachable;
