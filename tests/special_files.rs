//! Files a user names are read only when they are regular files of a sane size: a FIFO does
//! not hang a command, `/dev/zero` does not fill memory, a directory or a huge file is refused,
//! and the message names the file.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

#[path = "common/binary.rs"]
mod common;

/// Longer than any of these commands needs; only reached when one blocks (the bug).
const HANG: Duration = Duration::from_secs(60);

fn run(home: &Path, args: &[&str]) -> Output {
    let child = common::mailscope(home)
        .args(args)
        .env("MAILSCOPE_CLIENT_SECRET", "not-a-real-secret-value-0123")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mailscope starts");
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(HANG) {
        Ok(o) => o.expect("mailscope runs"),
        Err(_) => {
            let _ = Command::new("kill").arg(pid.to_string()).status();
            panic!("mailscope {args:?} did not finish: it is blocked on a file");
        }
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fifo(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    let made = Command::new("mkfifo").arg(&p).status().expect("mkfifo");
    assert!(made.success());
    p
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn a_fifo_is_refused_by_import_check_and_diagnose() {
    let home = tempfile::tempdir().expect("tempdir");
    let pipe = fifo(home.path(), "customer.toml");
    for args in [
        vec!["profile", "import", s(&pipe)],
        vec!["check", "--profile-file", s(&pipe)],
        vec![
            "diagnose",
            "--endpoint",
            "graph",
            "--status",
            "403",
            "--body-file",
            s(&pipe),
        ],
    ] {
        let o = run(home.path(), &args);
        let err = stderr(&o);
        assert!(!o.status.success(), "{args:?}: {err}");
        assert!(err.contains(s(&pipe)), "{args:?} names the file: {err}");
        assert!(err.contains("named pipe"), "{args:?}: {err}");
    }
}

#[test]
fn a_directory_and_an_oversized_file_are_refused() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = home.path().join("folder.toml");
    std::fs::create_dir(&dir).expect("mkdir");
    let o = run(home.path(), &["profile", "import", s(&dir)]);
    // A wrong file is bad input (2), not "could not run" (3).
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is a directory"), "{}", stderr(&o));

    let big = home.path().join("big.toml");
    let f = std::fs::File::create(&big).expect("create");
    // Sparse: costs no disk, but is larger than any profile may be.
    f.set_len(mailscope::fsutil::MAX_DOCUMENT_BYTES + 1)
        .expect("set_len");
    let o = run(home.path(), &["profile", "import", s(&big)]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains(s(&big)) && err.contains("larger than 64 MiB"),
        "{err}"
    );
}

#[test]
fn a_ca_file_that_is_a_device_is_refused_before_any_request() {
    let home = tempfile::tempdir().expect("tempdir");
    let example = include_str!("data/example-profile.toml");
    let profile = example
        .replace("cloud = \"global\"", "cloud = \"custom\"")
        .replace("ca_file = \"/path/to/ca.pem\"", "ca_file = \"/dev/zero\"");
    assert!(
        profile.contains("cloud = \"custom\"") && profile.contains("/dev/zero"),
        "the example names its cloud and CA file"
    );
    let file = home.path().join("custom.toml");
    std::fs::write(&file, profile).expect("write");
    let o = run(home.path(), &["check", "--profile-file", s(&file)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("/dev/zero") && err.contains("character device"),
        "{err}"
    );
}

#[test]
fn invalid_utf8_and_over_deep_keys_are_reported_at_their_line() {
    let home = tempfile::tempdir().expect("tempdir");
    let latin1 = home.path().join("latin1.toml");
    let mut bytes = b"version = 1\nname = \"caf".to_vec();
    bytes.extend([0xe9, b'"', b'\n']);
    std::fs::write(&latin1, bytes).expect("write");
    let o = run(home.path(), &["profile", "import", s(&latin1)]);
    let err = stderr(&o);
    assert!(!o.status.success());
    assert!(
        err.contains(&format!("{}: line 2, column 12: not UTF-8", s(&latin1))),
        "{err}"
    );

    let deep = home.path().join("deep.toml");
    let key: Vec<String> = (0..200).map(|i| format!("k{i}")).collect();
    std::fs::write(&deep, format!("version = 1\n{} = 1\n", key.join("."))).expect("write");
    let o = run(home.path(), &["profile", "import", s(&deep)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("{}:2: ", s(&deep))), "{err}");
}

#[test]
fn endless_standard_input_is_refused_by_secret_set() {
    let home = tempfile::tempdir().expect("tempdir");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/example-profile.toml");
    let o = run(home.path(), &["profile", "import", s(&example)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let child = Command::new(env!("CARGO_BIN_EXE_mailscope"))
        .args(["secret", "set", "--profile", "contoso-kundo"])
        .env("MAILSCOPE_HOME", home.path())
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}/no-bus", home.path().display()),
        )
        .stdin(std::fs::File::open("/dev/zero").expect("/dev/zero"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mailscope starts");
    let o = child.wait_with_output().expect("mailscope runs");
    let err = stderr(&o);
    assert!(!o.status.success(), "{err}");
    assert!(err.contains("no line break within 64 KiB"), "{err}");
}
