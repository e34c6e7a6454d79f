//! The send opt-in on the live-checks screen: offered only where the preset has Mail.Send
//! as an application permission, validated, cancellable without losing the text, and run
//! with the send column for the typed recipient.

use crossterm::event::KeyCode;
use mailscope::graph::{Capability, CheckPlan, Verdict};
use mailscope::profile::{Cloud, Expectation, Mailbox, MailboxKind, PresetId, Profile};

use super::harness::Harness;
use super::update_tests::{kundo, opened};
use crate::tui::effect::Effect;
use crate::tui::msg::Reply;
use crate::tui::screens::send_prompt;
use crate::tui::step::Step;

fn mailbox(address: &str, expect: Expectation) -> Mailbox {
    Mailbox {
        address: address.into(),
        kind: MailboxKind::User,
        expect,
    }
}

/// The checks screen of a Kundo onboarding (Mail.Send + Mail.ReadWrite), its first run done.
fn at_checks() -> Harness {
    let mut p = kundo(Some("scoping"));
    p.mailboxes
        .push(mailbox("support@contoso.com", Expectation::Granted));
    p.mailboxes
        .push(mailbox("ceo@contoso.com", Expectation::Denied));
    let mut h = opened(p);
    assert_eq!(h.model.step(), Some(Step::Checks));
    let run = match h.take().as_slice() {
        [.., Effect::StartChecks { run, send_to, .. }] => {
            assert_eq!(send_to, &None, "nothing is sent by default");
            *run
        }
        other => panic!("checks start on arrival: {other:?}"),
    };
    h.reply(Reply::ChecksFinished(run, Ok(())));
    h
}

fn prompt_open(h: &Harness) -> bool {
    h.model.wizard().is_some_and(|w| w.checks.send.open)
}

fn prompt_text(h: &Harness) -> (String, Option<String>) {
    let w = h.model.wizard().expect("wizard");
    let f = w.checks.send.form.get(0).expect("field");
    (f.value().to_string(), f.error.clone())
}

#[test]
fn the_key_opens_the_prompt_only_where_the_preset_has_mail_send() {
    let mut h = at_checks();
    assert!(h.screen().contains("m send test mail"), "footer offers it");
    h.key(KeyCode::Char('m'));
    assert!(prompt_open(&h));
    // Every preset with a live-checks step: the key exists exactly where Mail.Send is an
    // application permission.
    for id in PresetId::ALL {
        let preset = mailscope::preset::preset(id).expect("preset");
        let Some(before) = Step::Checks.prev(&preset) else {
            continue;
        };
        let mut p = Profile::new("contoso-x", id, Cloud::Global);
        p.step = Some(before.as_str().to_string());
        let mut o = opened(p);
        assert_eq!(o.model.step(), Some(Step::Checks), "{id:?}");
        // Sinch's Mail.Send is optional and this profile has not chosen it.
        let sends = matches!(id, PresetId::Kundo | PresetId::Elegere | PresetId::Emplifi);
        assert_eq!(o.screen().contains("send test mail"), sends, "{id:?}");
        o.key(KeyCode::Char('m'));
        assert_eq!(prompt_open(&o), sends, "{id:?}");
    }
    // LEXZUR's Mail.Send is delegated: it cannot be proven app-only.
    let lexzur = mailscope::preset::preset(PresetId::Lexzur).expect("preset");
    assert!(!send_prompt::offered(&lexzur, &[]));
    let sinch = mailscope::preset::preset(PresetId::Sinch).expect("preset");
    assert!(!send_prompt::offered(&sinch, &[]));
    assert!(send_prompt::offered(&sinch, &["Mail.Send".to_string()]));
}

#[test]
fn an_invalid_address_shows_the_error_and_does_not_run() {
    let mut h = at_checks();
    h.key(KeyCode::Char('m'));
    h.typed("ops");
    assert_eq!(
        prompt_text(&h).1,
        None,
        "unfinished, not wrong, before the @"
    );
    h.typed("@contoso");
    let (_, err) = prompt_text(&h);
    assert!(
        err.is_some_and(|e| e.contains("not a domain")),
        "checked as typed"
    );
    h.enter();
    assert!(h.take().is_empty(), "no run for an invalid recipient");
    assert!(prompt_open(&h));
    h.typed(".com");
    assert_eq!(prompt_text(&h).1, None, "the error goes once it is valid");
    // Enter on an empty field, with no recipient yet, asks for one.
    h.ctrl('u');
    h.enter();
    assert!(h.take().is_empty());
    assert!(prompt_text(&h).1.is_some());
}

#[test]
fn esc_closes_the_prompt_and_keeps_the_typed_text() {
    let mut h = at_checks();
    h.key(KeyCode::Char('m'));
    h.typed("ops@contoso.c");
    h.key(KeyCode::Esc);
    assert!(!prompt_open(&h));
    assert_eq!(
        h.model.step(),
        Some(Step::Checks),
        "Esc left the prompt, not the step"
    );
    assert!(h.take().is_empty());
    h.key(KeyCode::Char('m'));
    assert_eq!(prompt_text(&h).0, "ops@contoso.c");
}

#[test]
fn enter_runs_the_checks_with_send_for_the_typed_recipient() {
    let mut h = at_checks();
    h.key(KeyCode::Char('m'));
    h.paste("Ops@Contoso.com\n");
    h.enter();
    assert!(!prompt_open(&h));
    let (run, profile, send_to) = match h.take().as_slice() {
        [
            Effect::StartChecks {
                run,
                profile,
                cells: None,
                send_to,
            },
        ] => (*run, profile.clone(), send_to.clone()),
        other => panic!("expected a full run, got {other:?}"),
    };
    assert_eq!(send_to.as_deref(), Some("ops@contoso.com"));
    let preset = mailscope::preset::preset(PresetId::Kundo).expect("preset");
    let plan = CheckPlan::new(&profile, &preset, send_to.as_deref());
    assert_eq!(plan.send_to.as_deref(), Some("ops@contoso.com"));
    let support = plan
        .mailboxes
        .iter()
        .find(|m| m.address == "support@contoso.com")
        .expect("must-reach mailbox");
    assert!(support.capabilities.contains(&Capability::Send));
    let w = h.model.wizard().expect("wizard");
    assert!(
        w.checks.caps.contains(&Capability::Send),
        "the table has the column"
    );
    assert!(
        toml::to_string(&w.profile).is_ok_and(|t| !t.contains("ops@contoso.com")),
        "the recipient is not saved in the profile"
    );
    // Kept for the session: a re-run sends again; emptying the field stops it.
    h.reply(Reply::ChecksFinished(run, Ok(())));
    h.key(KeyCode::Char('r'));
    assert!(matches!(
        h.take().as_slice(),
        [Effect::StartChecks {
            send_to: Some(_),
            ..
        }]
    ));
    h.key(KeyCode::Char('m'));
    h.ctrl('u');
    h.enter();
    assert!(matches!(
        h.take().as_slice(),
        [Effect::StartChecks { send_to: None, .. }]
    ));
    let w = h.model.wizard().expect("wizard");
    assert!(!w.checks.caps.contains(&Capability::Send));
}

#[test]
fn prompt_snapshot() {
    let mut h = at_checks();
    h.key(KeyCode::Char('m'));
    h.typed("ops@contoso");
    insta::assert_snapshot!("checks_send_prompt_invalid", h.screen());
    h.typed(".com");
    insta::assert_snapshot!("checks_send_prompt_filled", h.screen());
    h.enter();
    let run = match h.take().as_slice() {
        [Effect::StartChecks { run, .. }] => *run,
        other => panic!("{other:?}"),
    };
    for row in 0..2 {
        for cap in [Capability::Read, Capability::Write, Capability::Send] {
            h.reply(Reply::CheckCell(
                run,
                row,
                super::walk::cell(cap, Verdict::Pass, None),
            ));
        }
    }
    h.reply(Reply::ChecksFinished(run, Ok(())));
    insta::assert_snapshot!("checks_send_on", h.screen());
}
