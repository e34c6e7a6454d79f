//! `status --online`: every secret and certificate of each profile's app as Entra holds it
//! (read with the remembered admin sign-in for the profile's tenant), its expiry in days, and
//! whether the profile knows it: the one in use, the previous one kept by `credential rotate`
//! until `retire-old`, or one mailscope does not know (someone else added it, or a vendor's
//! forgotten secret). Metadata only: Graph never returns a secret's value.

use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::entra::view::AppReg;
use crate::entra::{EntraError, read_for_profile, signin_config};
use crate::expiry::{Expiry, classify};
use crate::graph::cloud::CloudEndpoints;
use crate::preset;
use crate::profile::Profile;
use crate::secrets::SecretStore;

/// A secret or a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredKind {
    Secret,
    Certificate,
}

/// What the profile knows of a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Known {
    /// The profile's credential (its Secret ID or certificate thumbprint).
    InUse,
    /// The secret `credential rotate` replaced, kept until `credential retire-old`.
    Previous,
    /// Not one the profile records.
    Unknown,
}

impl Known {
    /// Words for people.
    pub fn label(self) -> &'static str {
        match self {
            Known::InUse => "in use by the profile",
            Known::Previous => "previous (kept until credential retire-old)",
            Known::Unknown => "not known to the profile",
        }
    }
}

/// One credential of the app, as Entra holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OnlineCredential {
    pub kind: CredKind,
    /// Secret ID (`keyId`).
    pub key_id: String,
    pub display_name: Option<String>,
    /// A secret's first characters, as the portal shows them.
    pub hint: Option<String>,
    /// A certificate's SHA-1 thumbprint, upper-case hex.
    pub thumbprint: Option<String>,
    pub expiry: Expiry,
    pub known: Known,
}

/// What could be read for one profile.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    /// The app and its credentials.
    Read {
        app_id: String,
        app_name: String,
        credentials: Vec<OnlineCredential>,
    },
    /// The profile names no tenant yet: nothing to read.
    NoTenant,
    /// The tenant holds no app the profile names; `client_id`: the one the profile records
    /// (`None`: a profile not applied yet, whose app was looked for by display name).
    NoApp { client_id: Option<String> },
    /// The tenant could not be read (no remembered sign-in among the reasons).
    Failed(EntraError),
}

/// One profile's credentials online.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileOnline {
    pub profile: String,
    pub tenant: Option<String>,
    pub reading: Reading,
}

impl ProfileOnline {
    /// Whether any credential expires within `warn_days` (or has expired).
    pub fn needs_attention(&self, warn_days: i64) -> bool {
        match &self.reading {
            Reading::Read { credentials, .. } => credentials
                .iter()
                .any(|c| c.expiry.needs_attention(warn_days)),
            _ => false,
        }
    }

    /// Whether the tenant should have been read and was not, or lacks the profile's app.
    pub fn unread(&self) -> bool {
        matches!(
            self.reading,
            Reading::Failed(_) | Reading::NoApp { client_id: Some(_) }
        )
    }

    /// Whether no admin sign-in is remembered for the profile's tenant.
    pub fn not_signed_in(&self) -> bool {
        matches!(
            self.reading,
            Reading::Failed(EntraError::NotSignedIn { .. })
        )
    }
}

fn same(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.trim().eq_ignore_ascii_case(b.trim()))
}

/// The app's credentials, each marked with what `profile` knows of it, soonest expiry first.
pub fn credentials_of(app: &AppReg, profile: &Profile, today: Date) -> Vec<OnlineCredential> {
    let cred = profile.credential.as_ref();
    let in_use = cred.and_then(|c| c.secret_id.as_deref());
    let previous = cred.and_then(|c| c.previous_secret_id.as_deref());
    let thumb = cred.and_then(|c| c.thumbprint_sha1.as_deref());
    let day = |end: Option<OffsetDateTime>| end.map(|e| e.date());
    let mut out: Vec<OnlineCredential> = app
        .secrets
        .iter()
        .map(|s| OnlineCredential {
            kind: CredKind::Secret,
            key_id: s.key_id.clone(),
            display_name: s.display_name.clone(),
            hint: s.hint.clone(),
            thumbprint: None,
            expiry: classify(day(s.end), today),
            known: if same(in_use, &s.key_id) {
                Known::InUse
            } else if same(previous, &s.key_id) {
                Known::Previous
            } else {
                Known::Unknown
            },
        })
        .collect();
    out.extend(app.certificates.iter().map(|c| {
        let known = match &c.thumbprint {
            Some(t) if same(thumb, t) => Known::InUse,
            _ => Known::Unknown,
        };
        OnlineCredential {
            kind: CredKind::Certificate,
            key_id: c.key_id.clone(),
            display_name: None,
            hint: None,
            thumbprint: c.thumbprint.clone(),
            expiry: classify(day(c.end), today),
            known,
        }
    }));
    out.sort_by_key(|c| (c.expiry.days_left.is_none(), c.expiry.days_left));
    out
}

/// Reads one profile's app with the remembered admin sign-in for its tenant, on `endpoints`
/// through `http`.
pub async fn read_profile_with(
    profile: &Profile,
    endpoints: &CloudEndpoints,
    http: &reqwest::Client,
    secrets: &dyn SecretStore,
    today: Date,
) -> ProfileOnline {
    let done = |reading| ProfileOnline {
        profile: profile.name.clone(),
        tenant: profile.tenant.clone(),
        reading,
    };
    let preset = match preset::preset(profile.preset) {
        Ok(p) => p,
        Err(e) => {
            return done(Reading::Failed(EntraError::BadResponse {
                what: format!("load the preset ({e})"),
            }));
        }
    };
    let Some(cfg) = signin_config(profile, &preset, endpoints) else {
        return done(Reading::NoTenant);
    };
    match read_for_profile(&cfg, profile, &preset, http, secrets).await {
        Ok(view) => match view.app() {
            Some(app) => done(Reading::Read {
                app_id: app.app_id.clone(),
                app_name: app.display_name.clone(),
                credentials: credentials_of(app, profile, today),
            }),
            None => done(Reading::NoApp {
                client_id: profile.client_id.clone(),
            }),
        },
        Err(e) => done(Reading::Failed(e)),
    }
}

/// Reads one profile's app on the profile's own cloud and endpoints.
pub async fn read_profile(
    profile: &Profile,
    secrets: &dyn SecretStore,
    today: Date,
) -> ProfileOnline {
    let failed = |what: String| ProfileOnline {
        profile: profile.name.clone(),
        tenant: profile.tenant.clone(),
        reading: Reading::Failed(EntraError::Network {
            what: "reach the profile's cloud".into(),
            summary: what,
        }),
    };
    let endpoints = match CloudEndpoints::from_profile(profile) {
        Ok(e) => e,
        Err(e) => return failed(e.to_string()),
    };
    let timeout = std::time::Duration::from_secs(30);
    let http = match endpoints.http_client(timeout) {
        Ok(h) => h,
        Err(e) => return failed(e.to_string()),
    };
    read_profile_with(profile, &endpoints, &http, secrets, today).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a panic is the failure report
    use super::*;
    use crate::entra::view::{CertMeta, SecretMeta};
    use crate::profile::{Cloud, CredentialInfo, CredentialKind, PresetId};
    use time::macros::{date, datetime};

    fn app() -> AppReg {
        let secret = |id: &str, end| SecretMeta {
            key_id: id.into(),
            display_name: None,
            hint: Some("abc".into()),
            end: Some(end),
        };
        crate::lifecycle::test_app(
            vec![
                secret("S-NEW", datetime!(2027-05-01 0:00 UTC)),
                secret("s-old", datetime!(2026-12-10 0:00 UTC)),
                secret("other", datetime!(2026-11-30 0:00 UTC)),
            ],
            vec![CertMeta {
                key_id: "c".into(),
                thumbprint: Some("AB12".into()),
                end: None,
            }],
        )
    }

    #[test]
    fn credentials_are_marked_by_what_the_profile_knows_soonest_first() {
        let mut p = Profile::new("p", PresetId::Kundo, Cloud::Global);
        let mut c = CredentialInfo::new(CredentialKind::Secret);
        c.secret_id = Some("s-new".into());
        c.previous_secret_id = Some("S-OLD".into());
        c.thumbprint_sha1 = Some("ab12".into());
        p.credential = Some(c);
        let got = credentials_of(&app(), &p, date!(2026 - 11 - 22));
        let summary: Vec<_> = got
            .iter()
            .map(|c| (c.key_id.as_str(), c.known, c.expiry.days_left))
            .collect();
        assert_eq!(
            summary,
            [
                ("other", Known::Unknown, Some(8)),
                ("s-old", Known::Previous, Some(18)),
                ("S-NEW", Known::InUse, Some(160)),
                ("c", Known::InUse, None),
            ]
        );
        let online = ProfileOnline {
            profile: "p".into(),
            tenant: None,
            reading: Reading::Read {
                app_id: "a".into(),
                app_name: "X".into(),
                credentials: got,
            },
        };
        assert!(online.needs_attention(8));
        assert!(!online.needs_attention(7));
    }
}
