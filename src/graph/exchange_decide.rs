//! How Exchange's own verdict settles a cell that Graph alone leaves open. Graph applies
//! scoping changes 30 minutes to 2 hours after Exchange does, so when Graph disagrees with the
//! profile, Exchange tells which way it will go:
//!
//! - Exchange grants (or refuses) as the profile wants, Graph does not yet → `pending`, with a
//!   cause that says Exchange already agrees and Graph follows within the documented delay;
//! - Exchange itself does not grant a must-reach mailbox, or grants a must-not-reach one →
//!   `fail` at once with the fix, instead of waiting out the propagation window;
//! - with RBAC for Applications, tenant-wide Mail permissions in Entra reach every mailbox
//!   whatever Exchange's scope says, so Exchange's refusal is no reason to wait then; an
//!   application access policy only narrows Entra's permissions, so when the token lacks them,
//!   Exchange's grant is no reason to wait either.
//!
//! Cells Graph decided as expected, and errors, are left as they are: Graph is what the app
//! meets.

use time::OffsetDateTime;

use super::auth::ConsentReport;
use super::diagnosis::{Cause, Diagnosis};
use super::exchange_column::{ExchangeAccess, ExchangeMailbox};
use super::verdict::{Decision, Verdict, propagation_window};
use crate::profile::{Expectation, ScopeMechanism};

/// The documented delay, as the cause says it.
pub const FOLLOWS: &str = "Graph follows within the documented delay (30 minutes to 2 hours)";

/// What the app's token says about its tenant-wide grants in Entra.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntraGrants {
    /// It carries Mail or MailboxSettings application permissions (tenant-wide).
    pub mail: bool,
    /// It lacks an application permission the preset needs.
    pub missing: bool,
}

impl EntraGrants {
    /// From the run's consent check (none: nothing known).
    pub fn of(consent: Option<&ConsentReport>) -> EntraGrants {
        consent.map_or_else(EntraGrants::default, |c| EntraGrants {
            mail: c
                .granted
                .iter()
                .chain(&c.extra)
                .any(|r| r.starts_with("Mail.") || r.starts_with("MailboxSettings.")),
            missing: !c.missing.is_empty(),
        })
    }
}

/// What a cell's decision can use from Exchange.
#[derive(Debug, Clone, Copy)]
pub struct ExchangeInput<'a> {
    pub mailbox: &'a ExchangeMailbox,
    /// Exchange's verdict for the cell's capability ([`ExchangeMailbox::access_for`]).
    pub access: ExchangeAccess,
    pub mechanism: Option<ScopeMechanism>,
    pub entra: EntraGrants,
    pub profile: &'a str,
    pub changed_at: Option<OffsetDateTime>,
    pub now: OffsetDateTime,
}

/// Exchange's test as the summary names it.
fn said(ex: &ExchangeInput) -> String {
    let m = ex.mailbox;
    match ex.mechanism {
        Some(ScopeMechanism::Rbac) => {
            let out: Vec<&str> = m
                .roles
                .iter()
                .filter(|r| !r.in_scope)
                .map(|r| r.role.as_str())
                .collect();
            if out.is_empty() || m.access == ExchangeAccess::Denied {
                format!("Test-ServicePrincipalAuthorization: {}", m.access.as_str())
            } else {
                format!(
                    "Test-ServicePrincipalAuthorization: not in scope for {}",
                    out.join(", ")
                )
            }
        }
        _ => format!(
            "Test-ApplicationAccessPolicy: {}",
            m.answer.as_deref().unwrap_or(m.access.as_str())
        ),
    }
}

/// The decision with Exchange's verdict taken into account, or `None` when it changes nothing.
pub fn with_exchange(
    expect: Expectation,
    outcome: &Result<u16, Diagnosis>,
    base: &Decision,
    ex: &ExchangeInput,
) -> Option<Decision> {
    let reached = match outcome {
        Ok(_) => true,
        Err(d) if d.cause.is_access_denial() => false,
        Err(_) => return None,
    };
    let access = ex.access;
    let rbac = ex.mechanism == Some(ScopeMechanism::Rbac);
    // RBAC grants come on top of Entra's: tenant-wide Mail permissions reach every mailbox.
    let entra_bypass = rbac && ex.entra.mail;
    // A must-reach mailbox Graph reaches only until Exchange's refusal propagates.
    let losing = expect == Expectation::Granted
        && reached
        && matches!(access, ExchangeAccess::Denied | ExchangeAccess::Partial)
        && !entra_bypass;
    if !losing && !matches!(base.verdict, Verdict::Pending | Verdict::Fail) {
        return None;
    }
    // Graph's refusal, or the one Graph will give once Exchange's scoping reaches it.
    let graph_cause = outcome.as_ref().err().map_or(
        if rbac {
            Cause::PermissionMissing
        } else {
            Cause::PolicyDenied
        },
        |d| d.cause,
    );
    let p = ex.profile;
    let test = format!("`mailscope exchange test --profile {p}`");
    // A policy only narrows Entra's permissions: without them, Exchange's grant is not Graph's.
    let grant_counts = rbac || !ex.entra.missing;
    let settled = |summary: String, fix: String| Decision {
        verdict: Verdict::Fail,
        recheck_after: None,
        own_diagnosis: Some(Diagnosis::new(graph_cause, summary, fix)),
    };
    match (expect, reached, access) {
        (_, _, ExchangeAccess::Unknown) => None,
        // Graph refuses a must-reach mailbox.
        (Expectation::Granted, false, ExchangeAccess::Granted) if !grant_counts => None,
        (Expectation::Granted, false, ExchangeAccess::Granted) => Some(follows(
            ex,
            graph_cause,
            format!(
                "Graph refused, but Exchange already grants it; {FOLLOWS} ({}).",
                said(ex)
            ),
        )),
        (Expectation::Granted, true, _) if !losing => None,
        (Expectation::Granted, _, _) => {
            let fix = if rbac {
                format!(
                    "Put this mailbox in the management scope's group and assign every role to the app for that scope: `mailscope exchange apply --profile {p} --mechanism rbac` does both; check with {test}. Graph follows within 30 minutes to 2 hours."
                )
            } else {
                format!(
                    "Add this mailbox to the policy's mail-enabled security group as a direct member: `mailscope exchange apply --profile {p}` does it; check with {test}. Graph follows within 30 minutes to 2 hours."
                )
            };
            let summary = if reached {
                format!(
                    "Exchange does not grant the app this mailbox ({}): Graph still reaches it, but will refuse it once the scoping propagates.",
                    said(ex)
                )
            } else {
                format!(
                    "Exchange does not grant the app this mailbox ({}), so waiting for propagation will not help.",
                    said(ex)
                )
            };
            Some(settled(summary, fix))
        }
        // Graph reaches a must-not-reach mailbox.
        (Expectation::Denied, true, ExchangeAccess::Denied) if entra_bypass => Some(settled(
            format!(
                "Exchange's RBAC scope excludes this mailbox ({}), but the app's tenant-wide Mail permissions in Entra ID reach it anyway: Exchange adds them to RBAC grants.",
                said(ex)
            ),
            format!(
                "Remove the app's tenant-wide Entra consent for the scoped permissions: `mailscope exchange apply --profile {p} --mechanism rbac --remove-consent`."
            ),
        )),
        (Expectation::Denied, true, ExchangeAccess::Denied) => Some(follows(
            ex,
            graph_cause,
            format!(
                "Graph still reached it, but Exchange already refuses it; {FOLLOWS} ({}).",
                said(ex)
            ),
        )),
        (Expectation::Denied, true, _) => {
            let fix = if rbac {
                format!(
                    "Take this mailbox out of the management scope's group (Remove-DistributionGroupMember; mailscope never removes members itself), or narrow the scope; check with {test}."
                )
            } else {
                format!(
                    "Take this mailbox out of the policy's group (Remove-DistributionGroupMember; mailscope never removes members itself); check with {test}."
                )
            };
            Some(settled(
                format!(
                    "Exchange grants the app this mailbox ({}), which it must not reach: the scoping lets it in.",
                    said(ex)
                ),
                fix,
            ))
        }
        _ => None,
    }
}

/// Pending until Graph follows Exchange; past the documented window (when the change time is
/// known), a fail that says so.
fn follows(ex: &ExchangeInput, cause: Cause, summary: String) -> Decision {
    let window = propagation_window(ex.mechanism);
    let closes = ex.changed_at.map(|t| t + window);
    if closes.is_some_and(|c| ex.now >= c) {
        return Decision {
            verdict: Verdict::Fail,
            recheck_after: None,
            own_diagnosis: Some(Diagnosis::new(
                cause,
                format!(
                    "{summary} More than 2 hours have passed since the scoping changed, though."
                ),
                "Run `mailscope check` again later; if Graph still disagrees with Exchange, open a case with Microsoft support and quote the request IDs.",
            )),
        };
    }
    let at = closes.unwrap_or(ex.now + window);
    Decision {
        verdict: Verdict::Pending,
        recheck_after: Some(at),
        own_diagnosis: Some(Diagnosis::new(
            cause,
            format!(
                "{summary} Re-check after {} (mailscope check --watch).",
                crate::timefmt::rfc3339(at)
            ),
            format!(
                "Nothing to change: wait, then run `mailscope check --profile {} --watch`.",
                ex.profile
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::exchange_column::ExchangeRole;
    use crate::graph::verdict::decide;
    use time::Duration;

    fn mailbox(access: ExchangeAccess) -> ExchangeMailbox {
        ExchangeMailbox {
            address: "a@contoso.com".into(),
            access,
            answer: None,
            roles: vec![
                ExchangeRole {
                    role: "Application Mail.Read".into(),
                    in_scope: access != ExchangeAccess::Denied,
                },
                ExchangeRole {
                    role: "Application Mail.Send".into(),
                    in_scope: access == ExchangeAccess::Granted,
                },
            ],
            detail: None,
        }
    }

    fn refused() -> Result<u16, Diagnosis> {
        Err(Diagnosis::new(Cause::PolicyDenied, "no", "fix"))
    }

    /// The decision for `expect` and Graph's `outcome` with Exchange saying `access`.
    fn run(
        expect: Expectation,
        outcome: Result<u16, Diagnosis>,
        access: ExchangeAccess,
        mechanism: Option<ScopeMechanism>,
        entra: EntraGrants,
        changed_ago: Option<Duration>,
    ) -> Decision {
        let now = OffsetDateTime::now_utc();
        let changed_at = changed_ago.map(|d| now - d);
        let base = decide(expect, &outcome, mechanism, changed_at, now);
        let m = mailbox(access);
        let ex = ExchangeInput {
            mailbox: &m,
            access: m.access,
            mechanism,
            entra,
            profile: "contoso",
            changed_at,
            now,
        };
        with_exchange(expect, &outcome, &base, &ex).unwrap_or(base)
    }

    const POLICY: Option<ScopeMechanism> = Some(ScopeMechanism::ApplicationAccessPolicy);
    const RBAC: Option<ScopeMechanism> = Some(ScopeMechanism::Rbac);
    /// The token's Entra grants: the Mail permissions the preset needs, or nothing known.
    const MAIL: EntraGrants = EntraGrants {
        mail: true,
        missing: false,
    };
    const NONE: EntraGrants = EntraGrants {
        mail: false,
        missing: false,
    };

    #[test]
    fn a_policy_grant_is_no_reason_to_wait_when_the_token_lacks_the_permissions() {
        let lacking = EntraGrants {
            mail: false,
            missing: true,
        };
        let d = run(
            Expectation::Granted,
            Err(Diagnosis::new(Cause::PermissionMissing, "no", "fix")),
            ExchangeAccess::Granted,
            POLICY,
            lacking,
            None,
        );
        assert_eq!(d.verdict, Verdict::Fail);
        assert!(d.own_diagnosis.is_none(), "Graph's own diagnosis stands");
        // RBAC grants do not need Entra's.
        let d = run(
            Expectation::Granted,
            refused(),
            ExchangeAccess::Granted,
            RBAC,
            lacking,
            None,
        );
        assert_eq!(d.verdict, Verdict::Pending);
    }

    #[test]
    fn exchange_granting_what_graph_refuses_is_pending_with_the_cause() {
        // Even with no change time known (Graph alone would say fail).
        let d = run(
            Expectation::Granted,
            refused(),
            ExchangeAccess::Granted,
            POLICY,
            NONE,
            None,
        );
        assert_eq!(d.verdict, Verdict::Pending);
        let own = d.own_diagnosis.unwrap_or_else(|| panic!("a cause"));
        assert!(
            own.summary
                .contains("Exchange already grants it; Graph follows within the documented delay (30 minutes to 2 hours)"),
            "{}",
            own.summary
        );
        assert!(d.recheck_after.is_some());
        // Past the window it is a fail that says Exchange grants it.
        let late = run(
            Expectation::Granted,
            refused(),
            ExchangeAccess::Granted,
            POLICY,
            NONE,
            Some(Duration::hours(3)),
        );
        assert_eq!(late.verdict, Verdict::Fail);
    }

    #[test]
    fn exchange_not_granting_a_must_reach_mailbox_fails_at_once_with_the_fix() {
        for (access, mechanism, needle) in [
            (
                ExchangeAccess::Denied,
                POLICY,
                "mailscope exchange apply --profile contoso`",
            ),
            (ExchangeAccess::Partial, RBAC, "--mechanism rbac` does both"),
        ] {
            // Inside the propagation window, where Graph alone would say pending.
            let d = run(
                Expectation::Granted,
                refused(),
                access,
                mechanism,
                NONE,
                Some(Duration::minutes(5)),
            );
            assert_eq!(d.verdict, Verdict::Fail, "{access:?}");
            let own = d.own_diagnosis.unwrap_or_else(|| panic!("a fix"));
            assert!(own.fix.contains(needle), "{}", own.fix);
            assert!(own.summary.contains("will not help"), "{}", own.summary);
        }
        let d = run(
            Expectation::Granted,
            refused(),
            ExchangeAccess::Partial,
            RBAC,
            NONE,
            None,
        );
        let summary = d.own_diagnosis.map(|o| o.summary).unwrap_or_default();
        assert!(
            summary.contains("not in scope for Application Mail.Send"),
            "{summary}"
        );
    }

    #[test]
    fn a_must_reach_mailbox_graph_reaches_only_until_exchange_s_refusal_propagates() {
        for mechanism in [POLICY, RBAC] {
            let d = run(
                Expectation::Granted,
                Ok(200),
                ExchangeAccess::Denied,
                mechanism,
                NONE,
                Some(Duration::minutes(1)),
            );
            assert_eq!(d.verdict, Verdict::Fail, "{mechanism:?}");
            let own = d.own_diagnosis.unwrap_or_else(|| panic!("a fix"));
            assert!(
                own.summary.contains("Graph still reaches it"),
                "{}",
                own.summary
            );
            assert!(own.fix.contains("mailscope exchange apply"), "{}", own.fix);
        }
        // Tenant-wide Entra grants reach it whatever RBAC says; Exchange granting: as Graph says.
        for (access, entra) in [
            (ExchangeAccess::Denied, MAIL),
            (ExchangeAccess::Granted, NONE),
        ] {
            let d = run(Expectation::Granted, Ok(200), access, RBAC, entra, None);
            assert_eq!(d.verdict, Verdict::Pass, "{access:?}");
            assert!(d.own_diagnosis.is_none());
        }
    }

    #[test]
    fn a_must_not_reach_mailbox_graph_still_reaches() {
        // Exchange already refuses: pending (both mechanisms, no Entra grant in the way).
        for mechanism in [POLICY, RBAC] {
            let d = run(
                Expectation::Denied,
                Ok(200),
                ExchangeAccess::Denied,
                mechanism,
                NONE,
                None,
            );
            assert_eq!(d.verdict, Verdict::Pending, "{mechanism:?}");
            let s = d.own_diagnosis.map(|o| o.summary).unwrap_or_default();
            assert!(
                s.contains("Exchange already refuses it; Graph follows"),
                "{s}"
            );
        }
        // RBAC with tenant-wide Entra Mail permissions: Exchange's scope cannot help.
        let d = run(
            Expectation::Denied,
            Ok(200),
            ExchangeAccess::Denied,
            RBAC,
            MAIL,
            Some(Duration::minutes(1)),
        );
        assert_eq!(d.verdict, Verdict::Fail);
        assert!(
            d.own_diagnosis
                .is_some_and(|o| o.fix.contains("--remove-consent"))
        );
        // Exchange grants it: fail at once, inside the window too.
        let d = run(
            Expectation::Denied,
            Ok(200),
            ExchangeAccess::Granted,
            POLICY,
            NONE,
            Some(Duration::minutes(1)),
        );
        assert_eq!(d.verdict, Verdict::Fail);
        assert!(d.own_diagnosis.is_some_and(|o| {
            o.fix
                .contains("Take this mailbox out of the policy's group")
        }));
    }

    #[test]
    fn settled_cells_errors_and_unknown_answers_are_left_alone() {
        let now = OffsetDateTime::now_utc();
        let m = mailbox(ExchangeAccess::Denied);
        let ex = ExchangeInput {
            mailbox: &m,
            access: m.access,
            mechanism: POLICY,
            entra: EntraGrants::default(),
            profile: "p",
            changed_at: None,
            now,
        };
        // A must-not-reach mailbox Graph refuses, Exchange too: as Graph says.
        let refusal = refused();
        let pass = decide(Expectation::Denied, &refusal, POLICY, None, now);
        assert_eq!(
            with_exchange(Expectation::Denied, &refusal, &pass, &ex),
            None
        );
        let net = Err(Diagnosis::new(Cause::Network, "", ""));
        let err = decide(Expectation::Granted, &net, POLICY, None, now);
        assert_eq!(with_exchange(Expectation::Granted, &net, &err, &ex), None);
        let gone = Err(Diagnosis::new(Cause::MailboxNotFound, "", ""));
        let fail = decide(Expectation::Granted, &gone, POLICY, None, now);
        assert_eq!(with_exchange(Expectation::Granted, &gone, &fail, &ex), None);
        let unknown = mailbox(ExchangeAccess::Unknown);
        let ex = ExchangeInput {
            mailbox: &unknown,
            access: unknown.access,
            ..ex
        };
        let base = decide(Expectation::Granted, &refused(), POLICY, None, now);
        assert_eq!(
            with_exchange(Expectation::Granted, &refused(), &base, &ex),
            None
        );
    }
}
