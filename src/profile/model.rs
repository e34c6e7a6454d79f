//! The typed answers of one onboarding: the documented, versioned profile format.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

pub use crate::vocab::*;

/// The profile format version this build writes (and the newest it reads). The format is
/// documented key by key in `docs/profile-format.md`.
pub const PROFILE_VERSION: u32 = 2;

/// The oldest profile format version this build reads. Version 1 is a subset of version 2 with
/// the same meaning, so a version-1 file loads as it is and is written as version 2 when saved.
pub const OLDEST_PROFILE_VERSION: u32 = 1;

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// One onboarding: a tenant, an app, its credential, the mailboxes it must and must not reach.
///
/// Fields an admin has not filled in yet are `None`, so a half-finished wizard run can be saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub version: u32,
    pub name: String,
    pub preset: PresetId,
    #[serde(default)]
    pub cloud: Cloud,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// Supported account type chosen at registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_type: Option<AccountType>,
    /// Redirect URI registered on the app (only presets that need one, e.g. LEXZUR).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    /// Object ID of the app's service principal (Enterprise applications), needed for RBAC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_principal_id: Option<String>,
    /// The last wizard step the admin completed, so the wizard resumes after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// The preset's optional permissions the admin opted into, by name (e.g. `["Mail.Send"]`
    /// for Sinch when Microsoft 365 also sends the queues' mail). Absent or empty: none, so the
    /// app holds only the permissions its guide always needs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub optional_permissions: Vec<String>,
    /// The vendor's own multi-tenant app, used instead of registering one (since version 2;
    /// only for presets that name one, e.g. LEXZUR's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_app: Option<VendorApp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<CredentialInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Endpoints>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    #[serde(default, rename = "mailbox", skip_serializing_if = "Vec::is_empty")]
    pub mailboxes: Vec<Mailbox>,
}

impl Profile {
    /// A fresh profile for a preset, with nothing entered yet.
    pub fn new(name: &str, preset: PresetId, cloud: Cloud) -> Self {
        Profile {
            version: PROFILE_VERSION,
            name: name.to_string(),
            preset,
            cloud,
            tenant: None,
            client_id: None,
            app_name: None,
            account_type: None,
            redirect_uri: None,
            service_principal_id: None,
            step: None,
            optional_permissions: Vec::new(),
            vendor_app: None,
            credential: None,
            endpoints: None,
            scope: None,
            mailboxes: Vec::new(),
        }
    }

    /// The `https://` base URL of Exchange Online's REST endpoint (`InvokeCommand`) for this
    /// profile: the cloud's documented host, or `[endpoints] exchange` with `cloud = "custom"`
    /// (`None` when a custom profile names none).
    pub fn exchange_endpoint(&self) -> Option<String> {
        match self.cloud.exchange_host() {
            Some(host) => Some(format!("https://{host}")),
            None => self
                .endpoints
                .as_ref()
                .and_then(|e| e.exchange.as_deref())
                .map(|u| u.trim_end_matches('/').to_string()),
        }
    }

    /// Whether the profile uses the vendor's own app (`[vendor_app]`) rather than one of its own.
    pub fn uses_vendor_app(&self) -> bool {
        self.vendor_app.is_some()
    }

    /// Mailboxes the app must be able to reach.
    pub fn granted_mailboxes(&self) -> impl Iterator<Item = &Mailbox> {
        self.mailboxes
            .iter()
            .filter(|m| m.expect == Expectation::Granted)
    }
}

/// What the app proves its identity with. Never holds the secret itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialInfo {
    pub kind: CredentialKind,
    /// The Secret ID column of the portal; lets us recognise it if pasted as the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_id: Option<String>,
    /// After `credential rotate`: the Secret ID of the secret it replaced, still in Entra
    /// (and its Value still in the keyring) until `credential retire-old` removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_secret_id: Option<String>,
    #[serde(
        default,
        with = "iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbprint_sha1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbprint_sha256: Option<String>,
    /// The certificate's public part (`.cer`/`.pem`), as uploaded to the portal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_file: Option<String>,
}

impl CredentialInfo {
    pub fn new(kind: CredentialKind) -> Self {
        CredentialInfo {
            kind,
            secret_id: None,
            previous_secret_id: None,
            expires: None,
            thumbprint_sha1: None,
            thumbprint_sha256: None,
            cert_file: None,
        }
    }
}

/// Explicit endpoints, used with `cloud = "custom"` (e.g. the simulated tenant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    pub authority: String,
    pub graph: String,
    /// An extra CA certificate (PEM) to trust for these endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
    /// Exchange Online's REST host (`InvokeCommand`) for these endpoints, e.g. the simulated
    /// tenant's base URL (since version 2). Named clouds use their own: see
    /// [`Profile::exchange_endpoint`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<String>,
}

/// The vendor-hosted app a profile uses instead of its own app registration.
///
/// The table's presence chooses the vendor's app; `app_id` is set only once the admin has
/// confirmed the ID (a guide may print it wrongly), and nothing is consented before that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct VendorApp {
    /// The vendor app's Application (client) ID, as the admin confirmed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
}

/// How the app is restricted to the intended mailboxes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    pub mechanism: ScopeMechanism,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When scoping last changed, so checks can tell "not yet propagated" from "wrong".
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub changed_at: Option<OffsetDateTime>,
}

/// A mailbox and whether the app must reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mailbox {
    pub address: String,
    #[serde(default, skip_serializing_if = "MailboxKind::is_user")]
    pub kind: MailboxKind,
    pub expect: Expectation,
}
