//! Why `entra` could not read the tenant, in plain words with the fix. Never carries a token.

use std::fmt;

/// A failed read.
#[derive(Debug, Clone, PartialEq)]
pub enum EntraError {
    /// No sign-in is remembered for the profile's tenant and cloud (`keyring`: why the OS
    /// keyring could not be read, when it could not).
    NotSignedIn {
        profile: String,
        tenant: String,
        keyring: Option<String>,
    },
    /// The remembered sign-in could not be renewed.
    Signin(crate::signin::SigninError),
    /// Graph refused: 403 `Authorization_RequestDenied` and the like.
    Denied { what: String, message: String },
    /// Another Graph error answer.
    Graph {
        what: String,
        status: u16,
        code: String,
        message: String,
    },
    /// Graph could not be reached (already diagnosed in words).
    Network { what: String, summary: String },
    /// The answer was not what Graph promises.
    BadResponse { what: String },
}

impl EntraError {
    /// What to do about it.
    pub fn fix(&self) -> String {
        match self {
            EntraError::NotSignedIn {
                profile,
                keyring: None,
                ..
            } => format!(
                "Sign in first: `mailscope signin --profile {profile}` (add --device-code on a computer without a browser), then run the command again."
            ),
            EntraError::NotSignedIn { profile, .. } => format!(
                "mailscope remembers the admin sign-in in the OS keyring: make it reachable (on Linux, a Secret Service such as GNOME Keyring or KWallet in this session), then `mailscope signin --profile {profile}` and run the command again."
            ),
            EntraError::Signin(e) => e.fix(),
            EntraError::Denied { .. } => "Sign in as an admin who holds Application Administrator, Cloud Application Administrator or Global Administrator (an eligible role may need activating in Privileged Identity Management), then run the command again.".into(),
            EntraError::Graph { .. } | EntraError::BadResponse { .. } => "Run the command again; if it keeps failing, check Microsoft 365 service health.".into(),
            EntraError::Network { .. } => "Check the network connection and the profile's cloud, then run the command again.".into(),
        }
    }
}

impl fmt::Display for EntraError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntraError::NotSignedIn { tenant, .. } => {
                write!(f, "no admin sign-in is remembered for tenant {tenant}")
            }
            EntraError::Signin(e) => write!(f, "{e}"),
            EntraError::Denied { what, message } => {
                write!(f, "Microsoft Graph refused to {what}: {message}")
            }
            EntraError::Graph {
                what,
                status,
                code,
                message,
            } => write!(
                f,
                "Microsoft Graph could not {what} (HTTP {status} {code}): {message}"
            ),
            EntraError::Network { what, summary } => {
                write!(f, "could not {what}: {summary}")
            }
            EntraError::BadResponse { what } => {
                write!(f, "Microsoft Graph answered something unexpected to {what}")
            }
        }
    }
}

impl std::error::Error for EntraError {}
