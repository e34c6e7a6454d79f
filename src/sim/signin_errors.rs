//! Token-endpoint errors of delegated sign-in (codes, device codes, refresh tokens, the
//! admin's MFA, Conditional Access and consent), with `suberror` and `claims` where Entra
//! sends them (reference §1b, §1c, §1e).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::token_errors::{AadError, aad_headers};

const BAD: StatusCode = StatusCode::BAD_REQUEST;

/// An AADSTS error plus the optional `suberror` and `claims` members.
#[derive(Debug, Clone)]
pub(crate) struct SigninError {
    pub(crate) base: AadError,
    pub(crate) suberror: Option<&'static str>,
    pub(crate) claims: Option<String>,
}

impl From<AadError> for SigninError {
    fn from(base: AadError) -> Self {
        SigninError {
            base,
            suberror: None,
            claims: None,
        }
    }
}

fn aad(error: &'static str, code: u32, text: &str) -> SigninError {
    SigninError::from(AadError {
        status: BAD,
        error,
        code,
        text: format!("AADSTS{code}: {text}"),
        retry_after: None,
    })
}

impl SigninError {
    /// AADSTS54005: the code was redeemed before.
    pub(crate) fn code_redeemed() -> Self {
        aad(
            "invalid_grant",
            54005,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
        )
    }
    /// AADSTS70008: unknown or expired code.
    pub(crate) fn code_expired() -> Self {
        aad(
            "invalid_grant",
            70008,
            "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
        )
    }
    /// AADSTS501481: the PKCE verifier does not match the challenge.
    pub(crate) fn verifier_mismatch() -> Self {
        aad(
            "invalid_grant",
            501481,
            "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        )
    }
    /// AADSTS50011 [U code on the token endpoint; text V]: redirect_uri differs from /authorize's.
    pub(crate) fn redirect_mismatch() -> Self {
        aad(
            "invalid_request",
            50011,
            "The provided value for the input parameter 'redirect_uri' is not valid. The expected value is a URI which matches a redirect URI registered for this client application.",
        )
    }
    /// AADSTS700082: refresh token unknown here (expired by inactivity, or from another sim).
    pub(crate) fn refresh_expired() -> Self {
        aad(
            "invalid_grant",
            700082,
            "The refresh token has expired due to inactivity. The token was issued on a date and was inactive for 90.00:00:00.",
        )
    }
    /// AADSTS50173: refresh token revoked.
    pub(crate) fn refresh_revoked() -> Self {
        aad(
            "invalid_grant",
            50173,
            "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
        )
    }
    /// AADSTS70016 `authorization_pending` (HTTP 400).
    pub(crate) fn pending() -> Self {
        aad(
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        )
    }
    /// `slow_down` [U: absent from E2; MSAL retries it adding 5 s].
    pub(crate) fn slow_down() -> Self {
        aad(
            "slow_down",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Poll less often.",
        )
    }
    /// AADSTS70020 `expired_token`.
    pub(crate) fn device_expired() -> Self {
        aad(
            "expired_token",
            70020,
            "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
        )
    }
    /// `authorization_declined` [U code].
    pub(crate) fn declined() -> Self {
        aad(
            "authorization_declined",
            70000,
            "The user declined the authorization request.",
        )
    }
    /// `bad_verification_code` [U code]: a device code this sim never issued (or redeemed).
    pub(crate) fn bad_device_code() -> Self {
        aad(
            "bad_verification_code",
            70000,
            "The provided value for the input parameter 'device_code' is not valid.",
        )
    }
    /// AADSTS50076: MFA required, with `suberror` and `claims` (a CA policy id).
    pub(crate) fn mfa_required(resource: &str) -> Self {
        let mut e = aad(
            "invalid_grant",
            50076,
            &format!(
                "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '{resource}'."
            ),
        );
        e.suberror = Some("basic_action");
        e.claims = Some(
            r#"{"access_token":{"capolids":{"essential":true,"values":["7a3f0c2e-5b1d-4e8a-9c6f-2d4b8e1a0f3c"]}}}"#
                .into(),
        );
        e
    }
    /// AADSTS53003: blocked by Conditional Access.
    pub(crate) fn ca_blocked() -> Self {
        aad(
            "invalid_grant",
            53003,
            "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
        )
    }
    /// AADSTS65001 `consent_required`.
    pub(crate) fn consent_required(client_id: &str, client_name: &str) -> Self {
        let mut e = aad(
            "invalid_grant",
            65001,
            &format!(
                "The user or administrator has not consented to use the application with ID '{client_id}' named '{client_name}'. Send an interactive authorization request for this user and resource."
            ),
        );
        e.suberror = Some("consent_required");
        e
    }

    /// The HTTP response (Entra's JSON headers).
    pub(crate) fn response(&self, correlation_id: &str) -> Response {
        let mut body = self.base.body(correlation_id);
        if let Some(s) = self.suberror {
            body["suberror"] = s.into();
        }
        if let Some(c) = &self.claims {
            body["claims"] = c.clone().into();
        }
        let mut resp = (self.base.status, axum::Json(body)).into_response();
        aad_headers(&mut resp, correlation_id);
        resp
    }
}
