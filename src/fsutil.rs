//! Files: crash-safe, owner-only writes (temp file in the same directory, fsync, rename; temp
//! files left by an interrupted save are removed by the next save) and bounded reads of
//! regular files only ([`read_regular`]).

mod read;
mod stale;

#[cfg(all(test, unix))]
pub(crate) use read::mkfifo;

pub use read::{MAX_CREDENTIAL_BYTES, MAX_DOCUMENT_BYTES, read_regular, read_regular_to_string};
pub use stale::{TEMP_SUFFIX, remove_stale_temp_files};

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically; the file is readable and writable by its owner only.
///
/// A crash at any point leaves either the old file or the new one, never a truncated mix.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic(path, bytes, None)
}

/// Like [`write_private`] but keeps the permissions `path` already has (for files that
/// belong to another program, such as a vendor's configuration file).
pub fn write_keeping_permissions(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let perms = fs::metadata(path).ok().map(|m| m.permissions());
    write_atomic(path, bytes, perms)
}

fn write_atomic(path: &Path, bytes: &[u8], perms: Option<fs::Permissions>) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    stale::remove_stale_temp_files(dir);
    let tmp = dir.join(stale::temp_name(&name.to_string_lossy()));
    let result = (|| {
        let mut f = open_private(&tmp)?;
        // Held until the file is renamed and closed: a locked temp file is never stale.
        f.lock()?;
        f.write_all(bytes)?;
        if let Some(p) = perms {
            f.set_permissions(p)?;
        }
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        sync_dir(dir);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(unix)]
fn open_private(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_private(path: &Path) -> io::Result<File> {
    // On Windows a file in the user's profile directory inherits an ACL that admits only the
    // user, SYSTEM and Administrators.
    OpenOptions::new().write(true).create_new(true).open(path)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

/// Creates a directory (and parents) that only its owner can enter.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.toml");
        write_private(&p, b"one").expect("write");
        write_private(&p, b"two").expect("rewrite");
        assert_eq!(fs::read(&p).expect("read"), b"two");
        let names: Vec<_> = fs::read_dir(dir.path()).expect("ls").collect();
        assert_eq!(names.len(), 1, "temp file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn files_are_owner_only_unless_they_had_other_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.toml");
        write_private(&p, b"x").expect("write");
        assert_eq!(
            fs::metadata(&p).expect("meta").permissions().mode() & 0o777,
            0o600
        );
        let q = dir.path().join("integrations.json");
        fs::write(&q, b"{}").expect("seed");
        fs::set_permissions(&q, fs::Permissions::from_mode(0o640)).expect("chmod");
        write_keeping_permissions(&q, b"{\"a\":1}").expect("write");
        assert_eq!(
            fs::metadata(&q).expect("meta").permissions().mode() & 0o777,
            0o640
        );
    }
}
