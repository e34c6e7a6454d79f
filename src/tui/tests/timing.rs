//! Timing harness (ignored by default; run with `cargo test --release --bin mailscope
//! timing -- --ignored --nocapture`): drawing the live-check screen with 10,000 rows.

use std::time::Instant;

use mailscope::profile::{Expectation, Mailbox, MailboxKind};

use super::update_tests::{kundo, opened};
use super::walk::cell;
use crate::tui::msg::Reply;
use crate::tui::screens::checks::{Capability, Verdict};

#[test]
#[ignore = "timing harness; run explicitly with --ignored"]
fn check_screen_with_10000_rows_draws_fast() {
    let mut p = kundo(Some("scoping"));
    p.mailboxes = (0..10_000)
        .map(|i| Mailbox {
            address: format!("agent{i}@contoso.com"),
            kind: MailboxKind::User,
            expect: Expectation::Granted,
        })
        .collect();
    let mut h = opened(p);
    let run = h.started_checks();
    let fill = Instant::now();
    for row in 0..10_000 {
        for cap in [Capability::Read, Capability::Write] {
            let v = if row % 97 == 0 {
                Verdict::Fail
            } else {
                Verdict::Pass
            };
            h.reply(Reply::CheckCell(run, row, cell(cap, v, None)));
        }
    }
    eprintln!("20,000 cell updates: {:?}", fill.elapsed());
    h.key(crossterm::event::KeyCode::End);
    let frames = 200;
    let start = Instant::now();
    for _ in 0..frames {
        h.screen();
    }
    let per = start.elapsed() / frames;
    eprintln!("check screen, 10,000 rows: {per:?} per frame (target < 2 ms)");
    h.key(crossterm::event::KeyCode::Char('f'));
    let start = Instant::now();
    for _ in 0..frames {
        h.screen();
    }
    eprintln!(
        "filtered to problems: {:?} per frame",
        start.elapsed() / frames
    );
}
