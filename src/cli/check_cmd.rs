//! `mailscope check`: loads the profile, runs its checks through the library's one entry
//! point ([`mailscope::graph::run_profile`]), shows progress on standard error, prints the table
//! or JSON, records the run beside a stored profile, and turns the outcome into an exit code.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use mailscope::graph::{
    Cancel, CheckOptions, CheckRun, DEFAULT_CONCURRENCY, RunError, RunSpec, WatchOptions,
    run_profile, timeout::DEFAULT_REQUEST_TIMEOUT,
};
use mailscope::preset::{self, Preset};
use mailscope::profile::{Profile, ProfileStore};
use mailscope::secrets::{KeyringStore, SecretStore};
use mailscope::tomlfile::render_path;

use super::args::CheckArgs;
use super::check_progress::show_progress;
use super::check_table::write_table;
use super::output::{
    EXIT_CANNOT_RUN, EXIT_USAGE, fail, outcome_code, profile_exit_code, safe, safe_json, safe_text,
};

/// Runs `mailscope check` from the command line.
pub fn run_check(args: CheckArgs) -> u8 {
    let profiles = match ProfileStore::open_default() {
        Ok(p) => p,
        Err(e) => return fail(EXIT_CANNOT_RUN, e),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return fail(EXIT_CANNOT_RUN, format!("cannot start: {e}")),
    };
    let profile = match profiles.load_named_or_file(
        args.source.profile.as_deref(),
        args.source.profile_file.as_deref(),
    ) {
        Ok(p) => p,
        Err(e) => return fail(profile_exit_code(&e), format!("check: {e}")),
    };
    let preset = match preset::preset(profile.preset) {
        Ok(p) => p,
        // The presets are built in: one that does not load is a broken build.
        Err(e) => return fail(EXIT_CANNOT_RUN, format!("check: {e}")),
    };
    runtime.block_on(async {
        let cancel = Cancel::new();
        if let Err(e) = cancel_on_ctrl_c(&cancel) {
            return fail(EXIT_CANNOT_RUN, format!("cannot watch for Ctrl-C: {e}"));
        }
        let store: Arc<dyn SecretStore> = Arc::new(KeyringStore::open());
        let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
        let stored = args.source.profile.is_some();
        let (code, report) = check(
            &profile, &preset, &args, stored, store, &mut out, &mut err, cancel,
        )
        .await;
        // A stored profile's run is recorded beside it for `status`, `report` and the wizard.
        if let (Some(report), true) = (report, stored)
            && let Err(e) = mailscope::last_check::record(&profiles, &profile.name, report, false)
        {
            let _ = writeln!(
                err,
                "mailscope check: could not record the result: {}",
                safe(&e.to_string())
            );
        }
        code
    })
}

/// The check of a loaded profile: progress and the signing-in line on `err`, the table or JSON
/// on `out`. Returns the exit code and, when the run started, its report.
#[allow(clippy::too_many_arguments)]
pub async fn check(
    profile: &Profile,
    preset: &Preset,
    args: &CheckArgs,
    stored_profile: bool,
    store: Arc<dyn SecretStore>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    cancel: Cancel,
) -> (u8, Option<CheckRun>) {
    if args.concurrency == Some(0) {
        let _ = writeln!(err, "mailscope check: --concurrency must be at least 1");
        return (EXIT_USAGE, None);
    }
    let spec = RunSpec {
        options: CheckOptions {
            concurrency: args.concurrency.unwrap_or(DEFAULT_CONCURRENCY),
            batch: !args.no_batch,
            send_to: args.send_to.clone(),
            per_request_timeout: args.timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT),
            watch: args.watch.then_some(WatchOptions::POLICY),
            ..CheckOptions::default()
        },
        only: None,
        stored_profile,
        exchange: Some(mailscope::exchange::check_probe::probe()),
    };
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let draw = !args.no_progress && std::io::stderr().is_terminal();
    let (result, ()) = tokio::join!(
        run_profile(profile, preset, store, &spec, tx, cancel),
        show_progress(rx, draw, &mut *err)
    );
    let report = match result {
        Ok(r) => r,
        Err(e) => return (report_run_error(&e, err), None),
    };
    let written = if args.json {
        serde_json::to_string_pretty(&report)
            .map_err(std::io::Error::from)
            .and_then(|json| writeln!(out, "{}", safe_json(&json)))
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
    (outcome_code(report.outcome()), Some(report))
}

/// Prints why the run could not start; a keyring outage is 3, anything in the profile 2.
fn report_run_error(e: &RunError, err: &mut dyn Write) -> u8 {
    match e {
        RunError::Profile(problems) => {
            for f in problems {
                let _ = writeln!(
                    err,
                    "mailscope check: {}: {}",
                    safe(&render_path(&f.path)),
                    safe(&f.problem.0)
                );
            }
        }
        other => {
            let _ = writeln!(err, "mailscope check: {}", safe_text(&other.to_string()));
        }
    }
    if e.is_outage() {
        EXIT_CANNOT_RUN
    } else {
        EXIT_USAGE
    }
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
