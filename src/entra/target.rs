//! What the profile and its preset want the tenant to hold: the app's name, audience,
//! redirect URI, Microsoft Graph permissions (required ones and the optional ones the profile
//! chose) and credential; or, with `[vendor_app]`, the vendor-hosted app's service principal
//! and consent.

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
    /// The vendor-hosted app, when the profile chose it: no app registration, no credential.
    pub vendor: Option<VendorTarget>,
}

/// The vendor-hosted app a profile chose (`[vendor_app]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorTarget {
    /// The vendor's name for it ("LEXZUR App").
    pub name: String,
    /// The ID exactly as the guide prints it.
    pub printed: String,
    /// The GUID the printed ID likely means.
    pub likely: Option<String>,
    /// The ID the admin confirmed in the profile; nothing is consented without it.
    pub confirmed: Option<String>,
    /// Whom to ask.
    pub confirm_with: String,
}

impl VendorTarget {
    /// What the admin must do before anything is consented, with the likely GUID shown.
    pub fn unconfirmed_message(&self, profile: &str) -> String {
        let likely = self
            .likely
            .as_deref()
            .unwrap_or("(no GUID can be read from it)");
        format!(
            "The profile uses {name}, the vendor's own app, but its ID is not confirmed. The guide prints it as '{printed}'{odd}; the likely intended ID is {likely}. Confirm it with {who} (or find it under Enterprise applications), then set it in the profile: [vendor_app] app_id = \"{likely}\" (`mailscope profile export {profile}`, edit, `profile import`). Nothing is consented before that.",
            name = self.name,
            printed = self.printed,
            odd = if self.printed == likely {
                ""
            } else {
                ", which is not a valid GUID"
            },
            who = self.confirm_with,
        )
    }
}

impl Target {
    pub fn of(profile: &Profile, preset: &Preset) -> Target {
        if let (Some(chosen), Some(offered), Some(vendor_preset)) = (
            &profile.vendor_app,
            &preset.vendor_app,
            preset.for_vendor_app(),
        ) {
            let confirmed = chosen
                .app_id
                .as_deref()
                .and_then(crate::profile::validate::parse_guid);
            let mut own = Profile {
                vendor_app: None,
                redirect_uri: None,
                credential: None,
                client_id: confirmed.clone(),
                ..profile.clone()
            };
            own.app_name = Some(offered.name.clone());
            return Target {
                vendor: Some(VendorTarget {
                    name: offered.name.clone(),
                    printed: offered.app_id_as_printed.clone(),
                    likely: offered.likely_app_id(),
                    confirmed,
                    confirm_with: offered.confirm_with.clone(),
                }),
                ..Target::of(&own, &vendor_preset)
            };
        }
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
            vendor: None,
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
