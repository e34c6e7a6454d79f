//! The live-check screen says which server a running check waits for, and for how long.

use mailscope::profile::{Expectation, Mailbox, MailboxKind};

use super::harness::NOW;
use super::update_tests::{kundo, opened};
use super::walk::cell;
use crate::tui::msg::{Msg, Reply};
use crate::tui::screens::checks::{Capability, Verdict};

#[test]
fn a_silent_server_is_named_with_the_seconds_waited() {
    let mut p = kundo(Some("scoping"));
    p.mailboxes = vec![Mailbox {
        address: "support@contoso.com".into(),
        kind: MailboxKind::User,
        expect: Expectation::Granted,
    }];
    let mut h = opened(p);
    let run = h.started_checks();
    let label = "the token endpoint at login.microsoftonline.com";
    h.reply(Reply::ChecksWaiting(run, label.into()));
    h.msg(Msg::Tick(NOW + time::Duration::seconds(1)));
    let s = h.screen();
    assert!(!s.contains("waiting for the"), "quiet for a second: {s}");
    h.msg(Msg::Tick(NOW + time::Duration::seconds(12)));
    assert!(
        h.screen()
            .contains("12 s waiting for the token endpoint at login.micro"),
        "{}",
        h.screen()
    );
    // An answer restarts the count.
    h.reply(Reply::CheckCell(
        run,
        0,
        cell(Capability::Read, Verdict::Pass, None),
    ));
    h.msg(Msg::Tick(NOW + time::Duration::seconds(13)));
    assert!(!h.screen().contains("waiting for the"), "{}", h.screen());
}
