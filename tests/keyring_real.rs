//! The real OS keyring on Linux: a private D-Bus session with gnome-keyring, driven through
//! the `mailscope` binary. Skipped (with the reason) when gnome-keyring is not installed,
//! unless MAILSCOPE_REQUIRE_KEYRING=1, as in CI.
#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "kR4~real.keyring-test_Value0123456789abcd";

#[path = "common/keyring_session.rs"]
mod keyring_session;
use keyring_session::*;

#[path = "common/binary.rs"]
mod common;
use common::spawn_sim;

/// What `secret status` prints for the example profile.
fn secret_status(session: &Session) -> String {
    text(&mailscope(
        session,
        &["secret", "status", "--profile", "contoso-kundo"],
        None,
    ))
}

/// `secret set` for the example profile, with `value` pasted on standard input.
fn set_example_secret(session: &Session, value: &str) -> Output {
    mailscope(
        session,
        &["secret", "set", "--profile", "contoso-kundo"],
        Some(&format!("{value}\n")),
    )
}

fn import_example(session: &Session) {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/example-profile.toml");
    let out = mailscope(
        session,
        &["profile", "import", example.to_str().expect("utf8")],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn secret_round_trip_through_gnome_keyring_and_never_on_disk() {
    if tools_or_skip().is_none() {
        return;
    }
    let session = start_session(true);
    import_example(&session);

    let out = set_example_secret(&session, SECRET);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Secret Service"), "{}", text(&out));
    assert!(!text(&out).contains(SECRET), "secret echoed");

    let out = mailscope(
        &session,
        &["secret", "status", "--profile", "contoso-kundo"],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("client secret: stored"),
        "{}",
        text(&out)
    );
    assert!(
        text(&out).contains("certificate private key: not stored"),
        "{}",
        text(&out)
    );

    // The value is in no file mailscope wrote, nor in plain text anywhere under the test root
    // (gnome-keyring's own file is encrypted).
    let hits = files_containing(session.root.path(), SECRET.as_bytes());
    assert!(hits.is_empty(), "secret found in {hits:?}");

    let out = mailscope(&session, &["profile", "delete", "contoso-kundo"], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("1 keyring entry"), "{}", text(&out));

    import_example(&session);
    let status = secret_status(&session);
    assert!(
        status.contains("client secret: not stored"),
        "deleting the profile left its secret: {status}"
    );
}

#[test]
fn the_secret_id_is_refused_and_nothing_is_stored() {
    if tools_or_skip().is_none() {
        return;
    }
    let session = start_session(true);
    import_example(&session);
    let out = set_example_secret(&session, "5e1c0a77-1111-4222-8333-944445555666");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("Value column"), "{}", text(&out));
    let status = secret_status(&session);
    assert!(status.contains("client secret: not stored"), "{status}");
}

#[test]
fn a_locked_keyring_fails_fast_with_a_clear_message() {
    if tools_or_skip().is_none() {
        return;
    }
    let session = start_session(false);
    import_example(&session);
    let started = Instant::now();
    let out = set_example_secret(&session, SECRET);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let msg = text(&out);
    assert!(
        msg.contains("locked") || msg.contains("did not answer"),
        "{msg}"
    );
    assert!(
        msg.contains("MAILSCOPE_CLIENT_SECRET"),
        "no way forward offered: {msg}"
    );
}

#[test]
fn no_session_bus_is_reported_not_hung() {
    let root = tempfile::tempdir().expect("tempdir");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/example-profile.toml");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_mailscope"))
            .args(args)
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}/no-bus", root.path().display()),
            )
            .env("MAILSCOPE_HOME", root.path())
            .stdin(Stdio::null())
            .output()
            .expect("runs")
    };
    assert!(
        run(&["profile", "import", example.to_str().expect("utf8")])
            .status
            .success()
    );
    let out = run(&["secret", "status", "--profile", "contoso-kundo"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("not available"), "{}", text(&out));
}

/// The whole headless flow with a recognisable secret: stored in the real keyring, used for a
/// live check against the simulated tenant, then every report format and `status`. The
/// secret must appear in no file written and in nothing printed.
#[test]
fn a_full_check_and_report_flow_never_writes_or_prints_the_secret() {
    if tools_or_skip().is_none() {
        return;
    }
    const MARK: &str = "Redact~Me.0123456789abcdefghijklmnopqrstu";
    let session = start_session(true);
    let work = session.root.path().join("work");
    std::fs::create_dir_all(&work).expect("work dir");
    let demo = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/scenarios/demo.toml"
    ))
    .expect("demo scenario");
    assert!(demo.contains("demo~secret~value"));
    let scenario_dir = tempfile::tempdir().expect("scenario dir");
    let scenario = scenario_dir.path().join("scenario.toml");
    std::fs::write(&scenario, demo.replace("demo~secret~value", MARK)).expect("scenario");

    let (mut sim, ready) = spawn_sim(&scenario);
    let profile = format!(
        "version = 1\nname = \"redaction\"\npreset = \"kundo\"\ncloud = \"custom\"\ntenant = \"contoso.com\"\nclient_id = \"b1c2d3e4-0000-4000-8000-000000000001\"\n\n[credential]\nkind = \"secret\"\nsecret_id = \"5e1c0a77-1111-4222-8333-944445555666\"\n\n[endpoints]\nauthority = \"{}\"\ngraph = \"{}\"\nca_file = \"{}\"\n\n[[mailbox]]\naddress = \"support@contoso.com\"\nexpect = \"granted\"\n\n[[mailbox]]\naddress = \"ceo@contoso.com\"\nexpect = \"denied\"\n",
        ready["authority"].as_str().expect("authority"),
        ready["graph"].as_str().expect("graph"),
        ready["ca_file"].as_str().expect("ca_file"),
    );
    let profile_file = work.join("redaction.toml");
    std::fs::write(&profile_file, profile).expect("profile");

    let mut printed = String::new();
    let mut step = |args: &[&str], stdin: Option<&str>| {
        let out = mailscope(&session, args, stdin);
        printed.push_str(&text(&out));
        out
    };
    assert!(
        step(
            &["profile", "import", profile_file.to_str().expect("utf8")],
            None
        )
        .status
        .success()
    );
    let set = step(
        &["secret", "set", "--profile", "redaction"],
        Some(&format!("{MARK}\n")),
    );
    assert!(set.status.success(), "{}", text(&set));
    let check = step(&["check", "--profile", "redaction"], None);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    step(&["check", "--profile", "redaction", "--json"], None);
    for format in ["md", "json", "html"] {
        let out = work.join(format!("report.{format}"));
        let r = step(
            &[
                "report",
                "--profile",
                "redaction",
                "--format",
                format,
                "--out",
                out.to_str().expect("utf8"),
            ],
            None,
        );
        assert!(r.status.success(), "{}", text(&r));
        step(
            &["report", "--profile", "redaction", "--format", format],
            None,
        );
    }
    step(&["status"], None);
    step(&["profile", "show", "redaction"], None);
    let _ = sim.kill();
    let _ = sim.wait();

    let report = std::fs::read_to_string(work.join("report.json")).expect("report");
    assert!(
        report.contains("\"verdict\": \"pass\""),
        "the flow did not really check: {report}"
    );
    assert!(!printed.contains(MARK), "the secret was printed");
    let hits = files_containing(session.root.path(), MARK.as_bytes());
    assert!(hits.is_empty(), "secret found in {hits:?}");
}

/// A profile file named like a stored profile, with its own endpoints, never receives the
/// stored profile's secret: check refuses before connecting, and says what differs.
#[test]
fn a_profile_file_from_elsewhere_never_unlocks_a_stored_secret() {
    if tools_or_skip().is_none() {
        return;
    }
    let session = start_session(true);
    import_example(&session);
    let out = set_example_secret(&session, SECRET);
    assert!(out.status.success(), "{}", text(&out));

    // Where the attacker's file would send the secret: a listener that records any connection.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listener");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/example-profile.toml"
    ))
    .expect("example");
    let hostile = example
        .replace("cloud = \"global\"", "cloud = \"custom\"")
        .replace(
            "https://127.0.0.1:8443",
            &format!("https://127.0.0.1:{port}"),
        )
        .lines()
        .filter(|l| !l.starts_with("ca_file"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(hostile.contains("cloud = \"custom\"") && hostile.contains(&port.to_string()));
    let file = session.root.path().join("from-elsewhere.toml");
    std::fs::write(&file, hostile).expect("file");
    let out = mailscope(
        &session,
        &["check", "--profile-file", file.to_str().expect("utf8")],
        None,
    );
    let msg = text(&out);
    assert_eq!(out.status.code(), Some(2), "{msg}");
    assert!(msg.contains("stored for"), "{msg}");
    assert!(msg.contains(&format!("https://127.0.0.1:{port}")), "{msg}");
    assert!(!msg.contains(SECRET), "{msg}");
    assert!(
        listener.accept().is_err(),
        "mailscope connected to the file's authority"
    );

    // The stored profile itself still has its secret.
    assert!(secret_status(&session).contains("client secret: stored"));
}

/// `signin` keeps the admin's refresh token in gnome-keyring (never in mailscope's files or
/// output) and `signout` forgets it.
#[test]
fn signin_remembers_in_the_keyring_and_signout_forgets() {
    if tools_or_skip().is_none() {
        return;
    }
    let session = start_session(true);
    let dir = session.root.path().join("signin");
    std::fs::create_dir_all(&dir).expect("dir");
    let scenario = dir.join("scenario.toml");
    std::fs::write(
        &scenario,
        "tenant_id = \"8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f\"\ndomains = [\"contoso.com\"]\nauto_approve = \"admin@contoso.com\"\ndevice_code_interval_s = 0\n\n[[admin]]\nupn = \"admin@contoso.com\"\nroles = [\"Application Administrator\"]\n",
    )
    .expect("scenario");
    let (mut sim, ready) = spawn_sim(&scenario);
    let profile = format!(
        "version = 1\nname = \"admin\"\npreset = \"kundo\"\ncloud = \"custom\"\ntenant = \"contoso.com\"\nclient_id = \"b1c2d3e4-0000-4000-8000-000000000001\"\n\n[endpoints]\nauthority = \"{}\"\ngraph = \"{}\"\nca_file = \"{}\"\n",
        ready["authority"].as_str().expect("authority"),
        ready["graph"].as_str().expect("graph"),
        ready["ca_file"].as_str().expect("ca_file"),
    );
    let file = dir.join("admin.toml");
    std::fs::write(&file, profile).expect("profile");
    let import = mailscope(
        &session,
        &["profile", "import", file.to_str().expect("utf8")],
        None,
    );
    assert!(import.status.success(), "{}", text(&import));
    let signin = mailscope(
        &session,
        &["signin", "--profile", "admin", "--device-code"],
        None,
    );
    let printed = text(&signin);
    assert!(signin.status.success(), "{printed}");
    assert!(
        printed.contains("Remembered in the Secret Service"),
        "{printed}"
    );
    assert!(
        !printed.contains("0.A") && !printed.contains("eyJ"),
        "{printed}"
    );
    let out = mailscope(&session, &["signout", "--profile", "admin"], None);
    assert!(
        text(&out).contains("Forgot the sign-in of admin@contoso.com"),
        "{}",
        text(&out)
    );
    let out = mailscope(&session, &["signout", "--profile", "admin"], None);
    assert!(
        text(&out).contains("No sign-in is remembered"),
        "{}",
        text(&out)
    );
    let _ = sim.kill();
    let _ = sim.wait();
    let hits = files_containing(&session.root.path().join("mailscope"), b"0.A");
    assert!(hits.is_empty(), "a token in {hits:?}");
}
