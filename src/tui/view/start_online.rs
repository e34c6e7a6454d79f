//! Under a profile on the start screen: its credentials as Entra holds them, in the words of
//! `status --online` (read with the remembered admin sign-in), or why they could not be read.

use ratatui::text::{Line, Span};

use mailscope::expiry::ExpiryLevel;
use mailscope::lifecycle::online::Reading;
use mailscope::lifecycle::online_text::{credential_parts, problem};
use mailscope::lifecycle::{Known, ProfileOnline};

use crate::tui::theme::Theme;

/// The `status --online` warning threshold (its `--warn-days` default).
const WARN_DAYS: i64 = 30;

/// The lines for profile `name`; none when it was not read (no remembered sign-in).
pub fn lines(online: &[ProfileOnline], name: &str, t: &Theme) -> Vec<Line<'static>> {
    let Some(row) = online.iter().find(|r| r.profile == name) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match (&row.reading, problem(row)) {
        (Reading::Read { credentials, .. }, _) => {
            out.push(Line::from(Span::styled(
                "    In Entra (read with the remembered admin sign-in):",
                t.dim(),
            )));
            if credentials.is_empty() {
                out.push(Line::from(Span::styled(
                    "      no secrets or certificates",
                    t.dim(),
                )));
            }
            for c in credentials {
                let attention = c.expiry.needs_attention(WARN_DAYS);
                let style = match c.expiry.level {
                    ExpiryLevel::Urgent | ExpiryLevel::Expired => t.error(),
                    _ if attention => t.warn(),
                    _ if c.known == Known::Unknown => t.warn(),
                    _ => t.dim(),
                };
                let mark = if attention { "!" } else { " " };
                let (what, state) = credential_parts(c);
                out.push(Line::from(Span::styled(
                    format!("    {mark} {what}"),
                    style,
                )));
                out.push(Line::from(Span::styled(format!("        {state}"), style)));
            }
        }
        (_, Some((why, fix))) => {
            out.push(Line::from(Span::styled(
                format!("    Entra: {why}"),
                t.warn(),
            )));
            out.push(Line::from(Span::styled(format!("    Fix: {fix}"), t.dim())));
        }
        (_, None) => {}
    }
    out
}
