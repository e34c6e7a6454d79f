//! Support mode: a report built here, opened read-only; its screens drawn, its keys tried.

use crossterm::event::KeyCode;
use mailscope::report::{
    Report, ReportCell, ReportCheck, ReportCredential, ReportDiagnosis, ReportMailbox,
    ReportProfile, ReportScoping, ReportToken, SCHEMA,
};

use super::harness::{Harness, NOW};
use crate::tui::screens::checks::{Phase, Verdict};
use crate::tui::step::Step;
use crate::tui::support::{open_model, readonly::REFUSED};
use crate::tui::theme::Theme;

fn mailbox(address: &str, expect: &str) -> ReportMailbox {
    ReportMailbox {
        address: address.into(),
        kind: "user".into(),
        expect: expect.into(),
    }
}

fn cell(mailbox: &str, cap: &str, status: u16, verdict: &str, cause: Option<&str>) -> ReportCell {
    ReportCell {
        mailbox: mailbox.into(),
        capability: cap.into(),
        expected: "granted".into(),
        status: Some(status),
        verdict: verdict.into(),
        diagnosis: cause.map(|c| ReportDiagnosis {
            cause: c.into(),
            summary: format!("What {c} means for this mailbox."),
            fix: format!("How to fix {c}."),
            request_id: Some(format!("req-{mailbox}-{cap}")),
            error_code: None,
        }),
        at: Some("2026-11-20T09:00:01Z".into()),
    }
}

/// A customer's report: one mailbox fine, one on-premises, one refused as it must be.
pub fn sample_report() -> Report {
    let cells = vec![
        cell("support@fabrikam.com", "read", 200, "pass", None),
        cell("support@fabrikam.com", "write", 201, "pass", None),
        cell(
            "hybrid@fabrikam.com",
            "read",
            404,
            "fail",
            Some("mailbox-not-rest-enabled"),
        ),
        cell(
            "hybrid@fabrikam.com",
            "write",
            404,
            "fail",
            Some("mailbox-not-rest-enabled"),
        ),
        cell(
            "ceo@fabrikam.com",
            "read",
            403,
            "pass",
            Some("policy-denied"),
        ),
        cell(
            "ceo@fabrikam.com",
            "write",
            403,
            "pass",
            Some("policy-denied"),
        ),
    ];
    Report {
        schema: SCHEMA.into(),
        generated_at: "2026-11-20T09:00:05Z".into(),
        mailscope_version: "0.1.0".into(),
        profile: ReportProfile {
            name: "fabrikam-kundo".into(),
            preset: "kundo".into(),
            product: "Kundo Mail".into(),
            cloud: "global".into(),
            tenant: Some("fabrikam.onmicrosoft.com".into()),
            client_id: Some("c0ffee00-0000-4000-8000-000000000042".into()),
            app_name: Some("Kundo Mail".into()),
            credential: ReportCredential {
                kind: "secret".into(),
                secret_id: Some("5e1c0a77-1111-4222-8333-944445555666".into()),
                thumbprint_sha1: None,
                thumbprint_sha256: None,
                expires: Some("2027-01-10".into()),
                days_left: Some(51),
            },
            mailboxes: vec![
                mailbox("support@fabrikam.com", "granted"),
                mailbox("hybrid@fabrikam.com", "granted"),
                mailbox("ceo@fabrikam.com", "denied"),
            ],
        },
        permissions: Vec::new(),
        scoping: ReportScoping {
            applies: true,
            mechanism: Some("application-access-policy".into()),
            group_name: Some("Kundo mailboxes".into()),
            group_address: Some("kundo@fabrikam.com".into()),
            changed_at: None,
            script_sha256: None,
        },
        token: Some(ReportToken {
            acquired: true,
            roles: vec!["Mail.ReadWrite".into()],
            missing: Vec::new(),
            error: None,
        }),
        check: Some(ReportCheck {
            started_at: "2026-11-20T09:00:00Z".into(),
            finished_at: "2026-11-20T09:00:02Z".into(),
            complete: true,
            totals: ReportCheck::count(&cells),
            cells,
            exchange: None,
        }),
    }
}

fn opened_report(report: &Report) -> Harness {
    let mut h = Harness::new();
    h.model = open_model(report, NOW, Theme { color: false }).expect("opens");
    h.model.size = (80, 24);
    h
}

#[test]
fn a_report_opens_on_its_check_table_with_the_customers_verdicts() {
    let mut h = opened_report(&sample_report());
    assert_eq!(h.model.step(), Some(Step::Checks));
    assert!(h.model.read_only());
    let w = h.model.wizard().expect("wizard");
    assert_eq!(w.profile.name, "fabrikam-kundo");
    assert_eq!(w.checks.phase, Phase::Finished);
    assert_eq!(w.checks.problems.iter().copied().collect::<Vec<_>>(), [1]);
    let verdicts: Vec<Vec<Verdict>> = w
        .checks
        .cells
        .iter()
        .map(|r| r.iter().flatten().map(|c| c.verdict).collect())
        .collect();
    assert_eq!(
        verdicts,
        [
            [Verdict::Pass, Verdict::Pass],
            [Verdict::Fail, Verdict::Fail],
            [Verdict::Pass, Verdict::Pass]
        ]
    );
    // Down to the on-premises mailbox: its diagnosis, fix and request-id are shown.
    h.key(KeyCode::Down);
    let screen = h.screen();
    assert!(screen.contains("read-only: from a report"), "{screen}");
    assert!(
        screen.contains("How to fix mailbox-not-rest-enabled."),
        "{screen}"
    );
    assert!(screen.contains("req-hybrid@fabrikam.com-read"), "{screen}");
    insta::assert_snapshot!("support_open_checks", screen);
}

#[test]
fn filter_and_moving_between_the_reports_screens_work() {
    let mut h = opened_report(&sample_report());
    h.key(KeyCode::Char('f'));
    assert_eq!(h.model.wizard().expect("w").checks.visible_len(), 1);
    h.key(KeyCode::Esc);
    assert_eq!(h.model.step(), Some(Step::Permissions));
    insta::assert_snapshot!("support_open_permissions", h.screen());
    h.key(KeyCode::Esc);
    assert_eq!(h.model.step(), Some(Step::Permissions));
    h.enter();
    h.enter();
    assert_eq!(h.model.step(), Some(Step::Summary));
    let screen = h.screen();
    assert!(screen.contains("(never in a report)"), "{screen}");
    insta::assert_snapshot!("support_open_summary", screen);
    h.enter();
    assert_eq!(h.model.step(), Some(Step::Summary));
    assert!(
        h.take().is_empty(),
        "moving around must not save or run anything"
    );
    h.key(KeyCode::Char('q'));
    assert!(h.model.quitting);
}

#[test]
fn editing_and_running_keys_do_nothing_in_read_only_mode() {
    let mut h = opened_report(&sample_report());
    let before = format!("{:?}", h.model.wizard().expect("w").checks.cells);
    for k in ['r', 'w'] {
        h.key(KeyCode::Char(k));
        assert_eq!(
            h.model.status,
            Some(crate::tui::model::Status::Error(REFUSED.into()))
        );
    }
    h.enter();
    h.key(KeyCode::Char('S'));
    h.key(KeyCode::Char('e'));
    h.paste("some text");
    assert!(h.take().is_empty(), "no effect may run");
    let w = h.model.wizard().expect("w");
    assert!(!w.checks.watch);
    assert_eq!(format!("{:?}", w.checks.cells), before);
    assert!(matches!(
        w.summary.secret,
        crate::tui::screens::summary::SecretView::Failed(_)
    ));
    let screen = h.screen();
    assert!(
        !screen.contains("re-run") && !screen.contains("show secret"),
        "{screen}"
    );
    h.key(KeyCode::Char('?'));
    let help = h.screen();
    assert!(help.contains("A customer's report, read-only"), "{help}");
    h.key(KeyCode::Esc);
    assert_eq!(h.model.overlay, crate::tui::model::Overlay::None);
}

#[test]
fn a_report_without_a_check_run_says_so() {
    let mut r = sample_report();
    r.check = None;
    let h = opened_report(&r);
    let w = h.model.wizard().expect("w");
    assert!(matches!(&w.checks.phase, Phase::Failed(e) if e.contains("no check run")));
}

/// Escape sequences a customer's report may carry: window title, screen clear, clipboard
/// write, an 8-bit CSI and a bidi override.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}\u{9b}31m\u{202e}x";

#[test]
fn a_hostile_report_reaches_the_terminal_inert() {
    let mut r = sample_report();
    r.generated_at.push_str(HOSTILE);
    r.profile.name.push_str(HOSTILE);
    r.profile.app_name = Some(format!("Kundo{HOSTILE}"));
    r.profile.tenant = Some(format!("fabrikam.onmicrosoft.com{HOSTILE}"));
    r.scoping.group_name = Some(format!("group{HOSTILE}"));
    r.scoping.group_address = Some(format!("kundo@fabrikam.com{HOSTILE}"));
    for m in &mut r.profile.mailboxes {
        m.address.push_str(HOSTILE);
    }
    if let Some(c) = &mut r.check {
        for cell in &mut c.cells {
            cell.mailbox.push_str(HOSTILE);
            if let Some(d) = &mut cell.diagnosis {
                d.summary.push_str(HOSTILE);
                d.fix.push_str(HOSTILE);
                d.request_id = Some(format!("req{HOSTILE}"));
            }
        }
    }
    let mut h = opened_report(&r);
    let mut screens = Vec::new();
    h.key(KeyCode::Down);
    screens.push(h.screen());
    for _ in 0..4 {
        h.key(KeyCode::Esc);
        screens.push(h.screen());
    }
    h.enter();
    screens.push(h.screen());
    h.enter();
    screens.push(h.screen());
    for screen in &screens {
        let bad: Vec<char> = screen
            .chars()
            .filter(|c| mailscope::text::is_unsafe(*c) && *c != '\n')
            .collect();
        assert!(bad.is_empty(), "{bad:?} on\n{screen}");
    }
    // Visible as what they are: ratatui alone would drop the controls silently.
    for shown in [r"\x1b]0;pwned\x07\x1b[2J", r"\u{9b}31m\u{202e}x"] {
        assert!(
            screens.iter().any(|s| s.contains(shown)),
            "{shown} on\n{}",
            screens[0]
        );
    }
}
