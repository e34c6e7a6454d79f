//! The last check result of each profile, kept beside it (`<name>.last-check.json`), so
//! `status`, `report` and the wizard's start screen can show it. Holds no secrets.

use std::path::{Path, PathBuf};

use crate::graph::CheckRun;
use crate::profile::{Companion, ProfileError, ProfileStore};

/// Why a last check could not be recorded or read back.
#[derive(Debug, thiserror::Error)]
pub enum LastCheckError {
    /// The profile name is not one a file can be named for.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The run could not be turned into JSON.
    #[error("{0}")]
    Encode(#[source] serde_json::Error),
    /// The file (or the profile directory) could not be written.
    #[error("{path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file exists but could not be read (permissions, not a regular file, too large).
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file was read but is not a recorded run: it reads as an error, not as "never ran".
    #[error("{path}: {source}")]
    Damaged {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

fn path(store: &ProfileStore, name: &str) -> Result<PathBuf, ProfileError> {
    store.companion_path(name, Companion::LastCheck)
}

fn write_error(path: &Path) -> impl FnOnce(std::io::Error) -> LastCheckError + '_ {
    move |source| LastCheckError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Records a check run (atomic, owner-only).
pub fn save(store: &ProfileStore, name: &str, report: &CheckRun) -> Result<(), LastCheckError> {
    let path = path(store, name)?;
    let json = serde_json::to_vec_pretty(report).map_err(LastCheckError::Encode)?;
    crate::fsutil::create_private_dir(store.dir()).map_err(write_error(store.dir()))?;
    crate::fsutil::write_private(&path, &json).map_err(write_error(&path))
}

/// Records a run beside the profile: as it is, or, with `merge`, merged into the last recorded
/// run (a re-check of some cells). Returns what was recorded.
pub fn record(
    store: &ProfileStore,
    name: &str,
    run: CheckRun,
    merge: bool,
) -> Result<CheckRun, LastCheckError> {
    let recorded = match load(store, name)? {
        Some(mut last) if merge => {
            last.merge(run);
            last
        }
        _ => run,
    };
    save(store, name, &recorded)?;
    Ok(recorded)
}

/// The last recorded run, if any. A damaged file reads as an error, not as "never ran".
pub fn load(store: &ProfileStore, name: &str) -> Result<Option<CheckRun>, LastCheckError> {
    let path = path(store, name)?;
    match crate::fsutil::read_regular(&path, crate::fsutil::MAX_DOCUMENT_BYTES) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| LastCheckError::Damaged { path, source }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(LastCheckError::Read { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_can_tell_never_ran_from_damaged_from_unreadable_from_a_bad_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = ProfileStore::at(dir.path());
        assert!(matches!(load(&store, "a"), Ok(None)), "never ran");

        std::fs::create_dir_all(store.dir()).expect("dir");
        let file = path(&store, "a").expect("path");
        std::fs::write(&file, "{ not json").expect("write");
        let e = load(&store, "a").expect_err("damaged");
        assert!(matches!(e, LastCheckError::Damaged { .. }), "{e:?}");
        assert!(
            e.to_string().starts_with(&file.display().to_string()),
            "names the file: {e}"
        );

        std::fs::remove_file(&file).expect("remove");
        std::fs::create_dir(&file).expect("a directory in its place");
        let e = load(&store, "a").expect_err("not a file");
        assert!(matches!(e, LastCheckError::Read { .. }), "{e:?}");

        let e = load(&store, "../a").expect_err("bad name");
        assert!(
            matches!(e, LastCheckError::Profile(ProfileError::Name(_))),
            "{e:?}"
        );
    }
}
