//! The credential lifecycle of a profile's app, on the admin's delegated sign-in. No terminal
//! code: the command line and the wizard print what these return.
//!
//! - [`online`]: every credential of the app as Entra holds it, with its expiry and whether the
//!   profile knows it (`mailscope status --online`).
//! - [`rotate`]: a new client secret, proven ([`proof`]) before it is used, the old one kept.
//! - [`retire`]: the old secret removed once the vendor uses the new one.
//! - [`session`]: the admin's session for a profile and the change record of each change;
//!   [`error`]: why a command stopped.

pub mod cert_rotate;
pub mod certs;
pub mod error;
pub mod last_used;
pub mod offboard;
mod offboard_exchange;
pub mod offboard_plan;
pub mod online;
pub mod online_text;
pub mod pop;
pub mod proof;
pub mod retire;
pub mod rotate;
pub mod session;
pub mod switch;

pub use error::LifecycleError;
pub use online::{CredKind, Known, OnlineCredential, ProfileOnline, Reading};
pub use retire::{Retirement, retire_old};
pub use rotate::{Rotation, rotate};
pub use session::{Ctx, Progress};

/// An app registration with these credentials and nothing else (unit tests).
#[cfg(test)]
pub(crate) fn test_app(
    secrets: Vec<crate::entra::view::SecretMeta>,
    certificates: Vec<crate::entra::view::CertMeta>,
) -> crate::entra::view::AppReg {
    crate::entra::view::AppReg {
        object_id: "o".into(),
        app_id: "a".into(),
        display_name: "X".into(),
        sign_in_audience: "AzureADMyOrg".into(),
        requested_access_token_version: None,
        redirect_uris: vec![],
        configured: vec![],
        configured_other: vec![],
        secrets,
        certificates,
    }
}
