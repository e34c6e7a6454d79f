//! A private D-Bus session with gnome-keyring for tests of the real OS keyring on Linux, and
//! the `mailscope` binary run inside it. Shared by the keyring and `entra apply` command-line
//! tests; a test is skipped (with the reason) when gnome-keyring is not installed, unless
//! MAILSCOPE_REQUIRE_KEYRING=1, as in CI.
#![allow(dead_code)] // test support
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub struct Session {
    bus: Child,
    keyring: Option<Child>,
    pub address: String,
    pub root: tempfile::TempDir,
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(k) = &mut self.keyring {
            let _ = k.kill();
            let _ = k.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

pub fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Returns None (test skipped) when the tools are missing and the keyring is not required.
pub fn tools_or_skip() -> Option<()> {
    if have("gnome-keyring-daemon") && have("dbus-daemon") {
        return Some(());
    }
    let why =
        "gnome-keyring-daemon or dbus-daemon is not installed (apt-get install gnome-keyring dbus)";
    if std::env::var("MAILSCOPE_REQUIRE_KEYRING").as_deref() == Ok("1") {
        panic!("MAILSCOPE_REQUIRE_KEYRING=1 but {why}");
    }
    eprintln!("skipped: {why}");
    None
}

pub fn start_session(unlock: bool) -> Session {
    let root = tempfile::tempdir().expect("tempdir");
    let mut bus = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-daemon starts");
    let mut line = String::new();
    BufReader::new(bus.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("bus address");
    let address = line.trim().to_string();
    assert!(address.starts_with("unix:"), "bus address: {address:?}");
    let mut session = Session {
        bus,
        keyring: None,
        address,
        root,
    };
    let home = session.root.path().join("home");
    std::fs::create_dir_all(&home).expect("home");
    let mut args = vec!["--foreground", "--components=secrets"];
    if unlock {
        args.push("--unlock");
    }
    let mut keyring = Command::new("gnome-keyring-daemon")
        .args(&args)
        .env("DBUS_SESSION_BUS_ADDRESS", &session.address)
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env_remove("XDG_RUNTIME_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon starts");
    if unlock {
        let mut stdin = keyring.stdin.take().expect("stdin");
        stdin.write_all(b"test-keyring-password").expect("password");
    }
    session.keyring = Some(keyring);
    wait_for_secrets_service(&session.address);
    session
}

fn wait_for_secrets_service(address: &str) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        let out = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .env("DBUS_SESSION_BUS_ADDRESS", address)
            .output();
        if out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("true")) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("gnome-keyring did not register org.freedesktop.secrets within 10 s");
}

pub fn mailscope(session: &Session, args: &[&str], stdin: Option<&str>) -> Output {
    mailscope_env(session, args, stdin, &[])
}

/// `mailscope ARGS` in the session, with `envs` set too.
pub fn mailscope_env(
    session: &Session,
    args: &[&str],
    stdin: Option<&str>,
    envs: &[(&str, &str)],
) -> Output {
    let mut child = command(session, args, envs)
        .stdin(Stdio::piped())
        .spawn()
        .expect("mailscope runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("output")
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn files_containing(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(mut f) = std::fs::File::open(&p) {
                let mut bytes = Vec::new();
                if f.read_to_end(&mut bytes).is_ok()
                    && bytes.windows(needle.len()).any(|w| w == needle)
                {
                    hits.push(p.display().to_string());
                }
            }
        }
    }
    hits
}

/// `mailscope ARGS` started in the session with `envs` set, standard output and error piped
/// (for a test that reads progress while it runs, or kills it).
pub fn spawn_env(session: &Session, args: &[&str], envs: &[(&str, &str)]) -> Child {
    command(session, args, envs)
        .stdin(Stdio::null())
        .spawn()
        .expect("mailscope runs")
}

/// `mailscope ARGS` in the session's home and bus, with `envs`, output piped.
fn command(session: &Session, args: &[&str], envs: &[(&str, &str)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mailscope"));
    c.args(args)
        .env("DBUS_SESSION_BUS_ADDRESS", &session.address)
        .env("MAILSCOPE_HOME", session.root.path().join("mailscope"))
        .env_remove("MAILSCOPE_CLIENT_SECRET")
        .envs(envs.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// Reads `from` line by line until a line satisfies `wanted` and returns it; the rest stays
/// readable (panics with the lines read when the output ends first).
pub fn read_until(from: &mut impl BufRead, wanted: impl Fn(&str) -> bool) -> String {
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        if from.read_line(&mut line).expect("output line") == 0 {
            panic!("the output ended without the line awaited:\n{seen}");
        }
        if wanted(line.trim_end()) {
            return line.trim_end().to_string();
        }
        seen.push_str(&line);
    }
}
