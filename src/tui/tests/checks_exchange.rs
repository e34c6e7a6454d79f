//! The live-checks screen's Exchange column: Exchange's verdict per mailbox beside Graph's
//! cells, the reason when there is none, and the detail pane's cause when a cell is pending
//! because Exchange already grants it; at 100×30 and 80×24.

use crossterm::event::KeyCode;
use mailscope::graph::exchange_decide::FOLLOWS;
use mailscope::profile::{Expectation, Mailbox, MailboxKind};

use super::harness::{Harness, recorded_run};
use super::update_tests::{kundo, opened};
use super::walk::cell;
use crate::tui::effect::Effect;
use crate::tui::msg::Reply;
use crate::tui::screens::checks::{Capability, Verdict};

const MAILBOXES: [(&str, Expectation); 3] = [
    ("support@contoso.com", Expectation::Granted),
    ("sales@contoso.com", Expectation::Granted),
    ("ceo@contoso.com", Expectation::Denied),
];

/// On the checks step with the three mailboxes, the run started; its run id.
fn on_checks(w: u16, h: u16) -> (Harness, u64) {
    let mut p = kundo(Some("scoping"));
    for (a, expect) in MAILBOXES {
        p.mailboxes.push(Mailbox {
            address: a.into(),
            kind: MailboxKind::User,
            expect,
        });
    }
    let mut hs = opened(p);
    hs.resize(w, h);
    let run = hs
        .take()
        .iter()
        .find_map(|e| match e {
            Effect::StartChecks { run, .. } => Some(*run),
            _ => None,
        })
        .expect("the checks start on arrival");
    (hs, run)
}

/// Graph's cells: support passes, sales is pending (Exchange already grants it), ceo refused.
fn cells(h: &mut Harness, run: u64) {
    h.reply(Reply::ChecksStarted(run, 6));
    for (row, cap, verdict) in [
        (0, Capability::Read, Verdict::Pass),
        (0, Capability::Write, Verdict::Pass),
        (1, Capability::Read, Verdict::Pending),
        (1, Capability::Write, Verdict::Pending),
        (2, Capability::Read, Verdict::Pass),
        (2, Capability::Write, Verdict::Pass),
    ] {
        let mut c = cell(
            cap,
            verdict,
            (verdict == Verdict::Pending).then_some("policy-denied"),
        );
        if verdict == Verdict::Pending {
            c.summary = format!(
                "Graph still refuses, but Exchange's Test-ApplicationAccessPolicy already grants sales@contoso.com: {FOLLOWS}."
            );
        }
        h.reply(Reply::CheckCell(run, row, c));
    }
    h.reply(Reply::ChecksFinished(run, Ok(())));
}

fn recorded(exchange: serde_json::Value) -> Box<mailscope::graph::CheckRun> {
    let mut r = recorded_run("contoso-kundo", serde_json::json!([]));
    r.exchange = serde_json::from_value(exchange).expect("Exchange's column");
    Box::new(r)
}

fn tested() -> serde_json::Value {
    serde_json::json!({
        "state": "tested",
        "mechanism": "application-access-policy",
        "admin": "admin@contoso.com",
        "tested_at": "2026-11-22T10:00:03Z",
        "mailboxes": [
            {"address": "support@contoso.com", "access": "granted", "answer": "Granted"},
            {"address": "sales@contoso.com", "access": "granted", "answer": "Granted"},
            {"address": "ceo@contoso.com", "access": "denied", "answer": "Denied"}
        ]
    })
}

#[test]
fn the_column_shows_exchanges_verdict_and_the_pending_cell_says_exchange_grants_it() {
    for (w, hgt) in [(100, 30), (80, 24)] {
        let (mut h, run) = on_checks(w, hgt);
        cells(&mut h, run);
        h.reply(Reply::RunRecorded(recorded(tested())));
        h.key(KeyCode::Down);
        let screen = h.screen();
        assert!(
            screen.contains("expected  read      write     exchange"),
            "{screen}"
        );
        let row = |a: &str| {
            screen
                .lines()
                .find(|l| l.contains(a))
                .unwrap_or_default()
                .to_string()
        };
        assert!(
            row("support@contoso.com").contains("pass      pass      granted"),
            "{screen}"
        );
        assert!(
            row("sales@contoso.com").contains("pending   pending   granted"),
            "{screen}"
        );
        assert!(row("ceo@contoso.com").contains("denied"), "{screen}");
        assert!(
            screen.contains("Exchange's verdict: its own test as admin@contoso.com"),
            "{screen}"
        );
        assert!(
            screen.contains("Exchange: granted for read (Granted)"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("checks_exchange_pending_{w}x{hgt}"), screen);
    }
}

#[test]
fn without_an_exchange_sign_in_the_column_says_not_available_and_why() {
    let (mut h, run) = on_checks(80, 24);
    cells(&mut h, run);
    let before = h.screen();
    assert!(
        before.contains("pass      pass      ·"),
        "no run recorded yet: {before}"
    );
    h.reply(Reply::RunRecorded(recorded(serde_json::json!({
        "state": "not-available",
        "reason": "not available: no Exchange sign-in (mailscope signin --exchange --profile contoso-kundo)"
    }))));
    let screen = h.screen();
    assert!(
        screen
            .lines()
            .any(|l| l.contains("support@contoso.com") && l.contains("n/a")),
        "{screen}"
    );
    assert!(
        screen.contains("Exchange's verdict: not available: no Exchange sign-in"),
        "{screen}"
    );
    insta::assert_snapshot!("checks_exchange_not_available_80x24", screen);
}
