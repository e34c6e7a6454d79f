//! The engines as the wizard calls them: certificates on disk and in a store, Verify and a
//! check run against the demo tenant in this process.

use std::collections::HashMap;
use std::sync::Arc;

use mailscope::graph::Verdict;
use mailscope::profile::{Cloud, PresetId, Profile, ProfileStore};
use mailscope::secrets::{MemoryStore, Secret, SecretSlot, SecretStore};
use time::OffsetDateTime;
use tokio::sync::watch;

use super::*;
use crate::tui::msg::{CertTaskError, Msg, Reply};
use crate::tui::screens::checks::Capability;

#[test]
fn a_generated_certificate_keeps_its_key_in_the_store_and_only_the_public_part_on_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cer = dir.path().join("elegere.cer");
    let store = MemoryStore::new();
    let profile = Profile::new("contoso-elegere", PresetId::Elegere, Cloud::Global);
    let info = generate_certificate(&profile, &cer, &store).expect("generated");
    assert_eq!(info.sha1.len(), 40);
    assert_eq!(info.sha256.len(), 64);
    let text = std::fs::read_to_string(&cer).expect("cer written");
    assert!(text.contains("BEGIN CERTIFICATE") && !text.contains("PRIVATE KEY"));
    assert!(
        store
            .get("contoso-elegere", SecretSlot::PrivateKey)
            .expect("get")
            .is_some()
    );
    let again = generate_certificate(&profile, &cer, &store).expect_err("no overwrite");
    assert!(again.to_string().contains("already exists"), "{again}");
    assert!(matches!(again, CertTaskError::CerPath(_)), "{again:?}");
    let no_key = import_certificate(
        &profile,
        &cer,
        &Secret::new(""),
        &dir.path().join("x.cer"),
        &store,
    )
    .expect_err("a .cer has no key");
    assert!(!no_key.to_string().is_empty());
    assert!(matches!(no_key, CertTaskError::Source(_)), "{no_key:?}");
}

/// The demo tenant in this process, the demo profile and its in-memory secret.
async fn demo_tenant() -> (mailscope::sim::SimHandle, Profile, Arc<dyn SecretStore>) {
    let text = include_str!("../../../assets/scenarios/demo.toml");
    let scenario =
        mailscope::sim::Scenario::from_toml(text, std::path::Path::new("."), "demo.toml")
            .expect("scenario");
    let sim = mailscope::sim::start(scenario, ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let endpoints = crate::tui::demo::SimEndpoints {
        authority: sim.authority.clone(),
        graph: sim.graph.clone(),
        ca_file: sim.ca_file.display().to_string(),
        tenant_id: sim.tenant_id.clone(),
    };
    let profile = crate::tui::demo::demo_profile(&endpoints, OffsetDateTime::now_utc());
    let secrets = crate::tui::demo::demo_secrets(&profile);
    (sim, profile, secrets)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_and_checks_against_the_demo_tenant() {
    let (sim, profile, secrets) = demo_tenant().await;
    let roles = verify_token(profile.clone(), secrets.clone())
        .await
        .expect("token");
    assert_eq!(roles, ["Mail.Send", "Mail.ReadWrite"]);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (_cancel_tx, cancel) = watch::channel(false);
    let home = tempfile::tempdir().expect("tempdir");
    let store = ProfileStore::at(home.path());
    run_checks(
        7,
        ChecksRequest {
            profile: profile.clone(),
            cells: None,
            send_to: None,
        },
        secrets.clone(),
        store.clone(),
        tx,
        cancel,
    )
    .await;
    let last = mailscope::last_check::load(&store, &profile.name)
        .expect("load")
        .expect("the run was recorded beside the profile");
    assert_eq!(last.profile, profile.name);
    assert_eq!(last.counts.pending, 2, "billing read and write");
    let mut cells = HashMap::new();
    let mut finished = None;
    let mut seen = Vec::new();
    while let Ok(Msg::Reply(r)) = rx.try_recv() {
        match r {
            Reply::TokenSeen(roles) => seen = roles,
            Reply::CheckCell(7, row, c) => {
                cells.insert((row, c.capability), c);
            }
            Reply::ChecksFinished(7, res) => finished = Some(res),
            _ => {}
        }
    }
    assert_eq!(finished, Some(Ok(())));
    seen.sort();
    assert_eq!(
        seen,
        ["Mail.ReadWrite", "Mail.Send"],
        "the run's token roles"
    );
    let verdict = |addr: &str| {
        let row = profile
            .mailboxes
            .iter()
            .position(|m| m.address == addr)
            .expect("row");
        cells
            .get(&(row, Capability::Read))
            .map(|c| (c.verdict, c.cause.map(|x| x.as_str().to_string())))
    };
    assert_eq!(verdict("support@contoso.com"), Some((Verdict::Pass, None)));
    assert_eq!(
        verdict("billing@contoso.com"),
        Some((Verdict::Pending, Some("policy-denied".into())))
    );
    assert_eq!(
        verdict("hybrid@contoso.com"),
        Some((Verdict::Fail, Some("mailbox-not-rest-enabled".into())))
    );
    assert_eq!(
        verdict("ceo@contoso.com").map(|v| v.0),
        Some(Verdict::Pass),
        "refused, as expected"
    );
    // A wrong secret is diagnosed, not a crash.
    let wrong: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
    wrong
        .set(
            &profile.name,
            SecretSlot::ClientSecret,
            b"wrong~secret~value~0123456789",
        )
        .expect("set");
    let e = verify_token(profile, wrong).await.expect_err("refused");
    assert!(e.starts_with("secret-invalid"), "{e}");
    assert_eq!(
        sim.stats().await.mails_sent,
        0,
        "nothing is sent without the opt-in"
    );
    sim.shutdown().await;
}

/// Runs the checks on the demo tenant, returning every cell by (row, capability).
async fn checks_on(
    profile: &Profile,
    secrets: Arc<dyn SecretStore>,
    send_to: Option<&str>,
) -> HashMap<(usize, Capability), crate::tui::screens::checks::CellResult> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (_cancel_tx, cancel) = watch::channel(false);
    let home = tempfile::tempdir().expect("tempdir");
    let what = ChecksRequest {
        profile: profile.clone(),
        cells: None,
        send_to: send_to.map(str::to_string),
    };
    run_checks(3, what, secrets, ProfileStore::at(home.path()), tx, cancel).await;
    let mut cells = HashMap::new();
    while let Ok(Msg::Reply(r)) = rx.try_recv() {
        if let Reply::CheckCell(3, row, c) = r {
            cells.insert((row, c.capability), *c);
        }
    }
    cells
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_send_column_mails_the_recipient_only_after_the_opt_in() {
    let (sim, profile, secrets) = demo_tenant().await;
    let without = checks_on(&profile, secrets.clone(), None).await;
    assert!(!without.is_empty());
    assert!(without.keys().all(|(_, cap)| *cap != Capability::Send));
    assert_eq!(sim.stats().await.mails_sent, 0, "no opt-in, no mail");

    let with = checks_on(&profile, secrets, Some("ops@fabrikam.example")).await;
    let row = |addr: &str| {
        profile
            .mailboxes
            .iter()
            .position(|m| m.address == addr)
            .expect("row")
    };
    let send = |addr: &str| with.get(&(row(addr), Capability::Send)).map(|c| c.verdict);
    assert_eq!(send("support@contoso.com"), Some(Verdict::Pass));
    assert_eq!(send("sales@contoso.com"), Some(Verdict::Pass));
    assert_eq!(
        send("ceo@contoso.com"),
        Some(Verdict::Pass),
        "refused, as expected"
    );
    let granted = with
        .iter()
        .filter(|((_, cap), c)| {
            *cap == Capability::Send && c.status.is_some_and(|s| (200..300).contains(&s))
        })
        .count();
    assert!(granted >= 2, "{with:?}");
    let stats = sim.stats().await;
    assert_eq!(
        stats.mails_sent, granted as u64,
        "one mail per mailbox that could send"
    );
    assert!(
        stats
            .sent_mail
            .iter()
            .all(|m| m.to == ["ops@fabrikam.example"]),
        "{:?}",
        stats.sent_mail
    );
    assert!(
        stats.sent_mail.iter().all(|m| m.from != "ceo@contoso.com"),
        "the must-not-reach mailbox sent nothing"
    );
    sim.shutdown().await;
}

/// One run on the demo tenant, recorded beside a stored profile: the wizard's export (Summary,
/// `e`) and `mailscope report --format json` for that profile are the same report apart from
/// the time it was generated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wizards_export_and_mailscope_report_agree() {
    use crate::tui::effect::Effect;
    use crate::tui::model::Wizard;
    use crate::tui::tests::harness::Harness;

    let (sim, profile, secrets) = demo_tenant().await;
    let home = tempfile::tempdir().expect("tempdir");
    let store = ProfileStore::at(home.path().join("profiles-home"));
    store.save(&profile).expect("save");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (_cancel_tx, cancel) = watch::channel(false);
    let what = ChecksRequest {
        profile: profile.clone(),
        cells: None,
        send_to: None,
    };
    run_checks(5, what, secrets, store.clone(), tx, cancel).await;
    sim.shutdown().await;
    let mut recorded = None;
    while let Ok(Msg::Reply(r)) = rx.try_recv() {
        if let Reply::RunRecorded(run) = r {
            recorded = Some(run);
        }
    }
    let recorded = recorded.expect("the run was recorded");
    assert!(recorded.cells.iter().any(|c| c.status == Some(200)));

    // The wizard, at the summary, with what the run recorded.
    let mut h = Harness::new();
    let preset = mailscope::preset::preset(profile.preset).expect("preset");
    let mut w = Wizard::new(profile.clone(), preset, h.model.today());
    w.checks.recorded = Some(recorded);
    h.model.screen = crate::tui::model::Screen::Wizard {
        step: crate::tui::step::Step::Summary,
        wizard: Box::new(w),
    };
    h.key(crossterm::event::KeyCode::Char('e'));
    let exported = h
        .take()
        .into_iter()
        .find_map(|e| match e {
            Effect::WriteFile { path, contents } if path.to_string_lossy().ends_with(".json") => {
                Some(contents)
            }
            _ => None,
        })
        .expect("a JSON export");

    // What `mailscope report --profile NAME --format json` writes for the stored profile.
    let stored = store.load(&profile.name).expect("stored profile");
    let preset = mailscope::preset::preset(stored.preset).expect("preset");
    let doc = crate::cli::report_cmd::document(&stored, &preset, Some(&store), h.model.now);
    let cli = mailscope::report::render(&doc, mailscope::report::Format::Json).expect("render");
    let strip = |text: &str| {
        let mut v: serde_json::Value = serde_json::from_str(text).expect("JSON");
        v["generated_at"] = serde_json::Value::Null;
        v
    };
    let (wizard, command) = (strip(&exported), strip(&cli));
    assert_eq!(wizard, command);
    // What the old conversion lost: statuses, times and causes of granted cells.
    let cells = wizard["check"]["cells"].as_array().expect("cells");
    assert!(cells.iter().all(|c| c["at"].is_string()), "{cells:?}");
    assert!(
        cells
            .iter()
            .any(|c| c["status"] == 200 && c["verdict"] == "pass"),
        "{cells:?}"
    );
}
