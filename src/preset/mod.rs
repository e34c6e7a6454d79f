//! Vendor presets: what each vendor guide asks of the admin, as data (`assets/presets/*.toml`).

use serde::Deserialize;

use crate::vocab::{AccountType, CredentialKind, MailboxKind, PresetId, ScopeMechanism};

/// Everything the wizard, scripts and checks need to know about one vendor's setup guide.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    pub id: PresetId,
    /// The vendor's product as the admin knows it ("Kundo Mail").
    pub product: String,
    pub vendor: String,
    /// File name of the guide in the vendor-guide collection this preset follows.
    pub guide: String,
    /// One sentence on what the product does with the mailboxes.
    pub summary: String,
    /// Suggested display name of the app registration.
    pub default_app_name: String,
    pub account_types: Vec<AccountType>,
    pub default_account_type: AccountType,
    /// Web redirect URI, with `{server}` standing for the vendor server's base URL.
    #[serde(default)]
    pub redirect_uri_template: Option<String>,
    pub credential_kinds: Vec<CredentialKind>,
    pub default_credential: CredentialKind,
    /// Default lifetime of a new client secret, in months (the portal allows at most 24).
    pub secret_lifetime_months: u32,
    /// Kinds of mailbox the product works with; shared ones are created by the admin.
    pub mailbox_kinds: Vec<MailboxKind>,
    /// What the product uses shared mailboxes for, when it uses them.
    #[serde(default)]
    pub shared_mailbox_role: Option<String>,
    /// Branding advice, when the guide suggests a logo or title.
    #[serde(default)]
    pub branding: Option<String>,
    /// How consent is given when the permissions are delegated.
    #[serde(default)]
    pub consent_note: Option<String>,
    #[serde(rename = "permission")]
    pub permissions: Vec<Permission>,
    pub scoping: Scoping,
    pub vendor_settings: VendorSettings,
    #[serde(default)]
    pub vendor_output: Option<VendorOutput>,
    /// The vendor's own multi-tenant app, offered instead of registering one.
    #[serde(default)]
    pub vendor_app: Option<VendorHostedApp>,
}

/// A vendor's multi-tenant app that customers consent to instead of registering their own
/// (LEXZUR's "LEXZUR App"). Its ID is kept exactly as the guide prints it: the likely intended
/// GUID is derived, shown, and used only once the admin has confirmed it in the profile.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorHostedApp {
    /// The app's name as the vendor gives it ("LEXZUR App").
    pub name: String,
    /// The Application ID exactly as the guide prints it (possibly not a valid GUID).
    pub app_id_as_printed: String,
    /// Whom to ask to confirm the ID ("LEXZUR support, help@lexzur.com").
    pub confirm_with: String,
    /// The vendor app's Microsoft Graph permissions; empty: the preset's own.
    #[serde(default, rename = "permission")]
    pub permissions: Vec<Permission>,
}

impl VendorHostedApp {
    /// The GUID the printed ID means: itself when it is one, else the likely intended GUID
    /// (`None` when neither).
    pub fn likely_app_id(&self) -> Option<String> {
        crate::guid::parse_guid(&self.app_id_as_printed)
            .or_else(|| crate::guid::likely_guid(&self.app_id_as_printed))
    }

    /// Whether the guide prints the ID as a valid GUID.
    pub fn printed_is_guid(&self) -> bool {
        crate::guid::parse_guid(&self.app_id_as_printed).is_some()
    }
}

/// One Microsoft Graph permission the app needs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Permission {
    /// The permission's value as shown in the portal ("Mail.ReadWrite").
    pub name: String,
    pub kind: PermissionKind,
    /// Why the vendor needs it, in plain words.
    pub reason: String,
    /// Needed only for part of the product (e.g. outgoing mail); still listed.
    #[serde(default)]
    pub optional: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PermissionKind {
    /// App-only ("Application permissions"): needs admin consent, can be scoped to mailboxes.
    Application,
    /// On behalf of a signed-in user ("Delegated permissions").
    Delegated,
}

impl PermissionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PermissionKind::Application => "application",
            PermissionKind::Delegated => "delegated",
        }
    }
}

/// How the preset restricts the app to mailboxes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoping {
    /// Whether mailbox scoping applies (it does not to delegated-only apps).
    pub applies: bool,
    pub mechanism: ScopeMechanism,
    pub group_name: String,
    /// Local part of the suggested group address; the tenant's domain is appended.
    pub group_alias: String,
    pub description: String,
    /// Why scoping does not apply, when it does not.
    #[serde(default)]
    pub not_applicable_reason: Option<String>,
}

/// Where the admin enters the values in the vendor's product, and which values.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorSettings {
    /// Where in the vendor's product the settings are entered.
    pub location: String,
    #[serde(rename = "field")]
    pub fields: Vec<VendorField>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorField {
    /// The label on the vendor's settings page.
    pub label: String,
    pub value: VendorValue,
}

/// A value mailscope knows and the vendor asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VendorValue {
    ClientId,
    TenantId,
    ClientSecret,
    CertificateThumbprint,
    CertificateFile,
    RedirectUri,
    MailboxAddresses,
}

/// A file the vendor's product reads, which mailscope can write.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorOutput {
    pub kind: VendorOutputKind,
    /// Path of the file inside the vendor's installation.
    pub path: String,
    /// The JSON key whose entry holds the values.
    pub key: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VendorOutputKind {
    /// LEXZUR's `integrations.json` with `clientId` and `clientSecret`.
    IntegrationsJson,
}

impl Preset {
    /// Application permissions, the ones that a token's `roles` claim carries.
    pub fn application_permissions(&self) -> impl Iterator<Item = &Permission> {
        self.permissions
            .iter()
            .filter(|p| p.kind == PermissionKind::Application)
    }

    /// Delegated permissions, consented for signed-in users.
    pub fn delegated_permissions(&self) -> impl Iterator<Item = &Permission> {
        self.permissions
            .iter()
            .filter(|p| p.kind == PermissionKind::Delegated)
    }

    /// Permissions the guide asks for only for part of the product; the admin opts into each
    /// (the profile's `optional_permissions`).
    pub fn optional_permissions(&self) -> impl Iterator<Item = &Permission> {
        self.permissions.iter().filter(|p| p.optional)
    }

    /// The permissions the app asks for: every required one, and the optional ones named in
    /// `chosen` (least privilege: an optional permission nobody chose is left out).
    pub fn requested<'a>(&'a self, chosen: &'a [String]) -> impl Iterator<Item = &'a Permission> {
        self.permissions
            .iter()
            .filter(move |p| !p.optional || chosen.iter().any(|c| c == &p.name))
    }

    /// This preset as one profile uses it: only the [`Preset::requested`] permissions. Scripts,
    /// checks and reports work from this, so an optional permission the admin did not choose
    /// is neither requested, nor consented, nor checked, nor reported as needed.
    pub fn narrowed(&self, chosen: &[String]) -> Preset {
        Preset {
            permissions: self.requested(chosen).cloned().collect(),
            ..self.clone()
        }
    }

    /// The preset as used with its vendor-hosted app: the vendor app's permissions (the
    /// preset's own when it lists none), no redirect URI and no credential of the customer's.
    /// `None` when the preset names no vendor app.
    pub fn for_vendor_app(&self) -> Option<Preset> {
        let v = self.vendor_app.as_ref()?;
        let permissions = if v.permissions.is_empty() {
            self.permissions.clone()
        } else {
            v.permissions.clone()
        };
        Some(Preset {
            permissions,
            redirect_uri_template: None,
            ..self.clone()
        })
    }

    /// Whether the preset includes the application permission `name`.
    pub fn has_application_permission(&self, name: &str) -> bool {
        self.application_permissions().any(|p| p.name == name)
    }

    /// The suggested redirect URI for a vendor server base URL.
    pub fn redirect_uri_for(&self, server: &str) -> Option<String> {
        self.redirect_uri_template
            .as_ref()
            .map(|t| t.replace("{server}", server.trim_end_matches('/')))
    }
}

const SOURCES: [(PresetId, &str); 6] = [
    (
        PresetId::Kundo,
        include_str!("../../assets/presets/kundo.toml"),
    ),
    (
        PresetId::Lexzur,
        include_str!("../../assets/presets/lexzur.toml"),
    ),
    (
        PresetId::Elegere,
        include_str!("../../assets/presets/elegere.toml"),
    ),
    (
        PresetId::Sinch,
        include_str!("../../assets/presets/sinch.toml"),
    ),
    (
        PresetId::Emplifi,
        include_str!("../../assets/presets/emplifi.toml"),
    ),
    (
        PresetId::Custom,
        include_str!("../../assets/presets/custom.toml"),
    ),
];

/// The embedded preset for `id`. The files are part of the binary and are tested, so a parse
/// failure is a build defect; it is still reported as an error rather than a panic.
pub fn preset(id: PresetId) -> Result<Preset, PresetError> {
    let (_, text) = SOURCES
        .iter()
        .find(|(p, _)| *p == id)
        .ok_or(PresetError::Missing(id))?;
    let preset: Preset = toml::from_str(text).map_err(|e| PresetError::Invalid {
        id,
        message: e.to_string(),
    })?;
    if preset.id != id {
        return Err(PresetError::Invalid {
            id,
            message: format!("file declares id {:?}", preset.id),
        });
    }
    Ok(preset)
}

/// All embedded presets, in menu order.
pub fn all() -> Result<Vec<Preset>, PresetError> {
    PresetId::ALL.into_iter().map(preset).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum PresetError {
    #[error("no preset named {0:?} is built in")]
    Missing(PresetId),
    #[error("built-in preset {id:?} is invalid: {message}")]
    Invalid { id: PresetId, message: String },
}

#[cfg(test)]
mod tests;
