//! `mailscope check` and `mailscope diagnose`: thin wrappers over [`mailscope::graph::cli`].

use mailscope::graph::{Cancel, cli as graph};
use mailscope::profile::ProfileStore;
use mailscope::secrets::KeyringStore;

use super::args::{CheckArgs, DiagnoseArgs};
use super::output::{EXIT_CANNOT_RUN, fail};

pub fn run_check(args: CheckArgs) -> u8 {
    let profiles = match ProfileStore::open_default() {
        Ok(p) => p,
        Err(e) => return fail(EXIT_CANNOT_RUN, e),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return fail(EXIT_CANNOT_RUN, format!("cannot start: {e}")),
    };
    let options = graph::CheckArgs {
        json: args.json,
        concurrency: args.concurrency,
        no_batch: args.no_batch,
        watch: args.watch,
        send_to: args.send_to,
        timeout: args.timeout,
        profile: args.source.profile,
        profile_file: args.source.profile_file,
        ..graph::CheckArgs::default()
    };
    let code = runtime.block_on(async {
        let cancel = Cancel::new();
        if let Err(e) = graph::cancel_on_ctrl_c(&cancel) {
            return i32::from(fail(
                EXIT_CANNOT_RUN,
                format!("cannot watch for Ctrl-C: {e}"),
            ));
        }
        let store = KeyringStore::open();
        let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
        // Loads the profile, runs the checks and records the result beside a stored profile.
        graph::run_check(&options, &profiles, &store, &mut out, &mut err, cancel).await
    });
    u8::try_from(code).unwrap_or(EXIT_CANNOT_RUN)
}

pub fn run_diagnose(args: DiagnoseArgs) -> u8 {
    let args = graph::DiagnoseArgs {
        endpoint: args.endpoint,
        status: args.status,
        headers: args.headers,
        body_file: args.body_file,
    };
    let code = graph::run_diagnose(
        &args,
        &mut std::io::stdin(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    u8::try_from(code).unwrap_or(EXIT_CANNOT_RUN)
}
