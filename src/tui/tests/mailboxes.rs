//! The mailbox list without a terminal: invalid and duplicate entries, 10,000 rows, import.

use crossterm::event::KeyCode;
use mailscope::profile::{Expectation, MailboxKind};

use super::update_tests::{kundo, opened};
use crate::tui::effect::Effect;
use crate::tui::msg::{Msg, Reply};
use crate::tui::step::Step;

#[test]
fn mailboxes_refuse_invalid_and_duplicate_entries_with_the_reason() {
    let mut h = opened(kundo(Some("branding")));
    h.key(KeyCode::Char('a'));
    h.typed("support@contoso.com");
    h.enter();
    h.key(KeyCode::Char('a'));
    h.typed("support@contoso.com");
    h.enter();
    let w = h.model.wizard().expect("wizard");
    assert_eq!(w.profile.mailboxes.len(), 1);
    assert!(
        w.mailboxes
            .input
            .get(0)
            .and_then(|f| f.error.clone())
            .is_some_and(|e| e.contains("already listed"))
    );
    h.key(KeyCode::Esc);
    h.key(KeyCode::Char(' '));
    h.key(KeyCode::Char('s'));
    let m = &h.model.wizard().expect("wizard").profile.mailboxes[0];
    assert_eq!(
        (m.expect, m.kind),
        (Expectation::Denied, MailboxKind::Shared)
    );
    h.enter();
    assert_eq!(
        h.model.step(),
        Some(Step::Mailboxes),
        "needs a must-reach mailbox"
    );
}

#[test]
fn ten_thousand_mailboxes_paste_and_navigate() {
    let mut h = opened(kundo(Some("branding")));
    h.key(KeyCode::Char('a'));
    let text: String = (0..10_000)
        .map(|i| format!("agent{i}@contoso.com\n"))
        .collect();
    h.paste(&text);
    let w = h.model.wizard().expect("wizard");
    assert_eq!(w.profile.mailboxes.len(), 10_000);
    h.key(KeyCode::Home);
    h.key(KeyCode::PageDown);
    h.msg(Msg::Scroll(3));
    let sel = h.model.wizard().expect("wizard").mailboxes.selected;
    assert_eq!(sel, 12 + 3);
    let screen = h.screen();
    assert!(screen.contains("agent15@contoso.com") && !screen.contains("agent9999@"));
}

#[test]
fn mailboxes_import_from_a_file() {
    let mut h = opened(kundo(Some("branding")));
    h.key(KeyCode::Char('i'));
    h.typed("/srv/mailboxes.csv");
    h.enter();
    let run = match h.take().as_slice() {
        [Effect::ReadFile { run, path }] => {
            assert_eq!(path.display().to_string(), "/srv/mailboxes.csv");
            *run
        }
        other => panic!("expected a file read, got {other:?}"),
    };
    h.reply(Reply::FileRead(run + 1, Ok("stale@contoso.com".into())));
    h.reply(Reply::FileRead(
        run,
        Ok("a@contoso.com\nb@contoso.com,denied\n".into()),
    ));
    let w = h.model.wizard().expect("wizard");
    let got: Vec<_> = w
        .profile
        .mailboxes
        .iter()
        .map(|m| (m.address.as_str(), m.expect))
        .collect();
    assert_eq!(
        got,
        [
            ("a@contoso.com", Expectation::Granted),
            ("b@contoso.com", Expectation::Denied)
        ]
    );
}
