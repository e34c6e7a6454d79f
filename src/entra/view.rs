//! What `entra` read from the tenant: plain data, built by [`super::read`] and judged by
//! [`super::findings`] and [`super::plan`].

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::preset::PermissionKind;

/// Microsoft Graph's application id (the same in every tenant and cloud).
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The organisation signed in to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    pub id: String,
    pub display_name: String,
}

/// The signed-in admin (from the delegated token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Admin {
    pub upn: String,
    /// Directory role template ids (`wids`).
    pub role_ids: Vec<String>,
    /// Their names where mailscope knows them.
    pub roles: Vec<String>,
}

/// A Microsoft Graph permission by name and kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Perm {
    pub name: String,
    pub kind: Kind,
}

/// [`PermissionKind`] with an order and serialisation, for sets of [`Perm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Application,
    Delegated,
}

impl From<PermissionKind> for Kind {
    fn from(k: PermissionKind) -> Kind {
        match k {
            PermissionKind::Application => Kind::Application,
            PermissionKind::Delegated => Kind::Delegated,
        }
    }
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Application => "application",
            Kind::Delegated => "delegated",
        }
    }

    pub fn other(self) -> Kind {
        match self {
            Kind::Application => Kind::Delegated,
            Kind::Delegated => Kind::Application,
        }
    }
}

impl Perm {
    pub fn new(name: &str, kind: Kind) -> Perm {
        Perm {
            name: name.to_string(),
            kind,
        }
    }

    /// "Mail.Send (application)".
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.kind.as_str())
    }
}

/// A client secret's metadata (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretMeta {
    pub key_id: String,
    pub display_name: Option<String>,
    pub hint: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub end: Option<OffsetDateTime>,
}

/// A certificate's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertMeta {
    pub key_id: String,
    /// SHA-1 thumbprint, upper-case hex (`customKeyIdentifier`).
    pub thumbprint: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub end: Option<OffsetDateTime>,
}

/// An app registration as Graph returned it (the parts mailscope judges).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppReg {
    pub object_id: String,
    pub app_id: String,
    pub display_name: String,
    pub sign_in_audience: String,
    pub requested_access_token_version: Option<i64>,
    /// web, spa and public client redirect URIs together.
    pub redirect_uris: Vec<String>,
    /// Microsoft Graph permissions in `requiredResourceAccess`, named.
    pub configured: Vec<Perm>,
    /// Ids in `requiredResourceAccess` Graph's catalogue does not name, and other APIs.
    pub configured_other: Vec<String>,
    pub secrets: Vec<SecretMeta>,
    pub certificates: Vec<CertMeta>,
}

/// How the app was looked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "by", content = "value")]
pub enum LookedUp {
    AppId(String),
    DisplayName(String),
    /// The vendor-hosted app's service principal, by the confirmed app id (`None`: the profile
    /// chose the vendor app but has not confirmed its ID, so nothing was looked up).
    VendorApp(Option<String>),
}

/// The default app management policy's limit on secret lifetime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct AppPolicy {
    /// `passwordLifetime` restriction, in days, when enabled.
    pub max_secret_lifetime_days: Option<u32>,
    /// Whether the policy could be read (Policy.Read.All).
    pub read: bool,
}

/// Which permissions users may consent to for themselves: the `ManagePermissionGrantsForSelf.*`
/// app consent policies assigned to the default user role (`authorizationPolicy`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "setting", content = "policies")]
pub enum UserConsent {
    /// No policy: "Do not allow user consent".
    Off,
    /// `microsoft-user-default-legacy`: "Allow user consent for apps" (any permission that
    /// does not need an admin).
    AllApps,
    /// `microsoft-user-default-low`: verified publishers (or apps registered in the tenant) and
    /// permissions classified low impact only.
    LowImpact,
    /// `microsoft-user-default-recommended`: "Let Microsoft manage your consent settings".
    MicrosoftManaged,
    /// Custom app consent policies, by id.
    Custom(Vec<String>),
}

/// The admin consent request policy (`adminConsentRequestPolicy`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdminConsentRequests {
    /// "Users can request admin consent to apps they are unable to consent to".
    pub enabled: bool,
    /// How many reviewers are named.
    pub reviewers: usize,
}

/// The tenant's consent settings, read for delegated presets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentSettings {
    /// `None` when the authorization policy could not be read.
    pub user_consent: Option<UserConsent>,
    /// `None` when the admin consent request policy could not be read.
    pub admin_consent_requests: Option<AdminConsentRequests>,
}

/// Everything `entra` read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TenantView {
    pub organisation: Organisation,
    pub admin: Admin,
    pub looked_up: LookedUp,
    /// Every app matching the lookup (more than one only by display name).
    pub apps: Vec<AppReg>,
    /// The first app's service principal object id.
    pub service_principal: Option<String>,
    /// Microsoft Graph permissions consented for the app: app role assignments and the
    /// `AllPrincipals` delegated grant's scopes.
    pub consented: Vec<Perm>,
    /// Whether the delegated grants could be read: Microsoft documents Directory.Read.All or
    /// DelegatedPermissionGrant.ReadWrite.All for listing them, which the sign-in asks for
    /// only for delegated presets. When false, `consented` holds app roles only.
    pub delegated_grants_read: bool,
    /// Microsoft Graph's service principal object id in this tenant.
    pub graph_sp: Option<String>,
    pub policy: AppPolicy,
    /// User consent and admin consent request settings (the "Need admin approval" question).
    pub consent: ConsentSettings,
}

impl TenantView {
    /// The app the profile means (the first match).
    pub fn app(&self) -> Option<&AppReg> {
        self.apps.first()
    }
}
