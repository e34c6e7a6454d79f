//! The `mailscope` binary as a user runs it in a test: its own home, no keyring (a bus address
//! that leads nowhere), no client secret from the environment; and `mailscope sim` as a child
//! process with its ready line. Shared by the command-line test binaries.
#![allow(dead_code, clippy::unwrap_used)] // test support: a panic is the failure report

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// `mailscope` with `home` as its home and no keyring; add arguments and run it.
pub fn mailscope(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mailscope"));
    c.env("MAILSCOPE_HOME", home)
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}/no-bus", home.display()),
        )
        .env_remove("MAILSCOPE_CLIENT_SECRET");
    c
}

/// Runs `mailscope ARGS` to its end.
pub fn run(home: &Path, args: &[&str]) -> Output {
    mailscope(home).args(args).output().expect("mailscope runs")
}

/// Runs `mailscope ARGS` with `stdin` on its standard input.
pub fn run_with(home: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = mailscope(home)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mailscope runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    child.wait_with_output().expect("mailscope ends")
}

/// Standard output and standard error, in that order.
pub fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `mailscope sim` on a scenario file, and its ready line.
pub fn spawn_sim(scenario: &Path) -> (Child, serde_json::Value) {
    let mut sim = Command::new(env!("CARGO_BIN_EXE_mailscope"))
        .args(["sim", "--scenario", scenario.to_str().expect("utf8")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("sim starts");
    let mut ready = String::new();
    BufReader::new(sim.stdout.take().expect("stdout"))
        .read_line(&mut ready)
        .expect("ready line");
    (sim, serde_json::from_str(&ready).expect("ready JSON"))
}
