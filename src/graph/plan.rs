//! What to check: the mailbox × capability cells implied by the profile, the preset's
//! application permissions and the options.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::exchange_column::ExchangeVerdicts;
use crate::preset::Preset;
use crate::profile::{Expectation, Profile, ScopeMechanism};

/// One thing the app may do in a mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// List one message with a minimal `$select`.
    Read,
    /// Create a draft and delete it again.
    Write,
    /// Read the mailbox settings.
    Settings,
    /// Send one message to the address the user named (opt-in only).
    Send,
}

impl Capability {
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Read => "read",
            Capability::Write => "write",
            Capability::Settings => "settings",
            Capability::Send => "send",
        }
    }

    /// The capabilities an application permission implies.
    pub fn from_permission(name: &str) -> &'static [Capability] {
        match name {
            "Mail.ReadWrite" => &[Capability::Read, Capability::Write],
            "Mail.Read" | "Mail.ReadBasic" | "Mail.ReadBasic.All" => &[Capability::Read],
            "MailboxSettings.Read" | "MailboxSettings.ReadWrite" => &[Capability::Settings],
            "Mail.Send" => &[Capability::Send],
            _ => &[],
        }
    }
}

/// One mailbox to check and what is expected of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMailbox {
    pub address: String,
    pub expect: Expectation,
    pub capabilities: Vec<Capability>,
}

/// Everything one run checks.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckPlan {
    /// The profile's name (copied into the report).
    pub profile: String,
    pub mailboxes: Vec<PlannedMailbox>,
    /// Where to send the test message for [`Capability::Send`].
    pub send_to: Option<String>,
    pub mechanism: Option<ScopeMechanism>,
    /// When scoping last changed (for `pending`).
    pub scope_changed_at: Option<OffsetDateTime>,
    /// Things worth saying about what is not checked.
    pub notes: Vec<String>,
    /// The preset as the profile uses it ([`Preset::narrowed`] by its optional permissions):
    /// the consent check compares the token with these application permissions.
    pub preset: Preset,
    /// Exchange's verdict per mailbox, when the run asked for it (set by
    /// [`super::run_profile`]); the cells use it and the run's report carries it.
    pub exchange: Option<Arc<ExchangeVerdicts>>,
}

impl CheckPlan {
    /// The cells for a profile and its preset. `send_to` opts in to the send check.
    pub fn new(profile: &Profile, full: &Preset, send_to: Option<&str>) -> CheckPlan {
        let preset = &full.narrowed(&profile.optional_permissions);
        let mut caps: Vec<Capability> = preset
            .application_permissions()
            .flat_map(|p| Capability::from_permission(&p.name).iter().copied())
            .collect();
        caps.sort();
        caps.dedup();
        let mut notes = Vec::new();
        if preset.application_permissions().next().is_none() {
            notes.push(format!(
                "{} uses delegated permissions only, so mailbox access cannot be checked app-only; only the app's credential was checked.",
                preset.product
            ));
        }
        for left_out in full
            .optional_permissions()
            .filter(|p| !profile.optional_permissions.contains(&p.name))
        {
            notes.push(format!(
                "{} is optional for {} and not chosen in this profile (optional_permissions), so it is not checked and the app should not hold it.",
                left_out.name, preset.product
            ));
        }
        if caps.contains(&Capability::Send) && send_to.is_none() {
            caps.retain(|c| *c != Capability::Send);
            notes.push("Mail.Send is not checked: proving it sends a real message. Pass --send-to ADDRESS to opt in.".to_string());
        }
        let mailboxes = profile
            .mailboxes
            .iter()
            .map(|m| PlannedMailbox {
                address: m.address.trim().to_string(),
                expect: m.expect,
                capabilities: caps.clone(),
            })
            .collect();
        CheckPlan {
            profile: profile.name.clone(),
            mailboxes,
            send_to: send_to.map(str::to_string),
            mechanism: profile.scope.as_ref().map(|s| s.mechanism),
            scope_changed_at: profile.scope.as_ref().and_then(|s| s.changed_at),
            notes,
            preset: preset.clone(),
            exchange: None,
        }
    }

    /// Number of cells.
    pub fn cells(&self) -> usize {
        self.mailboxes.iter().map(|m| m.capabilities.len()).sum()
    }

    /// The same plan reduced to the given (mailbox, capability) cells (watch mode).
    pub fn only(&self, keep: &[(String, Capability)]) -> CheckPlan {
        let mailboxes = self
            .mailboxes
            .iter()
            .filter_map(|m| {
                let caps: Vec<Capability> = m
                    .capabilities
                    .iter()
                    .copied()
                    .filter(|c| keep.iter().any(|(a, k)| *a == m.address && k == c))
                    .collect();
                (!caps.is_empty()).then(|| PlannedMailbox {
                    capabilities: caps,
                    ..m.clone()
                })
            })
            .collect();
        CheckPlan {
            mailboxes,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preset;
    use crate::profile::{Cloud, Mailbox, MailboxKind, PresetId};

    fn profile(id: PresetId) -> Profile {
        let mut p = Profile::new("t", id, Cloud::Global);
        for (a, e) in [
            ("a@contoso.com", Expectation::Granted),
            ("b@contoso.com", Expectation::Denied),
        ] {
            p.mailboxes.push(Mailbox {
                address: a.into(),
                kind: MailboxKind::User,
                expect: e,
            });
        }
        p
    }

    fn plan(id: PresetId, send_to: Option<&str>) -> CheckPlan {
        CheckPlan::new(&profile(id), &preset::preset(id).expect("preset"), send_to)
    }

    #[test]
    fn capabilities_follow_application_permissions() {
        let emplifi = plan(PresetId::Emplifi, None);
        assert_eq!(
            emplifi.mailboxes[0].capabilities,
            vec![Capability::Read, Capability::Write]
        );
        assert_eq!(emplifi.cells(), 4);
        assert!(emplifi.notes[0].contains("--send-to"));
        let with_send = plan(PresetId::Emplifi, Some("me@contoso.com"));
        assert_eq!(
            with_send.mailboxes[1].capabilities,
            vec![Capability::Read, Capability::Write, Capability::Send]
        );
        assert_eq!(
            plan(PresetId::Custom, None).mailboxes[0].capabilities,
            vec![Capability::Read]
        );
    }

    /// Sinch's Mail.Send is optional: unchosen, it is neither checked nor expected in the
    /// token (a token carrying it shows it as extra); chosen, it is both.
    #[test]
    fn optional_permissions_are_checked_only_when_the_profile_chooses_them() {
        let sinch = preset::preset(PresetId::Sinch).expect("preset");
        let mut profile = profile(PresetId::Sinch);
        let plain = CheckPlan::new(&profile, &sinch, Some("me@contoso.com"));
        assert_eq!(
            plain.mailboxes[0].capabilities,
            vec![Capability::Read, Capability::Write]
        );
        assert!(
            plain
                .notes
                .iter()
                .any(|n| n.starts_with("Mail.Send is optional for Sinch Contact Pro")),
            "{:?}",
            plain.notes
        );
        let claims = crate::graph::auth::TokenClaims {
            roles: Some(vec!["Mail.ReadWrite".into(), "Mail.Send".into()]),
            ..Default::default()
        };
        let consent = crate::graph::auth::compare(&claims, &plain.preset, plain.mechanism);
        assert_eq!(consent.extra, ["Mail.Send"]);
        assert!(consent.missing.is_empty());

        profile.optional_permissions = vec!["Mail.Send".into()];
        let chosen = CheckPlan::new(&profile, &sinch, Some("me@contoso.com"));
        assert_eq!(
            chosen.mailboxes[0].capabilities,
            vec![Capability::Read, Capability::Write, Capability::Send]
        );
        assert!(chosen.notes.iter().all(|n| !n.contains("optional")));
        let consent = crate::graph::auth::compare(&claims, &chosen.preset, chosen.mechanism);
        assert!(consent.extra.is_empty());
        assert_eq!(consent.granted, ["Mail.ReadWrite", "Mail.Send"]);
    }

    #[test]
    fn delegated_only_preset_has_no_cells_and_says_why() {
        let p = plan(PresetId::Lexzur, None);
        assert_eq!(p.cells(), 0);
        assert!(p.notes[0].contains("delegated permissions only"));
    }

    #[test]
    fn only_keeps_the_named_cells() {
        let p = plan(PresetId::Emplifi, None);
        let q = p.only(&[("b@contoso.com".into(), Capability::Write)]);
        assert_eq!(q.mailboxes.len(), 1);
        assert_eq!(q.mailboxes[0].capabilities, vec![Capability::Write]);
    }
}
