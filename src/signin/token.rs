//! The token endpoint for a signed-in admin: one POST, the answer parsed into the tokens
//! (kept as [`Secret`]s) and the account they belong to (read from the access token's
//! claims, not verified: a hint for messages; Graph decides what the token may do).

use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::config::SigninConfig;
use super::error::SigninError;
use crate::graph::client::send;
use crate::secrets::Secret;

/// Who signed in, from the access token (`upn`, `tid`, `oid`, `wids`, `scp`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Account {
    pub upn: String,
    pub tenant_id: String,
    pub object_id: String,
    pub display_name: Option<String>,
    /// Directory role template ids (`wids`).
    pub role_ids: Vec<String>,
    /// Delegated permissions granted (`scp`).
    pub scopes: Vec<String>,
}

impl Account {
    /// Role names for the ids mailscope knows; other ids as they are.
    pub fn role_names(&self) -> Vec<String> {
        self.role_ids
            .iter()
            .map(|id| {
                super::roles::role_name(id)
                    .map(String::from)
                    .unwrap_or_else(|| id.clone())
            })
            .collect()
    }

    /// Whether the token names this role (by template id).
    pub fn has_role(&self, template_id: &str) -> bool {
        self.role_ids
            .iter()
            .any(|r| r.eq_ignore_ascii_case(template_id))
    }
}

/// A successful sign-in. Tokens stay in memory; `Debug` shows `[redacted]` for them.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub account: Account,
    pub access_token: Secret,
    /// When the access token stops working (renew a little before).
    pub expires_at: Instant,
    /// Present when `offline_access` was granted.
    pub refresh_token: Option<Secret>,
}

#[derive(Deserialize)]
struct Answer {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
struct Claims {
    #[serde(default)]
    upn: Option<String>,
    #[serde(default)]
    unique_name: Option<String>,
    #[serde(default)]
    preferred_username: Option<String>,
    #[serde(default)]
    tid: Option<String>,
    #[serde(default)]
    oid: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    wids: Vec<String>,
    #[serde(default)]
    scp: Option<String>,
}

/// The account an access token names. Graph tokens are JWTs; anything else gives an empty
/// account rather than an error.
pub fn account_of(access_token: &str) -> Account {
    let c: Claims = access_token
        .split('.')
        .nth(1)
        .and_then(|p| URL_SAFE_NO_PAD.decode(p.trim_end_matches('=')).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    Account {
        upn: c
            .upn
            .or(c.preferred_username)
            .or(c.unique_name)
            .unwrap_or_default(),
        tenant_id: c.tid.unwrap_or_default(),
        object_id: c.oid.unwrap_or_default(),
        display_name: c.name,
        role_ids: c.wids,
        scopes: c
            .scp
            .map(|s| s.split_whitespace().map(String::from).collect())
            .unwrap_or_default(),
    }
}

/// POSTs `form` to the token endpoint. `device_code` only shapes error messages.
pub(crate) async fn request(
    cfg: &SigninConfig,
    http: &reqwest::Client,
    form: &[(&str, &Secret)],
    device_code: bool,
) -> Result<SignedIn, SigninError> {
    let url = cfg.endpoint("token");
    let req = http
        .post(&url)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(crate::secrets::wipe::form_body(form));
    let mut resp = send(req, cfg.request_timeout, cfg.endpoints.authority_host())
        .await
        .map_err(SigninError::Platform)?;
    let body = zeroize::Zeroizing::new(std::mem::take(&mut resp.body));
    if resp.status != 200 {
        return Err(SigninError::from_token_answer(
            resp.status,
            &resp.headers,
            &body,
            &cfg.client_id,
            device_code,
        ));
    }
    let answer: Answer = serde_json::from_slice(&body)
        .map_err(|_| SigninError::BadResponse("a token answer without an access token".into()))?;
    let lifetime = crate::graph::auth::lifetime(answer.expires_in.as_ref());
    Ok(SignedIn {
        account: account_of(&answer.access_token),
        access_token: Secret::new(answer.access_token),
        expires_at: Instant::now() + lifetime,
        refresh_token: answer.refresh_token.map(Secret::new),
    })
}

/// Redeems a refresh token (a new one comes back: keep the newest).
pub async fn refresh(
    cfg: &SigninConfig,
    http: &reqwest::Client,
    refresh_token: &Secret,
) -> Result<SignedIn, SigninError> {
    let client = Secret::new(cfg.client_id.clone());
    let scope = Secret::new(cfg.scope_param());
    let grant = Secret::new("refresh_token");
    request(
        cfg,
        http,
        &[
            ("client_id", &client),
            ("grant_type", &grant),
            ("refresh_token", refresh_token),
            ("scope", &scope),
        ],
        false,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_from_claims() {
        let payload = URL_SAFE_NO_PAD.encode(
            br#"{"upn":"a@contoso.com","tid":"t","oid":"o","wids":["62e90394-69f5-4237-9190-012177145e10","x"],"scp":"A B"}"#,
        );
        let a = account_of(&format!("h.{payload}.s"));
        assert_eq!(a.upn, "a@contoso.com");
        assert_eq!(a.role_names(), ["Global Administrator", "x"]);
        assert_eq!(a.scopes, ["A", "B"]);
        assert!(a.has_role("62E90394-69F5-4237-9190-012177145E10"));
        assert_eq!(account_of("not a jwt"), Account::default());
    }
}
