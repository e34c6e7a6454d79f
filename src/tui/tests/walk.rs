//! One scripted walk through the whole wizard with real keys and injected results.

use crossterm::event::KeyCode;
use mailscope::profile::{Expectation, MailboxKind, Profile};
use mailscope::secrets::Secret;

use super::harness::{Harness, NOW};
use crate::tui::effect::Effect;
use crate::tui::msg::Reply;
use crate::tui::screens::checks::{Capability, CellResult, Verdict};
use crate::tui::step::Step;
use mailscope::graph::Cause;

fn saved(fx: &[Effect]) -> Option<Profile> {
    fx.iter().rev().find_map(|e| match e {
        Effect::SaveProfile(p) => Some(p.clone()),
        _ => None,
    })
}

/// The recorded run matching the replies the walk sends.
fn recorded_run() -> mailscope::graph::CheckRun {
    let cell = |mailbox: &str, cap: &str, expected: &str, status: u16, verdict: &str| {
        let denied = status == 403;
        serde_json::json!({
            "mailbox": mailbox, "capability": cap, "expected": expected,
            "status": status, "verdict": verdict,
            "cause": if denied { serde_json::json!("policy-denied") } else { serde_json::Value::Null },
            "summary": if denied { "Refused by the application access policy." } else { "Reached." },
            "fix": if denied { "Fix for policy-denied." } else { "" },
            "timestamp": "2026-11-22T10:00:05Z", "attempts": 1
        })
    };
    super::harness::recorded_run(
        "contoso-kundo",
        serde_json::json!([
            cell("support@contoso.com", "read", "granted", 200, "pass"),
            cell("support@contoso.com", "write", "granted", 201, "pass"),
            cell("agent1@contoso.com", "read", "granted", 403, "pending"),
            cell("agent1@contoso.com", "write", "granted", 403, "pending"),
            cell("ceo@contoso.com", "read", "denied", 403, "pass"),
            cell("ceo@contoso.com", "write", "denied", 403, "pass"),
        ]),
    )
}

/// A finished cell as the engine reports it (the table places it in the reply's row): 200
/// when it passes, else 403 with `cause` when it names a known cause.
pub fn cell(capability: Capability, verdict: Verdict, cause: Option<&str>) -> Box<CellResult> {
    Box::new(CellResult {
        mailbox: String::new(),
        capability,
        expected: Expectation::Granted,
        status: Some(if verdict == Verdict::Pass { 200 } else { 403 }),
        verdict,
        cause: cause.and_then(|c| Cause::ALL.into_iter().find(|x| x.as_str() == c)),
        summary: cause
            .map(|c| format!("Summary for {c}."))
            .unwrap_or_default(),
        fix: cause.map(|c| format!("Fix for {c}.")),
        error_code: None,
        request_id: cause.map(|_| "0f1e2d3c-aaaa-4bbb-8ccc-000000000001".to_string()),
        service_timestamp: None,
        timestamp: NOW,
        recheck_after: None,
        attempts: 1,
    })
}

#[test]
fn the_whole_wizard_from_nothing_to_the_summary() {
    let mut h = Harness::new();
    // Start: new onboarding, Kundo, global cloud, a name.
    h.enter();
    h.enter();
    h.enter();
    h.ctrl('u');
    h.typed("contoso-kundo");
    h.enter();
    assert_eq!(h.model.step(), Some(Step::AppRegistration));
    let p = saved(&h.take()).expect("new profile saved at once");
    assert_eq!(p.name, "contoso-kundo");
    assert_eq!(p.step, None);

    // App registration: name and account type as suggested, then the two IDs.
    h.enter();
    h.enter();
    h.typed("B1C2D3E4-0000-4000-8000-000000000001");
    h.enter();
    h.typed("contoso.onmicrosoft.com");
    h.enter();
    assert_eq!(h.model.step(), Some(Step::Credential));
    let fx = h.take();
    let p = saved(&fx).expect("saved after the step");
    assert_eq!(p.step.as_deref(), Some("app-registration"));
    assert_eq!(
        p.client_id.as_deref(),
        Some("b1c2d3e4-0000-4000-8000-000000000001")
    );
    let probe = fx
        .iter()
        .find_map(|e| match e {
            Effect::ProbeSecret { run, .. } => Some(*run),
            _ => None,
        })
        .expect("asks whether a secret is stored");
    h.reply(Reply::SecretPresence(probe, Ok(false)));

    // Credential: Secret ID, then the value (pasted), expiry as suggested.
    h.typed("5e1c0a77-1111-4222-8333-944445555666");
    h.enter();
    h.paste("demo~secret~value~0123456789abcdef");
    h.enter();
    h.enter();
    let fx = h.take();
    let store = fx
        .iter()
        .find_map(|e| match e {
            Effect::StoreSecret {
                run,
                profile,
                value,
            } => Some((*run, profile.clone(), value.clone())),
            _ => None,
        })
        .expect("the secret is stored at once");
    assert_eq!(store.1.name, "contoso-kundo");
    assert_eq!(store.2, Secret::new("demo~secret~value~0123456789abcdef"));
    assert!(
        !h.screen().contains("demo~secret"),
        "secret never on screen"
    );
    h.reply(Reply::SecretStored(store.0, Ok("in-memory store".into())));
    assert_eq!(h.model.step(), Some(Step::Permissions));
    let p = saved(&h.take()).expect("saved");
    let cred = p.credential.expect("credential recorded");
    assert_eq!(
        cred.secret_id.as_deref(),
        Some("5e1c0a77-1111-4222-8333-944445555666")
    );
    assert_eq!(
        cred.expires.map(|d| d.to_string()).as_deref(),
        Some("2028-11-22")
    );

    // Permissions: verify shows the roles; continue.
    h.key(KeyCode::Char('v'));
    let run = match h.take().as_slice() {
        [Effect::VerifyToken { run, .. }] => *run,
        other => panic!("expected VerifyToken, got {other:?}"),
    };
    h.reply(Reply::Verified(run, Ok(vec!["Mail.Send".into()])));
    assert!(h.screen().contains("Missing: Mail.ReadWrite"));
    h.enter();
    // Branding: skip.
    assert_eq!(h.model.step(), Some(Step::Branding));
    h.key(KeyCode::Char('s'));
    assert_eq!(h.model.step(), Some(Step::Mailboxes));

    // Mailboxes: paste three at once.
    h.key(KeyCode::Char('a'));
    h.paste("support@contoso.com shared\nagent1@contoso.com\nCEO@contoso.com denied\n");
    let mbs = &h.model.wizard().expect("wizard").profile.mailboxes;
    assert_eq!(mbs.len(), 3);
    assert_eq!(mbs[0].kind, MailboxKind::Shared);
    assert_eq!(mbs[2].address, "ceo@contoso.com");
    assert_eq!(mbs[2].expect, Expectation::Denied);
    h.take();
    h.enter();
    assert_eq!(h.model.step(), Some(Step::Scoping));
    let run = h
        .take()
        .iter()
        .find_map(|e| match e {
            Effect::GenerateScript { run, profile } => {
                assert_eq!(
                    profile
                        .scope
                        .as_ref()
                        .and_then(|s| s.group_address.as_deref()),
                    Some("kundo-mailboxes@contoso.com")
                );
                Some(*run)
            }
            _ => None,
        })
        .expect("script generated on arrival");
    h.reply(Reply::Script(
        run,
        Ok("Connect-ExchangeOnline\nNew-DistributionGroup ...".into()),
    ));

    // Scoping: to the script pane, "I have run it", continue.
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.key(KeyCode::Tab);
    h.key(KeyCode::Char('c'));
    assert!(
        matches!(h.take().as_slice(), [Effect::Copy(s)] if s.expose().starts_with("Connect-ExchangeOnline"))
    );
    h.key(KeyCode::Char('r'));
    let p = saved(&h.take()).expect("changed_at saved");
    assert_eq!(p.scope.and_then(|s| s.changed_at), Some(NOW));
    h.enter();
    assert_eq!(h.model.step(), Some(Step::Checks));
    let run = h
        .take()
        .iter()
        .find_map(|e| match e {
            Effect::StartChecks {
                run, cells: None, ..
            } => Some(*run),
            _ => None,
        })
        .expect("checks start on arrival");

    // Checks: results arrive; a stale reply is ignored.
    h.reply(Reply::ChecksStarted(run, 6));
    h.reply(Reply::CheckCell(
        run + 100,
        0,
        cell(Capability::Read, Verdict::Fail, Some("stale")),
    ));
    for (row, cap, v, cause) in [
        (0, Capability::Read, Verdict::Pass, None),
        (0, Capability::Write, Verdict::Pass, None),
        (1, Capability::Read, Verdict::Pending, Some("policy-denied")),
        (
            1,
            Capability::Write,
            Verdict::Pending,
            Some("policy-denied"),
        ),
        (2, Capability::Read, Verdict::Pass, None),
        (2, Capability::Write, Verdict::Pass, None),
    ] {
        h.reply(Reply::CheckCell(run, row, cell(cap, v, cause)));
    }
    // The engine's run as recorded beside the profile: what the export is built from.
    h.reply(Reply::RunRecorded(Box::new(recorded_run())));
    h.reply(Reply::ChecksFinished(run, Ok(())));
    let checks = &h.model.wizard().expect("wizard").checks;
    assert_eq!(checks.done, 6);
    assert_eq!(checks.problems.iter().copied().collect::<Vec<_>>(), [1]);
    h.key(KeyCode::Char('f'));
    let screen = h.screen();
    assert!(screen.contains("agent1@contoso.com") && !screen.contains("support@contoso.com"));
    assert!(screen.contains("Fix for policy-denied."));
    h.enter();
    assert_eq!(h.model.step(), Some(Step::Summary));

    // Summary: copy the client ID; the secret only on request.
    h.key(KeyCode::Char('c'));
    assert!(
        matches!(h.take().last(), Some(Effect::Copy(s)) if s.expose() == "b1c2d3e4-0000-4000-8000-000000000001")
    );
    h.key(KeyCode::Down);
    h.key(KeyCode::Down);
    h.key(KeyCode::Char('c'));
    assert!(
        h.take().iter().all(|e| !matches!(e, Effect::Copy(_))),
        "hidden secret is not copied"
    );
    h.key(KeyCode::Char('S'));
    let run = match h.take().as_slice() {
        [Effect::LoadSecret { run, .. }] => *run,
        other => panic!("expected LoadSecret, got {other:?}"),
    };
    h.reply(Reply::SecretLoaded(
        run,
        Ok(Secret::new("demo~secret~value~0123456789abcdef")),
    ));
    assert!(h.screen().contains("demo~secret~value"));
    // Export: Markdown, HTML and JSON reports with the matrix, and never the secret.
    h.key(KeyCode::Char('e'));
    let files: Vec<(String, String)> = h
        .take()
        .into_iter()
        .filter_map(|e| match e {
            Effect::WriteFile { path, contents } => Some((path.display().to_string(), contents)),
            _ => None,
        })
        .collect();
    assert_eq!(files.len(), 3);
    assert_eq!(files[0].0, "contoso-kundo-report.md");
    assert_eq!(files[2].0, "contoso-kundo-report.json");
    assert!(
        mailscope::report::parse_json(&files[2].1).is_ok(),
        "the JSON export reads back"
    );
    for (_, text) in &files {
        assert!(text.contains("agent1@contoso.com") && text.contains("policy-denied"));
        assert!(!text.contains("demo~secret"), "the secret is in no report");
    }
    h.enter();
    let fx = h.take();
    assert_eq!(saved(&fx).and_then(|p| p.step).as_deref(), Some("summary"));
    assert!(matches!(fx.last(), Some(Effect::Quit)));
    assert!(h.model.quitting);
}
