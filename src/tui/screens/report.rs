//! The report the summary screen exports: built from the profile and what this session saw
//! (token roles, the check matrix). Pure: no secret is reachable from these inputs.

use mailscope::report::{self, Report, ReportCell, ReportCheck, ReportDiagnosis, ReportToken};

use super::checks::ChecksState;
use super::permissions::{Verification, missing};
use super::scoping::ScriptState;
use crate::tui::model::Model;

fn token(model: &Model) -> Option<ReportToken> {
    let w = model.wizard.as_ref()?;
    match &w.perms.verification {
        Verification::Roles(roles) => Some(ReportToken {
            acquired: true,
            roles: roles.clone(),
            missing: missing(model),
            error: None,
        }),
        Verification::Failed(e) => Some(ReportToken {
            acquired: false,
            roles: Vec::new(),
            missing: Vec::new(),
            error: Some(ReportDiagnosis {
                cause: "token-failed".into(),
                summary: e.clone(),
                fix: String::new(),
                request_id: None,
                error_code: None,
            }),
        }),
        Verification::NotRun | Verification::Running(_) => None,
    }
}

fn check(model: &Model, st: &ChecksState) -> Option<ReportCheck> {
    let w = model.wizard.as_ref()?;
    let started = st.started_at?;
    let mut cells = Vec::new();
    for (row, results) in st.cells.iter().enumerate() {
        let Some(mb) = w.profile.mailboxes.get(row) else {
            continue;
        };
        for (col, cell) in results.iter().enumerate() {
            let (Some(c), Some(cap)) = (cell, st.caps.get(col)) else {
                continue;
            };
            cells.push(ReportCell {
                mailbox: mb.address.clone(),
                capability: cap.as_str().to_string(),
                expected: mb.expect.as_str().to_string(),
                status: c.observed.parse().ok(),
                verdict: c.verdict.as_str().to_string(),
                diagnosis: c.cause.as_ref().map(|cause| ReportDiagnosis {
                    cause: cause.clone(),
                    summary: c.summary.clone(),
                    fix: c.fix.clone(),
                    request_id: c.request_id.clone(),
                    error_code: None,
                }),
                at: None,
            });
        }
    }
    Some(ReportCheck {
        started_at: report::rfc3339(started),
        finished_at: report::rfc3339(st.finished_at.unwrap_or(model.now)),
        complete: st.done >= st.total && st.finished_at.is_some(),
        totals: ReportCheck::count(&cells),
        cells,
    })
}

/// The report of the open onboarding, as of now.
pub fn build(model: &Model) -> Option<Report> {
    let w = model.wizard.as_ref()?;
    let hash = match &w.scoping.script {
        ScriptState::Ready(s) => Some(report::script_hash(s)),
        _ => None,
    };
    Some(
        report::build(&w.profile, &w.preset, model.now, hash)
            .with_results(token(model), check(model, &w.checks)),
    )
}
