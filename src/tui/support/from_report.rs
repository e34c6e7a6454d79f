//! A report read back into the wizard's state: the customer's profile, the token result for
//! the permissions screen and the check matrix for the checks screen, as they saw them.

use mailscope::graph::{Capability, Verdict};
use mailscope::preset;
use mailscope::profile::{Cloud, CredentialInfo, CredentialKind, Endpoints, Profile};
use mailscope::report::{Report, ReportCell, ReportCheck, ReportToken, replay};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::tui::model::Wizard;
use crate::tui::screens::checks::{CellResult, ChecksState, Phase};
use crate::tui::screens::permissions::Verification;
use crate::tui::screens::summary::SecretView;

const CAPABILITIES: [Capability; 4] = [
    Capability::Read,
    Capability::Write,
    Capability::Settings,
    Capability::Send,
];
const VERDICTS: [Verdict; 4] = [
    Verdict::Pass,
    Verdict::Fail,
    Verdict::Pending,
    Verdict::Error,
];

fn capability(s: &str) -> Option<Capability> {
    CAPABILITIES.into_iter().find(|c| c.as_str() == s)
}

/// A verdict the report names; anything unknown counts as an error, as the totals do.
fn verdict(s: &str) -> Verdict {
    VERDICTS
        .into_iter()
        .find(|v| v.as_str() == s)
        .unwrap_or(Verdict::Error)
}

fn time_of(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// The customer's profile as the report records it (no endpoints: nothing is contacted).
pub fn profile(report: &Report) -> Result<Profile, String> {
    let plan = replay::scenario_for(report);
    let none = Endpoints {
        authority: String::new(),
        graph: String::new(),
        ca_file: None,
    };
    let mut p = plan.profile(report, none).map_err(|e| e.to_string())?;
    let r = &report.profile;
    p.name = r.name.clone();
    p.cloud = Cloud::parse(&r.cloud).unwrap_or_default();
    p.tenant = r.tenant.clone();
    p.client_id = r.client_id.clone();
    p.endpoints = None;
    p.step = Some("summary".into());
    p.credential = match r.credential.kind.as_str() {
        "secret" | "certificate" => {
            let kind = if r.credential.kind == "secret" {
                CredentialKind::Secret
            } else {
                CredentialKind::Certificate
            };
            let mut c = CredentialInfo::new(kind);
            c.secret_id = r.credential.secret_id.clone();
            c.thumbprint_sha1 = r.credential.thumbprint_sha1.clone();
            c.thumbprint_sha256 = r.credential.thumbprint_sha256.clone();
            c.expires = r.credential.expires.as_deref().and_then(|d| {
                time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok()
            });
            Some(c)
        }
        _ => None,
    };
    if let Some(scope) = p.scope.as_mut() {
        scope.changed_at = report.scoping.changed_at.as_deref().and_then(time_of);
    }
    Ok(p)
}

/// One report cell as the table shows it.
pub fn cell(c: &ReportCell) -> CellResult {
    let d = c.diagnosis.as_ref();
    CellResult {
        verdict: verdict(&c.verdict),
        observed: crate::tui::integrations::checks::observed(c.status),
        cause: d.map(|d| d.cause.clone()),
        summary: d.map(|d| d.summary.clone()).unwrap_or_default(),
        fix: d.map(|d| d.fix.clone()).unwrap_or_default(),
        request_id: d.and_then(|d| d.request_id.clone()),
    }
}

/// The check table of a report: one row per profile mailbox, the columns it checked.
pub fn checks(report: &Report, profile: &Profile) -> ChecksState {
    let mut st = ChecksState::default();
    let Some(run) = &report.check else {
        st.phase = Phase::Failed("The report holds no check run.".into());
        return st;
    };
    st.caps = run
        .cells
        .iter()
        .filter_map(|c| capability(&c.capability))
        .collect();
    st.caps.sort();
    st.caps.dedup();
    st.cells = vec![vec![None; st.caps.len()]; profile.mailboxes.len()];
    for c in &run.cells {
        let row = profile
            .mailboxes
            .iter()
            .position(|m| m.address.eq_ignore_ascii_case(&c.mailbox));
        let col = capability(&c.capability).and_then(|k| st.caps.iter().position(|x| *x == k));
        if let (Some(row), Some(col)) = (row, col)
            && let Some(slot) = st.cells.get_mut(row).and_then(|r| r.get_mut(col))
        {
            *slot = Some(cell(c));
            st.done += 1;
        }
    }
    st.total = st.done;
    st.problems = problems(&st);
    st.started_at = time_of(&run.started_at);
    st.finished_at = time_of(&run.finished_at);
    st.phase = finished(report, run);
    st
}

fn problems(st: &ChecksState) -> std::collections::BTreeSet<usize> {
    st.cells
        .iter()
        .enumerate()
        .filter(|(_, r)| r.iter().flatten().any(|c| c.verdict != Verdict::Pass))
        .map(|(i, _)| i)
        .collect()
}

/// Finished, unless no token could be had (then the table is empty and the reason shown).
fn finished(report: &Report, run: &ReportCheck) -> Phase {
    match report.token.as_ref().and_then(|t| t.error.as_ref()) {
        Some(d) if run.cells.is_empty() => {
            Phase::Failed(format!("{}: {} Fix: {}", d.cause, d.summary, d.fix))
        }
        _ => Phase::Finished,
    }
}

/// What the permissions screen shows for the report's token.
pub fn verification(token: Option<&ReportToken>) -> Verification {
    match token {
        None => Verification::Failed("The report holds no token result.".into()),
        Some(t) if t.acquired => Verification::Roles(t.roles.clone()),
        Some(t) => Verification::Failed(match &t.error {
            Some(d) => format!("{}: {} Fix: {}", d.cause, d.summary, d.fix),
            None => "No token could be had.".into(),
        }),
    }
}

/// The whole wizard state of a report, read-only.
pub fn wizard(report: &Report, today: time::Date) -> Result<Wizard, String> {
    let p = profile(report)?;
    let preset = preset::preset(p.preset).map_err(|e| e.to_string())?;
    let checks = checks(report, &p);
    let mut w = Wizard::new(p, preset, today);
    w.checks = checks;
    w.perms.verification = verification(report.token.as_ref());
    w.summary.secret = SecretView::Failed("(never in a report)".into());
    w.summary.opened = Some(Box::new(report.clone()));
    Ok(w)
}
