//! `mailscope replay REPORT.json`: reproduce a customer's outcomes on the simulated tenant,
//! in the wizard or, with `--headless`, as a printed check table.

use std::net::SocketAddr;

use std::sync::Arc;

use mailscope::graph::Cancel;
use mailscope::preset;
use mailscope::profile::Endpoints;
use mailscope::report::{self, replay};
use mailscope::secrets::{MemoryStore, Secret, store_client_secret};
use mailscope::sim;

use super::args::ReplayArgs;
use super::output::{EXIT_CANNOT_RUN, EXIT_USAGE, fail, safe};

pub fn run(args: ReplayArgs) -> u8 {
    let text = match mailscope::fsutil::read_regular_to_string(
        &args.report,
        mailscope::fsutil::MAX_DOCUMENT_BYTES,
    ) {
        Ok(t) => t,
        Err(e) => return fail(EXIT_USAGE, format!("{}: {e}", args.report.display())),
    };
    let doc = match report::parse_json(&text) {
        Ok(d) => d,
        Err(e) => return fail(EXIT_USAGE, format!("{}: {e}", args.report.display())),
    };
    let plan = replay::scenario_for(&doc);
    if let Some(path) = &args.scenario_out {
        if let Err(e) = mailscope::fsutil::write_private(path, plan.scenario.as_bytes()) {
            return fail(EXIT_CANNOT_RUN, format!("{}: {e}", path.display()));
        }
        eprintln!(
            "Scenario written to {} (run it with `mailscope sim --scenario`).",
            safe(&path.display().to_string())
        );
    }
    for n in &plan.not_reproduced {
        eprintln!("Not reproduced: {}", safe(n));
    }
    if !args.headless {
        return crate::tui::support::replay(doc);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return fail(EXIT_CANNOT_RUN, format!("cannot start: {e}")),
    };
    let code = runtime.block_on(async {
        let here = std::env::current_dir().unwrap_or_default();
        let scenario = sim::Scenario::from_toml(&plan.scenario, &here, "replay scenario")
            .map_err(|e| e.to_string())?;
        let handle = sim::start(scenario, SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .map_err(|e| e.to_string())?;
        let endpoints = Endpoints {
            authority: handle.authority.clone(),
            graph: handle.graph.clone(),
            ca_file: Some(handle.ca_file.display().to_string()),
            exchange: None,
        };
        let profile = plan.profile(&doc, endpoints).map_err(|e| e.to_string())?;
        let preset = preset::preset(profile.preset).map_err(|e| e.to_string())?;
        let store = MemoryStore::new();
        store_client_secret(&store, &profile, &Secret::new(plan.secret()))
            .map_err(|e| e.to_string())?;
        println!(
            "Replaying the report of '{}' ({}) on a simulated tenant.\n",
            safe(&doc.profile.name),
            safe(&doc.generated_at)
        );
        let options = super::args::CheckArgs {
            json: args.json,
            ..super::args::CheckArgs::default()
        };
        let cancel = Cancel::new();
        super::check_cmd::cancel_on_ctrl_c(&cancel).map_err(|e| e.to_string())?;
        let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
        let (code, _) = super::check_cmd::check(
            &profile,
            &preset,
            &options,
            false,
            Arc::new(store),
            &mut out,
            &mut err,
            cancel,
        )
        .await;
        handle.shutdown().await;
        Ok::<u8, String>(code)
    });
    match code {
        Ok(c) => c,
        Err(e) => fail(EXIT_CANNOT_RUN, format!("replay: {e}")),
    }
}
