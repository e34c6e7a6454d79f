//! Signing the admin in (delegated OAuth 2.0 against the Microsoft identity platform), for
//! the Entra steps mailscope does on the admin's behalf. No terminal code: the caller opens
//! the browser and shows the device code when a [`SigninEvent`] asks it to.
//!
//! - [`config`]: authority (the profile's cloud or custom endpoints), tenant, public client
//!   (default Microsoft Graph Command Line Tools; Exchange Online PowerShell for the Exchange
//!   steps), the scopes a step needs.
//! - [`flows`]: authorization code with PKCE on a loopback redirect; device code.
//! - [`token`]: the token endpoint, refresh, who signed in ([`Account`]).
//! - [`remember`]: the refresh token in the OS keyring (access tokens stay in memory);
//!   [`session`]: signing in again from it.
//! - [`error`]: why a sign-in failed, in plain words with the fix.
//! - [`roles`]: directory role names and their template ids (the `wids` claim).

pub mod config;
pub mod error;
pub mod flows;
mod loopback;
pub mod pkce;
pub mod remember;
pub mod roles;
pub mod session;
pub mod token;

pub use config::{DEFAULT_CLIENT_ID, EXCHANGE_CLIENT_ID, Purpose, SigninConfig};
pub use error::SigninError;
pub use flows::{
    SigninEvent, browser_possible, sign_in_browser, sign_in_device_code, sign_in_device_code_paced,
};
pub use remember::RememberKey;
pub use session::resume;
pub use token::{Account, SignedIn, refresh};
