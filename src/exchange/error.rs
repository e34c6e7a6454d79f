//! Why an Exchange operation did not succeed, typed, in plain words with the fix (the parsing
//! of Exchange's error answers into these types is in `answer.rs`). Never carries a token.

use std::fmt;

/// A failed Exchange operation. `cmdlet` names the cmdlet that was called.
#[derive(Debug, Clone, PartialEq)]
pub enum ExchangeError {
    /// No Exchange sign-in is remembered for the profile's tenant and cloud (`keyring`: why
    /// the OS keyring could not be read, when it could not).
    NotSignedIn {
        profile: String,
        tenant: String,
        keyring: Option<String>,
    },
    /// The remembered sign-in could not be renewed.
    Signin(crate::signin::SigninError),
    /// The object named does not exist (`ManagementObjectNotFoundException`).
    NotFound { cmdlet: String, message: String },
    /// An object with that name or address exists already.
    AlreadyExists { cmdlet: String, message: String },
    /// The admin's Exchange role does not allow the cmdlet (`CmdletAccessDeniedException`, or
    /// 401 "User is not allowed to call …").
    AccessDenied { cmdlet: String, message: String },
    /// The group named cannot carry an access policy: it is a distribution list, not a
    /// mail-enabled security group.
    NotSecurityPrincipal { cmdlet: String, message: String },
    /// Exchange asked mailscope to slow down (429); `retry_after_s` from `Retry-After`.
    Throttled {
        cmdlet: String,
        retry_after_s: Option<f64>,
        message: String,
    },
    /// The endpoint refused the call outright (the 403 with an empty or NUL body, or an
    /// answer that is not the endpoint's): the generated PowerShell is the way on.
    EndpointRefused {
        cmdlet: String,
        status: u16,
        reason: String,
    },
    /// The token was not accepted (401); `claims` is the challenge to sign in with again.
    SignInAgain {
        cmdlet: String,
        claims: Option<String>,
    },
    /// Another cmdlet failure: the exception type Exchange named and its text.
    Cmdlet {
        cmdlet: String,
        status: u16,
        kind: String,
        message: String,
    },
    /// Exchange could not be reached (already diagnosed in words).
    Network { cmdlet: String, summary: String },
    /// The answer was not what the endpoint sends.
    BadResponse { cmdlet: String, what: String },
}

impl ExchangeError {
    /// A short cause code for JSON and tests.
    pub fn code(&self) -> &'static str {
        match self {
            ExchangeError::NotSignedIn { .. } => "not-signed-in",
            ExchangeError::Signin(_) => "signin",
            ExchangeError::NotFound { .. } => "not-found",
            ExchangeError::AlreadyExists { .. } => "already-exists",
            ExchangeError::AccessDenied { .. } => "access-denied",
            ExchangeError::NotSecurityPrincipal { .. } => "not-security-principal",
            ExchangeError::Throttled { .. } => "throttled",
            ExchangeError::EndpointRefused { .. } => "endpoint-refused",
            ExchangeError::SignInAgain { .. } => "sign-in-again",
            ExchangeError::Cmdlet { .. } => "cmdlet-failed",
            ExchangeError::Network { .. } => "network",
            ExchangeError::BadResponse { .. } => "bad-response",
        }
    }

    /// What to do about it, for the profile named `profile`.
    pub fn fix_for(&self, profile: &str) -> String {
        let script = format!(
            "Use the documented path instead: `mailscope script --profile {profile} --part exchange` writes the Exchange Online PowerShell for the same steps."
        );
        let signin = format!("mailscope signin --profile {profile} --exchange");
        match self {
            ExchangeError::NotSignedIn { keyring: None, .. } => format!(
                "Sign in to Exchange first: `{signin}` (add --device-code on a computer without a browser), then run the command again."
            ),
            ExchangeError::NotSignedIn { .. } => format!(
                "mailscope remembers the admin sign-in in the OS keyring: make it reachable (on Linux, a Secret Service such as GNOME Keyring or KWallet in this session), then `{signin}` and run the command again."
            ),
            ExchangeError::Signin(e) => format!("{} Then: `{signin}`.", e.fix()),
            ExchangeError::SignInAgain { .. } => format!(
                "Sign in to Exchange again: `{signin}`, then run the command again."
            ),
            ExchangeError::NotFound { .. } => {
                "Check the name or address in the profile; run `mailscope exchange plan` to see what is missing.".into()
            }
            ExchangeError::AlreadyExists { .. } => {
                "Run the command again: the plan reads the tenant first and reuses what exists.".into()
            }
            ExchangeError::AccessDenied { cmdlet, .. } => format!(
                "Sign in as an admin who holds the Exchange Administrator role (or Organization Management in Exchange), which allows {cmdlet}; an eligible role may need activating in Privileged Identity Management. Nothing was changed by this step."
            ),
            ExchangeError::NotSecurityPrincipal { .. } => {
                "An application access policy needs a mail-enabled security group: name another group (scope.group_name / group_address in the profile), or choose --mechanism rbac, which accepts distribution lists.".into()
            }
            ExchangeError::Throttled { retry_after_s, .. } => match retry_after_s {
                Some(s) => format!(
                    "Exchange is busy: wait {} s, then run the command again.",
                    s.ceil() as u64
                ),
                None => "Exchange is busy: wait a minute, then run the command again.".into(),
            },
            ExchangeError::EndpointRefused { .. } => script,
            ExchangeError::Cmdlet { .. } | ExchangeError::BadResponse { .. } => format!(
                "Run the command again; if it keeps failing, check Microsoft 365 service health. {script}"
            ),
            ExchangeError::Network { .. } => {
                "Check the network connection and the profile's cloud, then run the command again.".into()
            }
        }
    }

    /// Whether the generated PowerShell is the way on (the endpoint itself refused).
    pub fn falls_back_to_script(&self) -> bool {
        matches!(self, ExchangeError::EndpointRefused { .. })
    }
}

impl fmt::Display for ExchangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExchangeError::NotSignedIn { tenant, .. } => write!(
                f,
                "no Exchange admin sign-in is remembered for tenant {tenant}"
            ),
            ExchangeError::Signin(e) => write!(f, "{}", e.summary()),
            ExchangeError::NotFound { cmdlet, message } => {
                write!(f, "{cmdlet}: not found: {message}")
            }
            ExchangeError::AlreadyExists { cmdlet, message } => {
                write!(f, "{cmdlet}: already exists: {message}")
            }
            ExchangeError::AccessDenied { cmdlet, message } => write!(
                f,
                "Exchange refused {cmdlet}: the signed-in admin's role does not allow it ({message})"
            ),
            ExchangeError::NotSecurityPrincipal { cmdlet, message } => write!(
                f,
                "{cmdlet}: the group is not a security principal (a distribution list cannot carry an access policy): {message}"
            ),
            ExchangeError::Throttled {
                cmdlet,
                retry_after_s,
                message,
            } => {
                write!(f, "Exchange throttled {cmdlet}")?;
                if let Some(s) = retry_after_s {
                    write!(f, " (Retry-After {s} s)")?;
                }
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            ExchangeError::EndpointRefused {
                cmdlet,
                status,
                reason,
            } => write!(
                f,
                "Exchange's admin endpoint refused {cmdlet} (HTTP {status}{}{reason}); this endpoint is undocumented and may be closed to mailscope",
                if reason.is_empty() { "" } else { ": " }
            ),
            ExchangeError::SignInAgain { cmdlet, .. } => write!(
                f,
                "Exchange did not accept the sign-in for {cmdlet} (HTTP 401)"
            ),
            ExchangeError::Cmdlet {
                cmdlet,
                status,
                kind,
                message,
            } => write!(f, "{cmdlet} failed (HTTP {status} {kind}): {message}"),
            ExchangeError::Network { cmdlet, summary } => {
                write!(f, "could not call {cmdlet}: {summary}")
            }
            ExchangeError::BadResponse { cmdlet, what } => {
                write!(f, "Exchange answered {cmdlet} with {what}")
            }
        }
    }
}

impl std::error::Error for ExchangeError {}

pub use super::answer::{failure_text, from_answer};
