//! The `mailscope` binary as a user runs it: profile management, `status` exit codes, and
//! the support commands refusing bad input or running headless.

use std::path::Path;

#[path = "common/binary.rs"]
mod common;
use common::{out, run};

const EXAMPLE: &str = include_str!("data/example-profile.toml");

#[test]
fn import_then_show_round_trips_the_documented_example() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/example-profile.toml");
    let o = run(
        home.path(),
        &["profile", "import", file.to_str().expect("utf8")],
    );
    assert!(o.status.success(), "{}", out(&o));
    let o = run(home.path(), &["profile", "show", "contoso-kundo"]);
    assert!(o.status.success(), "{}", out(&o));
    let shown: toml::Table = toml::from_str(&String::from_utf8_lossy(&o.stdout)).expect("toml");
    let mut original: toml::Table = toml::from_str(EXAMPLE).expect("toml");
    // The example is a version-1 file: it is stored and shown as version 2, the same otherwise
    // (docs/profile-format.md).
    assert_eq!(original.get("version"), Some(&toml::Value::Integer(1)));
    original.insert("version".into(), toml::Value::Integer(2));
    assert_eq!(shown, original);
    let exported = home.path().join("out.toml");
    let o = run(
        home.path(),
        &[
            "profile",
            "export",
            "contoso-kundo",
            exported.to_str().expect("utf8"),
        ],
    );
    assert!(o.status.success(), "{}", out(&o));
    let again: toml::Table =
        toml::from_str(&std::fs::read_to_string(exported).expect("read")).expect("toml");
    assert_eq!(again, original);
}

#[test]
fn a_broken_profile_is_refused_with_file_line_and_key() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = home.path().join("bad.toml");
    std::fs::write(
        &file,
        EXAMPLE.replace("kind = \"shared\"", "kind = \"room\""),
    )
    .expect("write");
    let o = run(
        home.path(),
        &["profile", "import", file.to_str().expect("utf8")],
    );
    assert_eq!(o.status.code(), Some(2));
    let msg = out(&o);
    assert!(msg.contains("bad.toml:29: key `mailbox[1].kind`"), "{msg}");
    assert!(
        run(home.path(), &["profile", "list"]).stdout.is_empty(),
        "a refused profile was stored"
    );
}

#[test]
fn deleting_without_a_keyring_keeps_the_profile_unless_forced() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/example-profile.toml");
    assert!(
        run(
            home.path(),
            &["profile", "import", file.to_str().expect("utf8")]
        )
        .status
        .success()
    );
    let o = run(home.path(), &["profile", "delete", "contoso-kundo"]);
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    assert!(out(&o).contains("--force"));
    assert!(
        run(home.path(), &["profile", "show", "contoso-kundo"])
            .status
            .success()
    );
    let o = run(
        home.path(),
        &["profile", "delete", "contoso-kundo", "--force"],
    );
    assert!(o.status.success(), "{}", out(&o));
    assert_eq!(
        run(home.path(), &["profile", "show", "contoso-kundo"])
            .status
            .code(),
        Some(2)
    );
}

fn profile_expiring_in(home: &Path, name: &str, days: i64) {
    let date = time::OffsetDateTime::now_utc().date() + time::Duration::days(days);
    let text = EXAMPLE
        .replace("name = \"contoso-kundo\"", &format!("name = \"{name}\""))
        .replace("expires = \"2028-11-22\"", &format!("expires = \"{date}\""));
    let dir = home.join("profiles");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join(format!("{name}.toml")), text).expect("write");
}

#[test]
fn status_exit_codes_follow_the_warning_threshold() {
    let home = tempfile::tempdir().expect("tempdir");
    profile_expiring_in(home.path(), "later", 31);
    let o = run(home.path(), &["status"]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(
        out(&o).contains("plan the renewal"),
        "31 days is within the 60-day warning: {}",
        out(&o)
    );

    profile_expiring_in(home.path(), "soon", 30);
    let o = run(home.path(), &["status"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "30 days left must need attention: {}",
        out(&o)
    );
    assert_eq!(
        run(home.path(), &["status", "--warn-days", "29"])
            .status
            .code(),
        Some(0)
    );

    profile_expiring_in(home.path(), "urgent", 14);
    assert!(out(&run(home.path(), &["status", "--warn-days", "0"])).contains("renew now"));

    profile_expiring_in(home.path(), "gone", -1);
    let o = run(home.path(), &["status", "--warn-days", "0", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let gone = v["profiles"]
        .as_array()
        .expect("profiles")
        .iter()
        .find(|p| p["name"] == "gone")
        .expect("gone listed");
    assert_eq!(gone["level"], "expired");
    assert_eq!(gone["days_left"], -1);
}

#[test]
fn script_writes_the_exchange_part_for_a_profile_file() {
    let home = tempfile::tempdir().expect("tempdir");
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/example-profile.toml");
    let file = file.to_str().expect("utf8");
    let o = run(home.path(), &["script", "--profile-file", file]);
    assert!(o.status.success(), "{}", out(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("Connect-ExchangeOnline") && text.contains("New-ApplicationAccessPolicy")
    );
    assert!(text.contains("$AppId = 'b1c2d3e4-0000-4000-8000-000000000001'"));

    let ps1 = home.path().join("scope.ps1");
    let o = run(
        home.path(),
        &[
            "script",
            "--profile-file",
            file,
            "--part",
            "entra",
            "--out",
            ps1.to_str().expect("utf8"),
        ],
    );
    assert!(o.status.success(), "{}", out(&o));
    assert!(
        std::fs::read_to_string(&ps1)
            .expect("written")
            .contains("New-MgApplication")
    );

    let o = run(
        home.path(),
        &["script", "--profile-file", file, "--mechanism", "rbac"],
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "rbac needs the service principal id: {}",
        out(&o)
    );
    assert!(out(&o).contains("Enterprise applications"));
}

const REPORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sample-report.json");

#[test]
fn open_refuses_a_file_that_is_not_a_report_with_exit_2_and_no_terminal_output() {
    let home = tempfile::tempdir().expect("tempdir");
    let bad = home.path().join("bad.json");
    std::fs::write(&bad, "{\"schema\": \"something-else/9\"}").expect("write");
    let o = run(home.path(), &["open", bad.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "nothing drawn: {:?}", o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("bad.json") && err.contains("not supported"),
        "{err}"
    );
    assert!(!err.contains('\x1b'), "no escape sequences: {err:?}");
}

#[test]
fn replay_headless_prints_the_table_and_json_needs_headless() {
    let home = tempfile::tempdir().expect("tempdir");
    let o = run(home.path(), &["replay", "--headless", REPORT]);
    let text = out(&o);
    assert!(text.contains("4 pass, 2 fail, 2 pending"), "{text}");
    assert!(text.contains("hybrid@contoso.com"), "{text}");
    let o = run(home.path(), &["replay", "--json", REPORT]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
}

/// The process that holds secrets asks the OS for no core dump (and, on Linux, not to be
/// dumpable): read back from /proc while a long-running `mailscope sim` is up.
#[cfg(target_os = "linux")]
#[test]
fn the_process_writes_no_core_dump() {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenarios/demo.toml");
    let (mut sim, _ready) = common::spawn_sim(&scenario);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", sim.id()));
    let _ = sim.kill();
    let _ = sim.wait();
    let limits = limits.expect("limits");
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .expect("core line");
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{core}");
}

#[test]
fn the_timeout_the_fix_text_names_exists_and_is_checked() {
    let home = tempfile::tempdir().expect("tempdir");
    let help = run(home.path(), &["check", "--help"]);
    let help = out(&help);
    assert!(
        help.contains("--timeout <SECONDS>") && help.contains("MAILSCOPE_TIMEOUT"),
        "{help}"
    );
    let fix = mailscope::graph::diagnosis::timed_out("h", std::time::Duration::from_secs(20)).fix;
    assert!(fix.contains("mailscope check --timeout SECONDS") && fix.contains("MAILSCOPE_TIMEOUT"));
    for bad in ["0", "nan", "100000"] {
        let o = run(home.path(), &["check", "--profile", "x", "--timeout", bad]);
        assert_eq!(o.status.code(), Some(2), "{}", out(&o));
        assert!(out(&o).contains("--timeout"), "{}", out(&o));
    }
}

/// One noun for credentials: `credential`, with `secret` kept working as its earlier name.
#[test]
fn credential_is_the_command_and_secret_still_works() {
    let home = tempfile::tempdir().expect("tempdir");
    for noun in ["credential", "secret"] {
        let o = run(home.path(), &[noun, "status", "--help"]);
        assert!(o.status.success(), "{noun}: {}", out(&o));
        assert!(
            out(&o).contains("mailscope credential status"),
            "{}",
            out(&o)
        );
    }
}

#[test]
fn status_online_says_plainly_when_no_admin_sign_in_is_remembered() {
    let home = tempfile::tempdir().expect("tempdir");
    profile_expiring_in(home.path(), "kundo", 100);
    let o = run(home.path(), &["status", "--online"]);
    let text = out(&o);
    assert_eq!(o.status.code(), Some(3), "nothing could be read: {text}");
    assert!(
        text.contains("kundo (tenant ") && text.contains("no admin sign-in is remembered"),
        "{text}"
    );
    assert!(text.contains("mailscope signin --profile kundo"), "{text}");
    let o = run(home.path(), &["status", "--online", "--json"]);
    assert_eq!(o.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["profiles"][0]["status"], "not-signed-in", "{v}");
    assert!(
        v["profiles"][0]["fix"]
            .as_str()
            .is_some_and(|f| f.contains("mailscope signin --profile kundo")),
        "{v}"
    );
}

#[test]
fn credential_rotate_retire_old_and_reveal_ask_first_and_never_print_a_secret_into_a_pipe() {
    let home = tempfile::tempdir().expect("tempdir");
    profile_expiring_in(home.path(), "kundo", 100);
    let o = run(home.path(), &["credential", "rotate", "--profile", "kundo"]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("add --yes"), "{}", out(&o));
    let o = run(
        home.path(),
        &["credential", "rotate", "--profile", "kundo", "--yes"],
    );
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    assert!(
        out(&o).contains("mailscope signin --profile kundo"),
        "{}",
        out(&o)
    );
    let o = run(
        home.path(),
        &["credential", "retire-old", "--profile", "kundo", "--yes"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(out(&o).contains("nothing to retire"), "{}", out(&o));
    let o = run(home.path(), &["credential", "reveal", "--profile", "kundo"]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("only to a terminal"), "{}", out(&o));
    assert!(o.stdout.is_empty());
}
