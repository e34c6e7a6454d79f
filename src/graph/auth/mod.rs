//! App-only authentication: client credentials with a secret or a certificate assertion,
//! tokens cached in memory, and the consent check on the token's `roles`.

mod assertion;
mod consent;
mod credential;
mod secret;
mod token_cache;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::Mutex;

pub use assertion::{ASSERTION_LIFETIME_S, ASSERTION_TYPE, AssertionError, CertificateCredential};
pub use consent::{ConsentReport, TokenClaims, compare, decode_claims};
pub use credential::{SetupError, load_credential};
pub use secret::Credential;
pub use token_cache::{MAX_LIFETIME, RENEW_BEFORE, TokenCache, lifetime};

use super::client::send;
use super::cloud::CloudEndpoints;
use super::diagnosis::{Cause, Diagnosis, EndpointKind, diagnose};
use super::timeout::Silence;
use crate::secrets::Secret;

/// A token and what it says.
#[derive(Debug, Clone)]
pub struct AccessToken {
    pub token: Secret,
    pub claims: TokenClaims,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    /// Read as any JSON value and bounded by [`token_cache::lifetime`].
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

/// Acquires and caches tokens for one app in one tenant of one cloud.
pub struct TokenSource {
    endpoints: Arc<CloudEndpoints>,
    http: reqwest::Client,
    tenant: String,
    client_id: String,
    credential: Credential,
    timeout: Duration,
    /// Whether the token endpoint answered in this run.
    silence: Silence,
    cache: Mutex<TokenCache>,
}

impl TokenSource {
    pub fn new(
        endpoints: Arc<CloudEndpoints>,
        http: reqwest::Client,
        tenant: &str,
        client_id: &str,
        credential: Credential,
        timeout: Duration,
    ) -> Self {
        TokenSource {
            endpoints,
            http,
            tenant: tenant.to_string(),
            client_id: client_id.to_string(),
            credential,
            timeout,
            silence: Silence::default(),
            cache: Mutex::new(TokenCache::default()),
        }
    }

    pub fn credential_kind(&self) -> &'static str {
        self.credential.kind()
    }

    /// A valid token: the cached one, or a new one (one request at a time).
    pub async fn token(&self) -> Result<Secret, Diagnosis> {
        let mut cache = self.cache.lock().await;
        if let Some(t) = cache.get(Instant::now()) {
            return Ok(t.token.clone());
        }
        let (tok, expires_in) = self.request().await?;
        cache.put(tok.clone(), expires_in, Instant::now());
        Ok(tok)
    }

    /// A token with its decoded claims (for the consent check).
    pub async fn token_with_claims(&self) -> Result<AccessToken, Diagnosis> {
        let token = self.token().await?;
        let claims = decode_claims(token.expose()).unwrap_or_default();
        Ok(AccessToken { token, claims })
    }

    /// Graph said this token expired: drop it so the next call gets a new one.
    pub async fn invalidate(&self, token: &Secret) {
        self.cache.lock().await.invalidate(token);
    }

    async fn request(&self) -> Result<(Secret, Duration), Diagnosis> {
        let url = self.endpoints.token_url(&self.tenant);
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let form = self
            .credential
            .token_form(&self.client_id, &self.endpoints.scope(), &url, now)
            .map_err(|e| {
                Diagnosis::new(
                    Cause::CertificateNotRegistered,
                    e.to_string(),
                    "Import the certificate and its private key again with mailscope.",
                )
            })?;
        let pairs: Vec<(&str, &Secret)> = form.iter().map(|(k, v)| (*k, v)).collect();
        let req = self
            .http
            .post(&url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(crate::secrets::wipe::form_body(&pairs));
        if let Some(d) = self.silence.gave_up() {
            return Err(d);
        }
        let sent_at = Instant::now();
        let resp = send(req, self.timeout, self.endpoints.authority_host()).await;
        self.silence.record(sent_at, &resp);
        let mut resp = resp?;
        // The answer holds the access token: wipe it once parsed.
        let body = zeroize::Zeroizing::new(std::mem::take(&mut resp.body));
        if resp.status != 200 {
            return Err(diagnose(
                EndpointKind::Token,
                resp.status,
                &resp.headers,
                &body,
            ));
        }
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|_| {
            diagnose(
                EndpointKind::Token,
                200,
                &resp.headers,
                b"not a token response",
            )
        })?;
        // Checked where it enters: a lifetime beyond a day (or beyond what an Instant can
        // hold) counts as a day.
        let expires_in = token_cache::lifetime(parsed.expires_in.as_ref());
        Ok((Secret::new(parsed.access_token), expires_in))
    }
}
