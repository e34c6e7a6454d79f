//! "Do it for me" on the scoping screen through `update`: what it needs, the Exchange sign-in
//! and cancelling, the plan (a stop, a warning, a missing role), confirming, progress,
//! success marking the scoping as run, failure keeping the script; snapshots at 100×30 and
//! 80×24.

use crossterm::event::KeyCode;
use mailscope::exchange::endpoints::UNDOCUMENTED;
use mailscope::profile::{Expectation, Mailbox, MailboxKind, Profile, ScopeMechanism};

use super::doit::doit;
use super::harness::Harness;
use super::update_tests::{kundo, opened};
use crate::tui::effect::{DoItArea, Effect};
use crate::tui::entra_msg::{
    Applied, DoItReply, Failure, PlanSummary, Progress, RoleLine, SigninPrompt,
};
use crate::tui::msg::{Reply, RunId};
use crate::tui::screens::doit::Phase;
use crate::tui::screens::scoping::ScriptState;
use crate::tui::step::Step;

const RECORD: &str = "/home/a/profiles/contoso-kundo.changes.jsonl";

/// A Kundo profile with the app registered, on the scoping step, with three mailboxes.
fn on_scoping() -> Harness {
    let mut p = kundo(Some("mailboxes"));
    for (a, kind, expect) in [
        (
            "support@contoso.com",
            MailboxKind::Shared,
            Expectation::Granted,
        ),
        ("sales@contoso.com", MailboxKind::User, Expectation::Granted),
        ("ceo@contoso.com", MailboxKind::User, Expectation::Denied),
    ] {
        p.mailboxes.push(Mailbox {
            address: a.into(),
            kind,
            expect,
        });
    }
    let mut h = opened(p);
    assert_eq!(h.model.step(), Some(Step::Scoping));
    let run = h
        .take()
        .iter()
        .find_map(|e| match e {
            Effect::GenerateScript { run, .. } => Some(*run),
            _ => None,
        })
        .expect("the script is generated on arrival");
    h.reply(Reply::Script(
        run,
        Ok(
            "Connect-ExchangeOnline\nNew-DistributionGroup -Name 'Kundo Mail' -Type Security\n"
                .into(),
        ),
    ));
    h
}

fn exchange_plan(held: bool) -> PlanSummary {
    PlanSummary {
        tenant_name: "contoso.onmicrosoft.com".into(),
        tenant_id: "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f".into(),
        admin: "admin@contoso.com".into(),
        admin_roles: held.then(|| "Exchange Administrator".into()).into_iter().collect(),
        roles: vec![RoleLine {
            need: "changing groups and scoping in Exchange".into(),
            roles: "Exchange Administrator or Global Administrator".into(),
            held: held.then(|| "Exchange Administrator".into()),
        }],
        actions: vec![
            "Create the mail-enabled security group 'Kundo Mail' (alias kundo-mail, address kundo-mail@contoso.com)".into(),
            "Add support@contoso.com to the group 'kundo-mail@contoso.com'".into(),
            "Add sales@contoso.com to the group 'kundo-mail@contoso.com'".into(),
            "Restrict the app to the members of 'kundo-mail@contoso.com' (New-ApplicationAccessPolicy -AccessRight RestrictAccess)".into(),
        ],
        consent_url: None,
        blocked: None,
        warnings: vec![],
        notes: vec![
            "Scoping through an application access policy.".into(),
            UNDOCUMENTED.into(),
        ],
    }
}

fn started(h: &mut Harness) -> (RunId, Profile) {
    h.take()
        .into_iter()
        .find_map(|e| match e {
            Effect::DoItPlan {
                run,
                profile,
                area: DoItArea::Exchange,
                ..
            } => Some((run, *profile)),
            _ => None,
        })
        .expect("Do it for me in Exchange started")
}

fn phase(h: &Harness) -> Phase {
    h.model
        .wizard()
        .map(|w| w.doit.phase.clone())
        .unwrap_or_default()
}

fn at_plan(plan: PlanSummary) -> (Harness, RunId) {
    let mut h = on_scoping();
    h.ctrl('d');
    let (run, _) = started(&mut h);
    doit(&mut h, run, DoItReply::Planned(Box::new(plan)));
    (h, run)
}

fn progress(h: &mut Harness, run: RunId) {
    let actions = exchange_plan(true).actions;
    for p in [
        Progress::Started {
            step: 1,
            of: 4,
            summary: actions[0].clone(),
        },
        Progress::Done {
            step: 1,
            facts: String::new(),
        },
        Progress::Started {
            step: 2,
            of: 4,
            summary: actions[1].clone(),
        },
    ] {
        doit(h, run, DoItReply::Progress(p));
    }
}

fn applied(h: &Harness, proven: bool) -> Applied {
    let mut p = h.model.wizard().map(|w| w.profile.clone()).expect("wizard");
    if let Some(s) = p.scope.as_mut() {
        s.changed_at = Some(time::macros::datetime!(2026-12-03 13:40 UTC));
    }
    let mark = if proven { "✓" } else { "✗" };
    Applied {
        profile: Box::new(p),
        steps: 4,
        recorded: format!("Recorded in {RECORD} (run 5d1e…)."),
        proven,
        proof: vec![
            if proven {
                "Proven by Exchange's own test: every mailbox is as the profile expects.".into()
            } else {
                "Exchange's own test does not agree with the profile yet:".into()
            },
            "✓ support@contoso.com: must reach, Exchange: granted".into(),
            "✓ sales@contoso.com: must reach, Exchange: granted".into(),
            format!("{mark} ceo@contoso.com: must not reach, Exchange: denied"),
        ],
    }
}

fn failure() -> Failure {
    Failure {
        what: "Stopped: step 2 (add-member) failed: Exchange refused the call (403, an empty answer).".into(),
        fix: "Run the script above instead (Tab to it: c copies it, s saves it as .ps1, r records that you ran it); it is the documented path.".into(),
        recorded: Some(format!("The steps before it are done; {RECORD} says exactly what was changed. Ctrl-D again plans from a fresh read and completes it.")),
    }
}

#[test]
fn ctrl_d_on_scoping_signs_in_to_exchange_with_the_form_as_shown_and_esc_cancels() {
    let mut h = on_scoping();
    // A group name typed but not yet applied is what the plan is for.
    h.ctrl('u');
    h.typed("Kundo Scoped");
    h.take();
    h.ctrl('d');
    let (run, profile) = started(&mut h);
    assert_eq!(
        profile.scope.as_ref().and_then(|s| s.group_name.as_deref()),
        Some("Kundo Scoped")
    );
    assert!(matches!(phase(&h), Phase::Preparing { prompt: None, .. }));
    let screen = h.screen();
    assert!(screen.contains("Do it for me in Exchange"), "{screen}");
    assert!(screen.contains("a second sign-in"), "{screen}");
    assert!(screen.contains("public client"), "{screen}");
    doit(
        &mut h,
        run,
        DoItReply::Signin(SigninPrompt::DeviceCode {
            message: "To sign in, open https://microsoft.com/devicelogin and enter EXO123.".into(),
            code: "EXO123".into(),
            uri: "https://microsoft.com/devicelogin".into(),
        }),
    );
    assert!(h.screen().contains("enter the code EXO123"));
    doit(
        &mut h,
        run,
        DoItReply::Reading {
            admin: "admin@contoso.com".into(),
        },
    );
    assert!(
        h.screen()
            .contains("Signed in to Exchange as admin@contoso.com")
    );
    h.key(KeyCode::Esc);
    assert!(matches!(h.take().as_slice(), [Effect::DoItCancel]));
    assert_eq!(phase(&h), Phase::Idle);
    assert_eq!(h.model.step(), Some(Step::Scoping), "Esc did not leave");
}

#[test]
fn without_the_apps_client_id_or_with_an_invalid_group_nothing_starts() {
    let mut p = kundo(Some("mailboxes"));
    p.client_id = None;
    let mut h = opened(p);
    h.take();
    h.ctrl('d');
    assert!(h.take().is_empty());
    assert!(matches!(&h.model.status,
        Some(crate::tui::model::Status::Error(e)) if e.contains("register the app first")));
    assert_eq!(phase(&h), Phase::Idle);

    let mut h = on_scoping();
    h.ctrl('u');
    h.take();
    h.ctrl('d');
    assert!(
        !h.take()
            .iter()
            .any(|e| matches!(e, Effect::DoItPlan { .. })),
        "an empty group name does not start it"
    );
    assert_eq!(phase(&h), Phase::Idle);
}

#[test]
fn the_plan_names_the_undocumented_endpoint_and_applies_only_after_yes() {
    let (mut h, run) = at_plan(exchange_plan(true));
    let screen = h.screen();
    assert!(
        screen.contains("Exchange Administrator or Global Administrator"),
        "{screen}"
    );
    assert!(screen.contains("The plan (4 change(s))"), "{screen}");
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    let screen = h.screen();
    assert!(screen.contains("does not document"), "{screen}");
    h.take();
    h.key(KeyCode::Char('y'));
    assert!(matches!(h.take().as_slice(), [Effect::DoItApply { run: r }] if *r == run));
    assert!(matches!(phase(&h), Phase::Applying { of: 4, .. }));
    progress(&mut h, run);
    let screen = h.screen();
    assert!(
        screen.contains("✓ 1/4 Create the mail-enabled security group"),
        "{screen}"
    );
    assert!(screen.contains("… 2/4 Add support@contoso.com"), "{screen}");
}

#[test]
fn a_distribution_list_stop_or_a_missing_role_refuses_to_apply() {
    let mut stop = exchange_plan(true);
    stop.actions.clear();
    stop.blocked = Some("'Sales' is a distribution list, not a mail-enabled security group, and an application access policy cannot point at it.".into());
    stop.warnings = vec![
        "ceo@contoso.com is a member of 'kundo-mail@contoso.com', but the app must not reach it."
            .into(),
    ];
    let (mut h, _) = at_plan(stop);
    let screen = h.screen();
    assert!(
        screen.contains("The plan stops here: 'Sales' is a distribution list"),
        "{screen}"
    );
    assert!(
        screen.contains("Warning: ceo@contoso.com is a member"),
        "{screen}"
    );
    h.take();
    h.key(KeyCode::Char('y'));
    h.enter();
    assert!(h.take().is_empty(), "nothing applied");
    assert!(matches!(phase(&h), Phase::Confirm { .. }));

    let (mut h, _) = at_plan(exchange_plan(false));
    assert!(h.screen().contains("NOT held by admin@contoso.com"));
    h.take();
    h.key(KeyCode::Char('y'));
    assert!(h.take().is_empty(), "nothing applied");
}

#[test]
fn success_marks_the_scoping_as_run_saves_the_profile_and_shows_exchanges_test() {
    let (mut h, run) = at_plan(exchange_plan(true));
    h.key(KeyCode::Char('y'));
    progress(&mut h, run);
    h.take();
    assert!(h.model.wizard().is_some_and(|w| {
        w.profile
            .scope
            .as_ref()
            .is_some_and(|s| s.changed_at.is_none())
    }));
    let done = applied(&h, true);
    doit(&mut h, run, DoItReply::Finished(Ok(done)));
    let fx = h.take();
    let Some(Effect::SaveProfile(saved)) = fx.first() else {
        panic!("{fx:?}");
    };
    assert_eq!(
        saved.scope.as_ref().and_then(|s| s.changed_at),
        Some(time::macros::datetime!(2026-12-03 13:40 UTC))
    );
    assert_eq!(
        saved.scope.as_ref().map(|s| s.mechanism),
        Some(ScopeMechanism::ApplicationAccessPolicy)
    );
    let screen = h.screen();
    assert!(
        screen.contains("marked as run 13:40 UTC 2026-12-03"),
        "{screen}"
    );
    assert!(
        screen.contains("✓ ceo@contoso.com: must not reach, Exchange: denied"),
        "{screen}"
    );
    h.enter();
    assert_eq!(phase(&h), Phase::Idle);
    assert!(h.screen().contains("Recorded as run 13:40 UTC 2026-12-03."));
}

#[test]
fn a_failure_keeps_the_script_says_why_and_leaves_the_scoping_not_run() {
    let (mut h, run) = at_plan(exchange_plan(true));
    h.key(KeyCode::Char('y'));
    progress(&mut h, run);
    h.take();
    doit(&mut h, run, DoItReply::Finished(Err(failure())));
    assert!(h.take().is_empty(), "nothing saved");
    let screen = h.screen();
    assert!(screen.contains("Exchange refused the call"), "{screen}");
    assert!(screen.contains("says exactly what was changed"), "{screen}");
    let w = h.model.wizard().expect("wizard");
    assert!(
        matches!(&w.scoping.script, ScriptState::Ready(s) if s.contains("New-DistributionGroup"))
    );
    assert!(
        w.profile
            .scope
            .as_ref()
            .is_none_or(|s| s.changed_at.is_none())
    );
    h.key(KeyCode::Esc);
    assert_eq!(phase(&h), Phase::Idle);
    assert!(h.screen().contains("Not run yet"));
    // Ctrl-D tries again.
    h.ctrl('d');
    started(&mut h);

    // A sign-in that fails: nothing changed, the fix named.
    let mut h = on_scoping();
    h.ctrl('d');
    let (run, _) = started(&mut h);
    doit(
        &mut h,
        run,
        DoItReply::Stopped(Failure {
            what: "The sign-in failed: the admin cancelled it".into(),
            fix: "Press Ctrl-D again.".into(),
            recorded: None,
        }),
    );
    assert!(matches!(phase(&h), Phase::Failed { .. }));
    assert!(
        h.screen()
            .contains("The script above is the documented path")
    );
}

/// The panel in each phase, at 100×30 and at the smallest supported terminal (80×24).
#[test]
fn doit_exchange_screens() {
    for (w, hgt) in [(100, 30), (80, 24)] {
        let size = format!("{w}x{hgt}");
        let mut h = on_scoping();
        h.resize(w, hgt);
        h.ctrl('d');
        let (run, _) = started(&mut h);
        insta::assert_snapshot!(format!("exchange_signing_in_{size}"), h.screen());
        doit(
            &mut h,
            run,
            DoItReply::Planned(Box::new(exchange_plan(true))),
        );
        insta::assert_snapshot!(format!("exchange_plan_{size}"), h.screen());
        h.key(KeyCode::Char('y'));
        progress(&mut h, run);
        insta::assert_snapshot!(format!("exchange_progress_{size}"), h.screen());
        let done = applied(&h, true);
        doit(&mut h, run, DoItReply::Finished(Ok(done)));
        insta::assert_snapshot!(format!("exchange_done_{size}"), h.screen());

        let mut stop = exchange_plan(true);
        stop.actions.clear();
        stop.blocked = Some("'Sales' is a distribution list, not a mail-enabled security group, and an application access policy cannot point at it.".into());
        let (mut h, run) = at_plan(stop);
        h.resize(w, hgt);
        insta::assert_snapshot!(format!("exchange_stop_{size}"), h.screen());
        h.key(KeyCode::Esc);
        h.ctrl('d');
        let (run2, _) = started(&mut h);
        assert_ne!(run, run2);
        doit(
            &mut h,
            run2,
            DoItReply::Planned(Box::new(exchange_plan(true))),
        );
        h.key(KeyCode::Char('y'));
        doit(&mut h, run2, DoItReply::Finished(Err(failure())));
        insta::assert_snapshot!(format!("exchange_failed_{size}"), h.screen());
    }
}

#[test]
fn a_report_opened_read_only_does_not_offer_it_on_the_scoping_screen() {
    let mut h = on_scoping();
    h.model.source = Some(crate::tui::model::Source::Report {
        profile: "p".into(),
        generated_at: "2026-11-20".into(),
    });
    assert!(!h.screen().contains("Ctrl-D"));
    h.ctrl('d');
    assert!(h.take().is_empty());
    assert_eq!(phase(&h), Phase::Idle);
}
