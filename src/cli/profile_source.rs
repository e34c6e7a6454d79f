//! `--profile NAME | --profile-file FILE`: how commands name the onboarding they work on.

use std::path::PathBuf;

use clap::Args;
use mailscope::preset::{self, Preset};
use mailscope::profile::{Profile, ProfileStore, parse_profile};

#[derive(Debug, Args)]
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
        let profile = match (&self.profile, &self.profile_file) {
            (Some(name), _) => ProfileStore::open_default()
                .and_then(|s| s.load(name))
                .map_err(|e| e.to_string())?,
            (None, Some(file)) => {
                let text = std::fs::read_to_string(file)
                    .map_err(|e| format!("{}: {e}", file.display()))?;
                parse_profile(&text, &file.display().to_string()).map_err(|e| e.to_string())?
            }
            (None, None) => {
                return Err("name a profile with --profile NAME or --profile-file FILE".into());
            }
        };
        let preset = preset::preset(profile.preset).map_err(|e| e.to_string())?;
        Ok((profile, preset))
    }
}
