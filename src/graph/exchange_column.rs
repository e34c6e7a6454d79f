//! Exchange's own verdict per mailbox, kept beside Graph's in a check run ([`ExchangeVerdicts`]),
//! and how a run asks for it ([`ExchangeProbe`]). The probe lives with the Exchange code (which
//! depends on this module, so this module only names the trait); the command line and the
//! wizard hand one to [`super::run_profile`] through [`super::RunSpec::exchange`]. It resumes a
//! remembered Exchange admin sign-in and never prompts: the vendor's app never gets Exchange
//! rights, so without an admin sign-in the column says so.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::plan::Capability;
use crate::preset::Preset;
use crate::profile::{Profile, ScopeMechanism};
use crate::secrets::SecretStore;

/// What Exchange says about one mailbox (Test-ApplicationAccessPolicy's `AccessCheckResult`,
/// or Test-ServicePrincipalAuthorization's `InScope` over the roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExchangeAccess {
    Granted,
    Denied,
    /// Some roles are in scope, not all (RBAC for Applications).
    Partial,
    /// Exchange's answer could not be read.
    Unknown,
}

impl ExchangeAccess {
    pub fn as_str(self) -> &'static str {
        match self {
            ExchangeAccess::Granted => "granted",
            ExchangeAccess::Denied => "denied",
            ExchangeAccess::Partial => "partial",
            ExchangeAccess::Unknown => "unknown",
        }
    }
}

/// One role's `InScope` (RBAC for Applications).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRole {
    pub role: String,
    pub in_scope: bool,
}

/// Exchange's verdict on one mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeMailbox {
    pub address: String,
    pub access: ExchangeAccess,
    /// Exchange's word, as it came (`AccessCheckResult`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<ExchangeRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl ExchangeMailbox {
    /// Exchange's verdict for one capability. With RBAC for Applications' roles: granted when
    /// a role in scope grants it, denied when the roles that would are all out of scope (so a
    /// `partial` mailbox is decided per capability); otherwise the mailbox's verdict.
    pub fn access_for(&self, capability: Capability) -> ExchangeAccess {
        let grants = |r: &&ExchangeRole| {
            let permission = r.role.trim().trim_start_matches("Application ");
            Capability::from_permission(permission).contains(&capability)
        };
        let mut speaking = self.roles.iter().filter(grants).peekable();
        if self.access == ExchangeAccess::Unknown || speaking.peek().is_none() {
            return self.access;
        }
        if speaking.any(|r| r.in_scope) {
            ExchangeAccess::Granted
        } else {
            ExchangeAccess::Denied
        }
    }
}

/// Whether Exchange was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExchangeState {
    /// Exchange answered for the mailboxes (some may still be `unknown`).
    Tested,
    /// No verdict: no Exchange sign-in, or Exchange could not be asked ([`ExchangeVerdicts::reason`]).
    NotAvailable,
}

/// Exchange's column of a check run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeVerdicts {
    pub state: ExchangeState,
    /// Why there is no verdict, in words, with what to do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The mechanism Exchange was asked about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<ScopeMechanism>,
    /// The admin whose sign-in asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<String>,
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub tested_at: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mailboxes: Vec<ExchangeMailbox>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl ExchangeVerdicts {
    /// No verdict, for `reason` (said after "not available: ").
    pub fn not_available(reason: impl Into<String>) -> ExchangeVerdicts {
        ExchangeVerdicts {
            state: ExchangeState::NotAvailable,
            reason: Some(format!("not available: {}", reason.into())),
            mechanism: None,
            admin: None,
            tested_at: None,
            mailboxes: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The reason when no Exchange admin sign-in is remembered for the profile's tenant.
    pub fn no_signin(profile: &str) -> ExchangeVerdicts {
        ExchangeVerdicts::not_available(format!(
            "no Exchange sign-in (mailscope signin --exchange --profile {profile})"
        ))
    }

    /// Exchange's verdict on `mailbox` (addresses compared case-insensitively).
    pub fn mailbox(&self, mailbox: &str) -> Option<&ExchangeMailbox> {
        let m = mailbox.trim();
        self.mailboxes
            .iter()
            .find(|v| v.address.trim().eq_ignore_ascii_case(m))
    }

    /// What Exchange says about `mailbox`, when it was asked and could answer.
    pub fn access(&self, mailbox: &str) -> Option<ExchangeAccess> {
        self.mailbox(mailbox)
            .map(|m| m.access)
            .filter(|a| *a != ExchangeAccess::Unknown)
    }

    /// The Exchange column's word for `mailbox`: `granted`, `denied`, `partial`, `unknown`,
    /// or `n/a` when Exchange was not asked.
    pub fn column(&self, mailbox: &str) -> &'static str {
        match (self.state, self.mailbox(mailbox)) {
            (ExchangeState::Tested, Some(m)) => m.access.as_str(),
            (ExchangeState::Tested, None) => "unknown",
            (ExchangeState::NotAvailable, _) => "n/a",
        }
    }
}

/// What a probe needs to ask Exchange for a profile.
#[derive(Clone)]
pub struct ProbeInput {
    pub profile: Profile,
    pub preset: Preset,
    /// Where the remembered Exchange sign-in is (the run's secret store).
    pub secrets: Arc<dyn SecretStore>,
    pub timeout: Duration,
}

/// A boxed future, as the probe returns it.
pub type ProbeFuture = Pin<Box<dyn Future<Output = ExchangeVerdicts> + Send>>;

/// Asks Exchange for its verdict per mailbox of a profile. Implemented by the Exchange code
/// (`mailscope::exchange::check_probe`); never prompts for a sign-in.
pub trait ExchangeProbe: Debug + Send + Sync {
    fn verdicts(&self, input: ProbeInput) -> ProbeFuture;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_column_names_each_state() {
        let none = ExchangeVerdicts::no_signin("contoso");
        assert_eq!(
            none.reason.as_deref(),
            Some(
                "not available: no Exchange sign-in (mailscope signin --exchange --profile contoso)"
            )
        );
        assert_eq!(none.column("a@b.c"), "n/a");
        assert_eq!(none.access("a@b.c"), None);
        let tested = ExchangeVerdicts {
            state: ExchangeState::Tested,
            mailboxes: vec![
                ExchangeMailbox {
                    address: "A@b.c".into(),
                    access: ExchangeAccess::Granted,
                    answer: Some("Granted".into()),
                    roles: Vec::new(),
                    detail: None,
                },
                ExchangeMailbox {
                    address: "x@b.c".into(),
                    access: ExchangeAccess::Unknown,
                    answer: None,
                    roles: Vec::new(),
                    detail: Some("?".into()),
                },
            ],
            ..ExchangeVerdicts::not_available("")
        };
        assert_eq!(tested.access("a@B.c"), Some(ExchangeAccess::Granted));
        assert_eq!(tested.column("a@b.c"), "granted");
        assert_eq!(tested.access("x@b.c"), None, "unknown is no verdict");
        assert_eq!(tested.column("x@b.c"), "unknown");
        assert_eq!(tested.column("other@b.c"), "unknown");
        let back: ExchangeVerdicts =
            serde_json::from_str(&serde_json::to_string(&tested).unwrap_or_default())
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, tested);
    }

    #[test]
    fn a_partial_rbac_verdict_is_decided_per_capability() {
        let role = |role: &str, in_scope| ExchangeRole {
            role: role.into(),
            in_scope,
        };
        let m = ExchangeMailbox {
            address: "a@b.c".into(),
            access: ExchangeAccess::Partial,
            answer: None,
            roles: vec![
                role("Application Mail.ReadWrite", true),
                role("Application Mail.Send", false),
            ],
            detail: None,
        };
        assert_eq!(m.access_for(Capability::Read), ExchangeAccess::Granted);
        assert_eq!(m.access_for(Capability::Write), ExchangeAccess::Granted);
        assert_eq!(m.access_for(Capability::Send), ExchangeAccess::Denied);
        // No role speaks for settings: the mailbox's verdict.
        assert_eq!(m.access_for(Capability::Settings), ExchangeAccess::Partial);
        let policy = ExchangeMailbox {
            roles: Vec::new(),
            access: ExchangeAccess::Denied,
            ..m
        };
        assert_eq!(policy.access_for(Capability::Read), ExchangeAccess::Denied);
    }
}
