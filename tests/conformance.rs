//! The conformance suite (`tests/conformance/`): Microsoft's own client libraries (MSAL Python,
//! azure-identity, msgraph-sdk; versions pinned in `requirements.txt`) driven against one
//! `mailscope sim` started from the built binary. Runs when its virtual environment is set up;
//! otherwise prints how to set it up and is skipped, unless MAILSCOPE_REQUIRE_CONFORMANCE=1
//! (as in CI), where a missing environment fails.

use std::path::{Path, PathBuf};
use std::process::Command;

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance")
}

/// The venv's Python (MAILSCOPE_CONFORMANCE_PYTHON overrides).
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("MAILSCOPE_CONFORMANCE_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = suite_dir().join(".venv");
    if cfg!(windows) {
        venv.join("Scripts/python.exe")
    } else {
        venv.join("bin/python")
    }
}

const SETUP: &str = "python3 -m venv tests/conformance/.venv && \
tests/conformance/.venv/bin/pip install -r tests/conformance/requirements.txt";

/// Whether the suite can run; the reason when it cannot.
fn missing() -> Option<String> {
    let py = python();
    if !py.exists() {
        return Some(format!("{} does not exist", py.display()));
    }
    let check = Command::new(&py)
        .args([
            "-c",
            "import msal, azure.identity, msgraph, msgraph_core, pytest",
        ])
        .output();
    match check {
        Ok(o) if o.status.success() => None,
        Ok(o) => Some(format!(
            "the client libraries are not installed in it: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(e) => Some(format!("{} cannot run: {e}", py.display())),
    }
}

#[test]
fn microsofts_client_libraries_agree_with_the_sim() {
    if let Some(why) = missing() {
        let msg = format!(
            "conformance suite not run: {why}.\nSet it up (CPython 3.11 or later) with:\n  {SETUP}"
        );
        if std::env::var("MAILSCOPE_REQUIRE_CONFORMANCE").as_deref() == Ok("1") {
            panic!("MAILSCOPE_REQUIRE_CONFORMANCE=1 but the {msg}");
        }
        eprintln!("skipped: {msg}");
        return;
    }
    let out = Command::new(python())
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .current_dir(suite_dir())
        .env("MAILSCOPE_BIN", env!("CARGO_BIN_EXE_mailscope"))
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env_remove("HTTPS_PROXY")
        .env_remove("https_proxy")
        .env_remove("PYTHONPATH")
        .output()
        .expect("pytest starts");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "conformance suite failed:\n{text}");
    println!("{text}");
}
