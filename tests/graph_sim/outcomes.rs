//! A scenario with every kind of outcome: each cell ends in exactly the expected verdict and
//! cause, batched and unbatched, and no draft is left behind.

use mailscope::graph::{Capability, Cause, CheckRun, Verdict};
use mailscope::profile::Expectation::{Denied, Granted};

use crate::support::*;

const REPORTING: &str = "b1c2d3e4-0000-4000-8000-000000000002";

fn scenario() -> String {
    format!(
        r#"{}{}
[[app]]
client_id = "{REPORTING}"
name = "Contoso Reporting"
roles = ["User.Read.All"]
secrets = [{{ id = "5e1c0a77-2222-4222-8333-944445555666", value = "reporting~value", expires = "2030-01-01" }}]

[[mailbox]]
address = "support@contoso.com"
kind = "shared"
[[mailbox]]
address = "sales@contoso.com"
[[mailbox]]
address = "ceo@contoso.com"
[[mailbox]]
address = "cfo@contoso.com"
[[mailbox]]
address = "leaky@contoso.com"
[[mailbox]]
address = "billing@contoso.com"
[[mailbox]]
address = "hybrid@contoso.com"
kind = "on-premises"
[[mailbox]]
address = "intern@contoso.com"
kind = "unlicensed"

[[group]]
address = "kundo-mailboxes@contoso.com"
members = ["support@contoso.com", "sales@contoso.com", "leaky@contoso.com", "hybrid@contoso.com", "intern@contoso.com"]
[[group]]
address = "kundo-billing@contoso.com"
members = ["billing@contoso.com"]

[[access_policy]]
app = "{KUNDO}"
group = "kundo-mailboxes@contoso.com"
access = "RestrictAccess"
effective_after_s = 0
[[access_policy]]
app = "{KUNDO}"
group = "kundo-billing@contoso.com"
access = "RestrictAccess"
effective_after_s = 3600
"#,
        header(5),
        kundo_app()
    )
}

const MAILBOXES: [(&str, mailscope::profile::Expectation); 9] = [
    ("support@contoso.com", Granted),
    ("sales@contoso.com", Granted),
    ("ceo@contoso.com", Denied),
    ("cfo@contoso.com", Granted),
    ("leaky@contoso.com", Denied),
    ("billing@contoso.com", Granted),
    ("hybrid@contoso.com", Granted),
    ("intern@contoso.com", Granted),
    ("nobody@contoso.com", Granted),
];

fn cell<'a>(r: &'a CheckRun, mailbox: &str, cap: Capability) -> &'a mailscope::graph::CellResult {
    r.cells
        .iter()
        .find(|c| c.mailbox == mailbox && c.capability == cap)
        .unwrap_or_else(|| panic!("no cell {mailbox} {cap:?}"))
}

/// (mailbox, verdict, cause) for every capability of the Kundo preset with --send-to. A
/// recent scoping change turns every mismatch into `pending`.
fn expected(recent: bool) -> Vec<(&'static str, Verdict, Option<Cause>)> {
    let mismatch = if recent {
        Verdict::Pending
    } else {
        Verdict::Fail
    };
    vec![
        ("support@contoso.com", Verdict::Pass, None),
        ("sales@contoso.com", Verdict::Pass, None),
        ("ceo@contoso.com", Verdict::Pass, Some(Cause::PolicyDenied)),
        ("cfo@contoso.com", mismatch, Some(Cause::PolicyDenied)),
        ("leaky@contoso.com", mismatch, None),
        ("billing@contoso.com", mismatch, Some(Cause::PolicyDenied)),
        (
            "hybrid@contoso.com",
            Verdict::Fail,
            Some(Cause::MailboxNotRestEnabled),
        ),
        (
            "intern@contoso.com",
            Verdict::Fail,
            Some(Cause::MailboxNotRestEnabled),
        ),
        (
            "nobody@contoso.com",
            Verdict::Fail,
            Some(Cause::MailboxNotFound),
        ),
    ]
}

async fn every_outcome(batch: bool, recent: bool) {
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&scenario(), &dir).await;
    let ago = if recent {
        time::Duration::minutes(10)
    } else {
        time::Duration::hours(3)
    };
    let changed = time::OffsetDateTime::now_utc() - ago;
    let p = profile(&sim, KUNDO, &MAILBOXES, Some(changed));
    let plan = plan(&p, Some("audit@contoso.com"));
    let s = kundo_session(&sim);
    // Two permits for nine mailboxes: batching has round trips to save.
    let opts = mailscope::graph::CheckOptions {
        concurrency: 2,
        ..options(batch)
    };
    let (r, events) = check(&plan, s, &opts).await;

    assert!(r.token.ok, "{:?}", r.token.diagnosis);
    let consent = r.token.consent.as_ref().unwrap();
    assert_eq!(consent.missing, Vec::<String>::new());
    assert_eq!(
        r.cells.len(),
        9 * 3,
        "read, write and send for each mailbox"
    );
    for (mb, verdict, cause) in expected(recent) {
        for cap in [Capability::Read, Capability::Write, Capability::Send] {
            let c = cell(&r, mb, cap);
            assert_eq!(
                (c.verdict, c.cause),
                (verdict, cause),
                "{mb} {cap:?}: {}",
                c.summary
            );
            if verdict == Verdict::Fail && cause.is_some() {
                assert!(c.fix.is_some() && c.request_id.is_some(), "{mb} {cap:?}");
            }
        }
    }
    let billing = cell(&r, "billing@contoso.com", Capability::Read);
    if recent {
        assert_eq!(
            billing.recheck_after,
            Some(changed + time::Duration::hours(2))
        );
        assert!(billing.summary.contains("re-check after"));
    } else {
        assert_eq!(billing.recheck_after, None);
    }
    let leaky = cell(&r, "leaky@contoso.com", Capability::Write);
    assert_eq!(leaky.status, Some(201));
    assert!(leaky.summary.contains("must not"));
    assert_eq!(
        cell(&r, "support@contoso.com", Capability::Send).status,
        Some(202)
    );
    assert_eq!(r.counts.pass, 9);
    assert_eq!(r.counts.pending, if recent { 9 } else { 0 });
    assert_eq!(r.outcome(), mailscope::graph::Outcome::NotAllPass);
    let cell_events = events
        .iter()
        .filter(|e| matches!(e, mailscope::graph::CheckEvent::Cell(_)))
        .count();
    assert_eq!(cell_events, 27);

    let st = sim.stats().await;
    assert_eq!(st.drafts_outstanding, 0, "every draft deleted");
    assert_eq!(st.drafts_created, 3, "support, sales, leaky");
    assert_eq!(st.mails_sent, 3);
    assert!(
        st.sent_mail
            .iter()
            .all(|m| m.subject.starts_with("mailscope check "))
    );
    assert!(st.max_concurrent <= 4);
    assert_eq!(st.early_retries, 0);
    let batches = st
        .requests
        .get("POST /v1.0/$batch")
        .map_or(0, |m| m.values().sum::<u64>());
    assert_eq!(batches > 0, batch, "batching used only when on");
    sim.shutdown().await;
}

#[tokio::test]
async fn every_outcome_batched() {
    every_outcome(true, false).await;
}

#[tokio::test]
async fn every_outcome_unbatched() {
    every_outcome(false, false).await;
}

#[tokio::test]
async fn every_outcome_within_the_propagation_window() {
    every_outcome(true, true).await;
}

#[tokio::test]
async fn missing_application_permission_is_permission_missing() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&scenario(), &dir).await;
    let p = profile(
        &sim,
        REPORTING,
        &[
            ("support@contoso.com", Granted),
            ("ceo@contoso.com", Denied),
        ],
        None,
    );
    let s = session(&sim, TENANT, REPORTING, secret("reporting~value"));
    let (r, _) = check(&plan(&p, None), s, &options(true)).await;
    let consent = r.token.consent.as_ref().unwrap();
    assert_eq!(consent.missing, vec!["Mail.Send", "Mail.ReadWrite"]);
    assert_eq!(consent.extra, vec!["User.Read.All"]);
    for cap in [Capability::Read, Capability::Write] {
        let c = cell(&r, "support@contoso.com", cap);
        assert_eq!(
            (c.verdict, c.cause),
            (Verdict::Fail, Some(Cause::PermissionMissing))
        );
        let d = cell(&r, "ceo@contoso.com", cap);
        assert_eq!(
            (d.verdict, d.cause),
            (Verdict::Pass, Some(Cause::PermissionMissing))
        );
    }
    assert!(
        r.notes.iter().any(|n| n.contains("--send-to")),
        "send not checked by default"
    );
    assert_eq!(sim.stats().await.mails_sent, 0);
    sim.shutdown().await;
}

/// eLegere sends through RBAC for Applications only: the token has no roles (and the consent
/// check says that is expected), the scoped mailbox sends, another is refused.
#[tokio::test]
async fn rbac_scoped_send_without_entra_roles() {
    const ELEGERE: &str = "b1c2d3e4-0000-4000-8000-000000000003";
    let text = format!(
        r#"{}
[[app]]
client_id = "{ELEGERE}"
name = "eLegere Send"
roles = []
secrets = [{{ id = "5e1c0a77-3333-4222-8333-944445555666", value = "elegere~value", expires = "2030-01-01" }}]
[[mailbox]]
address = "invoices@contoso.com"
kind = "shared"
[[mailbox]]
address = "ceo@contoso.com"
[[group]]
address = "elegere-senders@contoso.com"
members = ["invoices@contoso.com"]
[[rbac_assignment]]
app = "{ELEGERE}"
role = "Application Mail.Send"
group = "elegere-senders@contoso.com"
"#,
        header(2)
    );
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&text, &dir).await;
    let mut p = profile(
        &sim,
        ELEGERE,
        &[
            ("invoices@contoso.com", Granted),
            ("ceo@contoso.com", Denied),
        ],
        None,
    );
    p.preset = mailscope::profile::PresetId::Elegere;
    if let Some(s) = p.scope.as_mut() {
        s.mechanism = mailscope::profile::ScopeMechanism::Rbac;
    }
    let s = session(&sim, TENANT, ELEGERE, secret("elegere~value"));
    let (r, _) = check(&plan(&p, Some("audit@contoso.com")), s, &options(true)).await;
    let consent = r.token.consent.as_ref().unwrap();
    assert!(!consent.roles_claim_present);
    assert_eq!(consent.missing, vec!["Mail.Send"]);
    assert!(consent.notes[0].contains("RBAC for Applications"));
    assert_eq!(r.cells.len(), 2, "send only: the preset has only Mail.Send");
    let inv = cell(&r, "invoices@contoso.com", Capability::Send);
    assert_eq!((inv.verdict, inv.status), (Verdict::Pass, Some(202)));
    let ceo = cell(&r, "ceo@contoso.com", Capability::Send);
    assert_eq!(
        (ceo.verdict, ceo.cause),
        (Verdict::Pass, Some(Cause::PermissionMissing))
    );
    assert_eq!(r.outcome(), mailscope::graph::Outcome::AllPass);
    assert_eq!(sim.stats().await.mails_sent, 1);
    sim.shutdown().await;
}
