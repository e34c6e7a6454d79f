//! The folder holding a running sim's CA file: `mailscope-sim-<uuid>` in the temp directory,
//! with a `.lock` file locked for as long as the sim runs. Removed when the sim stops (also on
//! SIGINT/SIGTERM); a sim that was killed outright leaves it unlocked, and the next sim to start
//! removes it.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How the folders are named in the temp directory.
pub(crate) const PREFIX: &str = "mailscope-sim-";
const LOCK: &str = ".lock";
/// The lock file's name until it is locked.
const MAKING: &str = ".lock-making";
/// A folder without a lock file (being made, or left by a version without locks, whose sim may
/// still run) is only removed once it is this old.
const UNLOCKED_GRACE: Duration = Duration::from_secs(3600);

/// A sim's CA folder; dropping it removes the folder.
#[derive(Debug)]
pub(crate) struct CaDir {
    path: PathBuf,
    /// Locked while the sim runs; the lock is what tells a live sim's folder from a dead one's.
    lock: Option<File>,
}

impl CaDir {
    /// Removes folders of sims that are gone, then makes a new folder under `parent`.
    pub(crate) fn create(parent: &Path) -> io::Result<CaDir> {
        remove_stale(parent);
        let path = parent.join(format!("{PREFIX}{}", uuid::Uuid::new_v4()));
        fs::create_dir_all(&path)?;
        // Locked under another name, then renamed: a `.lock` that exists is always held by a
        // live sim or left by a dead one, never one being made (which a neighbour starting at
        // the same moment would take for a dead sim's and remove).
        let making = path.join(MAKING);
        let lock = File::create_new(&making)?;
        lock.lock()?;
        fs::rename(&making, path.join(LOCK))?;
        Ok(CaDir {
            path,
            lock: Some(lock),
        })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for CaDir {
    fn drop(&mut self) {
        // Closed first: Windows does not remove a folder with an open file in it.
        drop(self.lock.take());
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// Removes sim folders under `parent` whose lock no process holds (or that have no lock file
/// and are older than an hour). Returns how many were removed.
pub(crate) fn remove_stale(parent: &Path) -> usize {
    let Ok(entries) = fs::read_dir(parent) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        if !entry.file_name().to_string_lossy().starts_with(PREFIX) {
            continue;
        }
        let dir = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir())
            && is_abandoned(&dir)
            && fs::remove_dir_all(&dir).is_ok()
        {
            removed += 1;
        }
    }
    removed
}

fn is_abandoned(dir: &Path) -> bool {
    match File::open(dir.join(LOCK)) {
        // The lock is released when `f` is dropped, before the folder is removed.
        Ok(f) => f.try_lock().is_ok(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => fs::metadata(dir)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|age| age >= UNLOCKED_GRACE),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_folders_of_sims_that_are_gone_are_removed() {
        let parent = tempfile::tempdir().expect("tempdir");
        let live = CaDir::create(parent.path()).expect("live");
        // A killed sim: its lock file exists, nobody holds it.
        let dead = parent.path().join(format!("{PREFIX}dead"));
        fs::create_dir(&dead).expect("mkdir");
        File::create(dead.join(LOCK)).expect("lock file");
        fs::write(dead.join("ca.pem"), "x").expect("ca");
        // Being made right now: no lock file yet, young.
        let young = parent.path().join(format!("{PREFIX}young"));
        fs::create_dir(&young).expect("mkdir");
        let unrelated = parent.path().join("mailscope-demo-x");
        fs::create_dir(&unrelated).expect("mkdir");

        let next = CaDir::create(parent.path()).expect("next");

        assert!(!dead.exists(), "a dead sim's folder is removed");
        assert!(live.path().exists(), "a running sim's folder stays");
        assert!(young.exists(), "a folder being made stays");
        assert!(unrelated.exists());
        let (live_path, next_path) = (live.path().to_path_buf(), next.path().to_path_buf());
        drop((live, next));
        assert!(
            !live_path.exists() && !next_path.exists(),
            "removed when dropped"
        );
    }

    /// Sims starting together: none removes another's folder while it is being made (its lock
    /// file existed, not yet locked, in a window where a neighbour took it for a dead sim's).
    #[test]
    fn sims_starting_together_keep_their_folders() {
        let parent = tempfile::tempdir().expect("tempdir");
        for _ in 0..20 {
            let made: Vec<CaDir> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..8)
                    .map(|_| s.spawn(|| CaDir::create(parent.path()).expect("create")))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("join"))
                    .collect()
            });
            for d in &made {
                assert!(d.path().join(LOCK).exists(), "{:?} was removed", d.path());
            }
        }
    }
}
