//! The scoping screen's "Do it for me" in words: Exchange's plan with its role check and
//! stop, why apply stopped (and what the change record holds), and Exchange's own test per
//! mailbox as the proof. Pure functions over `mailscope::exchange`'s plan, test and errors.

use mailscope::exchange::endpoints::UNDOCUMENTED;
use mailscope::exchange::{Access, ApplyError, ExchangeError, Outcome, Plan, ScopingTest};
use mailscope::profile::{Expectation, ScopeMechanism};

use super::entra_words::failure;
use crate::tui::entra_msg::{Failure, PlanSummary, RoleLine};

/// What the endpoint's failure means for the wizard: the script on the screen stays the way.
const SCRIPT_STAYS: &str = "Run the script above instead (Tab to it: c copies it, s saves it as .ps1, r records that you ran it); it is the documented path.";

fn mechanism_words(m: ScopeMechanism) -> &'static str {
    match m {
        ScopeMechanism::ApplicationAccessPolicy => "an application access policy",
        ScopeMechanism::Rbac => "RBAC for Applications",
    }
}

/// The plan in words, for the confirm screen (`tenant`: the tenant as the profile names it).
pub fn plan_summary(plan: &Plan, tenant: &str) -> PlanSummary {
    let mut notes = Vec::new();
    if plan.migration {
        notes.push("Moving from an application access policy to RBAC for Applications: the scope and role assignments come first and are tested, then the policy is removed.".to_string());
    }
    notes.push(format!(
        "Scoping through {}.",
        mechanism_words(plan.mechanism)
    ));
    notes.extend(plan.notes.iter().filter(|n| *n != UNDOCUMENTED).cloned());
    notes.push(UNDOCUMENTED.to_string());
    PlanSummary {
        tenant_name: if tenant.is_empty() {
            plan.tenant_id.clone()
        } else {
            tenant.to_string()
        },
        tenant_id: plan.tenant_id.clone(),
        admin: plan.admin.clone(),
        admin_roles: plan.role.held.iter().cloned().collect(),
        roles: vec![RoleLine {
            need: "changing groups and scoping in Exchange".into(),
            roles: plan.role.roles.join(" or "),
            held: plan.role.held.clone(),
        }],
        actions: plan
            .actions
            .iter()
            .filter(|a| a.changes_tenant() || matches!(a, mailscope::exchange::Action::VerifyRbac))
            .map(|a| a.describe())
            .collect(),
        consent_url: None,
        blocked: plan.blocked.clone(),
        warnings: plan.warnings.clone(),
        notes,
    }
}

/// Reading Exchange failed; nothing was changed.
pub fn read_failure(e: &ExchangeError, profile: &str) -> Failure {
    let fix = if e.falls_back_to_script() {
        SCRIPT_STAYS.to_string()
    } else {
        format!("{} {SCRIPT_STAYS}", e.fix_for(profile))
    };
    failure(
        format!("Reading Exchange failed: {e}. Nothing was changed."),
        fix,
    )
}

/// Why apply stopped, in words: what happened, the fix, what the record holds.
pub fn apply_failure(e: &ApplyError, profile: &str, record: &str) -> Failure {
    let recorded = Some(format!(
        "The steps before it are done; {record} says exactly what was changed. Ctrl-D again plans from a fresh read and completes it."
    ));
    match e {
        ApplyError::Blocked(why) => failure(format!("The plan stops here: {why}"), SCRIPT_STAYS),
        ApplyError::MissingRole { .. } => failure(
            format!("{e}."),
            "Sign in as an admin who holds Exchange Administrator (an eligible role may need activating in Privileged Identity Management), or hand the script above to one.",
        ),
        ApplyError::Step { error, .. } => Failure {
            what: format!("Stopped: {}.", e.to_string().trim_end_matches('.')),
            fix: if error.falls_back_to_script() {
                SCRIPT_STAYS.to_string()
            } else {
                format!("{} {SCRIPT_STAYS}", error.fix_for(profile))
            },
            recorded,
        },
        ApplyError::NotVerified(test) => Failure {
            what: format!("{e}: {}", proof_lines(test).join(" ")),
            fix: "Check the group's members and the role assignments (the test above), then press Ctrl-D again.".into(),
            recorded,
        },
        ApplyError::Consent { .. } => Failure {
            what: format!("Stopped: {e}."),
            fix: format!("Sign in for Entra (`mailscope signin --profile {profile}`), then press Ctrl-D again."),
            recorded,
        },
        ApplyError::Record(_) | ApplyError::Profile(_) => failure(
            format!("{e}; the change was not made."),
            "Make the profile folder writable, then press Ctrl-D again.",
        ),
    }
}

/// Exchange's test in words, one line per mailbox after the headline.
pub fn proof_lines(t: &ScopingTest) -> Vec<String> {
    let head = if t.all_pass() {
        "Proven by Exchange's own test: every mailbox is as the profile expects.".to_string()
    } else {
        "Exchange's own test does not agree with the profile yet:".to_string()
    };
    let rows = t.mailboxes.iter().map(|m| {
        let expect = match m.expect {
            Expectation::Granted => "reach",
            Expectation::Denied => "not reach",
        };
        let access = match m.access {
            Access::Granted => "granted",
            Access::Denied => "denied",
            Access::Partial => "partly granted",
            Access::Unknown => "unknown",
        };
        let mark = match m.outcome {
            Outcome::Pass => "✓",
            Outcome::Fail => "✗",
            Outcome::Unknown => "?",
        };
        let detail = m
            .detail
            .as_deref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        format!(
            "{mark} {}: must {expect}, Exchange: {access}{detail}",
            m.address
        )
    });
    std::iter::once(head)
        .chain(rows)
        .chain(t.notes.iter().cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailscope::exchange::MailboxVerdict;
    use mailscope::exchange::plan::RoleCheck;

    fn plan() -> Plan {
        Plan {
            tenant_id: "t-1".into(),
            admin: "a@contoso.com".into(),
            mechanism: ScopeMechanism::ApplicationAccessPolicy,
            migration: false,
            role: RoleCheck {
                roles: vec![
                    "Exchange Administrator".into(),
                    "Global Administrator".into(),
                ],
                held: None,
            },
            actions: vec![mailscope::exchange::Action::SaveMechanism {
                mechanism: ScopeMechanism::ApplicationAccessPolicy,
            }],
            blocked: Some("'Sales' is a distribution list".into()),
            warnings: vec!["x@contoso.com is a member".into()],
            notes: vec![UNDOCUMENTED.into()],
        }
    }

    #[test]
    fn the_plan_keeps_the_stop_the_warnings_the_missing_role_and_the_undocumented_note() {
        let s = plan_summary(&plan(), "contoso.onmicrosoft.com");
        assert_eq!(s.blocked.as_deref(), Some("'Sales' is a distribution list"));
        assert_eq!(s.warnings, vec!["x@contoso.com is a member".to_string()]);
        assert!(s.missing().next().is_some());
        assert!(!s.can_apply());
        // Saving the mechanism in the profile is not a change in the tenant.
        assert!(s.actions.is_empty(), "{:?}", s.actions);
        assert_eq!(
            s.notes.iter().filter(|n| *n == UNDOCUMENTED).count(),
            1,
            "{:?}",
            s.notes
        );
        assert_eq!(s.tenant_name, "contoso.onmicrosoft.com");
    }

    #[test]
    fn the_proof_names_each_mailbox_with_exchanges_word() {
        let row = |a: &str, expect, access, outcome| MailboxVerdict {
            address: a.into(),
            expect,
            access,
            answer: None,
            roles: vec![],
            outcome,
            detail: None,
        };
        let t = ScopingTest {
            mechanism: ScopeMechanism::ApplicationAccessPolicy,
            app_id: "app".into(),
            mailboxes: vec![
                row(
                    "support@contoso.com",
                    Expectation::Granted,
                    Access::Granted,
                    Outcome::Pass,
                ),
                row(
                    "ceo@contoso.com",
                    Expectation::Denied,
                    Access::Granted,
                    Outcome::Fail,
                ),
            ],
            notes: vec![],
        };
        let l = proof_lines(&t);
        assert!(
            l[0].starts_with("Exchange's own test does not agree"),
            "{l:?}"
        );
        assert_eq!(l[1], "✓ support@contoso.com: must reach, Exchange: granted");
        assert_eq!(l[2], "✗ ceo@contoso.com: must not reach, Exchange: granted");
    }

    #[test]
    fn an_endpoint_refusal_points_at_the_script_and_a_step_names_the_record() {
        let e = ExchangeError::EndpointRefused {
            cmdlet: "Get-DistributionGroup".into(),
            status: 403,
            reason: "an empty answer".into(),
        };
        let f = read_failure(&e, "p");
        assert!(f.fix.starts_with("Run the script above instead"), "{f:?}");
        assert!(f.recorded.is_none());
        let a = ApplyError::Step {
            step: 2,
            action: "add-member".into(),
            error: e,
        };
        let f = apply_failure(&a, "p", "/h/p.changes.jsonl");
        assert!(
            f.what.starts_with("Stopped: step 2 (add-member) failed"),
            "{f:?}"
        );
        assert!(
            f.recorded
                .unwrap_or_default()
                .contains("/h/p.changes.jsonl says exactly what was changed")
        );
    }
}
