//! `--profile NAME | --profile-file FILE`: how commands name the onboarding they work on.

use std::path::PathBuf;

use clap::Args;
use mailscope::preset::{self, Preset};
use mailscope::profile::{Profile, ProfileStore};

#[derive(Debug, Default, Args)]
#[group(required = true, multiple = false)]
pub struct ProfileSource {
    /// A stored profile (see `mailscope profile list`).
    #[arg(long, short = 'p', value_name = "NAME")]
    pub profile: Option<String>,
    /// A profile file, e.g. one a customer sent; it is not stored.
    #[arg(long, value_name = "FILE")]
    pub profile_file: Option<PathBuf>,
}

impl ProfileSource {
    /// Loads and validates the profile and its preset; the error is a sentence for people.
    pub fn load(&self) -> Result<(Profile, Preset), String> {
        let store = ProfileStore::open_default().map_err(|e| e.to_string())?;
        let profile =
            store.load_named_or_file(self.profile.as_deref(), self.profile_file.as_deref())?;
        let preset = preset::preset(profile.preset).map_err(|e| e.to_string())?;
        Ok((profile, preset))
    }
}
