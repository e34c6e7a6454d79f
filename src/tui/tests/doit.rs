//! "Do it for me" through `update`: the tenant it needs, signing in and cancelling, the plan
//! and its confirmation, a missing role, progress, success filling the fields, failure
//! keeping them, stale replies, and the permissions screen's Entra findings.

use crossterm::event::KeyCode;
use mailscope::profile::{CredentialInfo, CredentialKind, Profile};

use super::harness::Harness;
use super::update_tests::{kundo, opened};
use crate::tui::effect::Effect;
use crate::tui::entra_msg::{
    Applied, DoItReply, Failure, FindingLine, Inspection, PlanSummary, Progress, RoleLine,
    SigninPrompt,
};
use crate::tui::msg::{Reply, RunId};
use crate::tui::screens::doit::Phase;
use crate::tui::screens::permissions::EntraRead;
use crate::tui::screens::{app_reg, credential};
use crate::tui::step::Step;

pub const NEW_CLIENT: &str = "7bead459-8388-444f-b2e8-364fcd6d1586";
pub const NEW_SECRET_ID: &str = "874793cf-d7e9-44a5-822b-8db45b299f3e";

/// A Kundo profile that names the tenant but no app yet.
pub fn unregistered(step: Option<&str>) -> Profile {
    let mut p = kundo(step);
    p.client_id = None;
    p
}

pub fn plan(missing_role: bool) -> PlanSummary {
    PlanSummary {
        tenant_name: "Contoso".into(),
        tenant_id: "8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f".into(),
        admin: "admin@contoso.com".into(),
        admin_roles: vec!["Application Administrator".into()],
        roles: vec![
            RoleLine {
                need: "creating and changing the app, its secret and consent".into(),
                roles: "Application Administrator or Cloud Application Administrator or Global Administrator".into(),
                held: Some("Application Administrator".into()),
            },
            RoleLine {
                need: "admin consent to Graph application permissions".into(),
                roles: "Privileged Role Administrator or Global Administrator".into(),
                held: (!missing_role).then(|| "Privileged Role Administrator".into()),
            },
        ],
        actions: vec![
            "Create the app registration 'Kundo Mail' (signInAudience AzureADMyOrg) with the Microsoft Graph permissions Mail.ReadWrite (application), Mail.Send (application)".into(),
            "Create the app's service principal (enterprise application)".into(),
            "Add a client secret valid for 730 days (its value goes to the keyring, its Secret ID and expiry to the profile)".into(),
            "Grant admin consent to the Microsoft Graph application permission Mail.Send (app role assignment)".into(),
        ],
        consent_url: missing_role.then(|| {
            "https://login.microsoftonline.com/8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f/adminconsent?client_id=7bead459-8388-444f-b2e8-364fcd6d1586".into()
        }),
        blocked: None,
        warnings: vec![],
        notes: vec![],
    }
}

/// What apply saved: the new client ID, the tenant, a Secret ID and expiry.
pub fn applied(base: &Profile) -> Applied {
    let mut p = base.clone();
    p.client_id = Some(NEW_CLIENT.into());
    let mut c = CredentialInfo::new(CredentialKind::Secret);
    c.secret_id = Some(NEW_SECRET_ID.into());
    c.expires = Some(time::macros::date!(2028 - 11 - 22));
    p.credential = Some(c);
    Applied {
        profile: Box::new(p),
        steps: 4,
        recorded: "Recorded in /home/a/profiles/contoso-kundo.changes.jsonl (run 0b9e…).".into(),
        proven: true,
        proof: vec!["Proven: a token with the new credential holds Mail.ReadWrite, Mail.Send; the tenant, read again, has no finding.".into()],
    }
}

/// The run of the "Do it for me" started by the effects so far.
pub fn started(h: &mut Harness) -> RunId {
    h.take()
        .iter()
        .find_map(|e| match e {
            Effect::DoItPlan { run, .. } => Some(*run),
            _ => None,
        })
        .expect("Do it for me started")
}

fn phase(h: &Harness) -> Phase {
    h.model
        .wizard()
        .map(|w| w.doit.phase.clone())
        .unwrap_or_default()
}

pub fn doit(h: &mut Harness, run: RunId, r: DoItReply) {
    h.reply(Reply::DoIt(run, r));
}

/// Opened on the app registration step, Ctrl-D pressed, the plan shown.
pub fn at_plan(missing_role: bool) -> (Harness, RunId) {
    let mut h = opened(unregistered(None));
    h.take();
    h.ctrl('d');
    let run = started(&mut h);
    doit(
        &mut h,
        run,
        DoItReply::Planned(Box::new(plan(missing_role))),
    );
    (h, run)
}

#[test]
fn without_a_tenant_the_field_to_fill_is_named_and_nothing_starts() {
    let mut p = unregistered(None);
    p.tenant = None;
    let mut h = opened(p);
    h.take();
    h.ctrl('d');
    assert!(h.take().is_empty());
    let w = h.model.wizard().expect("wizard");
    assert_eq!(w.app.form.focus, app_reg::F_TENANT);
    assert!(
        w.app
            .form
            .get(app_reg::F_TENANT)
            .and_then(|f| f.error.clone())
            .is_some_and(|e| e.contains("Do it for me needs the tenant")),
    );
    assert_eq!(phase(&h), Phase::Idle);

    // On the credential step the tenant is on another screen: the status line says where.
    let mut p = unregistered(Some("app-registration"));
    p.tenant = None;
    let mut h = opened(p);
    assert_eq!(h.model.step(), Some(Step::Credential));
    h.take();
    h.ctrl('d');
    assert!(h.take().is_empty());
    assert!(matches!(&h.model.status,
        Some(crate::tui::model::Status::Error(e)) if e.contains("Directory (tenant) ID on the App registration step")));
}

#[test]
fn ctrl_d_signs_in_with_the_form_as_shown_and_esc_cancels_before_anything_changes() {
    let mut h = opened(unregistered(None));
    h.take();
    // A name typed but not yet saved is what the plan is for.
    h.ctrl('u');
    h.typed("Kundo Mail EU");
    h.ctrl('d');
    let fx = h.take();
    let Some(Effect::DoItPlan {
        run,
        profile,
        device_code,
        ..
    }) = fx.first()
    else {
        panic!("{fx:?}");
    };
    assert_eq!(profile.app_name.as_deref(), Some("Kundo Mail EU"));
    assert_eq!(profile.tenant.as_deref(), Some("contoso.onmicrosoft.com"));
    assert!(!device_code, "the browser outside the demo");
    let run = *run;
    assert!(matches!(phase(&h), Phase::Preparing { prompt: None, .. }));
    // Letters no longer go into the form while the panel shows.
    h.typed("x");
    assert_eq!(
        h.model
            .wizard()
            .map(|w| w.app.form.value(app_reg::F_NAME).to_string()),
        Some("Kundo Mail EU".into())
    );
    doit(
        &mut h,
        run,
        DoItReply::Signin(SigninPrompt::DeviceCode {
            message: "To sign in, open https://microsoft.com/devicelogin and enter ABC123.".into(),
            code: "ABC123".into(),
            uri: "https://microsoft.com/devicelogin".into(),
        }),
    );
    assert!(h.screen().contains("enter the code ABC123"));
    h.key(KeyCode::Char('c'));
    assert!(matches!(h.take().as_slice(), [Effect::Copy(s)] if s.expose() == "ABC123"));
    h.key(KeyCode::Esc);
    assert!(matches!(h.take().as_slice(), [Effect::DoItCancel]));
    assert_eq!(phase(&h), Phase::Idle);
    assert_eq!(
        h.model.step(),
        Some(Step::AppRegistration),
        "Esc did not leave"
    );
    // A late reply of the cancelled run changes nothing.
    doit(&mut h, run, DoItReply::Planned(Box::new(plan(false))));
    assert_eq!(phase(&h), Phase::Idle);
}

#[test]
fn the_plan_is_applied_only_after_yes_and_esc_at_the_plan_cancels() {
    let (mut h, _) = at_plan(false);
    assert!(matches!(phase(&h), Phase::Confirm { .. }));
    let screen = h.screen();
    assert!(screen.contains("Tenant: Contoso (8f2b6c1e"), "{screen}");
    assert!(
        screen.contains("Signed in as: admin@contoso.com"),
        "{screen}"
    );
    h.key(KeyCode::Esc);
    assert!(matches!(h.take().as_slice(), [Effect::DoItCancel]));
    assert_eq!(phase(&h), Phase::Idle);

    let (mut h, run2) = at_plan(false);
    h.key(KeyCode::Char('y'));
    assert!(matches!(h.take().as_slice(), [Effect::DoItApply { run }] if *run == run2));
    assert!(matches!(phase(&h), Phase::Applying { of: 4, .. }));
    // Esc does not stop an apply halfway.
    h.key(KeyCode::Esc);
    assert!(h.take().is_empty());
    assert!(matches!(phase(&h), Phase::Applying { .. }));

    let (mut h, run3) = at_plan(false);
    h.enter();
    assert!(matches!(h.take().as_slice(), [Effect::DoItApply { run }] if *run == run3));
}

#[test]
fn a_missing_role_names_it_refuses_to_apply_and_copies_the_consent_url() {
    let (mut h, _) = at_plan(true);
    let screen = h.screen();
    assert!(screen.contains("NOT held by admin@contoso.com"), "{screen}");
    h.key(KeyCode::Char('y'));
    h.enter();
    assert!(h.take().is_empty(), "nothing applied");
    assert!(matches!(phase(&h), Phase::Confirm { .. }));
    h.key(KeyCode::Char('c'));
    assert!(matches!(h.take().as_slice(),
        [Effect::Copy(s)] if s.expose().contains("/adminconsent?client_id=")));
}

/// Progress of the plan's first step (done) and second (waiting for replication).
fn two_steps_in(h: &mut Harness, run: RunId) {
    let actions = plan(false).actions;
    for p in [
        Progress::Started {
            step: 1,
            of: 4,
            summary: actions[0].clone(),
        },
        Progress::Done {
            step: 1,
            facts: format!("app id {NEW_CLIENT}"),
        },
        Progress::Started {
            step: 2,
            of: 4,
            summary: actions[1].clone(),
        },
        Progress::Waiting("waiting for Entra to replicate the new app (attempt 2 of 8)".into()),
    ] {
        doit(h, run, DoItReply::Progress(p));
    }
}

#[test]
fn progress_shows_each_step_and_what_is_awaited() {
    let (mut h, run) = at_plan(false);
    h.key(KeyCode::Char('y'));
    h.take();
    two_steps_in(&mut h, run);
    let Phase::Applying { steps, waiting, .. } = phase(&h) else {
        panic!("applying");
    };
    assert_eq!(steps.len(), 2);
    assert!(steps[0].done && !steps[1].done);
    assert!(waiting.is_some_and(|w| w.contains("replicate the new app")));
    let screen = h.screen();
    assert!(
        screen.contains("✓ 1/4 Create the app registration"),
        "{screen}"
    );
    assert!(
        screen.contains("… 2/4 Create the app's service principal"),
        "{screen}"
    );
    // A progress reply of another run is ignored.
    doit(
        &mut h,
        run + 100,
        DoItReply::Progress(Progress::Started {
            step: 3,
            of: 4,
            summary: "other".into(),
        }),
    );
    assert!(matches!(phase(&h), Phase::Applying { steps, .. } if steps.len() == 2));
}

#[test]
fn success_fills_the_fields_saves_the_profile_and_reads_entra_again() {
    let (mut h, run) = at_plan(false);
    h.key(KeyCode::Char('y'));
    h.take();
    let base = h.model.wizard().map(|w| w.profile.clone()).expect("wizard");
    doit(&mut h, run, DoItReply::Finished(Ok(applied(&base))));
    let fx = h.take();
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::SaveProfile(p) if p.client_id.as_deref() == Some(NEW_CLIENT))
        ),
        "{fx:?}"
    );
    assert!(
        fx.iter().any(|e| matches!(e, Effect::InspectEntra { .. })),
        "{fx:?}"
    );
    let w = h.model.wizard().expect("wizard");
    assert_eq!(w.app.form.value(app_reg::F_CLIENT), NEW_CLIENT);
    assert_eq!(w.cred.form.value(credential::F_SECRET_ID), NEW_SECRET_ID);
    assert_eq!(w.cred.form.value(credential::F_EXPIRES), "2028-11-22");
    assert_eq!(w.cred.stored, Some(true));
    assert_eq!(w.profile.client_id.as_deref(), Some(NEW_CLIENT));
    assert!(matches!(w.perms.entra, EntraRead::Reading(_)));
    assert!(matches!(phase(&h), Phase::Done { .. }));
    // Enter closes the panel; Enter again continues with the filled form.
    h.enter();
    assert_eq!(phase(&h), Phase::Idle);
    for _ in 0..4 {
        h.enter();
    }
    assert_eq!(h.model.step(), Some(Step::Credential));
    // The secret is stored: an empty Value keeps it.
    for _ in 0..3 {
        h.enter();
    }
    assert_eq!(h.model.step(), Some(Step::Permissions));
}

#[test]
fn a_failure_keeps_the_fields_and_says_why_and_what_was_recorded() {
    let (mut h, run) = at_plan(false);
    h.key(KeyCode::Char('y'));
    h.take();
    doit(
        &mut h,
        run,
        DoItReply::Progress(Progress::Started {
            step: 1,
            of: 4,
            summary: "Create the app registration".into(),
        }),
    );
    doit(
        &mut h,
        run,
        DoItReply::Finished(Err(Failure {
            what: "Stopped at step 1 (Create the app registration): Microsoft Graph refused to create the app: Insufficient privileges to complete the operation.".into(),
            fix: "Sign in as an admin who holds Application Administrator.".into(),
            recorded: Some("The steps before it are done; /h/p.changes.jsonl says exactly what was changed.".into()),
        })),
    );
    assert!(
        h.take()
            .iter()
            .all(|e| !matches!(e, Effect::SaveProfile(_)))
    );
    let w = h.model.wizard().expect("wizard");
    assert_eq!(w.app.form.value(app_reg::F_CLIENT), "");
    assert!(w.profile.client_id.is_none());
    let screen = h.screen();
    assert!(screen.contains("Insufficient privileges"), "{screen}");
    assert!(screen.contains("/h/p.changes.jsonl"), "{screen}");
    assert!(
        screen.contains("The manual steps above still work"),
        "{screen}"
    );
    h.key(KeyCode::Esc);
    assert_eq!(phase(&h), Phase::Idle);
    // Ctrl-D tries again.
    h.ctrl('d');
    assert!(matches!(h.take().as_slice(), [Effect::DoItPlan { .. }]));
}

#[test]
fn a_sign_in_that_fails_stops_with_the_fix_and_nothing_changed() {
    let mut h = opened(unregistered(None));
    h.take();
    h.ctrl('d');
    let run = started(&mut h);
    doit(
        &mut h,
        run,
        DoItReply::Stopped(Failure {
            what: "The sign-in failed: Conditional Access blocked the sign-in (AADSTS53003)."
                .into(),
            fix: "Sign in from a compliant device.".into(),
            recorded: None,
        }),
    );
    assert!(matches!(phase(&h), Phase::Failed { .. }));
    assert!(matches!(&h.model.status,
        Some(crate::tui::model::Status::Error(e)) if e.contains("nothing was changed")));
    assert!(h.screen().contains("Conditional Access"));
}

#[test]
fn the_demo_signs_in_with_a_device_code() {
    let mut h = opened(unregistered(None));
    h.model.demo = Some(crate::tui::model::Demo {
        authority: "https://127.0.0.1:1".into(),
    });
    h.take();
    h.ctrl('d');
    assert!(matches!(
        h.take().as_slice(),
        [Effect::DoItPlan {
            device_code: true,
            ..
        }]
    ));
}

#[test]
fn the_permissions_screen_shows_entras_findings_beside_the_token() {
    let mut h = opened(kundo(Some("credential")));
    let run = h
        .take()
        .iter()
        .find_map(|e| match e {
            Effect::InspectEntra { run, .. } => Some(*run),
            _ => None,
        })
        .expect("read on arrival");
    h.reply(Reply::Inspected(
        run,
        Inspection::Findings {
            admin: "admin@contoso.com".into(),
            findings: vec![FindingLine {
                code: "permission-not-consented".into(),
                evidence: "Mail.Send (application) is configured but not consented.".into(),
                fix: "Grant admin consent.".into(),
            }],
        },
    ));
    let screen = h.screen();
    assert!(
        screen.contains("Entra (read as admin@contoso.com): 1 finding(s)"),
        "{screen}"
    );
    assert!(
        screen.contains("[permission-not-consented] Mail.Send"),
        "{screen}"
    );
    // A stale read is ignored; without a sign-in the line says how to get one.
    h.reply(Reply::Inspected(run + 50, Inspection::Failed("x".into())));
    assert!(matches!(
        h.model.wizard().map(|w| &w.perms.entra),
        Some(EntraRead::Read(Inspection::Findings { .. }))
    ));
    let mut h = opened(kundo(Some("credential")));
    let fx = h.take();
    let Some(Effect::InspectEntra { run, .. }) = fx.first() else {
        panic!("{fx:?}");
    };
    h.reply(Reply::Inspected(
        *run,
        Inspection::NotSignedIn {
            how: "no admin sign-in is remembered. Ctrl-D (Do it for me) or `mailscope signin` signs in; then Entra's view of the app shows here.".into(),
        },
    ));
    assert!(h.screen().contains("no admin sign-in is remembered"));
}

#[test]
fn a_report_opened_read_only_does_not_offer_it() {
    let mut h = opened(kundo(Some("credential")));
    h.model.source = Some(crate::tui::model::Source::Report {
        profile: "p".into(),
        generated_at: "2026-11-20".into(),
    });
    h.take();
    assert!(!h.screen().contains("Ctrl-D"));
    h.ctrl('d');
    assert!(h.take().is_empty());
}

/// The panel in each phase, at 100×30 and at the smallest supported terminal (80×24).
#[test]
fn doit_screens() {
    for (w, hgt) in [(100, 30), (80, 24)] {
        let size = format!("{w}x{hgt}");
        let mut h = opened(unregistered(None));
        h.resize(w, hgt);
        h.take();
        h.ctrl('d');
        let run = started(&mut h);
        insta::assert_snapshot!(format!("doit_signing_in_{size}"), h.screen());
        doit(
            &mut h,
            run,
            DoItReply::Signin(SigninPrompt::DeviceCode {
                message: "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code HY78CDA4R to authenticate.".into(),
                code: "HY78CDA4R".into(),
                uri: "https://microsoft.com/devicelogin".into(),
            }),
        );
        insta::assert_snapshot!(format!("doit_device_code_{size}"), h.screen());
        doit(&mut h, run, DoItReply::Planned(Box::new(plan(false))));
        insta::assert_snapshot!(format!("doit_plan_{size}"), h.screen());
        h.key(KeyCode::Char('y'));
        two_steps_in(&mut h, run);
        insta::assert_snapshot!(format!("doit_progress_{size}"), h.screen());
        let base = h.model.wizard().map(|w| w.profile.clone()).expect("wizard");
        doit(&mut h, run, DoItReply::Finished(Ok(applied(&base))));
        insta::assert_snapshot!(format!("doit_done_{size}"), h.screen());
        h.enter();
        insta::assert_snapshot!(format!("doit_filled_{size}"), h.screen());

        let (mut h, run) = at_plan(true);
        h.resize(w, hgt);
        insta::assert_snapshot!(format!("doit_missing_role_{size}"), h.screen());
        h.key(KeyCode::Esc);
        h.ctrl('d');
        let run2 = started(&mut h);
        assert_ne!(run, run2);
        doit(&mut h, run2, DoItReply::Planned(Box::new(plan(false))));
        h.key(KeyCode::Char('y'));
        doit(&mut h, run2, DoItReply::Finished(Err(Failure {
            what: "Stopped at step 3 (Add a client secret): the OS keyring: no Secret Service is running in this session".into(),
            fix: "Make the OS keyring reachable and press Ctrl-D again; the secret already added in Entra is named in the change record.".into(),
            recorded: Some("The steps before it are done; /home/a/profiles/contoso-kundo.changes.jsonl says exactly what was changed. What the tenant returned for it: secret id 874793cf-d7e9-44a5-822b-8db45b299f3e. Ctrl-D again completes the plan.".into()),
        })));
        insta::assert_snapshot!(format!("doit_failed_{size}"), h.screen());
    }
}

#[test]
fn a_certificate_made_on_the_screen_is_uploaded_and_the_thumbprint_filled() {
    let mut p = Profile::new(
        "contoso-elegere",
        mailscope::profile::PresetId::Elegere,
        mailscope::profile::Cloud::Global,
    );
    p.tenant = Some("contoso.onmicrosoft.com".into());
    p.step = Some("app-registration".into());
    let mut h = opened(p);
    assert_eq!(h.model.step(), Some(Step::Credential));
    if let Some(w) = h.model.wizard_mut() {
        w.cred.cert = Some(crate::tui::msg::CertInfo {
            sha1: "AB12".into(),
            sha256: "CD34".into(),
            cer_path: "/home/a/contoso-elegere.cer".into(),
            expires: Some(time::macros::date!(2027 - 11 - 22)),
        });
    }
    h.take();
    h.ctrl('d');
    let fx = h.take();
    let Some(Effect::DoItPlan { run, profile, .. }) = fx.first() else {
        panic!("{fx:?}");
    };
    let c = profile.credential.clone().expect("credential");
    assert_eq!(c.kind, CredentialKind::Certificate);
    assert_eq!(c.thumbprint_sha1.as_deref(), Some("AB12"));
    assert_eq!(c.cert_file.as_deref(), Some("/home/a/contoso-elegere.cer"));
    let run = *run;
    doit(&mut h, run, DoItReply::Planned(Box::new(plan(false))));
    h.key(KeyCode::Char('y'));
    let mut saved = (**profile).clone();
    saved.client_id = Some(NEW_CLIENT.into());
    let mut info = CredentialInfo::new(CredentialKind::Certificate);
    info.thumbprint_sha1 = Some("EF56".into());
    info.cert_file = Some("/home/a/profiles/contoso-elegere-ef56.cer".into());
    saved.credential = Some(info);
    let mut done = applied(&saved);
    done.profile = Box::new(saved);
    doit(&mut h, run, DoItReply::Finished(Ok(done)));
    let w = h.model.wizard().expect("wizard");
    assert_eq!(w.cred.cert.as_ref().map(|c| c.sha1.as_str()), Some("EF56"));
    assert!(h.screen().contains("Certificate: SHA-1 EF56"));
}

#[test]
fn applied_but_not_proven_fills_the_fields_and_says_why() {
    let (mut h, run) = at_plan(false);
    h.key(KeyCode::Char('y'));
    h.take();
    let base = h.model.wizard().map(|w| w.profile.clone()).expect("wizard");
    let mut done = applied(&base);
    done.proven = false;
    done.proof = vec![
        "Applied, but not proven:".into(),
        "The token lacks Mail.ReadWrite.".into(),
    ];
    doit(&mut h, run, DoItReply::Finished(Ok(done)));
    assert!(matches!(&h.model.status,
        Some(crate::tui::model::Status::Error(e)) if e.starts_with("Applied, but not proven")));
    assert_eq!(
        h.model
            .wizard()
            .map(|w| w.app.form.value(app_reg::F_CLIENT).to_string()),
        Some(NEW_CLIENT.to_string())
    );
    assert!(h.screen().contains("The token lacks Mail.ReadWrite."));
}
