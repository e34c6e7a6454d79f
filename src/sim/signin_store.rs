//! What the sim remembers between delegated sign-in requests: authorization codes, device
//! codes and refresh tokens (in memory, gone when the sim stops).

use std::collections::HashMap;
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Who signed in, through which client, for which scopes.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) client_id: String,
    pub(crate) upn: String,
    /// Scopes as requested (space-separated items).
    pub(crate) scopes: Vec<String>,
    /// The authorize request's `nonce`, echoed in the id token issued for its code (OpenID
    /// Connect; MSAL checks it). Never carried into a refresh token's grant.
    pub(crate) nonce: Option<String>,
}

/// `code_challenge_method`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    S256,
    Plain,
}

/// An authorization code from `/authorize`.
#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub(crate) grant: Grant,
    pub(crate) redirect_uri: String,
    pub(crate) challenge: Option<(String, Method)>,
    pub(crate) issued: Instant,
    pub(crate) redeemed: bool,
}

/// Where a device code stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DeviceState {
    Pending,
    Approved(String),
    Declined,
}

/// A device code from `/devicecode`.
#[derive(Debug, Clone)]
pub(crate) struct DeviceCode {
    pub(crate) client_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) user_code: String,
    pub(crate) issued: Instant,
    pub(crate) lifetime_s: u64,
    pub(crate) interval_s: u64,
    /// The last poll (or the issue, before any).
    pub(crate) last_poll: Instant,
    pub(crate) state: DeviceState,
}

/// A refresh token's grant; revoked ones answer AADSTS50173.
#[derive(Debug, Clone)]
pub(crate) struct Refresh {
    pub(crate) grant: Grant,
    pub(crate) revoked: bool,
}

/// All of it.
#[derive(Debug, Default)]
pub(crate) struct SigninStore {
    pub(crate) codes: HashMap<String, AuthCode>,
    /// Keyed by device code.
    pub(crate) devices: HashMap<String, DeviceCode>,
    pub(crate) refresh: HashMap<String, Refresh>,
}

/// An opaque random string shaped like Entra's (`0.A…`).
pub(crate) fn opaque_token(bytes: usize) -> String {
    let mut raw = Vec::with_capacity(bytes);
    while raw.len() < bytes {
        raw.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    }
    raw.truncate(bytes);
    format!("0.A{}", URL_SAFE_NO_PAD.encode(raw))
}

/// A user code of nine capital letters and digits (no look-alikes), like `FRWQDE7YL`.
pub(crate) fn user_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    uuid::Uuid::new_v4().as_bytes()[..9]
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

impl SigninStore {
    /// Stores a new refresh token for `grant` and returns it.
    pub(crate) fn new_refresh(&mut self, grant: &Grant) -> String {
        let rt = opaque_token(96);
        self.refresh.insert(
            rt.clone(),
            Refresh {
                grant: Grant {
                    nonce: None,
                    ..grant.clone()
                },
                revoked: false,
            },
        );
        rt
    }

    /// Revokes every refresh token of an admin; returns how many.
    pub(crate) fn revoke(&mut self, upn: &str) -> usize {
        let mut n = 0;
        for r in self.refresh.values_mut() {
            if r.grant.upn.eq_ignore_ascii_case(upn) && !r.revoked {
                r.revoked = true;
                n += 1;
            }
        }
        n
    }

    /// The device code whose user code is `user_code` (case-insensitive, hyphens ignored).
    pub(crate) fn device_by_user_code(&mut self, user_code: &str) -> Option<&mut DeviceCode> {
        let want: String = user_code
            .chars()
            .filter(|c| *c != '-')
            .collect::<String>()
            .to_ascii_uppercase();
        self.devices.values_mut().find(|d| d.user_code == want)
    }
}
