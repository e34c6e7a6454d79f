//! Turning a recorded check run into the report's own, stable schema.

use super::build::rfc3339;
use super::model::{
    ReportCell, ReportCheck, ReportDiagnosis, ReportExchange, ReportExchangeMailbox,
    ReportExchangeRole, ReportToken,
};
use crate::graph::{CellResult, CheckRun, Diagnosis, ExchangeState, ExchangeVerdicts, Verdict};

fn diagnosis(d: &Diagnosis) -> ReportDiagnosis {
    ReportDiagnosis {
        cause: d.cause.as_str().to_string(),
        summary: d.summary.clone(),
        fix: d.fix.clone(),
        request_id: d.request_id.clone(),
        error_code: d.error_code.clone(),
    }
}

/// The token/consent part of a run.
pub fn token(run: &CheckRun) -> ReportToken {
    let t = &run.token;
    let consent = t.consent.as_ref();
    ReportToken {
        acquired: t.ok,
        roles: consent
            .map(|c| c.granted.iter().chain(&c.extra).cloned().collect())
            .unwrap_or_default(),
        missing: consent.map(|c| c.missing.clone()).unwrap_or_default(),
        error: t.diagnosis.as_ref().map(diagnosis),
    }
}

/// The cause code of a cell: Microsoft's, or `not-restricted` when the app reached a mailbox
/// it must not (there is no Microsoft error to name then).
fn cell_cause(c: &CellResult) -> Option<String> {
    match (c.cause, c.verdict) {
        (Some(cause), _) => Some(cause.as_str().to_string()),
        (None, Verdict::Fail | Verdict::Pending) => Some("not-restricted".to_string()),
        (None, _) => None,
    }
}

/// The check matrix of a run.
pub fn check(run: &CheckRun) -> ReportCheck {
    let cells: Vec<ReportCell> = run
        .cells
        .iter()
        .map(|c| ReportCell {
            mailbox: c.mailbox.clone(),
            capability: c.capability.as_str().to_string(),
            expected: c.expected.as_str().to_string(),
            status: c.status,
            verdict: c.verdict.as_str().to_string(),
            diagnosis: cell_cause(c).map(|cause| ReportDiagnosis {
                cause,
                summary: c.summary.clone(),
                fix: c.fix.clone().unwrap_or_default(),
                request_id: c.request_id.clone(),
                error_code: c.error_code.clone(),
            }),
            at: Some(rfc3339(c.timestamp)),
        })
        .collect();
    ReportCheck {
        started_at: rfc3339(run.started_at),
        finished_at: rfc3339(run.finished_at),
        complete: !run.cancelled && !run.deadline_reached && run.counts.not_checked == 0,
        totals: ReportCheck::count(&cells),
        cells,
        exchange: run.exchange.as_ref().map(exchange),
    }
}

/// Exchange's column of a run.
pub fn exchange(x: &ExchangeVerdicts) -> ReportExchange {
    ReportExchange {
        state: match x.state {
            ExchangeState::Tested => "tested",
            ExchangeState::NotAvailable => "not-available",
        }
        .to_string(),
        reason: x.reason.clone(),
        mechanism: x.mechanism.map(|m| m.as_str().to_string()),
        admin: x.admin.clone(),
        tested_at: x.tested_at.map(rfc3339),
        mailboxes: x
            .mailboxes
            .iter()
            .map(|m| ReportExchangeMailbox {
                address: m.address.clone(),
                access: m.access.as_str().to_string(),
                answer: m.answer.clone(),
                roles: m
                    .roles
                    .iter()
                    .map(|r| ReportExchangeRole {
                        role: r.role.clone(),
                        in_scope: r.in_scope,
                    })
                    .collect(),
                detail: m.detail.clone(),
            })
            .collect(),
        notes: x.notes.clone(),
    }
}
