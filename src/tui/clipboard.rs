//! Copying a value (a client secret the admin asked for) to the clipboard: OSC 52 through the
//! terminal (works over SSH) and the system clipboard where there is one. Shared by the
//! wizard and `mailscope credential reveal --copy`.

use std::io::Write;

use crossterm::clipboard::CopyToClipboard;
use mailscope::secrets::Secret;

/// Copies `text`; `osc52`: also through the terminal on standard output (only when that is a
/// terminal). Says where it went, or why nowhere.
pub fn copy(text: &Secret, osc52: bool) -> Result<String, String> {
    let mut how = Vec::new();
    if osc52 {
        let mut out = std::io::stdout();
        if crossterm::execute!(out, CopyToClipboard::to_clipboard_from(text.expose())).is_ok() {
            let _ = out.flush();
            how.push("terminal clipboard (OSC 52)");
        }
    }
    if let Ok(mut cb) = arboard::Clipboard::new()
        && cb.set_text(text.expose().to_string()).is_ok()
    {
        how.push("system clipboard");
    }
    if how.is_empty() {
        Err("no clipboard is reachable here; select the text with the mouse instead".into())
    } else {
        Ok(how.join(" and "))
    }
}
