//! The Graph request behind each check, and how its answer becomes a cell result.

use std::sync::Arc;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::batch::BatchRequest;
use super::client::RawResponse;
use super::diagnosis::{Diagnosis, EndpointKind, diagnose};
use super::exchange_column::ExchangeVerdicts;
use super::exchange_decide::{EntraGrants, ExchangeInput, with_exchange};
use super::plan::{Capability, PlannedMailbox};
use super::run_result::CellResult;
use super::verdict::{Verdict, decide};
use crate::profile::{Expectation, ScopeMechanism};

/// One request the runner makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Check(Capability),
    /// Delete the draft the write check created.
    DeleteDraft(String),
    /// List the Drafts folder for this run's subject: a create whose answer was lost (timeout,
    /// broken connection) may still have made a draft.
    SweepDrafts,
}

impl Op {
    /// Cleanup continues after cancel and deadline.
    pub fn is_cleanup(&self) -> bool {
        matches!(self, Op::DeleteDraft(_) | Op::SweepDrafts)
    }
}

/// What the requests of one run share.
#[derive(Debug, Clone)]
pub struct RunMeta {
    /// Recognisable draft and message subject: `mailscope check <uuid> — safe to delete`.
    pub subject: String,
    pub send_to: Option<String>,
    pub mechanism: Option<ScopeMechanism>,
    pub changed_at: Option<OffsetDateTime>,
    /// Exchange's verdict per mailbox, when it was asked ([`super::exchange_decide`]).
    pub exchange: Option<Arc<ExchangeVerdicts>>,
    /// What the token says about the app's tenant-wide Entra grants.
    pub entra: EntraGrants,
    /// The profile's name, for the commands a fix names.
    pub profile: String,
}

impl RunMeta {
    pub fn new(
        send_to: Option<String>,
        mechanism: Option<ScopeMechanism>,
        changed_at: Option<OffsetDateTime>,
    ) -> RunMeta {
        RunMeta {
            subject: format!("mailscope check {} — safe to delete", uuid::Uuid::new_v4()),
            send_to,
            mechanism,
            changed_at,
            exchange: None,
            entra: EntraGrants::default(),
            profile: String::new(),
        }
    }

    /// The same, with Exchange's verdicts for the cells to use.
    pub fn with_exchange(
        mut self,
        profile: &str,
        exchange: Option<Arc<ExchangeVerdicts>>,
        entra: EntraGrants,
    ) -> RunMeta {
        self.profile = profile.to_string();
        self.exchange = exchange;
        self.entra = entra;
        self
    }
}

/// Percent-encodes a mailbox address for a URL path segment.
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"@.-_~+".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The request for `op` on `mailbox` (URL relative to `/v1.0`).
pub fn request(op: &Op, mailbox: &str, meta: &RunMeta) -> BatchRequest {
    let user = format!("/users/{}", path_segment(mailbox));
    let text = |purpose: &str| {
        json!({"contentType": "Text", "content": format!(
            "Created by mailscope to prove {purpose} access for this app. It is safe to delete."
        )})
    };
    match op {
        Op::Check(Capability::Read) => BatchRequest {
            method: "GET",
            url: format!("{user}/messages?$top=1&$select=id"),
            body: None,
        },
        Op::Check(Capability::Settings) => BatchRequest {
            method: "GET",
            url: format!("{user}/mailboxSettings"),
            body: None,
        },
        Op::Check(Capability::Write) => BatchRequest {
            method: "POST",
            url: format!("{user}/messages"),
            body: Some(json!({"subject": meta.subject, "body": text("write")})),
        },
        Op::Check(Capability::Send) => BatchRequest {
            method: "POST",
            url: format!("{user}/sendMail"),
            body: Some(json!({
                "message": {
                    "subject": meta.subject,
                    "body": text("send"),
                    "toRecipients": [{"emailAddress": {"address": meta.send_to.clone().unwrap_or_default()}}]
                },
                "saveToSentItems": false
            })),
        },
        Op::SweepDrafts => BatchRequest {
            method: "GET",
            url: format!("{user}/mailFolders/drafts/messages?$top=100&$select=id,subject"),
            body: None,
        },
        Op::DeleteDraft(id) => BatchRequest {
            method: "DELETE",
            url: format!("{user}/messages/{}", path_segment(id)),
            body: None,
        },
    }
}

/// A response (or failure) as success status or diagnosis.
pub fn outcome(r: &Result<RawResponse, Diagnosis>) -> Result<u16, Diagnosis> {
    match r {
        Ok(resp) if resp.is_success() => Ok(resp.status),
        Ok(resp) => Err(diagnose(
            EndpointKind::Graph,
            resp.status,
            &resp.headers,
            &resp.body,
        )),
        Err(d) => Err(d.clone()),
    }
}

/// The id of a created message.
pub fn created_id(r: &Result<RawResponse, Diagnosis>) -> Option<String> {
    let resp = r.as_ref().ok()?;
    let v: Value = serde_json::from_slice(&resp.body).ok()?;
    v.get("id")?.as_str().map(str::to_string)
}

/// Ids of the messages in a Drafts listing that carry `subject`.
pub fn drafts_with_subject(
    r: &Result<RawResponse, Diagnosis>,
    subject: &str,
) -> Option<Vec<String>> {
    let resp = r.as_ref().ok().filter(|r| r.is_success())?;
    let v: Value = serde_json::from_slice(&resp.body).ok()?;
    let ids = v
        .get("value")?
        .as_array()?
        .iter()
        .filter(|m| m.get("subject").and_then(Value::as_str) == Some(subject))
        .filter_map(|m| m.get("id").and_then(Value::as_str).map(str::to_string))
        .collect();
    Some(ids)
}

/// Whether a failure leaves it open if the server acted on the request (it was sent, and the
/// answer never came).
pub fn ambiguous(d: &Diagnosis) -> bool {
    d.cause == super::diagnosis::Cause::Network
        && matches!(d.error_code.as_deref(), Some("timeout") | Some("io"))
}

/// The cell result for a finished check.
pub fn cell_result(
    mb: &PlannedMailbox,
    cap: Capability,
    outcome: &Result<u16, Diagnosis>,
    attempts: u32,
    meta: &RunMeta,
) -> CellResult {
    let now = OffsetDateTime::now_utc();
    let decision = decide(mb.expect, outcome, meta.mechanism, meta.changed_at, now);
    let by_exchange = meta
        .exchange
        .as_deref()
        .and_then(|x| x.mailbox(&mb.address).map(|m| (x, m)))
        .and_then(|(x, m)| {
            let input = ExchangeInput {
                mailbox: m,
                access: m.access_for(cap),
                mechanism: x.mechanism.or(meta.mechanism),
                entra: meta.entra,
                profile: &meta.profile,
                changed_at: meta.changed_at,
                now,
            };
            with_exchange(mb.expect, outcome, &decision, &input)
        });
    let from_exchange = by_exchange.is_some();
    let decision = by_exchange.unwrap_or(decision);
    let shown: Option<&Diagnosis> = decision.own_diagnosis.as_ref().or(outcome.as_ref().err());
    let mut summary = match (&decision.verdict, outcome, shown) {
        (Verdict::Pass, Ok(s), _) => format!("Allowed (HTTP {s}), as expected."),
        (Verdict::Pass, Err(d), _) => format!("Refused, as expected: {}", d.summary),
        (_, _, Some(d)) => d.summary.clone(),
        (_, Ok(s), None) => format!("HTTP {s}."),
        (_, Err(d), None) => d.summary.clone(),
    };
    if let (Verdict::Pending, Some(at), false) =
        (decision.verdict, decision.recheck_after, from_exchange)
    {
        summary.push_str(&format!(
            " Scoping changed recently and Microsoft documents up to 2 hours before Graph applies it: re-check after {} (mailscope check --watch).",
            crate::timefmt::rfc3339(at)
        ));
    }
    let fix = match decision.verdict {
        Verdict::Pass => None,
        _ => shown.map(|d| d.fix.clone()),
    };
    let err = outcome.as_ref().err();
    CellResult {
        mailbox: mb.address.clone(),
        capability: cap,
        expected: mb.expect,
        status: match outcome {
            Ok(s) => Some(*s),
            Err(d) => d.status,
        },
        verdict: decision.verdict,
        // Graph's cause; for a must-reach mailbox Graph still reaches but Exchange no longer
        // grants, the refusal Graph will give.
        cause: err.map(|d| d.cause).or_else(|| {
            (from_exchange && mb.expect == Expectation::Granted)
                .then(|| decision.own_diagnosis.as_ref().map(|d| d.cause))
                .flatten()
        }),
        summary,
        fix,
        error_code: err.and_then(|d| d.error_code.clone()),
        request_id: err.and_then(|d| d.request_id.clone()),
        service_timestamp: err.and_then(|d| d.timestamp.clone()),
        timestamp: now,
        recheck_after: decision.recheck_after,
        attempts,
    }
}

/// A cell that was never decided (cancelled, deadline).
pub fn not_checked(mb: &PlannedMailbox, cap: Capability, why: &str, attempts: u32) -> CellResult {
    CellResult {
        mailbox: mb.address.clone(),
        capability: cap,
        expected: mb.expect,
        status: None,
        verdict: Verdict::Error,
        cause: None,
        summary: format!("Not decided: {why}."),
        fix: Some("Run the check again.".to_string()),
        error_code: None,
        request_id: None,
        service_timestamp: None,
        timestamp: OffsetDateTime::now_utc(),
        recheck_after: None,
        attempts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_encoded_and_subjects_recognisable() {
        assert_eq!(path_segment("a.b+c@contoso.com"), "a.b+c@contoso.com");
        assert_eq!(path_segment("a b/c?d#"), "a%20b%2Fc%3Fd%23");
        let meta = RunMeta::new(Some("x@y.z".into()), None, None);
        assert!(meta.subject.starts_with("mailscope check "));
        assert!(meta.subject.ends_with("safe to delete"));
        let r = request(&Op::Check(Capability::Read), "a@b.c", &meta);
        assert_eq!(r.url, "/users/a@b.c/messages?$top=1&$select=id");
        let s = request(&Op::Check(Capability::Send), "a@b.c", &meta);
        assert_eq!(
            s.body
                .as_ref()
                .map(|b| b["message"]["toRecipients"][0]["emailAddress"]["address"].clone()),
            Some(json!("x@y.z"))
        );
        let sweep = request(&Op::SweepDrafts, "a@b.c", &meta);
        assert_eq!(
            sweep.url,
            "/users/a@b.c/mailFolders/drafts/messages?$top=100&$select=id,subject"
        );
        let d = request(&Op::DeleteDraft("AA/kk=".into()), "a@b.c", &meta);
        assert_eq!(
            (d.method, d.url.as_str()),
            ("DELETE", "/users/a@b.c/messages/AA%2Fkk%3D")
        );
    }

    #[test]
    fn sweep_finds_only_this_runs_drafts() {
        let body = serde_json::to_vec(&json!({"value": [
            {"id": "a", "subject": "mailscope check X — safe to delete"},
            {"id": "b", "subject": "Quarterly numbers"},
            {"id": "c", "subject": "mailscope check Y — safe to delete"},
        ]}))
        .unwrap_or_default();
        let ok = Ok(RawResponse {
            status: 200,
            headers: vec![],
            body,
        });
        assert_eq!(
            drafts_with_subject(&ok, "mailscope check X — safe to delete"),
            Some(vec!["a".to_string()])
        );
        let failed = Ok(RawResponse {
            status: 503,
            headers: vec![],
            body: vec![],
        });
        assert_eq!(drafts_with_subject(&failed, "x"), None);
        let lost = crate::graph::diagnosis::network(
            crate::graph::diagnosis::NetworkErrorKind::Timeout,
            "h",
        );
        assert!(ambiguous(&lost));
        let refused = crate::graph::diagnosis::network(
            crate::graph::diagnosis::NetworkErrorKind::Connect,
            "h",
        );
        assert!(!ambiguous(&refused), "nothing was sent");
    }
}
