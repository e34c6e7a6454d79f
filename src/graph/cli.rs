//! The `check` and `diagnose` commands as library functions: parsed options and writers in,
//! exit code out. `src/main.rs` only parses the command line and calls these.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::auth::SetupError;
use super::cancel::Cancel;
use super::diagnosis::{EndpointKind, diagnose};
use super::events::CheckEvent;
use super::plan::CheckPlan;
use super::report::{CheckReport, exit};
use super::runner::{CheckOptions, DEFAULT_CONCURRENCY, WatchOptions};
use super::session::{Session, SessionError};
use super::table::write_table;
use super::timeout::DEFAULT_REQUEST_TIMEOUT;
use super::watch::run_watch;
use crate::preset::{self, Preset};
use crate::profile::{Profile, ProfileStore, check_profile};
use crate::secrets::SecretStore;
use crate::text::{json_terminal_safe, terminal_safe as safe, terminal_safe_text};
use crate::tomlfile::render_path;

/// `mailscope check` options.
#[derive(Debug, Clone, Default)]
pub struct CheckArgs {
    pub profile: Option<String>,
    pub profile_file: Option<PathBuf>,
    pub json: bool,
    pub concurrency: Option<usize>,
    pub no_batch: bool,
    pub watch: bool,
    pub send_to: Option<String>,
    /// No progress bar (otherwise one is drawn on standard error when it is a terminal).
    pub no_progress: bool,
    /// The limit for each request (connecting and the whole answer); the default is
    /// [`DEFAULT_REQUEST_TIMEOUT`].
    pub timeout: Option<Duration>,
}

/// Watch mode defaults: every minute, for the longest documented propagation (2 h) and a bit.
pub const WATCH_INTERVAL: Duration = Duration::from_secs(60);
pub const WATCH_UNTIL: Duration = Duration::from_secs(2 * 3600 + 15 * 60);

fn load_profile(args: &CheckArgs, profiles: &ProfileStore) -> Result<Profile, String> {
    profiles
        .load_named_or_file(args.profile.as_deref(), args.profile_file.as_deref())
        .map_err(|e| e.to_string())
}

/// Cancels `cancel` on Ctrl-C (SIGINT); the run then deletes its drafts and returns what it
/// has. On Unix the handler is in place when this returns. Call inside a Tokio runtime.
pub fn cancel_on_ctrl_c(cancel: &Cancel) -> std::io::Result<()> {
    let c = cancel.clone();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut sigint = signal(SignalKind::interrupt())?;
        tokio::spawn(async move {
            if sigint.recv().await.is_some() {
                c.cancel();
            }
        });
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            c.cancel();
        }
    });
    Ok(())
}

/// Runs `mailscope check`, loading the profile named by `args`. Returns the exit code (0 all
/// pass, 1 not all pass, 2 usage or profile, 3 could not run).
pub async fn run_check(
    args: &CheckArgs,
    profiles: &ProfileStore,
    store: &dyn SecretStore,
    out: &mut dyn Write,
    err: &mut dyn Write,
    cancel: Cancel,
) -> i32 {
    let loaded = load_profile(args, profiles).and_then(|p| {
        let preset = preset::preset(p.preset).map_err(|e| e.to_string())?;
        Ok((p, preset))
    });
    match loaded {
        Ok((profile, preset)) => {
            if args.profile.is_some() {
                // A stored profile, loaded by its own name: bind a secret stored before
                // bindings existed to it. A --profile-file never does this.
                let _ = crate::secrets::adopt_unbound(store, &profile);
            }
            let (code, report) =
                run_check_for(&profile, &preset, args, store, out, err, cancel).await;
            if let (Some(report), Some(name)) = (report, &args.profile)
                && let Err(e) = crate::last_check::save(profiles, name, &report)
            {
                let _ = writeln!(
                    err,
                    "mailscope check: could not record the result: {}",
                    safe(&e.to_string())
                );
            }
            code
        }
        Err(e) => {
            let _ = writeln!(err, "mailscope check: {}", terminal_safe_text(&e));
            exit::USAGE
        }
    }
}

/// Runs `mailscope check` for a profile the caller already loaded (the command line's
/// `--profile`/`--profile-file` handling); `args.profile*` are ignored.
pub async fn run_check_for(
    profile: &Profile,
    preset: &Preset,
    args: &CheckArgs,
    store: &dyn SecretStore,
    out: &mut dyn Write,
    err: &mut dyn Write,
    cancel: Cancel,
) -> (i32, Option<CheckReport>) {
    let problems = check_profile(profile);
    if !problems.is_empty() {
        for f in problems {
            let _ = writeln!(
                err,
                "mailscope check: {}: {}",
                safe(&render_path(&f.path)),
                safe(&f.problem.0)
            );
        }
        return (exit::USAGE, None);
    }
    if args.concurrency == Some(0) {
        let _ = writeln!(err, "mailscope check: --concurrency must be at least 1");
        return (exit::USAGE, None);
    }
    let options = CheckOptions {
        concurrency: args.concurrency.unwrap_or(DEFAULT_CONCURRENCY),
        batch: !args.no_batch,
        send_to: args.send_to.clone(),
        per_request_timeout: args.timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT),
        watch: args.watch.then_some(WatchOptions {
            interval: WATCH_INTERVAL,
            until: WATCH_UNTIL,
        }),
        ..CheckOptions::default()
    };
    let session = match Session::from_profile(profile, store, options.per_request_timeout) {
        Ok(s) => Arc::new(s),
        Err(e) => {
            let _ = writeln!(
                err,
                "mailscope check: {}",
                terminal_safe_text(&e.to_string())
            );
            return (setup_exit_code(&e), None);
        }
    };
    // Say where the credential goes before it goes there.
    let _ = writeln!(
        err,
        "mailscope check: signing in as app {} at {} ({} from {})",
        crate::text::terminal_safe(profile.client_id.as_deref().unwrap_or_default()),
        crate::text::terminal_safe(
            &session
                .endpoints
                .token_url(profile.tenant.as_deref().unwrap_or_default())
        ),
        session.tokens.credential_kind(),
        credential_origin(profile),
    );
    let plan = CheckPlan::new(profile, preset, options.send_to.as_deref());
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let draw = !args.no_progress && std::io::stderr().is_terminal();
    let (report, ()) = tokio::join!(
        run_watch(&plan, session, &options, tx, cancel),
        show_progress(rx, draw, &mut *err)
    );
    let written = if args.json {
        serde_json::to_string_pretty(&report)
            .map_err(std::io::Error::from)
            .and_then(|json| writeln!(out, "{}", json_terminal_safe(&json)))
    } else {
        write_table(&report, out)
    };
    if let Err(e) = written {
        let _ = writeln!(
            err,
            "mailscope check: cannot write the result: {}",
            safe(&e.to_string())
        );
    }
    (report.exit_code(), Some(report))
}

/// Where the credential of this run comes from, in words.
fn credential_origin(profile: &Profile) -> &'static str {
    let env = std::env::var_os(crate::secrets::CLIENT_SECRET_ENV).is_some_and(|v| !v.is_empty());
    match profile.credential.as_ref().map(|c| c.kind) {
        Some(crate::profile::CredentialKind::Secret) if env => crate::secrets::CLIENT_SECRET_ENV,
        _ => "the keyring",
    }
}

/// A keyring that is missing, locked or silent means the check could not run (3); everything
/// else that stops a session being set up is in the profile (2).
fn setup_exit_code(e: &SessionError) -> i32 {
    match e {
        // A secret stored for other values is a profile problem, not an outage.
        SessionError::Setup(SetupError::Secret(
            crate::secrets::SecretError::BindingMismatch { .. }
            | crate::secrets::SecretError::Unbound { .. },
        )) => exit::USAGE,
        SessionError::Setup(SetupError::Secret(_)) => exit::COULD_NOT_RUN,
        _ => exit::USAGE,
    }
}

/// Without a progress bar, silence is reported after this long...
const QUIET_FOR: Duration = Duration::from_secs(5);
/// ...and then at most this often.
const LINE_EVERY: Duration = Duration::from_secs(15);

/// "waiting for the token endpoint at login.microsoftonline.com (12 s)".
pub fn waiting_message(label: &str, waited: Duration) -> String {
    format!("waiting for {label} ({} s)", waited.as_secs())
}

/// Drains progress events; draws a bar on standard error when asked to. While nothing is
/// heard from a server, says which one is awaited and for how long (on the bar, or as a line
/// on `err` every few seconds when there is no bar).
async fn show_progress(
    mut rx: tokio::sync::mpsc::UnboundedReceiver<CheckEvent>,
    draw: bool,
    err: &mut dyn Write,
) {
    let bar = draw.then(|| {
        let b = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} {bar:30} {pos}/{len} cells {msg} ({elapsed})",
        ) {
            b.set_style(style);
        }
        b
    });
    // What is awaited, and since when nothing was heard.
    let mut waiting: Option<(String, tokio::time::Instant)> = None;
    let mut last_line: Option<tokio::time::Instant> = None;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let e = tokio::select! {
            e = rx.recv() => match e {
                Some(e) => e,
                None => break,
            },
            _ = tick.tick() => {
                let Some((label, since)) = &waiting else { continue };
                let waited = since.elapsed();
                match &bar {
                    Some(b) if waited >= Duration::from_secs(1) => {
                        b.set_message(waiting_message(label, waited));
                    }
                    None if waited >= QUIET_FOR
                        && last_line.is_none_or(|t| t.elapsed() >= LINE_EVERY) =>
                    {
                        let _ = writeln!(err, "mailscope check: {}", waiting_message(label, waited));
                        last_line = Some(tokio::time::Instant::now());
                    }
                    _ => {}
                }
                continue;
            }
        };
        match &e {
            CheckEvent::Waiting { what, host } => {
                waiting = Some((format!("{what} at {host}"), tokio::time::Instant::now()));
            }
            CheckEvent::Token(_) | CheckEvent::Cell(_) | CheckEvent::Retrying { .. } => {
                if let Some((_, since)) = waiting.as_mut() {
                    *since = tokio::time::Instant::now();
                }
            }
            CheckEvent::Finished(_) | CheckEvent::Stopping | CheckEvent::WatchRound { .. } => {
                waiting = None
            }
            _ => {}
        }
        let Some(b) = &bar else { continue };
        match e {
            CheckEvent::Planned { cells, .. } => {
                b.set_length(cells as u64);
                b.set_position(0);
            }
            CheckEvent::Cell(_) => {
                b.inc(1);
                b.set_message("");
            }
            CheckEvent::Retrying { mailbox, after_s } => {
                b.set_message(format!("throttled: {} in {after_s:.1}s", safe(&mailbox)))
            }
            CheckEvent::Stopping => b.set_message("stopping: deleting drafts"),
            CheckEvent::WatchRound {
                unsettled,
                next_in_s,
                ..
            } => b.set_message(format!("{unsettled} unsettled; again in {next_in_s:.0}s")),
            CheckEvent::Waiting { .. } | CheckEvent::Token(_) | CheckEvent::Finished(_) => {}
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
}

/// `mailscope diagnose` options.
#[derive(Debug, Clone, Default)]
pub struct DiagnoseArgs {
    /// `token` or `graph`.
    pub endpoint: String,
    pub status: u16,
    /// `Name: value` lines.
    pub headers: Vec<String>,
    /// Body file; standard input when absent.
    pub body_file: Option<PathBuf>,
}

/// Runs `mailscope diagnose`: prints one JSON object. Exit 0, or 2 on bad usage.
pub fn run_diagnose(
    args: &DiagnoseArgs,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let Some(kind) = EndpointKind::parse(&args.endpoint) else {
        let _ = writeln!(err, "mailscope diagnose: --endpoint must be token or graph");
        return exit::USAGE;
    };
    let mut headers = Vec::new();
    for h in &args.headers {
        match h.split_once(':') {
            Some((n, v)) if !n.trim().is_empty() => {
                headers.push((n.trim().to_string(), v.trim().to_string()))
            }
            _ => {
                let _ = writeln!(
                    err,
                    "mailscope diagnose: --header must look like 'Name: value', got {}",
                    safe(&format!("{h:?}"))
                );
                return exit::USAGE;
            }
        }
    }
    let mut body = Vec::new();
    let read = match &args.body_file {
        Some(f) => crate::fsutil::read_regular(f, crate::fsutil::MAX_DOCUMENT_BYTES)
            .map(|b| body = b)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", f.display()))),
        None => read_bounded(stdin, &mut body),
    };
    if let Err(e) = read {
        let _ = writeln!(
            err,
            "mailscope diagnose: cannot read the body: {}",
            safe(&e.to_string())
        );
        return exit::USAGE;
    }
    let d = diagnose(kind, args.status, &headers, &body);
    match writeln!(out, "{}", json_terminal_safe(&d.brief_json().to_string())) {
        Ok(()) => exit::PASS,
        Err(_) => exit::COULD_NOT_RUN,
    }
}

/// Reads standard input whole, refusing more than a document may hold.
fn read_bounded(stdin: &mut dyn Read, body: &mut Vec<u8>) -> std::io::Result<()> {
    let limit = crate::fsutil::MAX_DOCUMENT_BYTES;
    stdin.take(limit + 1).read_to_end(body)?;
    if body.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "standard input is larger than {} MiB, more than any response body",
                limit >> 20
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_says_for_what_and_how_long() {
        assert_eq!(
            waiting_message(
                "the token endpoint at login.microsoftonline.com",
                Duration::from_millis(12_400)
            ),
            "waiting for the token endpoint at login.microsoftonline.com (12 s)"
        );
    }

    #[test]
    fn diagnose_reads_stdin_and_headers() {
        let args = DiagnoseArgs {
            endpoint: "graph".into(),
            status: 429,
            headers: vec!["Retry-After: 2.5".into()],
            body_file: None,
        };
        let mut stdin: &[u8] = br#"{"error":{"code":"ApplicationThrottled","message":"Application is over its MailboxConcurrency limit."}}"#;
        let (mut out, mut err) = (Vec::new(), Vec::new());
        assert_eq!(run_diagnose(&args, &mut stdin, &mut out, &mut err), 0);
        let v: serde_json::Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(v["cause"], "throttled");
        assert_eq!(v["retry_after_s"], 2.5);
        assert!(v["summary"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(v["fix"].as_str().is_some_and(|s| !s.is_empty()));
    }

    #[test]
    fn an_endless_body_on_standard_input_is_refused() {
        let args = DiagnoseArgs {
            endpoint: "graph".into(),
            status: 403,
            ..Default::default()
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut endless = std::io::repeat(b'x');
        assert_eq!(run_diagnose(&args, &mut endless, &mut out, &mut err), 2);
        let err = String::from_utf8_lossy(&err);
        assert!(err.contains("larger than 64 MiB"), "{err}");
    }

    #[test]
    fn diagnose_usage_errors() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let bad = DiagnoseArgs {
            endpoint: "smtp".into(),
            status: 400,
            ..Default::default()
        };
        assert_eq!(run_diagnose(&bad, &mut &b""[..], &mut out, &mut err), 2);
        let bad = DiagnoseArgs {
            endpoint: "token".into(),
            status: 400,
            headers: vec!["nocolon".into()],
            body_file: None,
        };
        assert_eq!(run_diagnose(&bad, &mut &b""[..], &mut out, &mut err), 2);
        assert!(String::from_utf8_lossy(&err).contains("Name: value"));
    }
}
