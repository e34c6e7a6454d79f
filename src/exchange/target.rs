//! What the profile wants Exchange to hold: the app, the group (names resolved as the
//! generated PowerShell resolves them), the mailboxes that must and must not be reached, the
//! shared mailboxes to create, and for RBAC for Applications the service principal pointer,
//! the management scope and the roles.

use crate::powershell::{ScopingNames, scoping_names};
use crate::preset::Preset;
use crate::profile::{Expectation, MailboxKind, Profile, ScopeMechanism};

/// The wanted state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub names: ScopingNames,
    /// The app's client ID (`None` until the app is registered).
    pub app_id: Option<String>,
    /// The service principal's object ID (Enterprise applications).
    pub sp_object_id: Option<String>,
    /// Lower-case addresses, as the profile lists them.
    pub must_reach: Vec<String>,
    pub must_not_reach: Vec<String>,
    /// Shared mailboxes the profile lists (created when missing).
    pub shared: Vec<String>,
}

impl Target {
    /// `mechanism` overrides the profile's and the preset's.
    pub fn of(profile: &Profile, preset: &Preset, mechanism: Option<ScopeMechanism>) -> Target {
        let by = |e: Expectation| -> Vec<String> {
            profile
                .mailboxes
                .iter()
                .filter(|m| m.expect == e)
                .map(|m| m.address.trim().to_ascii_lowercase())
                .collect()
        };
        Target {
            names: scoping_names(profile, preset, mechanism),
            app_id: profile.client_id.clone(),
            sp_object_id: profile.service_principal_id.clone(),
            must_reach: by(Expectation::Granted),
            must_not_reach: by(Expectation::Denied),
            shared: profile
                .mailboxes
                .iter()
                .filter(|m| m.kind == MailboxKind::Shared)
                .map(|m| m.address.trim().to_ascii_lowercase())
                .collect(),
        }
    }

    pub fn mechanism(&self) -> ScopeMechanism {
        self.names.mechanism
    }

    /// How the group is looked up: its address when the profile names one, else its name.
    pub fn group_identity(&self) -> &str {
        if self.names.group_address.is_empty() {
            &self.names.group_name
        } else {
            &self.names.group_address
        }
    }

    /// The management scope's name (RBAC for Applications): the group's name, so the scope
    /// is recognisable as the group's.
    pub fn scope_name(&self) -> &str {
        &self.names.group_name
    }

    /// Every mailbox the profile lists, with whether it must be reached.
    pub fn mailboxes(&self) -> impl Iterator<Item = (&str, bool)> {
        self.must_reach
            .iter()
            .map(|a| (a.as_str(), true))
            .chain(self.must_not_reach.iter().map(|a| (a.as_str(), false)))
    }
}

/// The management scope filter for a group: its direct members (`MemberOfGroup`), the value
/// quoted for OPATH (a single quote doubled).
pub fn member_of_filter(group_dn: &str) -> String {
    format!("MemberOfGroup -eq '{}'", group_dn.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{Cloud, Mailbox, PresetId};

    #[test]
    fn names_come_from_the_same_resolution_as_the_script() {
        let preset = crate::preset::preset(PresetId::Kundo).expect("preset");
        let mut p = Profile::new("t", PresetId::Kundo, Cloud::Global);
        p.mailboxes = vec![
            Mailbox {
                address: "Support@Contoso.com".into(),
                kind: MailboxKind::Shared,
                expect: Expectation::Granted,
            },
            Mailbox {
                address: "ceo@contoso.com".into(),
                kind: MailboxKind::User,
                expect: Expectation::Denied,
            },
        ];
        let t = Target::of(&p, &preset, Some(ScopeMechanism::Rbac));
        assert_eq!(t.names.group_name, preset.scoping.group_name);
        assert_eq!(t.group_identity(), preset.scoping.group_name);
        assert_eq!(t.mechanism(), ScopeMechanism::Rbac);
        assert_eq!(t.must_reach, ["support@contoso.com"]);
        assert_eq!(t.shared, ["support@contoso.com"]);
        assert_eq!(t.mailboxes().count(), 2);
        assert!(!t.names.roles.is_empty());
        assert_eq!(
            member_of_filter("CN=O'Neil,OU=x"),
            "MemberOfGroup -eq 'CN=O''Neil,OU=x'"
        );
    }
}
