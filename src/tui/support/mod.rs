//! Support mode: `mailscope open REPORT.json` shows a customer's report in the wizard's
//! screens, read-only; `mailscope replay REPORT.json` reproduces it on the simulated tenant
//! and runs the wizard's checks against it.

pub mod from_report;
pub mod readonly;

use std::path::Path;
use std::sync::Arc;

use mailscope::profile::Endpoints;
use mailscope::report::{self, Report, replay};
use mailscope::secrets::{MemoryStore, Secret, SecretStore, store_client_secret};
use mailscope::sim::Scenario;
use time::OffsetDateTime;

use super::demo::{Launch, PrivateHome, SimEndpoints, on_simulated_tenant};
use super::model::{Model, Screen, Source};
use super::step::Step;
use super::theme::Theme;
use crate::exit::{EXIT_USAGE, fail};

/// Reads and parses a JSON report; the error names the file.
pub fn read_report(path: &Path) -> Result<Report, String> {
    let text =
        mailscope::fsutil::read_regular_to_string(path, mailscope::fsutil::MAX_DOCUMENT_BYTES)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    report::parse_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The wizard showing `report` read-only, on its check table (or its token result when the
/// preset has no app-only checks).
pub fn open_model(report: &Report, now: OffsetDateTime, theme: Theme) -> Result<Model, String> {
    let report = &shown(report);
    let mut model = Model::new(now, theme);
    let w = from_report::wizard(report, model.today())?;
    model.source = Some(Source::Report {
        profile: report.profile.name.clone(),
        generated_at: report.generated_at.clone(),
    });
    let first = readonly::steps(&w.preset)
        .into_iter()
        .find(|s| *s == Step::Checks)
        .unwrap_or(Step::Permissions);
    model.screen = Screen::Wizard {
        step: first,
        wizard: Box::new(w),
    };
    Ok(model)
}

/// The report as the screens show it: every string passes
/// [`terminal_safe`](mailscope::text::terminal_safe), so escape sequences a customer's file
/// holds are seen for what they are (ratatui would drop them silently) and never reach the
/// terminal. Only for showing: replays use the report as it is.
fn shown(report: &Report) -> Report {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s) => {
                if let std::borrow::Cow::Owned(safe) = mailscope::text::terminal_safe(s) {
                    *s = safe;
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            serde_json::Value::Object(o) => o.values_mut().for_each(walk),
            _ => {}
        }
    }
    let Ok(mut v) = serde_json::to_value(report) else {
        return report.clone();
    };
    walk(&mut v);
    serde_json::from_value(v).unwrap_or_else(|_| report.clone())
}

/// `mailscope open REPORT.json`.
pub fn open(path: &Path) -> u8 {
    let model = match read_report(path)
        .and_then(|r| open_model(&r, OffsetDateTime::now_utc(), Theme::from_env()))
    {
        Ok(m) => m,
        Err(e) => return fail(EXIT_USAGE, e),
    };
    let rt = match super::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    super::exit_code(rt.block_on(async {
        // Nothing is saved or read in read-only mode; the home only satisfies the runner.
        let home = PrivateHome::create()?;
        let secrets: Arc<dyn SecretStore> = Arc::new(MemoryStore::new());
        super::drive(model, home.store(), secrets, Vec::new()).await
    }))
}

/// `mailscope replay REPORT.json` in the wizard.
pub fn replay(report: Report) -> u8 {
    let plan = replay::scenario_for(&report);
    let rt = match super::runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    super::exit_code(rt.block_on(async {
        let scenario = Scenario::from_toml(&plan.scenario, Path::new("."), "replay scenario")
            .map_err(|e| e.to_string())?;
        on_simulated_tenant(scenario, |sim, now| replay_launch(&report, &plan, sim, now)).await
    }))
}

/// The wizard on the replayed profile, resuming at the live checks.
fn replay_launch(
    report: &Report,
    plan: &replay::Replay,
    sim: &SimEndpoints,
    now: OffsetDateTime,
) -> Result<Launch, String> {
    let endpoints = Endpoints {
        authority: sim.authority.clone(),
        graph: sim.graph.clone(),
        ca_file: Some(sim.ca_file.clone()),
        exchange: None,
    };
    let mut profile = plan.profile(report, endpoints).map_err(|e| e.to_string())?;
    // Completed up to scoping: the wizard opens on the live checks and runs them.
    profile.step = Some(Step::Scoping.as_str().into());
    let store = MemoryStore::new();
    store_client_secret(&store, &profile, &Secret::new(plan.secret()))
        .map_err(|e| e.to_string())?;
    let mut model = Model::new(now, Theme::from_env());
    model.source = Some(Source::Replay {
        profile: report.profile.name.clone(),
        generated_at: report.generated_at.clone(),
    });
    if !plan.not_reproduced.is_empty() {
        model.info(format!(
            "Not reproduced: {}",
            plan.not_reproduced.join("; ")
        ));
    }
    Ok((model, profile, Arc::new(store)))
}
