//! Why a sign-in did not succeed, in plain words with the fix; Microsoft's codes are mapped
//! here (delegated sign-in) or by [`crate::graph::diagnosis`] (everything the two share).

use std::fmt;

use serde_json::Value;

use crate::graph::diagnosis::{Diagnosis, EndpointKind, diagnose};

/// A failed sign-in. Never carries a token.
#[derive(Debug, Clone, PartialEq)]
pub enum SigninError {
    /// AADSTS50076 / 50079: multi-factor authentication is required. `claims` is the
    /// challenge to send with the next interactive sign-in.
    MfaRequired { code: u64, claims: Option<String> },
    /// AADSTS53003: a Conditional Access policy blocked the sign-in.
    ConditionalAccess { device_code: bool },
    /// AADSTS65001: nobody consented to the public client's permissions.
    ConsentRequired { client_id: String },
    /// AADSTS70020 / `expired_token`: the device code ran out before it was entered.
    DeviceCodeExpired,
    /// `authorization_declined`: the admin declined on the device login page.
    Declined,
    /// `authorization_pending`: the device code has not been entered yet (the device flow
    /// keeps polling; callers never see it).
    AuthorizationPending,
    /// `slow_down`: poll less often (the device flow adds five seconds; callers never see it).
    SlowDown,
    /// The browser came back with `error` (the admin cancelled, or the request was refused).
    Authorize { error: String, description: String },
    /// A stored refresh token or a code is no longer accepted (revoked, expired, used).
    SignInAgain { code: u64 },
    /// No answer from the browser within the time allowed.
    BrowserTimeout { seconds: u64 },
    /// The loopback listener could not be opened.
    Loopback(String),
    /// Another answer from the token endpoint, diagnosed.
    Platform(Diagnosis),
    /// The identity platform could not be reached.
    Network(String),
    /// The answer was not what the protocol promises.
    BadResponse(String),
    /// The OS keyring refused to give or keep the remembered sign-in.
    Keyring(crate::secrets::SecretError),
}

impl SigninError {
    /// One line: what happened.
    pub fn summary(&self) -> String {
        match self {
            SigninError::MfaRequired { code, .. } => format!(
                "Microsoft requires multi-factor authentication for this sign-in (AADSTS{code})."
            ),
            SigninError::ConditionalAccess { device_code: true } => "A Conditional Access policy blocked the sign-in (AADSTS53003); many tenants block the device code flow.".into(),
            SigninError::ConditionalAccess { device_code: false } => "A Conditional Access policy blocked the sign-in (AADSTS53003).".into(),
            SigninError::ConsentRequired { client_id } => format!(
                "Nobody has consented to the sign-in app ({client_id}) using these permissions in this tenant (AADSTS65001)."
            ),
            SigninError::DeviceCodeExpired => "The device code expired before the sign-in was completed (AADSTS70020).".into(),
            SigninError::Declined => "The sign-in was declined on the device login page.".into(),
            SigninError::AuthorizationPending => "The device code has not been entered yet.".into(),
            SigninError::SlowDown => "Microsoft asked mailscope to poll less often.".into(),
            SigninError::Authorize { error, description } => {
                let first = description.lines().next().unwrap_or("");
                format!("The sign-in page answered '{error}': {first}")
            }
            SigninError::SignInAgain { code } => format!(
                "The remembered sign-in is no longer accepted (AADSTS{code}): it was revoked, expired or already used."
            ),
            SigninError::BrowserTimeout { seconds } => format!(
                "The browser did not come back to mailscope within {seconds} s."
            ),
            SigninError::Loopback(why) => {
                format!("mailscope could not listen on this computer for the browser's answer: {why}.")
            }
            SigninError::Platform(d) => d.summary.clone(),
            SigninError::Network(why) => format!("The identity platform could not be reached: {why}."),
            SigninError::BadResponse(why) => {
                format!("The identity platform answered something unexpected: {why}.")
            }
            SigninError::Keyring(e) => format!("The remembered sign-in could not be used: {e}."),
        }
    }

    /// What to do about it.
    pub fn fix(&self) -> String {
        match self {
            SigninError::MfaRequired { .. } => "Sign in again in the browser (without --device-code) and complete the multi-factor prompt; if you have not registered a second factor yet, do so at https://aka.ms/mfasetup first.".into(),
            SigninError::ConditionalAccess { device_code: true } => "Sign in with the browser instead (leave out --device-code, on a computer with a desktop), or ask who manages Conditional Access to allow this sign-in.".into(),
            SigninError::ConditionalAccess { device_code: false } => "Sign in from a compliant or trusted device or location, or ask who manages Conditional Access to review the sign-in log entry for this attempt.".into(),
            SigninError::ConsentRequired { .. } => "Sign in with an account that may consent for the organisation (Privileged Role Administrator or Global Administrator) once, or have such an admin grant consent to the sign-in app in Enterprise applications; or name another public client with --client-id.".into(),
            SigninError::DeviceCodeExpired => "Run the sign-in again and enter the new code within the time shown.".into(),
            SigninError::Declined => "Run the sign-in again and approve it, making sure the code shown is the one mailscope printed.".into(),
            SigninError::AuthorizationPending | SigninError::SlowDown => "Wait for the sign-in to finish.".into(),
            SigninError::Authorize { .. } => "Run the sign-in again; if the page says an administrator must approve the app, ask one to grant consent, or use --client-id with an app your tenant allows.".into(),
            SigninError::SignInAgain { .. } => "Sign in again with `mailscope signin`.".into(),
            SigninError::BrowserTimeout { .. } => "Run the sign-in again and finish it in the browser, or use --device-code when the browser cannot reach this computer.".into(),
            SigninError::Loopback(_) => "Use --device-code to sign in without a local listener.".into(),
            SigninError::Platform(d) => d.fix.clone(),
            SigninError::Network(_) => "Check the network connection, proxy and the profile's cloud, then retry.".into(),
            SigninError::BadResponse(_) => "Retry; if it persists, check that the profile's endpoints point at the Microsoft identity platform.".into(),
            SigninError::Keyring(_) => "Sign in again with `mailscope signin` (add --no-remember where no keyring is available).".into(),
        }
    }

    /// Maps an error answer of the token or device-code endpoint.
    pub fn from_token_answer(
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
        client_id: &str,
        device_code: bool,
    ) -> SigninError {
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let error = json
            .as_ref()
            .and_then(|j| j["error"].as_str())
            .unwrap_or("");
        let code = aadsts(json.as_ref());
        match (code, error) {
            (Some(c @ (50076 | 50079)), _) => SigninError::MfaRequired {
                code: c,
                claims: json
                    .as_ref()
                    .and_then(|j| j["claims"].as_str())
                    .map(String::from),
            },
            (Some(53003), _) => SigninError::ConditionalAccess { device_code },
            (Some(65001), _) => SigninError::ConsentRequired {
                client_id: client_id.to_string(),
            },
            (Some(70020), _) | (_, "expired_token") => SigninError::DeviceCodeExpired,
            (_, "authorization_declined") => SigninError::Declined,
            (_, "authorization_pending") => SigninError::AuthorizationPending,
            (_, "slow_down") => SigninError::SlowDown,
            (Some(c @ (50173 | 700082 | 70008 | 54005 | 70043)), _) => {
                SigninError::SignInAgain { code: c }
            }
            _ => SigninError::Platform(diagnose(EndpointKind::Token, status, headers, body)),
        }
    }
}

/// `error_codes[0]`, else the number after `AADSTS` in the description.
fn aadsts(json: Option<&Value>) -> Option<u64> {
    let j = json?;
    if let Some(n) = j["error_codes"].get(0).and_then(Value::as_u64) {
        return Some(n);
    }
    let d = j["error_description"].as_str()?;
    let at = d.find("AADSTS")? + 6;
    d[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

impl fmt::Display for SigninError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.summary(), self.fix())
    }
}

impl std::error::Error for SigninError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(body: &str) -> SigninError {
        SigninError::from_token_answer(400, &[], body.as_bytes(), "cid", false)
    }

    #[test]
    fn delegated_codes_map_to_plain_words() {
        let e = map(r#"{"error":"invalid_grant","error_codes":[50076],"claims":"{}"}"#);
        assert_eq!(
            e,
            SigninError::MfaRequired {
                code: 50076,
                claims: Some("{}".into())
            }
        );
        assert!(e.to_string().contains("multi-factor"));
        assert!(matches!(
            map(r#"{"error":"invalid_grant","error_codes":[53003]}"#),
            SigninError::ConditionalAccess { .. }
        ));
        let c = map(r#"{"error":"invalid_grant","error_description":"AADSTS65001: x"}"#);
        assert!(c.summary().contains("cid"), "{c}");
        assert_eq!(
            map(r#"{"error":"expired_token","error_codes":[70020]}"#),
            SigninError::DeviceCodeExpired
        );
        assert_eq!(
            map(r#"{"error":"authorization_declined"}"#),
            SigninError::Declined
        );
        assert_eq!(
            map(r#"{"error":"invalid_grant","error_codes":[50173]}"#),
            SigninError::SignInAgain { code: 50173 }
        );
        let p = map(r#"{"error":"invalid_request","error_codes":[90002]}"#);
        assert!(matches!(p, SigninError::Platform(_)), "{p:?}");
        assert!(!p.fix().is_empty());
    }
}
