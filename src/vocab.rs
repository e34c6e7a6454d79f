//! The vocabulary the profile, the presets and the checks share: which guide, which cloud,
//! which account type, credential kind, scoping mechanism, mailbox kind and expectation. A leaf:
//! it imports nothing of mailscope, so `profile` and `preset` can both use it.

use serde::{Deserialize, Serialize};

/// Which vendor guide the onboarding follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PresetId {
    Kundo,
    Lexzur,
    Elegere,
    Sinch,
    Emplifi,
    Custom,
}

impl PresetId {
    pub const ALL: [PresetId; 6] = [
        PresetId::Kundo,
        PresetId::Lexzur,
        PresetId::Elegere,
        PresetId::Sinch,
        PresetId::Emplifi,
        PresetId::Custom,
    ];

    /// The identifier used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            PresetId::Kundo => "kundo",
            PresetId::Lexzur => "lexzur",
            PresetId::Elegere => "elegere",
            PresetId::Sinch => "sinch",
            PresetId::Emplifi => "emplifi",
            PresetId::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<PresetId> {
        PresetId::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// The Microsoft cloud the tenant lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cloud {
    #[default]
    Global,
    Gcc,
    GccHigh,
    Dod,
    China,
    /// Explicit endpoints from `[endpoints]` (the simulated tenant, a test proxy).
    Custom,
}

impl Cloud {
    pub const ALL: [Cloud; 6] = [
        Cloud::Global,
        Cloud::Gcc,
        Cloud::GccHigh,
        Cloud::Dod,
        Cloud::China,
        Cloud::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Cloud::Global => "global",
            Cloud::Gcc => "gcc",
            Cloud::GccHigh => "gcc-high",
            Cloud::Dod => "dod",
            Cloud::China => "china",
            Cloud::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<Cloud> {
        Cloud::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// A name an admin recognises.
    pub fn label(self) -> &'static str {
        match self {
            Cloud::Global => "Global (commercial)",
            Cloud::Gcc => "US Government GCC",
            Cloud::GccHigh => "US Government GCC High",
            Cloud::Dod => "US Government DoD",
            Cloud::China => "China (21Vianet)",
            Cloud::Custom => "Custom endpoints",
        }
    }

    /// Exchange Online's host for the REST endpoint `InvokeCommand` (and the resource of its
    /// token), per Microsoft's Exchange admin API endpoints reference; `None` for
    /// [`Cloud::Custom`], whose profile names it in `[endpoints] exchange`.
    pub fn exchange_host(self) -> Option<&'static str> {
        match self {
            Cloud::Global | Cloud::Gcc => Some("outlook.office365.com"),
            Cloud::GccHigh => Some("outlook.office365.us"),
            Cloud::Dod => Some("outlook-dod.office365.us"),
            Cloud::China => Some("outlook.office365.cn"),
            Cloud::Custom => None,
        }
    }
}

/// Who may sign in to the app (the "Supported account types" choice in the portal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountType {
    /// Accounts in this organizational directory only (single tenant).
    SingleTenant,
    /// Accounts in any organizational directory (multitenant).
    MultiTenant,
    /// Any organizational directory and personal Microsoft accounts.
    MultiTenantAndPersonal,
}

impl AccountType {
    /// The wording of the portal's radio button.
    pub fn portal_label(self) -> &'static str {
        match self {
            AccountType::SingleTenant => {
                "Accounts in this organizational directory only (Single tenant)"
            }
            AccountType::MultiTenant => "Accounts in any organizational directory (Multitenant)",
            AccountType::MultiTenantAndPersonal => {
                "Accounts in any organizational directory and personal Microsoft accounts"
            }
        }
    }

    /// The `signInAudience` value of the application object.
    pub fn sign_in_audience(self) -> &'static str {
        match self {
            AccountType::SingleTenant => "AzureADMyOrg",
            AccountType::MultiTenant => "AzureADMultipleOrgs",
            AccountType::MultiTenantAndPersonal => "AzureADandPersonalMicrosoftAccount",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialKind {
    Secret,
    Certificate,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::Secret => "secret",
            CredentialKind::Certificate => "certificate",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScopeMechanism {
    /// `New-ApplicationAccessPolicy` with a mail-enabled security group, as in the vendor guides.
    ApplicationAccessPolicy,
    /// RBAC for Applications in Exchange Online, Microsoft's successor to access policies.
    Rbac,
}

impl ScopeMechanism {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeMechanism::ApplicationAccessPolicy => "application-access-policy",
            ScopeMechanism::Rbac => "rbac",
        }
    }

    pub fn parse(s: &str) -> Option<ScopeMechanism> {
        match s {
            "application-access-policy" => Some(ScopeMechanism::ApplicationAccessPolicy),
            "rbac" => Some(ScopeMechanism::Rbac),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MailboxKind {
    #[default]
    User,
    Shared,
}

impl MailboxKind {
    pub(crate) fn is_user(&self) -> bool {
        *self == MailboxKind::User
    }
}

/// What the checks must observe for a mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expectation {
    Granted,
    Denied,
}

impl Expectation {
    pub fn as_str(self) -> &'static str {
        match self {
            Expectation::Granted => "granted",
            Expectation::Denied => "denied",
        }
    }
}
