//! A megabyte pasted (bracketed) and a megabyte typed into a wizard field in a real terminal:
//! the field keeps what fits with a note, all input is read (none is left waiting in the
//! terminal), and Ctrl-C right after quits cleanly.

#[path = "common/pty.rs"]
mod pty;

use std::io::Write;

use pty::Session;

const MEGABYTE: usize = 1 << 20;

/// Writes `bytes` to the terminal from another thread (the pty's buffer is small; the
/// program reads while this writes) and waits until all of it was taken: at most a minute,
/// which only a program that stopped reading its terminal needs.
fn write_all(s: &mut Session, bytes: Vec<u8>) {
    let mut writer = std::mem::replace(&mut s.writer, Box::new(std::io::sink()));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        writer.write_all(&bytes).expect("write");
        writer.flush().expect("flush");
        let _ = tx.send(writer);
    });
    match rx.recv_timeout(std::time::Duration::from_secs(60)) {
        Ok(writer) => s.writer = writer,
        Err(_) => {
            let _ = s.child.kill();
            panic!(
                "the program stopped reading its terminal:\n{}",
                s.contents()
            );
        }
    }
}

#[test]
fn a_megabyte_pasted_or_typed_into_a_field_is_cut_to_its_limit_and_ctrl_c_quits() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut s = Session::start(home.path(), &[], &[]);
    s.wait_for("Start a new onboarding");
    s.send("\r");
    s.wait_for("New onboarding");
    // Preset and cloud stay; the third field is the profile name.
    s.send("\r\r\x15");

    let mut paste = b"\x1b[200~".to_vec();
    paste.extend(std::iter::repeat_n(b'p', MEGABYTE));
    paste.extend(b"\x1b[201~");
    write_all(&mut s, paste);
    s.wait_for("Only the first 64 characters fit in this field");
    assert!(
        s.row("Profile name").contains(&"p".repeat(40)),
        "{}",
        s.contents()
    );

    s.send("\x15");
    // Without bracketed paste: a megabyte of single keys, far beyond the terminal's buffer.
    write_all(&mut s, vec![b't'; MEGABYTE]);
    s.wait_for(&"t".repeat(60));
    s.send("\x03");
    s.wait_exit();
    assert!(!s.alternate_screen(), "terminal restored");
}
