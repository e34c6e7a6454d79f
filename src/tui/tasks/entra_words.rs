//! "Do it for me" in words for the wizard: the plan with its role check, apply's progress,
//! why it stopped (and what the change record holds), the proof. Pure functions over the
//! library's plan, events and errors.

use mailscope::entra::apply::StepError;
use mailscope::entra::plan::RoleCheck;
use mailscope::entra::{ApplyError, ApplyEvent, Plan, Proof, RoleNeed, words};

use crate::tui::entra_msg::{Failure, PlanSummary, Progress, RoleLine};

/// A failure in words with its fix, nothing recorded.
pub fn failure(what: impl Into<String>, fix: impl Into<String>) -> Failure {
    Failure {
        what: what.into(),
        fix: fix.into(),
        recorded: None,
    }
}

fn need_words(n: RoleNeed) -> &'static str {
    match n {
        RoleNeed::AppManagement => "creating and changing the app, its secret and consent",
        RoleNeed::GraphAppRoleConsent => "admin consent to Graph application permissions",
    }
}

/// An apply event in words.
pub fn progress(e: ApplyEvent) -> Progress {
    match e {
        ApplyEvent::Started { step, of, summary } => Progress::Started { step, of, summary },
        ApplyEvent::Waiting(w) => Progress::Waiting(w.line()),
        ApplyEvent::Done { step, objects, .. } => Progress::Done {
            step,
            facts: words::returned(&objects),
        },
        ApplyEvent::Proving { what } => Progress::Proving(what),
    }
}

/// Why apply stopped, in words: what happened, the fix, what the record holds.
pub fn stopped(e: &ApplyError, upn: &str, record: &str) -> Failure {
    match e {
        ApplyError::MissingRoles(roles) => failure(
            words::missing_roles(upn, roles),
            "Sign in as an admin who holds the role (an eligible role may need activating in Privileged Identity Management), or hand the admin-consent URL to one.",
        ),
        ApplyError::Record(r) => failure(
            format!("{r}; the change was not made."),
            "Make the profile folder writable, then press Ctrl-D again.",
        ),
        ApplyError::Step {
            step,
            summary,
            error,
            objects,
        } => {
            let returned = if objects.is_empty() {
                String::new()
            } else {
                format!(
                    " What the tenant returned for it: {}.",
                    words::returned(objects)
                )
            };
            let fix = match error {
                StepError::Graph(_) | StepError::Keyring(_) => error.fix(),
                _ => "Fix the cause above, then press Ctrl-D again: it continues where it stopped."
                    .into(),
            };
            Failure {
                what: format!("Stopped at step {step} ({summary}): {error}"),
                fix,
                recorded: Some(format!(
                    "The steps before it are done; {record} says exactly what was changed.{returned} Ctrl-D again completes the plan."
                )),
            }
        }
    }
}

/// The proof in words.
pub fn proof_lines(p: &Proof) -> Vec<String> {
    let (head, details) = words::proof(p);
    std::iter::once(head).chain(details).collect()
}

/// The plan in words, for the confirm screen.
pub fn plan_summary(plan: &Plan) -> PlanSummary {
    PlanSummary {
        tenant_name: plan.tenant.display_name.clone(),
        tenant_id: plan.tenant.id.clone(),
        admin: plan.admin.upn.clone(),
        admin_roles: plan.admin.roles.clone(),
        roles: plan
            .roles
            .iter()
            .map(|r: &RoleCheck| RoleLine {
                need: need_words(r.need).into(),
                roles: r.roles.join(" or "),
                held: r.held.clone(),
            })
            .collect(),
        actions: mailscope::entra::apply::ordered(plan)
            .iter()
            .map(|a| a.describe())
            .collect(),
        consent_url: plan.admin_consent_url.clone(),
        blocked: None,
        warnings: Vec::new(),
        notes: plan.notes.clone(),
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use mailscope::entra::write::WriteError;
    use std::collections::BTreeMap;

    #[test]
    fn a_step_refused_names_the_record_and_what_the_tenant_returned() {
        let mut objects = BTreeMap::new();
        objects.insert("secret_id".to_string(), "k-1".to_string());
        let e = ApplyError::Step {
            step: 3,
            summary: "Add a client secret".into(),
            error: StepError::Graph(WriteError::Denied {
                what: "add a client secret".into(),
                message: "Insufficient privileges to complete the operation.".into(),
            }),
            objects,
        };
        let f = stopped(&e, "a@contoso.com", "/h/p.changes.jsonl");
        assert!(
            f.what
                .starts_with("Stopped at step 3 (Add a client secret): Microsoft Graph refused"),
            "{f:?}"
        );
        let rec = f.recorded.unwrap_or_default();
        assert!(rec.contains("/h/p.changes.jsonl says exactly what was changed"));
        assert!(rec.contains("secret id k-1"), "{rec}");
        assert!(
            f.fix.contains("Privileged Identity Management"),
            "{}",
            f.fix
        );
    }

    #[test]
    fn a_missing_role_is_named_and_nothing_changed() {
        let e = ApplyError::MissingRoles(vec![RoleCheck {
            need: RoleNeed::GraphAppRoleConsent,
            roles: vec![
                "Privileged Role Administrator".into(),
                "Global Administrator".into(),
            ],
            held: None,
        }]);
        let f = stopped(&e, "a@contoso.com", "r");
        assert_eq!(
            f.what,
            "a@contoso.com does not hold Privileged Role Administrator or Global Administrator; nothing was changed."
        );
        assert!(f.recorded.is_none());
    }

    #[test]
    fn a_proof_says_what_is_missing() {
        let p = Proof {
            token_roles: vec!["Mail.Send".into()],
            expected_roles: vec!["Mail.ReadWrite".into(), "Mail.Send".into()],
            findings: vec![],
        };
        let lines = proof_lines(&p);
        assert_eq!(lines[0], "Applied, but not proven:");
        assert_eq!(lines[1], "The token lacks Mail.ReadWrite.");
        let ok = Proof {
            token_roles: vec!["Mail.Send".into()],
            expected_roles: vec!["Mail.Send".into()],
            findings: vec![],
        };
        assert!(
            proof_lines(&ok)[0]
                .starts_with("Proven: a token with the new credential holds Mail.Send")
        );
    }
}
