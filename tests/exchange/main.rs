//! `exchange plan|apply|test` through the library against the simulated tenant's InvokeCommand:
//! from a tenant where the app exists and nothing is scoped, apply for each mechanism, then
//! Exchange's test agrees with the profile at once and Graph follows after the propagation
//! delay; a second apply changes nothing; a policy to RBAC migration ends with the same
//! verdicts and no policy; an admin without the Exchange role changes nothing; an interrupted
//! apply leaves a record that matches the tenant and a rerun completes it. The admin signs in
//! through Exchange Online PowerShell's public client (approved automatically), remembered apart
//! from the Entra sign-in. One sim for the binary, and one whose cmdlets fail on purpose.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

#[path = "../common/binary.rs"]
mod binary;
#[path = "../common/admin_sim.rs"]
mod common;

#[cfg(target_os = "linux")]
#[path = "../common/keyring_session.rs"]
mod keyring_session;

#[cfg(target_os = "linux")]
mod commands;
mod failures;
mod offboard;
mod scoping;
mod support;
