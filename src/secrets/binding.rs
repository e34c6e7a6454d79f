//! What a stored secret was stored for: the tenant, the app and where tokens are requested.
//!
//! Written to the keyring beside the secret whenever a secret or key is stored, and compared
//! with the profile before the secret is handed out, so a profile file from elsewhere (same
//! name, other endpoints) never receives a stored secret.

use serde::{Deserialize, Serialize};

use crate::profile::Profile;

/// The values a secret is bound to. Holds no secret material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    pub tenant: Option<String>,
    pub client_id: Option<String>,
    pub cloud: String,
    /// Custom endpoints only (`cloud = "custom"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graph: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
}

fn norm_id(s: &Option<String>) -> Option<String> {
    s.as_deref().map(|v| v.trim().to_ascii_lowercase())
}

fn norm_url(s: &str) -> String {
    s.trim().trim_end_matches('/').to_string()
}

impl Binding {
    /// The binding a profile asks for.
    pub fn of(profile: &Profile) -> Binding {
        // Endpoints count only where they are used: with `cloud = "custom"`.
        let custom = profile
            .endpoints
            .as_ref()
            .filter(|_| profile.cloud == crate::profile::Cloud::Custom);
        Binding {
            tenant: norm_id(&profile.tenant),
            client_id: norm_id(&profile.client_id),
            cloud: profile.cloud.as_str().to_string(),
            authority: custom.map(|e| norm_url(&e.authority)),
            graph: custom.map(|e| norm_url(&e.graph)),
            ca_file: custom.and_then(|e| e.ca_file.clone()),
        }
    }

    /// Each value that differs, in words: `tenant: stored for A, this profile names B`.
    pub fn differences(&self, wanted: &Binding) -> Vec<String> {
        let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
        let mut out = Vec::new();
        let mut cmp = |what: &str, stored: String, now: String| {
            if stored != now {
                out.push(format!(
                    "{what}: stored for {stored}, this profile names {now}"
                ));
            }
        };
        cmp("tenant", show(&self.tenant), show(&wanted.tenant));
        cmp("client ID", show(&self.client_id), show(&wanted.client_id));
        cmp("cloud", self.cloud.clone(), wanted.cloud.clone());
        cmp("authority", show(&self.authority), show(&wanted.authority));
        cmp("Graph endpoint", show(&self.graph), show(&wanted.graph));
        cmp("CA file", show(&self.ca_file), show(&wanted.ca_file));
        out
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn from_json(bytes: &[u8]) -> Option<Binding> {
        serde_json::from_slice(bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Cloud, Endpoints, PresetId};

    fn profile() -> Profile {
        let mut p = Profile::new("contoso", PresetId::Kundo, Cloud::Global);
        p.tenant = Some("Contoso.onmicrosoft.com".into());
        p.client_id = Some("11111111-2222-3333-4444-555555555555".into());
        p
    }

    #[test]
    fn the_same_profile_matches_ignoring_case_and_trailing_slashes() {
        let a = Binding::of(&profile());
        let mut p = profile();
        p.tenant = Some("contoso.onmicrosoft.com".into());
        assert!(a.differences(&Binding::of(&p)).is_empty());
        let json = a.to_json();
        assert_eq!(Binding::from_json(&json), Some(a));
    }

    #[test]
    fn custom_endpoints_are_named_in_the_difference() {
        let stored = Binding::of(&profile());
        let mut evil = profile();
        evil.cloud = Cloud::Custom;
        evil.endpoints = Some(Endpoints {
            authority: "https://evil.example/".into(),
            graph: "https://evil.example/graph".into(),
            ca_file: None,
            exchange: None,
        });
        let d = stored.differences(&Binding::of(&evil));
        assert!(
            d.iter().any(|l| l.starts_with("cloud: stored for global")),
            "{d:?}"
        );
        assert!(
            d.iter()
                .any(|l| l.contains("authority") && l.contains("https://evil.example")),
            "{d:?}"
        );
    }
}
