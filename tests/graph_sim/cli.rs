//! `check` and `diagnose` as the command line runs them: profile files, JSON, exit codes.

use mailscope::graph::Cancel;
use mailscope::graph::cli::{CheckArgs, DiagnoseArgs, run_check, run_diagnose};
use mailscope::profile::Expectation::{Denied, Granted};
use mailscope::profile::{ProfileStore, render_profile};
use mailscope::secrets::{MemoryStore, Secret, store_client_secret};

use crate::support::*;

fn scenario() -> String {
    format!(
        "{}{}\n[[mailbox]]\naddress = \"support@contoso.com\"\n[[mailbox]]\naddress = \"ceo@contoso.com\"\n[[group]]\naddress = \"g@contoso.com\"\nmembers = [\"support@contoso.com\"]\n[[access_policy]]\napp = \"{KUNDO}\"\ngroup = \"g@contoso.com\"\naccess = \"RestrictAccess\"\n",
        header(2),
        kundo_app()
    )
}

async fn run(
    args: &CheckArgs,
    store: &MemoryStore,
    home: &std::path::Path,
) -> (i32, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_check(
        args,
        &ProfileStore::at(home),
        store,
        &mut out,
        &mut err,
        Cancel::new(),
    )
    .await;
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[tokio::test]
async fn check_command_exit_codes_and_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&scenario(), &dir).await;
    let store = MemoryStore::new();
    // Stored for the sim's tenant, app and endpoints: the profile files below match it.
    let bound_to = profile(&sim, KUNDO, &[], None);
    store_client_secret(&store, &bound_to, &Secret::new(KUNDO_SECRET)).unwrap();
    let write = |mailboxes: &[(&str, mailscope::profile::Expectation)], name: &str| {
        let p = profile(&sim, KUNDO, mailboxes, None);
        let path = dir.path().join(name);
        std::fs::write(&path, render_profile(&p).unwrap()).unwrap();
        path
    };
    let good = write(
        &[
            ("support@contoso.com", Granted),
            ("ceo@contoso.com", Denied),
        ],
        "good.toml",
    );
    let args = |file: &std::path::Path, json: bool| CheckArgs {
        profile_file: Some(file.to_path_buf()),
        json,
        ..CheckArgs::default()
    };

    let (code, out, _) = run(&args(&good, true), &store, dir.path()).await;
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["profile"], "simtest");
    assert_eq!(v["token"]["ok"], true);
    assert_eq!(v["counts"]["pass"], 4);
    let ceo = v["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["mailbox"] == "ceo@contoso.com" && c["capability"] == "read")
        .unwrap();
    assert_eq!(ceo["verdict"], "pass");
    assert_eq!(ceo["cause"], "policy-denied");
    assert_eq!(ceo["status"], 403);
    assert!(ceo["request_id"].is_string());
    // The JSON document is the report type itself.
    let back: mailscope::graph::CheckReport = serde_json::from_str(&out).unwrap();
    assert_eq!(back.counts.pass, 4);

    let bad = write(&[("ceo@contoso.com", Granted)], "bad.toml");
    let (code, out, _) = run(&args(&bad, false), &store, dir.path()).await;
    assert_eq!(code, 1);
    assert!(
        out.contains("ceo@contoso.com") && out.contains("policy-denied"),
        "{out}"
    );
    assert!(out.contains("To do:"), "{out}");

    let wrong = MemoryStore::new();
    store_client_secret(&wrong, &bound_to, &Secret::new("not-it")).unwrap();
    let (code, out, _) = run(&args(&good, false), &wrong, dir.path()).await;
    assert_eq!(code, 3);
    assert!(out.contains("secret-invalid"), "{out}");
    assert!(!out.contains("not-it"), "the secret never appears");

    let (code, _, err) = run(&args(&good, false), &MemoryStore::new(), dir.path()).await;
    assert_eq!(code, 2, "no secret stored");
    assert!(err.contains("secret"), "{err}");
    let (code, _, err) = run(&CheckArgs::default(), &store, dir.path()).await;
    assert_eq!(code, 2);
    assert!(err.contains("--profile"), "{err}");
    std::fs::write(dir.path().join("broken.toml"), "version = 1\nname = 3\n").unwrap();
    let (code, _, _) = run(
        &args(&dir.path().join("broken.toml"), false),
        &store,
        dir.path(),
    )
    .await;
    assert_eq!(code, 2);
    sim.shutdown().await;
}

#[test]
fn diagnose_command_reads_a_body_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("body.json");
    std::fs::write(
        &f,
        r#"{"error":{"code":"ErrorAccessDenied","message":"Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings."}}"#,
    )
    .unwrap();
    let args = DiagnoseArgs {
        endpoint: "graph".into(),
        status: 403,
        headers: vec!["request-id: abc".into()],
        body_file: Some(f),
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(run_diagnose(&args, &mut &b""[..], &mut out, &mut err), 0);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["cause"], "policy-denied");
    assert_eq!(v["retry_after_s"], serde_json::Value::Null);
    assert_eq!(v["request_id"], "abc");
}
