//! `check` and `diagnose` as the command line runs them: profile files, JSON, exit codes.

use mailscope::graph::Cancel;
use mailscope::profile::Expectation::{Denied, Granted};
use mailscope::profile::render_profile;
use mailscope::secrets::MemoryStore;

use crate::support::*;

fn scenario() -> String {
    format!(
        "{}{}\n[[mailbox]]\naddress = \"support@contoso.com\"\n[[mailbox]]\naddress = \"ceo@contoso.com\"\n[[group]]\naddress = \"g@contoso.com\"\nmembers = [\"support@contoso.com\"]\n[[access_policy]]\napp = \"{KUNDO}\"\ngroup = \"g@contoso.com\"\naccess = \"RestrictAccess\"\n",
        header(2),
        kundo_app()
    )
}

fn refs(a: &[String]) -> Vec<&str> {
    a.iter().map(String::as_str).collect()
}

/// `mailscope check ARGS` as a user runs it, with the client secret from the environment (as
/// for a headless run) and no keyring. Returns the exit code, stdout and stderr.
async fn run(args: &[&str], secret: Option<&str>, home: &std::path::Path) -> (i32, String, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mailscope"));
    cmd.arg("check")
        .args(args)
        .env("MAILSCOPE_HOME", home)
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}/no-bus", home.display()),
        )
        .env_remove(mailscope::secrets::CLIENT_SECRET_ENV);
    if let Some(s) = secret {
        cmd.env(mailscope::secrets::CLIENT_SECRET_ENV, s);
    }
    // The simulated tenant runs on this test's runtime: wait for the command off it.
    let o = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

#[tokio::test]
async fn check_command_exit_codes_and_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start(&scenario(), &dir).await;
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
    let args = |file: &std::path::Path, json: bool| {
        let mut a = vec!["--profile-file".to_string(), file.display().to_string()];
        if json {
            a.push("--json".into());
        }
        a
    };

    let (code, out, _) = run(&refs(&args(&good, true)), Some(KUNDO_SECRET), dir.path()).await;
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
    let back: mailscope::graph::CheckRun = serde_json::from_str(&out).unwrap();
    assert_eq!(back.counts.pass, 4);

    let bad = write(&[("ceo@contoso.com", Granted)], "bad.toml");
    let (code, out, _) = run(&refs(&args(&bad, false)), Some(KUNDO_SECRET), dir.path()).await;
    assert_eq!(code, 1);
    assert!(
        out.contains("ceo@contoso.com") && out.contains("policy-denied"),
        "{out}"
    );
    assert!(out.contains("To do:"), "{out}");

    let (code, out, _) = run(&refs(&args(&good, false)), Some("not-it"), dir.path()).await;
    assert_eq!(code, 3);
    assert!(out.contains("secret-invalid"), "{out}");
    assert!(!out.contains("not-it"), "the secret never appears");

    // No secret stored anywhere: the profile is not ready (2), said by the library's entry
    // point, which the command maps to its exit code.
    let preset = mailscope::preset::preset(mailscope::profile::PresetId::Kundo).unwrap();
    let good_profile = profile(
        &sim,
        KUNDO,
        &[
            ("support@contoso.com", Granted),
            ("ceo@contoso.com", Denied),
        ],
        None,
    );
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let e = mailscope::graph::run_profile(
        &good_profile,
        &preset,
        std::sync::Arc::new(MemoryStore::new()),
        &mailscope::graph::RunSpec::default(),
        tx,
        Cancel::new(),
    )
    .await
    .expect_err("no secret stored");
    assert!(!e.is_outage(), "no secret stored is a profile matter (2)");
    assert!(e.to_string().contains("secret"), "{e}");
    let (code, _, err) = run(&[], Some(KUNDO_SECRET), dir.path()).await;
    assert_eq!(code, 2);
    assert!(err.contains("--profile"), "{err}");
    std::fs::write(dir.path().join("broken.toml"), "version = 1\nname = 3\n").unwrap();
    let (code, _, _) = run(
        &refs(&args(&dir.path().join("broken.toml"), false)),
        Some(KUNDO_SECRET),
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
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_mailscope"))
        .args(["diagnose", "--endpoint", "graph", "--status", "403"])
        .args(["--header", "request-id: abc", "--body-file"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let out = o.stdout;
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["cause"], "policy-denied");
    assert_eq!(v["retry_after_s"], serde_json::Value::Null);
    assert_eq!(v["request_id"], "abc");
}
