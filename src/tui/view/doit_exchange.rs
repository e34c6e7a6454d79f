//! The "Do it for me" pane's Exchange parts (the scoping screen): the second sign-in, through
//! Exchange Online PowerShell's public client, and the result with Exchange's own test per
//! mailbox and the time the scoping is marked as run. The rest is [`super::doit`]'s.

use ratatui::text::{Line, Span};

use crate::tui::entra_msg::{Applied, SigninPrompt};
use crate::tui::theme::Theme;

pub fn preparing<'a>(
    prompt: Option<&SigninPrompt>,
    admin: Option<&str>,
    t: &Theme,
) -> Vec<Line<'a>> {
    if let Some(a) = admin {
        return vec![
            Line::from(Span::styled(
                format!("Signed in to Exchange as {a}."),
                t.ok(),
            )),
            Line::from(
                "Reading Exchange: the group, its members, shared mailboxes and the scoping…",
            ),
        ];
    }
    let mut l = vec![Line::from(
        "Signing in to Exchange as an admin: a second sign-in, through Exchange Online PowerShell's public client (a remembered one is used when there is one)…",
    )];
    if let Some(p) = prompt {
        l.extend(super::doit::signin_prompt(p, t));
    }
    l.push(Line::default());
    l.push(Line::from(Span::styled(
        "The sign-in is remembered in the OS keyring as `mailscope signin --exchange` does. Esc cancels; nothing changes in Exchange before you confirm the plan.",
        t.dim(),
    )));
    l
}

/// The result: the scoping marked as run, Exchange's test, the record, then the steps.
pub fn done<'a>(a: &Applied, steps: &[Line<'a>], t: &Theme) -> Vec<Line<'a>> {
    let mut l = vec![Line::from(Span::styled(
        format!("Applied {} change(s) in Exchange.", a.steps),
        t.ok(),
    ))];
    if let Some(c) = a.profile.scope.as_ref().and_then(|s| s.changed_at) {
        l.push(Line::from(format!(
            "The scoping is marked as run {:02}:{:02} UTC {}: Graph follows within the documented delay (the live checks show it).",
            c.hour(),
            c.minute(),
            c.date()
        )));
    }
    let style = if a.proven { t.ok() } else { t.error() };
    for line in &a.proof {
        l.push(Line::from(Span::styled(line.clone(), style)));
    }
    l.push(Line::from(Span::styled(a.recorded.clone(), t.dim())));
    l.push(Line::from(Span::styled(
        "Enter or Esc closes this; the profile is saved. ↑↓ scroll to the steps.",
        t.key(),
    )));
    l.extend(steps.iter().cloned());
    l
}
