//! The Entra side of a profile, read with the admin's delegated sign-in: what the tenant holds
//! ([`read`] into a [`TenantView`]), what is wrong with it ([`findings`]) and what `apply` would
//! change ([`plan`]); the Graph writes `apply` makes ([`write`], [`retry`]). No terminal code.
//!
//! - [`view`]: the snapshot of the tenant (organisation, account, app, service principal,
//!   permissions configured and consented, credentials' metadata, policy).
//! - [`read`]: reads it from Microsoft Graph.
//! - [`findings`]: `entra inspect`'s findings, each with a cause code, evidence and fix.
//! - [`plan`]: `entra plan`'s actions and the directory roles they need.
//! - [`connect`]: resumes the remembered admin sign-in for a profile and reads.
//! - [`target`]: what the profile and preset want.
//! - [`error`]: why the tenant could not be read.
//! - [`consent`]: the tenant's user consent settings, and whether users will meet "Need admin
//!   approval" for a delegated preset.
//! - [`apply`]: carries a plan out, recording each change; [`prove`]: a token with the new
//!   credential and a re-read of the tenant.
//! - [`write`]: Graph writes (apps, credentials, service principals, consent), typed errors.
//! - [`retry`]: backoff with a bound for Entra's replication, announcing what is awaited.

pub mod apply;
mod apply_creds;
mod apply_steps;
pub mod connect;
pub mod consent;
pub mod error;
pub mod findings;
pub mod plan;
pub mod prove;
pub mod read;
pub mod retry;
pub mod target;
pub mod view;
pub mod words;
pub mod write;
pub mod write_error;

pub use apply::{Applied, ApplyContext, ApplyError, ApplyEvent, apply};
pub use connect::{read_for_profile, read_with, session_for_profile, signin_config};
pub use error::EntraError;
pub use findings::{Cause, Finding, inspect};
pub use plan::{Action, Plan, RoleNeed, plan};
pub use prove::{Proof, ProofError, prove};
pub use read::{Lookup, read_tenant, read_tenant_for};
pub use view::TenantView;
