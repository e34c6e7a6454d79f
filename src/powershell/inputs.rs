//! What a script needs, resolved from the profile with the preset's defaults filling the gaps.

use crate::preset::{PermissionKind, Preset};
use crate::profile::{
    AccountType, Cloud, CredentialKind, Expectation, Mailbox, MailboxKind, Profile, ScopeMechanism,
};

use super::ScriptError;
use super::permission_ids::{exchange_app_role, permission_id};

/// The profile and preset, with every default applied.
pub(crate) struct Inputs<'a> {
    pub profile: &'a Profile,
    pub preset: &'a Preset,
    pub mechanism: ScopeMechanism,
    /// Whether mailbox scoping applies at all (not to delegated-only apps).
    pub scoping_applies: bool,
    pub app_name: String,
    pub group_name: String,
    pub group_alias: String,
    pub group_address: String,
    pub description: String,
    pub account_type: AccountType,
    pub credential: CredentialKind,
    pub mailboxes: &'a [Mailbox],
}

impl<'a> Inputs<'a> {
    pub(crate) fn resolve(
        profile: &'a Profile,
        preset: &'a Preset,
        mechanism: Option<ScopeMechanism>,
    ) -> Inputs<'a> {
        let scope = profile.scope.as_ref();
        let scoping = &preset.scoping;
        let mechanism = mechanism
            .or(scope.map(|s| s.mechanism))
            .unwrap_or(scoping.mechanism);
        let group_name = scope
            .and_then(|s| s.group_name.clone())
            .unwrap_or_else(|| scoping.group_name.clone());
        let group_address = scope
            .and_then(|s| s.group_address.clone())
            .unwrap_or_default();
        let group_alias = group_address
            .split_once('@')
            .map(|(local, _)| local.to_string())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| scoping.group_alias.clone());
        let description = scope
            .and_then(|s| s.description.clone())
            .unwrap_or_else(|| scoping.description.clone());
        Inputs {
            profile,
            preset,
            mechanism,
            scoping_applies: scoping.applies,
            app_name: profile
                .app_name
                .clone()
                .unwrap_or_else(|| preset.default_app_name.clone()),
            group_name,
            group_alias,
            group_address,
            description,
            account_type: profile.account_type.unwrap_or(preset.default_account_type),
            credential: profile
                .credential
                .as_ref()
                .map(|c| c.kind)
                .unwrap_or(preset.default_credential),
            mailboxes: &profile.mailboxes,
        }
    }

    pub(crate) fn any_shared_mailbox(&self) -> bool {
        self.mailboxes.iter().any(|m| m.kind == MailboxKind::Shared)
    }

    pub(crate) fn client_id(&self) -> String {
        self.profile.client_id.clone().unwrap_or_default()
    }

    pub(crate) fn service_principal_id(&self) -> String {
        self.profile
            .service_principal_id
            .clone()
            .unwrap_or_default()
    }

    pub(crate) fn tenant(&self) -> String {
        self.profile.tenant.clone().unwrap_or_default()
    }

    /// Whether the sign-in audience includes personal Microsoft accounts, which Graph accepts
    /// only with `api.requestedAccessTokenVersion = 2`.
    pub(crate) fn personal_accounts(&self) -> bool {
        self.account_type == AccountType::MultiTenantAndPersonal
    }

    /// Whether RBAC for Applications, not Entra consent, grants the scoped permissions.
    pub(crate) fn rbac(&self) -> bool {
        self.scoping_applies && self.mechanism == ScopeMechanism::Rbac
    }

    /// Exchange roles for the preset's application permissions (RBAC for Applications).
    pub(crate) fn exchange_roles(&self) -> Vec<String> {
        self.preset
            .application_permissions()
            .filter_map(|p| exchange_app_role(&p.name))
            .map(str::to_string)
            .collect()
    }

    /// Graph app-role IDs of the application permissions RBAC for Applications grants in
    /// Exchange instead of Entra (the ones whose tenant-wide consent must go).
    pub(crate) fn scoped_graph_role_ids(&self) -> Vec<String> {
        self.preset
            .application_permissions()
            .filter(|p| exchange_app_role(&p.name).is_some())
            .filter_map(|p| permission_id(&p.name, PermissionKind::Application))
            .map(str::to_string)
            .collect()
    }

    /// Application permissions to request and consent in Entra: all of them, except that with
    /// RBAC for Applications the ones Exchange grants are left to Exchange (Entra consent would
    /// add tenant-wide access on top of the scoped grant).
    pub(crate) fn entra_application_permissions(&self) -> Vec<&'a str> {
        let rbac = self.rbac();
        self.preset
            .application_permissions()
            .filter(|p| !(rbac && exchange_app_role(&p.name).is_some()))
            .map(|p| p.name.as_str())
            .collect()
    }

    pub(crate) fn delegated_permissions(&self) -> Vec<&'a str> {
        self.preset
            .delegated_permissions()
            .map(|p| p.name.as_str())
            .collect()
    }

    /// The mailbox list as (address, shared, expected reachable).
    pub(crate) fn mailbox_rows(&self) -> Vec<(&'a str, bool, bool)> {
        self.mailboxes
            .iter()
            .map(|m| {
                (
                    m.address.as_str(),
                    m.kind == MailboxKind::Shared,
                    m.expect == Expectation::Granted,
                )
            })
            .collect()
    }
}

/// The IDs of `names` of `kind`, or the first name the table does not know.
pub(crate) fn ids_for(names: &[&str], kind: PermissionKind) -> Result<Vec<String>, ScriptError> {
    names
        .iter()
        .map(|n| {
            permission_id(n, kind).map(str::to_string).ok_or_else(|| {
                ScriptError::UnknownPermission {
                    name: n.to_string(),
                    kind: kind.as_str(),
                }
            })
        })
        .collect()
}

/// `-ExchangeEnvironmentName` of `Connect-ExchangeOnline` (GCC uses the worldwide service).
pub fn exchange_environment(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Global | Cloud::Gcc | Cloud::Custom => "O365Default",
        Cloud::GccHigh => "O365USGovGCCHigh",
        Cloud::Dod => "O365USGovDoD",
        Cloud::China => "O365China",
    }
}

/// `-Environment` of `Connect-MgGraph`.
pub fn graph_environment(cloud: Cloud) -> &'static str {
    match cloud {
        Cloud::Global | Cloud::Gcc | Cloud::Custom => "Global",
        Cloud::GccHigh => "USGov",
        Cloud::Dod => "USGovDoD",
        Cloud::China => "China",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_clouds_get_their_environment_names() {
        let pairs: Vec<_> = Cloud::ALL
            .iter()
            .map(|c| (exchange_environment(*c), graph_environment(*c)))
            .collect();
        assert_eq!(
            pairs,
            [
                ("O365Default", "Global"),
                ("O365Default", "Global"),
                ("O365USGovGCCHigh", "USGov"),
                ("O365USGovDoD", "USGovDoD"),
                ("O365China", "China"),
                ("O365Default", "Global"),
            ]
        );
    }
}
