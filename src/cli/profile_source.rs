//! `--profile NAME | --profile-file FILE`: how commands name the onboarding they work on.

use std::path::PathBuf;

use clap::Args;
use mailscope::preset::{self, Preset, PresetError};
use mailscope::profile::{Profile, ProfileError, ProfileStore};

use super::output::{EXIT_CANNOT_RUN, profile_exit_code};

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

/// Why the named profile cannot be used; its text is a sentence for people.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// A built-in preset that does not load: this build is broken, not the input.
    #[error(transparent)]
    Preset(#[from] PresetError),
}

impl SourceError {
    /// The exit code, from the kind of failure (see [`profile_exit_code`]).
    pub fn exit_code(&self) -> u8 {
        match self {
            SourceError::Profile(e) => profile_exit_code(e),
            SourceError::Preset(_) => EXIT_CANNOT_RUN,
        }
    }
}

impl ProfileSource {
    /// Loads and validates the profile and its preset.
    pub fn load(&self) -> Result<(Profile, Preset), SourceError> {
        let store = ProfileStore::open_default()?;
        let profile =
            store.load_named_or_file(self.profile.as_deref(), self.profile_file.as_deref())?;
        let preset = preset::preset(profile.preset)?;
        Ok((profile, preset))
    }
}

#[cfg(test)]
mod tests {
    use mailscope::profile::PresetId;

    use super::*;
    use crate::cli::output::EXIT_USAGE;

    #[test]
    fn a_missing_profile_is_bad_input_and_a_broken_preset_could_not_run() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = ProfileStore::at(dir.path());
        let e = SourceError::from(
            store
                .load_named_or_file(Some("nope"), None)
                .expect_err("no such profile"),
        );
        assert!(
            matches!(&e, SourceError::Profile(ProfileError::NotFound(n)) if n == "nope"),
            "{e:?}"
        );
        assert_eq!(e.exit_code(), EXIT_USAGE);
        let e = SourceError::from(PresetError::Missing(PresetId::Kundo));
        assert!(matches!(e, SourceError::Preset(_)));
        assert_eq!(e.exit_code(), EXIT_CANNOT_RUN);
    }
}
