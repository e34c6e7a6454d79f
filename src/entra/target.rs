//! What the profile and its preset want the tenant to hold: the app's name, audience,
//! redirect URI, Microsoft Graph permissions (required ones and the optional ones the profile
//! chose) and credential.

use super::view::{Kind, Perm};
use crate::preset::Preset;
use crate::profile::{CredentialKind, Profile};

/// The wanted state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub display_name: String,
    pub client_id: Option<String>,
    pub sign_in_audience: &'static str,
    /// `api.requestedAccessTokenVersion = 2` is needed (personal accounts allowed).
    pub needs_token_v2: bool,
    pub redirect_uri: Option<String>,
    /// Sorted.
    pub permissions: Vec<Perm>,
    pub credential: CredentialKind,
    pub secret_id: Option<String>,
    /// SHA-1, upper-case hex.
    pub thumbprint: Option<String>,
    /// The preset's secret lifetime in days.
    pub secret_lifetime_days: u32,
}

impl Target {
    pub fn of(profile: &Profile, preset: &Preset) -> Target {
        let audience = profile.account_type.unwrap_or(preset.default_account_type);
        let mut permissions: Vec<Perm> = preset
            .requested(&profile.optional_permissions)
            .map(|p| Perm::new(&p.name, Kind::from(p.kind)))
            .collect();
        permissions.sort();
        permissions.dedup();
        let cred = profile.credential.as_ref();
        Target {
            display_name: profile
                .app_name
                .clone()
                .unwrap_or_else(|| preset.default_app_name.clone()),
            client_id: profile.client_id.clone(),
            sign_in_audience: audience.sign_in_audience(),
            needs_token_v2: audience == crate::profile::AccountType::MultiTenantAndPersonal,
            redirect_uri: profile.redirect_uri.clone(),
            permissions,
            credential: cred.map(|c| c.kind).unwrap_or(preset.default_credential),
            secret_id: cred.and_then(|c| c.secret_id.clone()),
            thumbprint: cred
                .and_then(|c| c.thumbprint_sha1.clone())
                .map(|t| t.replace([':', ' '], "").to_ascii_uppercase()),
            secret_lifetime_days: (preset.secret_lifetime_months * 365).div_ceil(12),
        }
    }

    /// Whether the wanted permission `name` is of `kind`.
    pub fn wants(&self, p: &Perm) -> bool {
        self.permissions.contains(p)
    }

    pub fn wants_name(&self, name: &str) -> Option<Kind> {
        self.permissions
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.kind)
    }
}
