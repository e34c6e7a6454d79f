//! The Entra side of a profile, read with the admin's delegated sign-in: what the tenant holds
//! ([`read`] into a [`TenantView`]), what is wrong with it ([`findings`]) and what `apply` would
//! change ([`plan`]). Read-only; no terminal code.
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

pub mod connect;
pub mod consent;
pub mod error;
pub mod findings;
pub mod plan;
pub mod read;
pub mod target;
pub mod view;

pub use connect::{read_for_profile, signin_config};
pub use error::EntraError;
pub use findings::{Cause, Finding, inspect};
pub use plan::{Action, Plan, RoleNeed, plan};
pub use read::{Lookup, read_tenant, read_tenant_for};
pub use view::TenantView;
