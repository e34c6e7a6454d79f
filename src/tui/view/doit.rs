//! "Do it for me": a pane over the lower part of the screen (the manual instructions stay
//! visible above it): the sign-in prompt, the plan with tenant, admin and role check, each
//! step while applying and what is awaited, the result or why it stopped.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::effect::DoItArea;
use crate::tui::entra_msg::{Applied, Failure, PlanSummary, SigninPrompt, StepLine};
use crate::tui::model::Model;
use crate::tui::screens::doit::{DoItState, Phase};
use crate::tui::theme::Theme;

/// Rows of the screen's own instructions left visible above the pane.
const KEEP_ROWS: u16 = 5;

pub fn draw(frame: &mut Frame, body: Rect, model: &Model, st: &DoItState) {
    let keep = KEEP_ROWS.min(body.height / 3);
    let area = Rect::new(
        body.x,
        body.y + keep,
        body.width,
        body.height.saturating_sub(keep),
    );
    super::clear(frame, area);
    let exchange = st.area == DoItArea::Exchange;
    let title = if exchange {
        "Do it for me in Exchange"
    } else {
        "Do it for me"
    };
    let block = super::pane(title, model, true);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let t = &model.theme;
    let lines = match &st.phase {
        Phase::Idle => Vec::new(),
        Phase::Preparing { prompt, admin, .. } if exchange => {
            super::doit_exchange::preparing(prompt.as_ref(), admin.as_deref(), t)
        }
        Phase::Preparing { prompt, admin, .. } => preparing(prompt.as_ref(), admin.as_deref(), t),
        Phase::Confirm { plan, .. } => confirm(plan, exchange, t),
        Phase::Applying {
            of, steps, waiting, ..
        } => {
            let mut l = vec![Line::from(Span::styled(
                format!("Applying {of} change(s); it does not stop halfway."),
                t.title(),
            ))];
            l.extend(step_lines(steps, *of, "…", t));
            if let Some(w) = waiting {
                l.push(Line::from(Span::styled(format!("  {w}"), t.warn())));
            }
            l
        }
        Phase::Done { applied, steps } if exchange => {
            super::doit_exchange::done(applied, &step_lines(steps, applied.steps, "…", t), t)
        }
        Phase::Done { applied, steps } => done(applied, steps, t),
        Phase::Failed { failure, steps } => failed(failure, steps, exchange, t),
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((st.scroll, 0)),
        inner,
    );
}

/// What the admin must do to sign in (`waiting`: the line below it).
pub fn signin_prompt<'a>(prompt: &SigninPrompt, t: &Theme) -> Vec<Line<'a>> {
    match prompt {
        SigninPrompt::Browser { url, opened } => vec![
            Line::from(if *opened {
                "The browser was opened to sign in. If it did not come up, open this address:"
            } else {
                "The browser could not be opened. Open this address to sign in:"
            }),
            Line::from(Span::styled(url.clone(), t.key())),
        ],
        SigninPrompt::DeviceCode { message, code, uri } => vec![
            Line::from(vec![
                Span::raw("Open "),
                Span::styled(uri.clone(), t.key()),
                Span::raw(" and enter the code "),
                Span::styled(code.clone(), t.title()),
            ]),
            Line::from(Span::styled(message.clone(), t.dim())),
        ],
    }
}

fn preparing<'a>(prompt: Option<&SigninPrompt>, admin: Option<&str>, t: &Theme) -> Vec<Line<'a>> {
    if let Some(a) = admin {
        return vec![
            Line::from(Span::styled(format!("Signed in as {a}."), t.ok())),
            Line::from("Reading the tenant: the app, its permissions, consent and credentials…"),
        ];
    }
    let mut l = match prompt {
        None => vec![Line::from(
            "Signing in as an admin (a remembered sign-in is used when there is one)…",
        )],
        Some(p) => signin_prompt(p, t),
    };
    l.push(Line::default());
    l.push(Line::from(Span::styled(
        "Waiting for the sign-in. The sign-in is remembered in the OS keyring as `mailscope signin` does. Esc cancels; nothing changes in the tenant before you confirm the plan.",
        t.dim(),
    )));
    l
}

fn confirm<'a>(plan: &PlanSummary, exchange: bool, t: &Theme) -> Vec<Line<'a>> {
    let roles = if plan.admin_roles.is_empty() {
        "no active directory role".to_string()
    } else {
        plan.admin_roles.join(", ")
    };
    let mut l = vec![
        Line::from(vec![
            Span::raw("Tenant: "),
            Span::styled(plan.tenant_name.clone(), t.title()),
            Span::raw(if plan.tenant_name == plan.tenant_id {
                String::new()
            } else {
                format!(" ({})", plan.tenant_id)
            }),
        ]),
        Line::from(format!("Signed in as: {} ({roles})", plan.admin)),
    ];
    for r in &plan.roles {
        l.push(match &r.held {
            Some(h) => Line::from(Span::styled(
                format!("✓ {} ({}): held ({h})", r.roles, r.need),
                t.ok(),
            )),
            None => Line::from(Span::styled(
                format!(
                    "✗ {} ({}): NOT held by {}. An eligible role may need activating in Privileged Identity Management.",
                    r.roles, r.need, plan.admin
                ),
                t.error(),
            )),
        });
    }
    let missing = plan.missing().next().is_some();
    if missing {
        match &plan.consent_url {
            Some(url) => {
                l.push(Line::from(
                    "Or hand this admin-consent URL to someone who holds the role (c copies it):",
                ));
                l.push(Line::from(Span::styled(url.clone(), t.key())));
            }
            None if exchange => l.push(Line::from(
                "Or hand the script above to an admin who holds the role.",
            )),
            None => l.push(Line::from(
                "Or ask someone who holds the role to do this step (the admin-consent URL exists once the app does).",
            )),
        }
    }
    if let Some(b) = &plan.blocked {
        l.push(Line::from(Span::styled(
            format!("✗ The plan stops here: {b}"),
            t.error(),
        )));
    } else if plan.actions.is_empty() {
        l.push(Line::from(Span::styled(
            if exchange {
                "Nothing to change: Exchange matches the profile. Enter runs Exchange's test and marks the scoping as run."
            } else {
                "Nothing to change: the app in Entra matches the profile. Enter fills the fields."
            },
            t.ok(),
        )));
    } else {
        l.push(Line::from(Span::styled(
            format!("The plan ({} change(s)):", plan.actions.len()),
            t.title(),
        )));
        for (i, a) in plan.actions.iter().enumerate() {
            l.push(Line::from(format!("  {}. {a}", i + 1)));
        }
    }
    for w in &plan.warnings {
        l.push(Line::from(Span::styled(format!("Warning: {w}"), t.error())));
    }
    for n in &plan.notes {
        l.push(Line::from(Span::styled(format!("Note: {n}"), t.warn())));
    }
    l.push(Line::from(Span::styled(
        if plan.blocked.is_some() {
            "Nothing can be applied. Esc closes; the script above is the documented path and still works."
        } else if missing {
            "Nothing can be applied as this admin. Esc closes; the manual steps above still work."
        } else {
            "y or Enter applies it; Esc cancels (nothing changes without your yes). ↑↓ scroll."
        },
        t.key(),
    )));
    l
}

/// The steps so far; one not done is marked `undone` (running, or where it stopped).
pub fn step_lines<'a>(steps: &[StepLine], of: usize, undone: &str, t: &Theme) -> Vec<Line<'a>> {
    steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let n = i + 1;
            if s.done {
                let facts = if s.facts.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", s.facts)
                };
                Line::from(vec![
                    Span::styled(format!("✓ {n}/{of} "), t.ok()),
                    Span::raw(format!("{}{facts}", s.summary)),
                ])
            } else {
                Line::from(vec![
                    Span::styled(format!("{undone} {n}/{of} "), t.warn()),
                    Span::raw(s.summary.clone()),
                ])
            }
        })
        .collect()
}

fn done<'a>(a: &Applied, steps: &[StepLine], t: &Theme) -> Vec<Line<'a>> {
    let p = &a.profile;
    let mut l = vec![Line::from(Span::styled(
        format!("Applied {} change(s).", a.steps),
        t.ok(),
    ))];
    l.push(Line::from(format!(
        "Client ID {} and tenant {} are filled in.",
        p.client_id.as_deref().unwrap_or("?"),
        p.tenant.as_deref().unwrap_or("?")
    )));
    if let Some(c) = &p.credential {
        let expires = c
            .expires
            .map(|d| d.to_string())
            .unwrap_or_else(|| "?".into());
        if let Some(id) = &c.secret_id {
            l.push(Line::from(format!(
                "Client secret: Secret ID {id}, expires {expires}; its value is in the OS keyring, never shown."
            )));
        }
        if let Some(tp) = &c.thumbprint_sha1 {
            l.push(Line::from(format!(
                "Certificate: SHA-1 {tp}, expires {expires}; the private key is in the OS keyring."
            )));
        }
    }
    let style = if a.proven { t.ok() } else { t.error() };
    for line in &a.proof {
        l.push(Line::from(Span::styled(line.clone(), style)));
    }
    l.push(Line::from(Span::styled(a.recorded.clone(), t.dim())));
    l.push(Line::from(Span::styled(
        "Enter or Esc closes this; the profile is saved with the IDs. ↑↓ scroll to the steps.",
        t.key(),
    )));
    l.extend(step_lines(steps, a.steps.max(steps.len()), "…", t));
    l
}

fn failed<'a>(f: &Failure, steps: &[StepLine], exchange: bool, t: &Theme) -> Vec<Line<'a>> {
    let mut l = step_lines(steps, steps.len(), "✗", t);
    l.push(Line::from(Span::styled(format!("✗ {}", f.what), t.error())));
    l.push(Line::from(format!("Fix: {}", f.fix)));
    if let Some(r) = &f.recorded {
        l.push(Line::from(Span::styled(r.clone(), t.dim())));
    }
    l.push(Line::from(Span::styled(
        if exchange {
            "The script above is the documented path and still works: Esc closes this; Ctrl-D tries again."
        } else {
            "The manual steps above still work: Esc closes this and keeps the fields as they were; Ctrl-D tries again."
        },
        t.key(),
    )));
    l
}
