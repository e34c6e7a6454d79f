//! Summary: vendor values (secret hidden until asked), LEXZUR's integrations.json entry, expiry.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::model::{Model, Wizard};
use crate::tui::screens::checks::Phase;
use crate::tui::screens::summary::{integrations_entry, rows};

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, w: &Wizard) {
    let t = &model.theme;
    let mut lines = vec![
        Line::default(),
        Line::from(vec![
            Span::raw("Enter these in "),
            Span::styled(w.preset.vendor_settings.location.as_str(), t.key()),
        ]),
        Line::default(),
    ];
    for (i, r) in rows(&w.summary, &w.profile, &w.preset).iter().enumerate() {
        let marker = if i == w.summary.selected {
            "▸ "
        } else {
            "  "
        };
        lines.push(Line::from(vec![
            Span::raw(marker),
            Span::styled(r.label.clone(), t.dim()),
        ]));
        let line = Line::from(format!("    {}", r.shown));
        lines.push(if i == w.summary.selected {
            line.style(t.selected())
        } else {
            line
        });
    }
    lines.push(Line::default());
    let expiry = w.profile.credential.as_ref().and_then(|c| c.expires);
    lines.push(match expiry {
        Some(d) => {
            let days = (d - model.today()).whole_days();
            let style = if days < 60 { t.warn() } else { t.ok() };
            Line::from(Span::styled(
                format!("The credential expires {d}, in {days} days. Set a reminder."),
                style,
            ))
        }
        None => Line::from(Span::styled(
            "No expiry recorded for the credential.",
            t.dim(),
        )),
    });
    match &w.checks.phase {
        Phase::Finished => lines.push(Line::from(format!(
            "Last check: {} of {} mailboxes with a problem.",
            w.checks.problems.len(),
            w.checks.cells.len()
        ))),
        Phase::Failed(e) => lines.push(Line::from(Span::styled(
            format!("The last check could not run: {e}"),
            t.error(),
        ))),
        Phase::Idle | Phase::Running(_) => {}
    }
    let entry = integrations_entry(&w.summary, &w.profile, &w.preset);
    let entry_h = entry.as_ref().map_or(0, |e| e.lines().count() as u16 + 1);
    let [top, bottom] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(entry_h)]).areas(area);
    let top = match &w.summary.merge {
        Some(form) => {
            let [rest, input] =
                Layout::vertical([Constraint::Fill(1), Constraint::Length(4)]).areas(top);
            super::form::draw(frame, input, form, true, t);
            rest
        }
        None => top,
    };
    frame.render_widget(
        Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
        top,
    );
    if let Some(e) = entry {
        let mut l = vec![Line::from(Span::styled(
            "application/config/integrations.json entry:",
            t.title(),
        ))];
        l.extend(e.lines().map(|s| Line::from(s.to_string())));
        frame.render_widget(Paragraph::new(l), bottom);
    }
}
