//! Every screen drawn with `TestBackend` in its meaningful states, compared with insta.

use crossterm::event::KeyCode;
use mailscope::profile::{Expectation, Mailbox, MailboxKind, PresetId, Profile};
use mailscope::secrets::Secret;

use super::harness::Harness;
use super::update_tests::{kundo, opened};
use super::walk::cell;
use crate::tui::effect::Effect;
use crate::tui::model::Demo;
use crate::tui::msg::Reply;
use crate::tui::screens::checks::{Capability, Verdict};

fn run_of(fx: &[Effect]) -> u64 {
    fx.iter()
        .find_map(|e| match e {
            Effect::StartChecks { run, .. }
            | Effect::GenerateScript { run, .. }
            | Effect::VerifyToken { run, .. }
            | Effect::LoadSecret { run, .. } => Some(*run),
            _ => None,
        })
        .expect("a request")
}

fn with_mailboxes(mut p: Profile, n: usize) -> Profile {
    for i in 0..n {
        p.mailboxes.push(Mailbox {
            address: format!("agent{i}@contoso.com"),
            kind: if i == 0 {
                MailboxKind::Shared
            } else {
                MailboxKind::User
            },
            expect: if i % 4 == 3 {
                Expectation::Denied
            } else {
                Expectation::Granted
            },
        });
    }
    p
}

#[test]
fn start_screens() {
    let mut h = Harness::new();
    insta::assert_snapshot!("start_empty", h.screen());
    let mut expiring = kundo(Some("summary"));
    expiring.name = "fabrikam-kundo".into();
    expiring.credential = Some(mailscope::profile::CredentialInfo {
        expires: Some(time::macros::date!(2026 - 12 - 01)),
        ..mailscope::profile::CredentialInfo::new(mailscope::profile::CredentialKind::Secret)
    });
    h.model.start.profiles = Some(vec![
        crate::tui::msg::ListedProfile {
            name: "contoso-kundo".into(),
            profile: Ok(kundo(Some("credential"))),
            last_check: Some(
                "last check 2026-11-21 16:02 UTC: 6 pass, 2 fail, 0 pending, 0 error".into(),
            ),
            last_run: None,
        },
        crate::tui::msg::ListedProfile {
            name: "fabrikam-kundo".into(),
            profile: Ok(expiring),
            last_check: None,
            last_run: None,
        },
        crate::tui::msg::ListedProfile {
            name: "broken".into(),
            profile: Err("profiles/broken.toml: line 3: unknown key `colud`".into()),
            last_check: None,
            last_run: None,
        },
    ]);
    insta::assert_snapshot!("start_list", h.screen());
    h.key(KeyCode::Char('n'));
    h.key(KeyCode::Down);
    for _ in 0..5 {
        h.key(KeyCode::Right);
    }
    h.key(KeyCode::Down);
    h.ctrl('u');
    h.typed("bad name!");
    h.enter();
    insta::assert_snapshot!("start_new_custom_invalid", h.screen());
}

#[test]
fn app_registration_screens() {
    let mut h = opened(Profile::new(
        "contoso-lexzur",
        PresetId::Lexzur,
        Default::default(),
    ));
    insta::assert_snapshot!("app_reg_lexzur_empty", h.screen());
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    h.typed("http://lexzur.contoso.com/cb");
    insta::assert_snapshot!("app_reg_lexzur_invalid_redirect", h.screen());
}

#[test]
fn credential_screens() {
    let mut h = opened(kundo(Some("app-registration")));
    h.key(KeyCode::Down);
    h.typed("abc~secret~value~that~is~long~enough");
    insta::assert_snapshot!("credential_secret_masked", h.screen());
    h.ctrl('r');
    let shown = h.screen();
    assert!(shown.contains("abc~secret~value"), "revealed on request");
    let mut elegere = Profile::new("contoso-elegere", PresetId::Elegere, Default::default());
    elegere.step = Some("app-registration".into());
    let mut e2 = opened(elegere);
    insta::assert_snapshot!("credential_certificate_none", e2.screen());
    e2.ctrl('g');
    let run = match e2.take().last() {
        Some(Effect::GenerateCertificate { run, .. }) => *run,
        other => panic!("{other:?}"),
    };
    e2.reply(Reply::Certificate(
        run,
        Ok(crate::tui::msg::CertInfo {
            sha1: "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678".into(),
            sha256: "0011223344556677889900112233445566778899AABBCCDDEEFF001122334455".into(),
            cer_path: "contoso-elegere.cer".into(),
            expires: None,
        }),
    ));
    insta::assert_snapshot!("credential_certificate_ready", e2.screen());
}

#[test]
fn permission_screens() {
    let mut h = opened(kundo(Some("credential")));
    insta::assert_snapshot!("permissions_not_verified", h.screen());
    h.key(KeyCode::Char('v'));
    let run = run_of(&h.take());
    insta::assert_snapshot!("permissions_running", h.screen());
    h.reply(Reply::Verified(
        run,
        Err("secret-invalid: the client secret is wrong.".into()),
    ));
    insta::assert_snapshot!("permissions_failed", h.screen());
    h.key(KeyCode::Char('v'));
    let run = run_of(&h.take());
    h.reply(Reply::Verified(
        run,
        Ok(vec!["Mail.Send".into(), "Mail.ReadWrite".into()]),
    ));
    insta::assert_snapshot!("permissions_verified", h.screen());
}

#[test]
fn branding_and_mailbox_screens() {
    let mut h = opened(kundo(Some("permissions")));
    insta::assert_snapshot!("branding", h.screen());
    h.key(KeyCode::Char('s'));
    insta::assert_snapshot!("mailboxes_empty", h.screen());
    h.key(KeyCode::Char('a'));
    h.typed("not an address");
    h.enter();
    insta::assert_snapshot!("mailboxes_add_invalid", h.screen());
    let mut h = opened(with_mailboxes(kundo(Some("permissions")), 40));
    h.key(KeyCode::Char('s'));
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    insta::assert_snapshot!("mailboxes_filled", h.screen());
}

#[test]
fn scoping_screens() {
    let mut h = opened(with_mailboxes(kundo(Some("mailboxes")), 3));
    let run = run_of(&h.take());
    insta::assert_snapshot!("scoping_generating", h.screen());
    let script: String = (1..=40).map(|i| format!("# line {i}\n")).collect();
    h.reply(Reply::Script(run, Ok(script)));
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.key(KeyCode::PageDown);
    insta::assert_snapshot!("scoping_script_scrolled", h.screen());
    h.key(KeyCode::Tab);
    h.ctrl('u');
    insta::assert_snapshot!("scoping_invalid_group", h.screen());
}

#[test]
fn scoping_with_the_generated_script_and_rbac() {
    let mut h = opened(with_mailboxes(kundo(Some("mailboxes")), 3));
    let (run, profile) = match h.take().last() {
        Some(Effect::GenerateScript { run, profile }) => (*run, profile.clone()),
        other => panic!("{other:?}"),
    };
    let script = crate::tui::tasks::scoping_script(&profile);
    assert!(
        script
            .as_ref()
            .is_ok_and(|s| s.contains("New-ApplicationAccessPolicy"))
    );
    h.reply(Reply::Script(run, script));
    insta::assert_snapshot!("scoping_real_script", h.screen());
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.key(KeyCode::Right);
    let (run, profile) = match h.take().last() {
        Some(Effect::GenerateScript { run, profile }) => (*run, profile.clone()),
        other => panic!("{other:?}"),
    };
    let missing = crate::tui::tasks::scoping_script(&profile);
    assert!(
        missing.as_ref().is_err_and(|e| e.contains("Object ID")),
        "{missing:?}"
    );
    h.reply(Reply::Script(run, missing));
    h.key(KeyCode::Tab);
    h.typed("9f8e7d6c-0000-4000-8000-00000000abcd");
    let (run, profile) = match h.take().last() {
        Some(Effect::GenerateScript { run, profile }) => (*run, profile.clone()),
        other => panic!("{other:?}"),
    };
    let rbac = crate::tui::tasks::scoping_script(&profile);
    assert!(
        rbac.as_ref()
            .is_ok_and(|s| s.contains("New-ManagementRoleAssignment"))
    );
    h.reply(Reply::Script(run, rbac));
    insta::assert_snapshot!("scoping_rbac_script", h.screen());
}

#[test]
fn check_screens() {
    let mut h = opened(with_mailboxes(kundo(Some("scoping")), 8));
    let run = run_of(&h.take());
    h.reply(Reply::ChecksStarted(run, 16));
    insta::assert_snapshot!("checks_running_empty", h.screen());
    h.reply(Reply::CheckCell(
        run,
        0,
        cell(Capability::Read, Verdict::Pass, None),
    ));
    h.reply(Reply::CheckCell(
        run,
        1,
        cell(Capability::Read, Verdict::Fail, Some("policy-denied")),
    ));
    h.reply(Reply::CheckCell(
        run,
        2,
        cell(
            Capability::Write,
            Verdict::Pending,
            Some("permission-missing"),
        ),
    ));
    h.key(KeyCode::Down);
    insta::assert_snapshot!("checks_running_partial", h.screen());
    h.reply(Reply::ChecksFinished(run, Ok(())));
    h.key(KeyCode::Char('f'));
    insta::assert_snapshot!("checks_done_filtered", h.screen());
    h.key(KeyCode::Char('r'));
    let run = run_of(&h.take());
    h.reply(Reply::ChecksFinished(
        run,
        Err("secret-invalid: the client secret is wrong. Fix: create a new secret.".into()),
    ));
    insta::assert_snapshot!("checks_failed", h.screen());
}

#[test]
fn summary_screens() {
    let mut p = kundo(Some("checks"));
    p.credential = Some(mailscope::profile::CredentialInfo {
        expires: Some(time::macros::date!(2027 - 01 - 10)),
        ..mailscope::profile::CredentialInfo::new(mailscope::profile::CredentialKind::Secret)
    });
    let mut h = opened(p);
    insta::assert_snapshot!("summary_secret_hidden", h.screen());
    let mut l = Profile::new("contoso-lexzur", PresetId::Lexzur, Default::default());
    l.client_id = Some("b1c2d3e4-0000-4000-8000-000000000002".into());
    l.redirect_uri =
        Some("https://lexzur.contoso.com/api/v2/core/user_authorization_callback".into());
    l.step = Some("branding".into());
    let mut perms = l.clone();
    perms.step = Some("credential".into());
    perms.tenant = Some("contoso.onmicrosoft.com".into());
    let mut p = opened(perms);
    p.key(KeyCode::Char('v'));
    let run = run_of(&p.take());
    p.reply(Reply::Verified(run, Ok(Vec::new())));
    insta::assert_snapshot!("permissions_lexzur_delegated_verified", p.screen());
    let mut h = opened(l);
    h.key(KeyCode::Char('S'));
    let run = run_of(&h.take());
    h.reply(Reply::SecretLoaded(
        run,
        Ok(Secret::new("shown~on~request~only~123")),
    ));
    insta::assert_snapshot!("summary_lexzur_secret_shown", h.screen());
    h.key(KeyCode::Char('w'));
    h.ctrl('u');
    h.typed("/srv/lexzur/application/config/integrations.json");
    insta::assert_snapshot!("summary_lexzur_merge_path", h.screen());
    h.enter();
    match h.take().as_slice() {
        [
            Effect::MergeIntegrations {
                key,
                secret,
                client_id,
                ..
            },
        ] => {
            assert_eq!(key, "MS-OfficeMail-365");
            assert_eq!(client_id, "b1c2d3e4-0000-4000-8000-000000000002");
            assert_eq!(
                secret.as_ref().map(Secret::expose),
                Some("shown~on~request~only~123")
            );
        }
        other => panic!("expected a merge, got {other:?}"),
    }
    h.key(KeyCode::Char('w'));
    h.key(KeyCode::Esc);
    assert_eq!(h.model.step(), Some(crate::tui::step::Step::Summary));
}

#[test]
fn frame_states() {
    let mut h = Harness::sized(79, 24);
    insta::assert_snapshot!("too_small", h.screen());
    h.resize(80, 24);
    assert!(
        h.screen().contains("Start a new onboarding"),
        "resizes live"
    );
    let mut h = opened(kundo(Some("branding")));
    h.model.demo = Some(Demo {
        authority: "https://127.0.0.1:8443".into(),
    });
    h.key(KeyCode::Char('?'));
    insta::assert_snapshot!("demo_banner_and_help", h.screen());
}
