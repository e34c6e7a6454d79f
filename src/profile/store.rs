//! Profiles on disk: one TOML file per onboarding under `<home>/profiles/`, written atomically.

use std::fs;
use std::path::{Path, PathBuf};

use super::consistency::check_profile;
use super::model::{PROFILE_VERSION, Profile};
use super::names::Companion;
use super::validate;
use crate::fsutil;
use crate::tomlfile::{self, FileError};

/// Everything that can go wrong reading or writing profiles.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("no profile named '{0}'. `mailscope profile list` shows the profiles you have.")]
    NotFound(String),
    #[error("a profile named '{0}' already exists; delete it first or import under another name")]
    Exists(String),
    #[error("{0}")]
    Invalid(FileError),
    #[error("{0}")]
    Name(validate::Invalid),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the profile: {0}")]
    Serialize(#[source] toml::ser::Error),
    /// No directory for mailscope's files.
    #[error(transparent)]
    Home(#[from] crate::paths::HomeError),
    /// A profile file named directly (not a stored profile) could not be read.
    #[error("cannot read {path}: {source}")]
    Unreadable {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// Neither or both of a stored profile's name and a profile file were given.
    #[error("give exactly one of --profile NAME or --profile-file FILE")]
    NoSource,
    #[error(
        "{path} holds the profile named '{inside}', not '{expected}'. A stored profile's name must match its file name: rename the file to {inside}.toml or set name = \"{expected}\" in it."
    )]
    NameMismatch {
        path: String,
        expected: String,
        inside: String,
    },
    #[error(
        "a profile named '{existing}' already exists, and '{wanted}' differs from it only in upper/lower case: Windows and macOS would store both in one file. Choose another name."
    )]
    CaseCollision { wanted: String, existing: String },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ProfileError + '_ {
    move |source| ProfileError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Parses and validates profile text; errors name `origin`, the line and the key. A file of an
/// older format version comes back as the current version (see `docs/profile-format.md`).
pub fn parse_profile(text: &str, origin: &str) -> Result<Profile, FileError> {
    let mut profile: Profile = tomlfile::parse(text, origin)?;
    if let Some(first) = check_profile(&profile).into_iter().next() {
        return Err(tomlfile::error_at(
            text,
            origin,
            &first.path,
            first.problem.0,
        ));
    }
    // Every older version this build reads is a subset of the current one with the same
    // meaning: the profile is carried as the current version and saved as it.
    profile.version = PROFILE_VERSION;
    Ok(profile)
}

/// Renders a profile in the documented format.
pub fn render_profile(p: &Profile) -> Result<String, ProfileError> {
    let body = toml::to_string_pretty(p).map_err(ProfileError::Serialize)?;
    Ok(format!(
        "# mailscope onboarding profile (format version {}). Holds no secrets.\n{body}",
        p.version
    ))
}

/// The profile directory of one mailscope home.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    dir: PathBuf,
}

impl ProfileStore {
    /// The store under the default home (`MAILSCOPE_HOME` or the OS config directory).
    pub fn open_default() -> Result<Self, ProfileError> {
        Ok(Self::at(crate::paths::home()?))
    }

    pub fn at(home: impl Into<PathBuf>) -> Self {
        ProfileStore {
            dir: home.into().join("profiles"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file a profile lives in.
    pub fn path_of(&self, name: &str) -> Result<PathBuf, ProfileError> {
        let name = validate::profile_name(name).map_err(ProfileError::Name)?;
        Ok(self.dir.join(format!("{name}.toml")))
    }

    /// The file of one of a profile's companions (exactly `<name>.<suffix>`, never a prefix match).
    pub fn companion_path(&self, name: &str, which: Companion) -> Result<PathBuf, ProfileError> {
        let name = validate::profile_name(name).map_err(ProfileError::Name)?;
        Ok(self.dir.join(which.file_name(&name)))
    }

    /// Names of all stored profiles, sorted.
    pub fn list(&self) -> Result<Vec<String>, ProfileError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_err(&self.dir)(e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".toml")
                    .filter(|n| !n.starts_with('.'))
                    .map(str::to_string)
            })
            .collect();
        names.sort();
        Ok(names)
    }

    pub fn exists(&self, name: &str) -> bool {
        self.path_of(name).is_ok_and(|p| p.is_file())
    }

    pub fn load(&self, name: &str) -> Result<Profile, ProfileError> {
        let path = self.path_of(name)?;
        let text = match fsutil::read_regular_to_string(&path, fsutil::MAX_DOCUMENT_BYTES) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ProfileError::NotFound(name.to_string()));
            }
            Err(e) => return Err(io_err(&path)(e)),
        };
        let profile =
            parse_profile(&text, &path.display().to_string()).map_err(ProfileError::Invalid)?;
        if profile.name != name {
            return Err(ProfileError::NameMismatch {
                path: path.display().to_string(),
                expected: name.to_string(),
                inside: profile.name,
            });
        }
        Ok(profile)
    }

    /// Saves atomically, owner-only; the file name follows the profile's `name`.
    pub fn save(&self, p: &Profile) -> Result<PathBuf, ProfileError> {
        let path = self.path_of(&p.name)?;
        if let Some(existing) = self
            .list()?
            .into_iter()
            .find(|n| *n != p.name && n.eq_ignore_ascii_case(&p.name))
        {
            return Err(ProfileError::CaseCollision {
                wanted: p.name.clone(),
                existing,
            });
        }
        fsutil::create_private_dir(&self.dir).map_err(io_err(&self.dir))?;
        fsutil::write_private(&path, render_profile(p)?.as_bytes()).map_err(io_err(&path))?;
        Ok(path)
    }

    /// Removes the profile file and the companions it owns that go with it (the last check);
    /// its change records stay. Only files named exactly for this profile are touched, so
    /// `contoso` never reaches `contoso.prod`. Keyring entries are the caller's to delete (see
    /// `secrets::delete_all_for`), because the keyring may be absent.
    pub fn delete(&self, name: &str) -> Result<(), ProfileError> {
        let path = self.path_of(name)?;
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ProfileError::NotFound(name.to_string()));
            }
            Err(e) => return Err(io_err(&path)(e)),
        }
        for which in Companion::ALL
            .into_iter()
            .filter(|c| c.deleted_with_profile())
        {
            let file = self.companion_path(name, which)?;
            match fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_err(&file)(e)),
            }
        }
        Ok(())
    }

    /// The companion files that exist for a profile.
    pub fn companion_files(&self, name: &str) -> Vec<PathBuf> {
        Companion::ALL
            .into_iter()
            .filter_map(|c| self.companion_path(name, c).ok())
            .filter(|p| p.is_file())
            .collect()
    }

    /// Imports a profile file (validated); refuses to overwrite an existing profile.
    pub fn import(&self, file: &Path) -> Result<Profile, ProfileError> {
        let text = fsutil::read_regular_to_string(file, fsutil::MAX_DOCUMENT_BYTES)
            .map_err(io_err(file))?;
        let profile =
            parse_profile(&text, &file.display().to_string()).map_err(ProfileError::Invalid)?;
        if self.exists(&profile.name) {
            return Err(ProfileError::Exists(profile.name));
        }
        self.save(&profile)?;
        Ok(profile)
    }

    /// The profile named on a command line: a stored one by name, or a file (not stored).
    pub fn load_named_or_file(
        &self,
        name: Option<&str>,
        file: Option<&Path>,
    ) -> Result<Profile, ProfileError> {
        match (name, file) {
            (Some(name), None) => self.load(name),
            (None, Some(file)) => {
                let text = fsutil::read_regular_to_string(file, fsutil::MAX_DOCUMENT_BYTES)
                    .map_err(|source| ProfileError::Unreadable {
                        path: file.display().to_string(),
                        source,
                    })?;
                parse_profile(&text, &file.display().to_string()).map_err(ProfileError::Invalid)
            }
            _ => Err(ProfileError::NoSource),
        }
    }

    /// The profile in its file format, for `export`.
    pub fn export(&self, name: &str) -> Result<String, ProfileError> {
        render_profile(&self.load(name)?)
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
