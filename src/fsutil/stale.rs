//! Temp files of atomic writes: named recognisably (`.NAME.<uuid>.mailscope-tmp`), locked
//! while in use, and removed by a later save when an interrupted one left them behind.

use std::fs::{self, File};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// How every temp file mailscope writes ends.
pub const TEMP_SUFFIX: &str = ".mailscope-tmp";

/// A temp file younger than this is left alone even when unlocked (it may be between its
/// creation and its lock).
const STALE_AFTER: Duration = Duration::from_secs(60);

/// The temp file name for an atomic write of `name`.
pub(super) fn temp_name(name: &str) -> String {
    format!(".{name}.{}{TEMP_SUFFIX}", uuid::Uuid::new_v4().simple())
}

/// Removes temp files in `dir` that no save holds (not locked) and that are older than a
/// minute. Returns how many were removed; problems are ignored (this is housekeeping).
pub fn remove_stale_temp_files(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with('.') && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let path = entry.path();
        let old = entry
            .metadata()
            .ok()
            .filter(fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age >= STALE_AFTER);
        if old && unlocked(&path) && fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Whether no one holds a lock on `path` (the lock is released again at once).
fn unlocked(path: &Path) -> bool {
    File::open(path).is_ok_and(|f| f.try_lock().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aged(path: &Path, secs: u64) -> File {
        let f = fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .open(path)
            .expect("create");
        f.set_modified(SystemTime::now() - Duration::from_secs(secs))
            .expect("set mtime");
        f
    }

    #[test]
    fn the_next_save_removes_only_stale_temp_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        let stale = d.join(temp_name("a.toml"));
        drop(aged(&stale, 120));
        let fresh = d.join(temp_name("b.toml"));
        drop(aged(&fresh, 0));
        let busy = d.join(temp_name("c.toml"));
        let held = aged(&busy, 120);
        held.lock().expect("lock");
        let other = d.join(".profile.toml.bak");
        drop(aged(&other, 120));

        crate::fsutil::write_private(&d.join("a.toml"), b"x").expect("save");

        assert!(!stale.exists(), "an old, unlocked temp file is removed");
        assert!(fresh.exists(), "a young one may be a save in progress");
        assert!(busy.exists(), "a locked one is a save in progress");
        assert!(other.exists(), "only mailscope's temp files are touched");
        drop(held);
    }
}
