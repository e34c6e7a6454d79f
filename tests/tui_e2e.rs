//! End-to-end: the real binary in a pseudo-terminal, read through a vt100 screen model.
//! Starts the wizard with no arguments, creates a profile, quits with Ctrl-C, and checks
//! that the terminal was restored and the progress saved.

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const ROWS: u16 = 30;
const COLS: u16 = 100;

struct Session {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Session {
    fn start(home: &std::path::Path, args: &[&str], envs: &[(&str, &str)]) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_mailscope"));
        cmd.args(args);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.env("MAILSCOPE_HOME", home);
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        let child = pty.slave.spawn_command(cmd).expect("spawn mailscope");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let rows = NonZeroU16::new(ROWS).expect("rows");
        let cols = NonZeroU16::new(COLS).expect("cols");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let p = parser.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().expect("parser").process(&buf[..n]);
            }
        });
        Session {
            parser,
            writer,
            master: pty.master,
            child,
        }
    }

    fn contents(&self) -> String {
        self.parser.lock().expect("parser").screen().contents()
    }

    fn wait_for(&self, text: &str) -> Duration {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if self.contents().contains(text) {
                return start.elapsed();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!(
            "'{text}' did not appear; the screen shows:\n{}",
            self.contents()
        );
    }

    fn resize(&mut self, rows: u16, cols: u16) {
        if let (Some(r), Some(c)) = (NonZeroU16::new(rows), NonZeroU16::new(cols)) {
            self.parser.lock().expect("parser").set_size(r, c);
        }
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
    }

    /// Waits for the program to exit (10 s at most) and asserts it exited cleanly.
    fn wait_exit(&mut self) {
        let start = Instant::now();
        let status = loop {
            if let Some(st) = self.child.try_wait().expect("wait") {
                break st;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "did not exit");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "exit status {status:?}");
        // Let the reader thread take the last bytes (the terminal restore).
        std::thread::sleep(Duration::from_millis(100));
    }

    fn alternate_screen(&self) -> bool {
        self.parser
            .lock()
            .expect("parser")
            .screen()
            .alternate_screen()
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).expect("write");
        self.writer.flush().expect("flush");
        std::thread::sleep(Duration::from_millis(60));
    }
}

#[test]
fn wizard_creates_a_profile_and_ctrl_c_restores_the_terminal() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut s = Session::start(home.path(), &[], &[]);
    let first = s.wait_for("Start a new onboarding");
    eprintln!("first frame after {} ms", first.as_millis());
    assert!(s.alternate_screen());
    s.send("\r");
    s.wait_for("New onboarding");
    s.send("\r");
    s.send("\r");
    s.send("\x15e2e-kundo\r");
    s.wait_for("Step 1 of 8");
    s.wait_for("Identity > Applications > App registrations > New registration");
    s.send("\x03");
    let start = Instant::now();
    let status = loop {
        if let Some(st) = s.child.try_wait().expect("wait") {
            break st;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "did not exit on Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status:?}");
    std::thread::sleep(Duration::from_millis(100));
    let parser = s.parser.lock().expect("parser");
    let screen = parser.screen();
    assert!(!screen.alternate_screen(), "left the alternate screen");
    assert!(!screen.hide_cursor(), "cursor shown again");
    let saved = std::fs::read_to_string(home.path().join("profiles/e2e-kundo.toml"))
        .expect("profile saved on creation");
    assert!(saved.contains("preset = \"kundo\""));
    drop(parser);

    // A second run lists the profile and resumes it where it was left.
    let mut again = Session::start(home.path(), &[], &[]);
    again.wait_for("e2e-kundo");
    again.wait_for("next: App registration");
    again.send("\r");
    again.wait_for("Step 1 of 8");
    again.send("\x03");
    again.wait_exit();
}

#[test]
fn resizing_below_80x24_says_so_and_back_redraws() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut s = Session::start(home.path(), &[], &[]);
    s.wait_for("Start a new onboarding");
    s.resize(20, 70);
    s.wait_for("needs a terminal of at least 80×24; this one is 70×20");
    s.resize(30, 100);
    s.wait_for("Start a new onboarding");
    s.send("\x03");
    s.wait_exit();
}
