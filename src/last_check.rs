//! The last check result of each profile, kept beside it (`<name>.last-check.json`), so
//! `status`, `report` and the wizard's start screen can show it. Holds no secrets.

use std::path::PathBuf;

use crate::graph::CheckReport;
use crate::profile::{Companion, ProfileError, ProfileStore};

fn path(store: &ProfileStore, name: &str) -> Result<PathBuf, ProfileError> {
    store.companion_path(name, Companion::LastCheck)
}

/// Records a check run (atomic, owner-only).
pub fn save(store: &ProfileStore, name: &str, report: &CheckReport) -> Result<(), String> {
    let path = path(store, name).map_err(|e| e.to_string())?;
    let json = serde_json::to_vec_pretty(report).map_err(|e| e.to_string())?;
    crate::fsutil::create_private_dir(store.dir()).map_err(|e| e.to_string())?;
    crate::fsutil::write_private(&path, &json).map_err(|e| format!("{}: {e}", path.display()))
}

/// Records a run beside the profile: as it is, or, with `merge`, merged into the last recorded
/// run (a re-check of some cells). Returns what was recorded.
pub fn record(
    store: &ProfileStore,
    name: &str,
    run: CheckReport,
    merge: bool,
) -> Result<CheckReport, String> {
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
pub fn load(store: &ProfileStore, name: &str) -> Result<Option<CheckReport>, String> {
    let path = path(store, name).map_err(|e| e.to_string())?;
    match crate::fsutil::read_regular(&path, crate::fsutil::MAX_DOCUMENT_BYTES) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}
