//! Hostile values from profiles, reports and servers reach the terminal spelled out, never as
//! control characters: the error printer, `status`, `profile show`, `report`, `replay
//! --headless` and `diagnose`, each run as the user runs them.

use std::path::Path;
use std::process::Output;

#[path = "common/binary.rs"]
mod common;
use common::{run, run_with};

/// Both streams; fails the test on any control character other than a line feed.
fn inert(o: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let bad: Vec<char> = text
        .chars()
        .filter(|c| mailscope::text::is_unsafe(*c) && *c != '\n')
        .collect();
    assert!(bad.is_empty(), "{bad:?} reached the terminal:\n{text}");
    text
}

/// A profile file with `tenant` and `app_name` as given (TOML escapes allowed).
fn profile_file(dir: &Path, file: &str, name: &str, tenant: &str, app_name: &str) -> String {
    let path = dir.join(file);
    let text = format!(
        "version = 1\nname = \"{name}\"\npreset = \"kundo\"\ncloud = \"global\"\n\
         tenant = \"{tenant}\"\napp_name = \"{app_name}\"\n"
    );
    std::fs::write(&path, text).expect("write");
    path.display().to_string()
}

/// Window title, bell, screen clear (escaped for a TOML basic string).
const TOML_ESCAPES: &str = r"\u001b]0;pwned\u0007\u001b[2J";

#[test]
fn the_error_printer_and_status_spell_out_a_profiles_escape_sequences() {
    let home = tempfile::tempdir().expect("tempdir");
    let bad = profile_file(home.path(), "bad.toml", "bad", TOML_ESCAPES, "Kundo");
    let o = run(home.path(), &["profile", "import", &bad]);
    assert_eq!(o.status.code(), Some(2));
    let text = inert(&o);
    assert!(text.contains(r"'\x1b]0;pwned\x07\x1b[2J'"), "{text}");

    // The same file stored among the profiles: `status` says it cannot be read, inertly.
    let dir = home.path().join("profiles");
    std::fs::create_dir_all(&dir).expect("mkdir");
    profile_file(&dir, "bad.toml", "bad", TOML_ESCAPES, "Kundo");
    let o = run(home.path(), &["status"]);
    let text = inert(&o);
    assert!(text.contains(r"\x1b]0;pwned"), "{text}");
    let o = run(home.path(), &["status", "--json"]);
    inert(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let error = v["profiles"][0]["error"].as_str().expect("error");
    assert!(error.contains("\u{1b}]0;pwned\u{7}"), "{error}");
}

#[test]
fn profile_show_and_report_spell_out_bidi_overrides() {
    // Validation refuses control characters in names, but not a right-to-left override.
    let home = tempfile::tempdir().expect("tempdir");
    let file = profile_file(
        home.path(),
        "p.toml",
        "rtl",
        "contoso.com",
        r"Kundo\u202Egpj.exe",
    );
    let o = run(home.path(), &["profile", "import", &file]);
    assert!(o.status.success(), "{}", inert(&o));
    let o = run(home.path(), &["profile", "show", "rtl"]);
    assert!(inert(&o).contains(r"Kundo\u{202e}gpj.exe"));
    for format in ["md", "html"] {
        let o = run(
            home.path(),
            &["report", "--profile", "rtl", "--format", format],
        );
        assert!(o.status.success(), "{format}");
        assert!(inert(&o).contains(r"Kundo\u{202e}gpj.exe"), "{format}");
    }
    let o = run(
        home.path(),
        &["report", "--profile", "rtl", "--format", "json"],
    );
    inert(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["profile"]["app_name"], "Kundo\u{202e}gpj.exe");
}

#[test]
fn replay_headless_prints_a_hostile_reports_values_inertly() {
    let home = tempfile::tempdir().expect("tempdir");
    let sample = include_str!("data/sample-report.json");
    let mut v: serde_json::Value = serde_json::from_str(sample).expect("json");
    v["generated_at"] = "2026-11-22\u{1b}]0;pwned\u{7}\u{9b}2J".into();
    let report = home.path().join("r.json");
    std::fs::write(&report, v.to_string()).expect("write");
    let path = report.to_str().expect("utf-8");
    let o = run(home.path(), &["replay", "--headless", path]);
    let text = inert(&o);
    assert!(
        text.contains(r"(2026-11-22\x1b]0;pwned\x07\u{9b}2J)"),
        "{text}"
    );
    assert!(text.contains("4 pass, 2 fail, 2 pending"), "{text}");

    // A token refusal the replay cannot reproduce is named on standard error.
    v["token"] = serde_json::json!({
        "acquired": false, "roles": [], "missing": [],
        "error": { "cause": "odd\u{1b}]2;title\u{7}", "summary": "s", "fix": "f",
                   "request_id": null, "error_code": null }
    });
    std::fs::write(&report, v.to_string()).expect("write");
    let o = run(home.path(), &["replay", "--headless", path]);
    let text = inert(&o);
    assert!(
        text.contains(r"Not reproduced: token refusal 'odd\x1b]2;title\x07'"),
        "{text}"
    );
}

#[test]
fn diagnose_keeps_json_meaning_without_raw_controls() {
    let home = tempfile::tempdir().expect("tempdir");
    // A server's error code with an 8-bit CSI (serde_json writes C1 controls raw) and an
    // OSC 52 clipboard write.
    let body = r#"{"error":{"code":"Odd\u009b2J\u001b]52;c;ZXZpbA==\u0007","message":"m"}}"#;
    let o = run_with(
        home.path(),
        &["diagnose", "--endpoint", "graph", "--status", "400"],
        body.as_bytes(),
    );
    assert!(o.status.success(), "{}", inert(&o));
    inert(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["error_code"], "Odd\u{9b}2J\u{1b}]52;c;ZXZpbA==\u{7}");
}
