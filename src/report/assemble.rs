//! The one way a report is made from an onboarding: the profile, its preset, the scoping
//! script generated from the profile, and the check run recorded beside it. `mailscope report`
//! and the wizard's export both call [`for_profile`], so the same data gives the same report.

use time::OffsetDateTime;

use super::build::{build, script_hash};
use super::model::Report;
use crate::graph::CheckRun;
use crate::powershell::{self, Part};
use crate::preset::Preset;
use crate::profile::Profile;

/// The report of an onboarding as of `now`, with its recorded check run when there is one.
pub fn for_profile(
    profile: &Profile,
    preset: &Preset,
    recorded: Option<&CheckRun>,
    now: OffsetDateTime,
) -> Report {
    let hash = powershell::script_for(profile, preset, Part::Exchange, None)
        .ok()
        .map(|s| script_hash(&s));
    build(profile, preset, now, hash).with_check_run(recorded)
}
