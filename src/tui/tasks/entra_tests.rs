//! "Do it for me" as the runner calls it, against the demo tenant in this process with an
//! admin who holds no directory role: the device code is shown, the sign-in remembered, the
//! plan names the missing roles, apply refuses and nothing is recorded; the permissions
//! screen's read says what Entra holds (no app yet), and nothing before a sign-in.

use std::sync::Mutex;

use mailscope::entra::retry::RetryPolicy;
use mailscope::profile::ProfileStore;
use mailscope::secrets::MemoryStore;
use time::OffsetDateTime;

use super::entra::{execute, inspect, prepare, summary};
use crate::tui::entra_msg::{DoItReply, Inspection, SigninPrompt};

const DEMO: &str = include_str!("../../../assets/scenarios/demo.toml");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_without_the_role_sees_it_named_and_nothing_changes() {
    let text = DEMO
        .replace(
            "auto_approve = \"admin@contoso.com\"",
            "auto_approve = \"reader@contoso.com\"",
        )
        .replace("device_code_interval_s = 1", "device_code_interval_s = 0")
        + "\n[[admin]]\nupn = \"reader@contoso.com\"\nroles = []\n";
    let scenario =
        mailscope::sim::Scenario::from_toml(&text, std::path::Path::new("."), "reader.toml")
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
    let profile = crate::tui::demo::demo_new_profile(&endpoints, OffsetDateTime::now_utc());
    let home = tempfile::tempdir().expect("tempdir");
    let store = ProfileStore::at(home.path());
    store.save(&profile).expect("saved");
    let secrets = MemoryStore::new();

    assert!(matches!(
        inspect(profile.clone(), &secrets).await,
        Inspection::NotSignedIn { .. }
    ));

    let sent = Mutex::new(Vec::new());
    let send = |r: DoItReply| sent.lock().expect("lock").push(r);
    let prepared = prepare(profile.clone(), &secrets, true, &send)
        .await
        .expect("planned");
    let sent = sent.into_inner().expect("lock");
    assert!(
        matches!(sent.first(), Some(DoItReply::Signin(SigninPrompt::DeviceCode { code, .. })) if !code.is_empty()),
        "{sent:?}"
    );
    assert!(sent.contains(&DoItReply::Reading {
        admin: "reader@contoso.com".into()
    }));
    let plan = summary(&prepared);
    assert_eq!(plan.tenant_name, "Contoso");
    let missing: Vec<&str> = plan.missing().map(|r| r.roles.as_str()).collect();
    assert!(
        missing.contains(
            &"Application Administrator or Cloud Application Administrator or Global Administrator"
        ),
        "{missing:?}"
    );
    assert!(plan.actions[0].starts_with("Create the app registration 'Kundo Mail (new)'"));

    let mut progress = Vec::new();
    let stopped = execute(&prepared, &store, &secrets, RetryPolicy::fast(), &mut |p| {
        progress.push(p)
    })
    .await
    .expect_err("refused");
    assert!(
        stopped
            .what
            .starts_with("reader@contoso.com does not hold Application Administrator"),
        "{stopped:?}"
    );
    assert!(stopped.fix.contains("Privileged Identity Management"));
    assert!(progress.is_empty(), "no step started");
    assert!(
        mailscope::changes::read(&store, &profile.name)
            .expect("record")
            .is_empty(),
        "nothing recorded: nothing changed"
    );

    // The sign-in is remembered: the permissions screen's read needs no new one.
    match inspect(profile.clone(), &secrets).await {
        Inspection::Findings { admin, findings } => {
            assert_eq!(admin, "reader@contoso.com");
            assert!(
                findings.iter().any(|f| f.code == "app-not-found"),
                "{findings:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    sim.shutdown().await;
}
