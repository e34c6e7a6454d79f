//! Bounded reads of regular files: devices, FIFOs, sockets and directories are refused before
//! they are opened (so a FIFO never blocks and `/dev/zero` never fills memory), and a file
//! larger than its limit is refused with the limit named.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

/// Limit for documents mailscope reads: profiles, reports, scenarios, mailbox lists, the
/// last check result, response bodies given to `diagnose`, vendor files (64 MiB; a profile
/// with 10,000 mailboxes is under 1 MiB).
pub const MAX_DOCUMENT_BYTES: u64 = 64 << 20;

/// Limit for certificates, keys and PFX files (1 MiB; real ones are a few KiB).
pub const MAX_CREDENTIAL_BYTES: u64 = 1 << 20;

/// Reads `path` whole if it is a regular file (symbolic links followed) of at most
/// `max_bytes` bytes.
///
/// The error keeps the [`io::ErrorKind`] of the failure (`NotFound` stays `NotFound`); a
/// refusal is `IsADirectory`, `InvalidInput` (device, FIFO, socket) or `FileTooLarge`, and
/// its message says why. Callers put the path in front, as for any I/O error.
pub fn read_regular(path: &Path, max_bytes: u64) -> io::Result<Vec<u8>> {
    let meta = fs::metadata(path)?;
    refuse_special(&meta)?;
    if meta.len() > max_bytes {
        return Err(too_large(max_bytes));
    }
    let file = File::open(path)?;
    // The path may have been swapped between the two looks; the open file is what counts.
    let meta = file.metadata()?;
    refuse_special(&meta)?;
    let expected = usize::try_from(meta.len().min(max_bytes)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(expected.saturating_add(1));
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(max_bytes));
    }
    Ok(bytes)
}

/// [`read_regular`] for text: the file must be UTF-8.
pub fn read_regular_to_string(path: &Path, max_bytes: u64) -> io::Result<String> {
    let bytes = read_regular(path, max_bytes)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        io::Error::new(io::ErrorKind::InvalidData, not_utf8(e.as_bytes(), at))
    })
}

/// "line 3, column 7: not UTF-8 text (byte 0xFF at offset 20); save the file as UTF-8".
fn not_utf8(bytes: &[u8], at: usize) -> String {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    let byte = bytes
        .get(at)
        .map_or(String::new(), |b| format!("byte 0x{b:02X} "));
    format!(
        "line {line}, column {column}: not UTF-8 text ({byte}at offset {at}); save the file as UTF-8"
    )
}

fn refuse_special(meta: &fs::Metadata) -> io::Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory; name a file",
        ));
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "is {}, not a regular file; mailscope reads only regular files",
            special_kind(meta)
        ),
    ))
}

#[cfg(unix)]
fn special_kind(meta: &fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_meta: &fs::Metadata) -> &'static str {
    "a special file"
}

fn too_large(max_bytes: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!(
            "is larger than {}, the most mailscope reads for this kind of file",
            human_size(max_bytes)
        ),
    )
}

fn human_size(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// Makes a FIFO named `name` in `dir` (tests of what reads files).
#[cfg(all(test, unix))]
pub(crate) fn mkfifo(dir: &Path, name: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    let made = std::process::Command::new("mkfifo")
        .arg(&p)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_regular_file_up_to_its_limit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.txt");
        fs::write(&p, b"12345").expect("write");
        assert_eq!(read_regular(&p, 5).expect("read"), b"12345");
        assert_eq!(read_regular_to_string(&p, 64).expect("read"), "12345");
        let e = read_regular(&p, 4).expect_err("too large");
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
        assert!(e.to_string().contains("larger than 4 bytes"), "{e}");
    }

    #[test]
    fn missing_files_stay_not_found() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = read_regular(&dir.path().join("nope"), 10).expect_err("missing");
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn directories_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let e = read_regular(dir.path(), MAX_DOCUMENT_BYTES).expect_err("dir");
        assert_eq!(e.kind(), io::ErrorKind::IsADirectory);
    }

    #[test]
    fn invalid_utf8_says_where() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("b.txt");
        fs::write(
            &p,
            "a = 1\nb = \"é"
                .bytes()
                .chain([0xff, b'"'])
                .collect::<Vec<_>>(),
        )
        .expect("write");
        let e = read_regular_to_string(&p, 64).expect_err("not utf-8");
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(
            e.to_string()
                .starts_with("line 2, column 7: not UTF-8 text (byte 0xFF at offset 13)"),
            "{e}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_refused_without_reading() {
        let e = read_regular(Path::new("/dev/zero"), MAX_DOCUMENT_BYTES).expect_err("device");
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("character device"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = mkfifo(dir.path(), "pipe");
        // Opening a FIFO for reading blocks until a writer appears: this returns only
        // because the FIFO is refused before it is opened.
        let e = read_regular(&p, MAX_DOCUMENT_BYTES).expect_err("fifo");
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("named pipe"), "{e}");
    }
}
