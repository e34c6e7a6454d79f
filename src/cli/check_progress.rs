//! What `mailscope check` says while it runs: a progress bar on standard error when it is a
//! terminal, where the credential goes, and which server it waits for and how long.

use std::io::Write;
use std::time::Duration;

use mailscope::graph::CheckEvent;

use super::output::safe;

/// Without a progress bar, silence is reported after this long...
const QUIET_FOR: Duration = Duration::from_secs(5);
/// ...and then at most this often.
const LINE_EVERY: Duration = Duration::from_secs(15);

/// "waiting for the token endpoint at login.microsoftonline.com (12 s)".
pub fn waiting_message(label: &str, waited: Duration) -> String {
    format!("waiting for {label} ({} s)", waited.as_secs())
}

/// Drains progress events; draws a bar on standard error when asked to. While nothing is
/// heard from a server, says which one is awaited and for how long (on the bar, or as a line
/// on `err` every few seconds when there is no bar).
pub async fn show_progress(
    mut rx: tokio::sync::mpsc::UnboundedReceiver<CheckEvent>,
    draw: bool,
    err: &mut dyn Write,
) {
    let bar = draw.then(|| {
        let b = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} {bar:30} {pos}/{len} cells {msg} ({elapsed})",
        ) {
            b.set_style(style);
        }
        b
    });
    // What is awaited, and since when nothing was heard.
    let mut waiting: Option<(String, tokio::time::Instant)> = None;
    let mut last_line: Option<tokio::time::Instant> = None;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let e = tokio::select! {
            e = rx.recv() => match e {
                Some(e) => e,
                None => break,
            },
            _ = tick.tick() => {
                let Some((label, since)) = &waiting else { continue };
                let waited = since.elapsed();
                match &bar {
                    Some(b) if waited >= Duration::from_secs(1) => {
                        b.set_message(waiting_message(label, waited));
                    }
                    None if waited >= QUIET_FOR
                        && last_line.is_none_or(|t| t.elapsed() >= LINE_EVERY) =>
                    {
                        let _ = writeln!(err, "mailscope check: {}", waiting_message(label, waited));
                        last_line = Some(tokio::time::Instant::now());
                    }
                    _ => {}
                }
                continue;
            }
        };
        match &e {
            CheckEvent::SigningIn {
                client_id,
                token_url,
                credential,
                from,
            } => {
                // Say where the credential goes before it goes there.
                let line = format!(
                    "mailscope check: signing in as app {} at {} ({credential} from {from})",
                    safe(client_id),
                    safe(token_url)
                );
                match &bar {
                    Some(b) => b.println(line),
                    None => {
                        let _ = writeln!(err, "{line}");
                    }
                }
            }
            CheckEvent::Waiting { what, host } => {
                waiting = Some((format!("{what} at {host}"), tokio::time::Instant::now()));
            }
            CheckEvent::Token(_) | CheckEvent::Cell(_) | CheckEvent::Retrying { .. } => {
                if let Some((_, since)) = waiting.as_mut() {
                    *since = tokio::time::Instant::now();
                }
            }
            CheckEvent::Finished(_) | CheckEvent::Stopping | CheckEvent::WatchRound { .. } => {
                waiting = None
            }
            _ => {}
        }
        let Some(b) = &bar else { continue };
        match e {
            CheckEvent::Planned { cells, .. } => {
                b.set_length(cells as u64);
                b.set_position(0);
            }
            CheckEvent::Cell(_) => {
                b.inc(1);
                b.set_message("");
            }
            CheckEvent::Retrying { mailbox, after_s } => {
                b.set_message(format!("throttled: {} in {after_s:.1}s", safe(&mailbox)))
            }
            CheckEvent::Stopping => b.set_message("stopping: deleting drafts"),
            CheckEvent::WatchRound {
                unsettled,
                next_in_s,
                ..
            } => b.set_message(format!("{unsettled} unsettled; again in {next_in_s:.0}s")),
            CheckEvent::SigningIn { .. }
            | CheckEvent::Waiting { .. }
            | CheckEvent::Token(_)
            | CheckEvent::Finished(_) => {}
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_says_for_what_and_how_long() {
        assert_eq!(
            waiting_message(
                "the token endpoint at login.microsoftonline.com",
                Duration::from_millis(12_400)
            ),
            "waiting for the token endpoint at login.microsoftonline.com (12 s)"
        );
    }
}
