//! `update` without a terminal: validation beside fields, stale replies, resume, Esc, Ctrl-C.

use crossterm::event::KeyCode;
use mailscope::profile::{Cloud, Expectation, Mailbox, MailboxKind, PresetId, Profile};

use super::harness::Harness;
use crate::tui::effect::Effect;
use crate::tui::model::Overlay;
use crate::tui::msg::{ListedProfile, Msg, Reply};
use crate::tui::screens::{app_reg, credential};
use crate::tui::step::Step;

/// A harness with `profile` opened from the start screen.
pub fn opened(profile: Profile) -> Harness {
    let mut h = Harness::new();
    h.model.start.profiles = Some(vec![ListedProfile {
        name: profile.name.clone(),
        profile: Ok(profile),
        last_check: None,
        last_run: None,
    }]);
    h.enter();
    h
}

pub fn kundo(step: Option<&str>) -> Profile {
    let mut p = Profile::new("contoso-kundo", PresetId::Kundo, Cloud::Global);
    p.client_id = Some("b1c2d3e4-0000-4000-8000-000000000001".into());
    p.tenant = Some("contoso.onmicrosoft.com".into());
    p.app_name = Some("Kundo Mail".into());
    p.step = step.map(str::to_string);
    p
}

fn field_error(h: &Harness, i: usize) -> Option<String> {
    let w = h.model.wizard()?;
    let form = match h.model.step() {
        Some(Step::AppRegistration) => &w.app.form,
        _ => &w.cred.form,
    };
    form.get(i)?.error.clone()
}

#[test]
fn resumes_after_the_last_completed_step() {
    let h = opened(kundo(Some("permissions")));
    assert_eq!(h.model.step(), Some(Step::Branding));
}

#[test]
fn ids_are_validated_as_typed_and_on_continue() {
    let mut h = opened(kundo(None));
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    h.ctrl('u');
    h.typed("not-a-guid");
    assert!(
        field_error(&h, app_reg::F_CLIENT)
            .is_some_and(|e| e.contains("not an Application (client) ID"))
    );
    h.key(KeyCode::Down);
    h.ctrl('u');
    h.typed("common");
    assert!(field_error(&h, app_reg::F_TENANT).is_some_and(|e| e.contains("multi-tenant alias")));
    h.enter();
    assert_eq!(h.model.step(), Some(Step::AppRegistration), "refused");
    assert_eq!(
        h.model.wizard().map(|w| w.app.form.focus),
        Some(app_reg::F_CLIENT)
    );
    assert!(
        h.take()
            .iter()
            .all(|e| !matches!(e, Effect::SaveProfile(_)))
    );
}

#[test]
fn the_secret_id_is_refused_as_the_value_and_nothing_is_stored() {
    let mut h = opened(kundo(Some("app-registration")));
    h.take();
    h.key(KeyCode::Down);
    h.paste("5e1c0a77-1111-4222-8333-944445555666");
    assert!(field_error(&h, credential::F_VALUE).is_some_and(|e| e.contains("Secret ID")));
    h.enter();
    h.enter();
    assert!(
        h.take()
            .iter()
            .all(|e| !matches!(e, Effect::StoreSecret { .. }))
    );
    assert_eq!(h.model.step(), Some(Step::Credential));
}

#[test]
fn a_keyring_failure_is_shown_at_the_value_and_the_step_stays() {
    let mut h = opened(kundo(Some("app-registration")));
    h.take();
    h.key(KeyCode::Down);
    h.typed("a-valid-looking~secret~value~12345");
    h.enter();
    h.enter();
    let run = h
        .take()
        .iter()
        .find_map(|e| match e {
            Effect::StoreSecret { run, .. } => Some(*run),
            _ => None,
        })
        .expect("store requested");
    h.reply(Reply::SecretStored(
        run,
        Err("the keyring is locked".into()),
    ));
    assert_eq!(h.model.step(), Some(Step::Credential));
    assert!(
        field_error(&h, credential::F_VALUE)
            .is_some_and(|e| e.contains("Not stored: the keyring is locked"))
    );
}

#[test]
fn replies_to_abandoned_runs_are_ignored() {
    let mut h = opened(kundo(Some("branding")));
    h.key(KeyCode::Char('a'));
    h.paste("a@contoso.com\nb@contoso.com denied");
    h.enter();
    h.take();
    h.reply(Reply::Script(9999, Ok("stale".into())));
    let w = h.model.wizard().expect("wizard");
    assert!(matches!(
        w.scoping.script,
        crate::tui::screens::scoping::ScriptState::Generating(_)
    ));
}

#[test]
fn esc_goes_back_without_losing_input() {
    let mut h = opened(kundo(Some("app-registration")));
    h.key(KeyCode::Down);
    h.typed("half-typed");
    h.key(KeyCode::Esc);
    assert_eq!(h.model.step(), Some(Step::AppRegistration));
    for _ in 0..5 {
        h.enter();
    }
    assert_eq!(h.model.step(), Some(Step::Credential));
    let w = h.model.wizard().expect("wizard");
    assert_eq!(w.cred.form.value(credential::F_VALUE), "half-typed");
    h.key(KeyCode::Esc);
    h.key(KeyCode::Esc);
    assert_eq!(h.model.step(), None);
}

#[test]
fn ctrl_c_quits_from_anywhere_and_cancels_running_checks() {
    let mut p = kundo(Some("scoping"));
    p.mailboxes.push(Mailbox {
        address: "a@contoso.com".into(),
        kind: MailboxKind::User,
        expect: Expectation::Granted,
    });
    let mut h = opened(p);
    assert_eq!(h.model.step(), Some(Step::Checks));
    assert!(
        h.take()
            .iter()
            .any(|e| matches!(e, Effect::StartChecks { .. }))
    );
    h.key(KeyCode::Char('?'));
    assert_eq!(h.model.overlay, Overlay::Help);
    h.ctrl('c');
    let fx = h.take();
    assert!(
        matches!(fx.as_slice(), [Effect::CancelChecks, Effect::Quit]),
        "{fx:?}"
    );
    assert!(h.model.quitting);
}

#[test]
fn help_is_per_screen_and_keys_are_inert_beneath_it() {
    let mut h = opened(kundo(Some("credential")));
    // Arriving on the permissions screen reads what Entra holds for the app.
    assert!(matches!(h.take().as_slice(), [Effect::InspectEntra { .. }]));
    h.key(KeyCode::Char('?'));
    assert!(h.screen().contains("Grant admin consent"));
    h.key(KeyCode::Char('v'));
    assert!(h.take().is_empty());
    h.key(KeyCode::Esc);
    assert_eq!(h.model.overlay, Overlay::None);
}

#[test]
fn half_typed_ids_get_no_error_until_enter() {
    let mut h = opened(kundo(None));
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    h.ctrl('u');
    h.typed("b1c2d3e4-00");
    assert_eq!(
        field_error(&h, app_reg::F_CLIENT),
        None,
        "a GUID being typed"
    );
    h.key(KeyCode::Down);
    h.ctrl('u');
    h.typed("contoso.");
    assert_eq!(
        field_error(&h, app_reg::F_TENANT),
        None,
        "a domain being typed"
    );
    h.enter();
    assert!(
        field_error(&h, app_reg::F_CLIENT).is_some(),
        "checked on continue"
    );
    assert!(field_error(&h, app_reg::F_TENANT).is_some());
}

/// A Kundo profile with these must-reach mailboxes, opened where its checks start.
fn at_checks(addresses: &[&str]) -> Harness {
    let mut p = kundo(Some("scoping"));
    for a in addresses {
        p.mailboxes.push(Mailbox {
            address: (*a).into(),
            kind: MailboxKind::User,
            expect: Expectation::Granted,
        });
    }
    opened(p)
}

#[test]
fn watch_mode_rechecks_only_pending_and_failing_cells() {
    use crate::tui::screens::checks::{Capability, Verdict};
    let mut h = at_checks(&["a@contoso.com", "b@contoso.com"]);
    let run = h.started_checks();
    let ok = |cap| super::walk::cell(cap, Verdict::Pass, None);
    let pending = super::walk::cell(Capability::Write, Verdict::Pending, Some("policy-denied"));
    h.reply(Reply::CheckCell(run, 0, ok(Capability::Read)));
    h.reply(Reply::CheckCell(run, 0, ok(Capability::Write)));
    h.reply(Reply::CheckCell(run, 1, ok(Capability::Read)));
    h.reply(Reply::CheckCell(run, 1, pending));
    h.reply(Reply::ChecksFinished(run, Ok(())));
    h.key(KeyCode::Char('w'));
    for _ in 0..crate::tui::screens::checks::WATCH_INTERVAL_S {
        h.msg(Msg::Tick(super::harness::NOW));
    }
    match h.take().as_slice() {
        [
            Effect::StartChecks {
                cells: Some(cells), ..
            },
        ] => {
            assert_eq!(cells.as_slice(), [(1, Capability::Write)]);
        }
        other => panic!("expected a watch round, got {other:?}"),
    }
}

/// The wizard's watch follows the library's policy: a failure that needs the admin (a
/// permission missing) is not asked again, and watch mode ends after the policy's limit.
#[test]
fn watch_mode_follows_the_librarys_policy() {
    use crate::tui::screens::checks::{Capability, Verdict};
    let mut h = at_checks(&["a@contoso.com"]);
    let run = h.started_checks();
    let fail = |cap| super::walk::cell(cap, Verdict::Fail, Some("permission-missing"));
    let pending = super::walk::cell(Capability::Write, Verdict::Pending, Some("policy-denied"));
    h.reply(Reply::CheckCell(run, 0, fail(Capability::Read)));
    h.reply(Reply::CheckCell(run, 0, pending));
    h.reply(Reply::ChecksFinished(run, Ok(())));
    h.key(KeyCode::Char('w'));
    h.take();
    for _ in 0..crate::tui::screens::checks::WATCH_INTERVAL_S {
        h.msg(Msg::Tick(super::harness::NOW));
    }
    match h.take().as_slice() {
        [
            Effect::StartChecks {
                cells: Some(cells), ..
            },
        ] => assert_eq!(
            cells.as_slice(),
            [(0, Capability::Write)],
            "the failure waits"
        ),
        other => panic!("expected a watch round, got {other:?}"),
    }
    let round = h.model.wizard().map(|w| w.checks.phase.clone());
    if let Some(crate::tui::screens::checks::Phase::Running(r)) = round {
        h.reply(Reply::ChecksFinished(r, Ok(())));
    }
    // Past the policy's limit (2 h 15 min), the next tick ends watch mode.
    h.msg(Msg::Tick(super::harness::NOW + time::Duration::hours(3)));
    assert!(h.take().is_empty(), "no round after the limit");
    assert!(!h.model.wizard().expect("wizard").checks.watch);
}

#[test]
fn no_color_draws_without_colours() {
    let mut h = opened(kundo(Some("app-registration")));
    h.key(KeyCode::Down);
    h.typed("5e1c0a77-1111-4222-8333-944445555666");
    h.screen();
    let buf = h.terminal.backend().buffer();
    let coloured = buf
        .content()
        .iter()
        .filter(|c| c.fg != ratatui::style::Color::Reset || c.bg != ratatui::style::Color::Reset)
        .count();
    assert_eq!(coloured, 0);
    let mut c = opened(kundo(Some("app-registration")));
    c.model.theme = crate::tui::theme::Theme { color: true };
    c.screen();
    let buf = c.terminal.backend().buffer();
    assert!(
        buf.content()
            .iter()
            .any(|c| c.fg != ratatui::style::Color::Reset),
        "colour without NO_COLOR"
    );
}

#[test]
fn every_preset_draws_every_step_at_80x24_and_larger() {
    for id in PresetId::ALL {
        let preset = mailscope::preset::preset(id).expect("preset");
        for step in Step::sequence(&preset) {
            let mut p = Profile::new("contoso-x", id, Cloud::Global);
            p.step = step.prev(&preset).map(|s| s.as_str().to_string());
            let mut h = opened(p);
            assert_eq!(h.model.step(), Some(step), "{id:?}");
            let screen = h.screen();
            assert!(screen.contains(step.title()), "{id:?} {step:?}:\n{screen}");
            h.resize(120, 40);
            h.key(KeyCode::F(1));
            assert!(h.screen().contains("Help (Esc closes)"), "{id:?} {step:?}");
        }
    }
}

#[test]
fn the_entra_script_is_saved_from_the_registration_step() {
    let mut h = opened(kundo(None));
    h.ctrl('s');
    match h.take().as_slice() {
        [Effect::WriteFile { path, contents }] => {
            assert_eq!(path.display().to_string(), "contoso-kundo-entra.ps1");
            assert!(contents.contains("New-MgApplication"), "{contents}");
        }
        other => panic!("expected the script, got {other:?}"),
    }
}

/// Sinch's optional Mail.Send: `o` on the permissions step requests it and leaves it out
/// again; what Verify calls missing follows the choice.
#[test]
fn the_permissions_step_toggles_optional_permissions() {
    let mut p = kundo(Some("credential"));
    p.preset = PresetId::Sinch;
    p.name = "contoso-sinch".into();
    let mut h = opened(p);
    assert_eq!(h.model.step(), Some(Step::Permissions));
    assert!(words(&h.screen()).contains("(optional: left out; o requests it)"));
    let roles = Reply::TokenSeen(vec!["Mail.ReadWrite".into()]);
    h.reply(roles);
    let missing = |h: &Harness| {
        h.model
            .wizard()
            .map(|w| crate::tui::screens::permissions::missing(&w.perms, &w.profile, &w.preset))
            .unwrap_or_default()
    };
    let chosen = |h: &Harness| {
        h.model
            .wizard()
            .map(|w| w.profile.optional_permissions.clone())
            .unwrap_or_default()
    };
    assert!(missing(&h).is_empty());
    h.key(KeyCode::Char('o'));
    assert_eq!(chosen(&h), ["Mail.Send"]);
    let screen = words(&h.screen());
    assert!(
        screen.contains("(optional: requested; o leaves it out)"),
        "{screen}"
    );
    assert_eq!(missing(&h), ["Mail.Send"]);
    h.key(KeyCode::Char('o'));
    assert!(chosen(&h).is_empty());
    // Presets without optional permissions offer no toggle.
    let mut k = opened(kundo(Some("credential")));
    k.key(KeyCode::Char('o'));
    assert!(
        k.model
            .wizard()
            .is_some_and(|w| w.profile.optional_permissions.is_empty())
    );
}

/// The screen's words in order, so wrapped lines read as one text.
fn words(screen: &str) -> String {
    screen
        .split(|c: char| c.is_whitespace() || c == '"')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A certificate task's error goes next to the field it is about, by its kind (not by
/// matching words in its text).
#[test]
fn certificate_errors_land_next_to_their_field() {
    use crate::tui::msg::CertTaskError;
    use crate::tui::screens::credential::{F_CER, F_IMPORT, F_PFX_PASSWORD};
    use mailscope::credential::CredentialError;
    let mut p = Profile::new("contoso-elegere", PresetId::Elegere, Default::default());
    p.step = Some("app-registration".into());
    let cases = [
        (
            CertTaskError::Password(CredentialError::PfxPassword),
            F_PFX_PASSWORD,
        ),
        (CertTaskError::CerPath("in use".into()), F_CER),
        (CertTaskError::Source("no key in it".into()), F_CER),
    ];
    for (error, field) in cases {
        let mut h = opened(p.clone());
        h.ctrl('g');
        let run = match h.take().last() {
            Some(Effect::GenerateCertificate { run, .. }) => *run,
            other => panic!("{other:?}"),
        };
        let text = error.to_string();
        h.reply(Reply::Certificate(run, Err(error)));
        let form = &h.model.wizard().expect("wizard").cred.form;
        assert_eq!(
            form.get(field).and_then(|f| f.error.as_deref()),
            Some(text.as_str())
        );
        assert!(form.get(F_IMPORT).is_some_and(|f| f.error.is_none()));
    }
}
