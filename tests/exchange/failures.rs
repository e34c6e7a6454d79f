//! What must not go wrong: an admin without the Exchange role, an interrupted apply, the
//! commands without a sign-in, Graph before and after the propagation delay.

use mailscope::changes::{self, Phase};
use mailscope::exchange::{self, ApplyError, ExchangeError, params};
use mailscope::secrets::MemoryStore;
use serde_json::json;

use crate::support::*;
use crate::{binary, common};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_without_the_exchange_role_gets_a_clear_message_and_nothing_changes() {
    for upn in ["apps@contoso.com", "recipients@contoso.com"] {
        let t = tenant(shared(), APP_POLICY, None, "Never made", &["h"], &[], &[]);
        t.sign_in(upn).await;
        let c = t.connect().await.unwrap();
        let e = exchange::read(&c.transport, &t.target(None))
            .await
            .unwrap_err();
        assert!(
            matches!(e, ExchangeError::AccessDenied { .. }),
            "{upn}: {e:?}"
        );
        assert!(
            e.fix_for("contoso").contains("Exchange Administrator"),
            "{e}"
        );
        assert!(changes::read(&t.store, "contoso").unwrap().is_empty());
    }
    let t = tenant(shared(), APP_POLICY, None, "Never made", &["h"], &[], &[]);
    t.sign_in("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    // A cmdlet the endpoint will not run: the refusal points at the generated script.
    let e = c
        .transport
        .invoke("Set-Nothing", &params([]))
        .await
        .unwrap_err();
    assert!(e.falls_back_to_script(), "{e:?}");
    assert!(
        e.fix_for("contoso")
            .contains("mailscope script --profile contoso --part exchange"),
        "{e}"
    );
    // Exchange's verdict for a profile, as the check table will show it.
    let test = exchange::test_profile(
        &t.profile,
        &preset_of(&t.profile),
        &endpoints(t.sim),
        &common::http(t.sim),
        &t.secrets,
    )
    .await
    .unwrap();
    assert_eq!(test.mailboxes[0].address, "h@contoso.com");
    let group = params([("Identity", json!("Never made"))]);
    assert!(
        c.transport
            .find("Get-DistributionGroup", &group)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_apply_leaves_a_matching_record_and_a_rerun_completes_it() {
    let mut t = tenant(
        faulty(),
        APP_FAULT,
        None,
        "Fault mailboxes",
        &["a"],
        &["b"],
        &["help"],
    );
    t.sign_in("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    let (plan, done) = t.apply(&c, None, false).await;
    assert_eq!(
        tags(&plan),
        [
            "create-shared-mailbox",
            "create-group",
            "add-member",
            "add-member",
            "new-access-policy"
        ]
    );
    match done {
        Err(ApplyError::Step { step: 5, error, .. }) => {
            assert_eq!(error.code(), "cmdlet-failed", "{error:?}")
        }
        other => panic!("{other:?}"),
    }
    let records = changes::read(&t.store, "contoso").unwrap();
    let phases: Vec<(String, Phase)> = records
        .iter()
        .map(|r| (r.action.clone(), r.phase))
        .collect();
    assert_eq!(phases.len(), 10, "{phases:?}");
    assert_eq!(phases[9], ("new-access-policy".to_string(), Phase::Failed));
    // The first member's answer was lost but the change made: read back, recorded as done.
    assert_eq!(phases[5], ("add-member".to_string(), Phase::Done));
    assert!(
        records[5].objects["verified"].contains("503"),
        "{:?}",
        records[5]
    );
    let left = t.plan(&c, None).await;
    assert_eq!(
        tags(&left),
        ["new-access-policy"],
        "the record matches the tenant"
    );
    let (_, done) = t.apply(&c, None, false).await;
    done.unwrap();
    assert_eq!(
        t.verdicts(&c).await,
        [
            ("a@contoso.com".to_string(), true),
            ("help@contoso.com".to_string(), true),
            ("b@contoso.com".to_string(), false)
        ]
    );
    assert!(t.plan(&c, None).await.actions.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_commands_sign_in_for_exchange_and_name_the_exact_sign_in_command() {
    let t = tenant(
        shared(),
        APP_POLICY,
        None,
        "Cli mailboxes",
        &["a"],
        &[],
        &[],
    );
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("contoso.toml");
    std::fs::write(
        &file,
        mailscope::profile::render_profile(&t.profile).unwrap(),
    )
    .unwrap();
    let h = home.path().to_path_buf();
    let (import, signin, test, bad) = tokio::task::spawn_blocking(move || {
        let import = binary::run(&h, &["profile", "import", file.to_str().unwrap()]);
        let signin = binary::run(
            &h,
            &[
                "signin",
                "--profile",
                "contoso",
                "--exchange",
                "--device-code",
                "--no-remember",
            ],
        );
        let test = binary::run(&h, &["exchange", "test", "--profile", "contoso"]);
        let bad = binary::run(
            &h,
            &[
                "exchange",
                "plan",
                "--profile",
                "contoso",
                "--mechanism",
                "dl",
            ],
        );
        (import, signin, test, bad)
    })
    .await
    .unwrap();
    assert!(import.status.success(), "{}", binary::out(&import));
    let out = binary::out(&signin);
    assert!(signin.status.success(), "{out}");
    assert!(out.contains("Signed in as exo@contoso.com"), "{out}");
    assert!(out.contains("Exchange Administrator"), "{out}");
    assert!(!out.contains("eyJ"), "no token in the output: {out}");
    let out = binary::out(&test);
    assert_eq!(test.status.code(), Some(3), "{out}");
    assert!(
        out.contains("`mailscope signin --profile contoso --exchange`"),
        "{out}"
    );
    let out = binary::out(&bad);
    assert_eq!(bad.status.code(), Some(2), "{out}");
    assert!(
        out.contains("'dl' is not a mechanism; use policy or rbac"),
        "{out}"
    );
}

/// The profile's live Graph checks (as `mailscope check` runs them), with the app's secret.
async fn check(t: &Tenant) -> mailscope::graph::CheckRun {
    let mut p = t.store.load("contoso").unwrap();
    p.credential = Some(mailscope::profile::CredentialInfo::new(
        mailscope::profile::CredentialKind::Secret,
    ));
    let store = MemoryStore::new();
    mailscope::secrets::store_client_secret(
        &store,
        &p,
        &mailscope::secrets::Secret::new("v~Graph"),
    )
    .unwrap();
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    mailscope::graph::run_profile(
        &p,
        &preset_of(&p),
        std::sync::Arc::new(store),
        &mailscope::graph::RunSpec::default(),
        tx,
        mailscope::graph::cancel::Cancel::new(),
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graph_follows_exchange_after_the_propagation_delay() {
    use mailscope::graph::verdict::Verdict;
    let mut t = tenant(
        shared(),
        APP_GRAPH,
        None,
        "Graph mailboxes",
        &["a"],
        &["c"],
        &[],
    );
    t.sign_in("exo@contoso.com").await;
    let c = t.connect().await.unwrap();
    let verdicts = |run: &mailscope::graph::CheckRun, mailbox: &str| -> Vec<Verdict> {
        run.cells
            .iter()
            .filter(|cell| cell.mailbox == mailbox)
            .map(|cell| cell.verdict)
            .collect()
    };
    // Nothing scoped: the app reaches the mailbox it must not.
    let before = check(&t).await;
    assert!(
        verdicts(&before, "c@contoso.com").contains(&Verdict::Fail),
        "{before:#?}"
    );
    t.apply(&c, None, false).await.1.unwrap();
    t.verdicts(&c).await; // Exchange agrees at once.
    let started = std::time::Instant::now();
    let now = check(&t).await;
    if started.elapsed().as_secs_f64() < 0.9 {
        // Graph has not followed yet: pending, not fail.
        let v = verdicts(&now, "c@contoso.com");
        assert!(v.contains(&Verdict::Pending), "{v:?}");
        assert!(!v.contains(&Verdict::Fail), "{v:?}");
    }
    // Once the sim's propagation delay has passed, Graph gives the intended matrix.
    let mut last = now;
    for _ in 0..40 {
        if last.cells.iter().all(|cell| cell.verdict == Verdict::Pass) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        last = check(&t).await;
    }
    assert!(
        last.cells.iter().all(|cell| cell.verdict == Verdict::Pass),
        "{:#?}",
        last.cells
    );
}
