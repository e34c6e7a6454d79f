//! Mailboxes: the add/import line, then only the visible window of the list (10,000 rows stay
//! cheap to draw), each row with its problem beside it.

use mailscope::profile::{Expectation, MailboxKind};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::model::{Model, Wizard};
use crate::tui::screens::mailboxes::MbMode;

/// First row to draw so that `selected` is visible in `height` rows.
pub fn window_start(selected: usize, height: usize) -> usize {
    selected.saturating_sub(height.saturating_sub(1))
}

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, w: &Wizard) {
    let t = &model.theme;
    let st = &w.mailboxes;
    let mbs = &w.profile.mailboxes;
    let input_h = if st.mode == MbMode::List { 0 } else { 6 };
    let [intro, input, head, list, counts] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(input_h),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let mut intro_lines = vec![
        Line::default(),
        Line::from("The mailboxes the app must reach, and at least one it must not reach."),
    ];
    if let Some(role) = &w.preset.shared_mailbox_role {
        intro_lines.push(Line::from(Span::styled(role.as_str(), t.dim())));
    }
    frame.render_widget(Paragraph::new(intro_lines), intro);
    if st.mode != MbMode::List {
        let (form, what) = match st.mode {
            MbMode::Add => (
                &st.input,
                match st.new_expect {
                    Expectation::Granted => {
                        "Adding as MUST REACH (Tab: must not reach). Paste many at once."
                    }
                    Expectation::Denied => {
                        "Adding as MUST NOT REACH (Tab: must reach). Paste many at once."
                    }
                },
            ),
            _ => (
                &st.path,
                "Import: one address per line; 'denied' or 'shared' after an address.",
            ),
        };
        let [label, field] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(input);
        frame.render_widget(Paragraph::new(Span::styled(what, t.title())), label);
        super::form::draw(frame, field, form, true, t);
    }
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!("  {:<16}{:<8}{}", "expected", "kind", "address"),
            t.dim(),
        )),
        head,
    );
    if mbs.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "  No mailboxes yet. Press a to add or paste, i to import a file.",
                t.dim(),
            )),
            list,
        );
    }
    let h = usize::from(list.height);
    let first = window_start(st.selected, h);
    let lines: Vec<Line> = mbs
        .iter()
        .enumerate()
        .skip(first)
        .take(h)
        .map(|(i, m)| {
            let expect = match m.expect {
                Expectation::Granted => Span::styled(format!("{:<16}", "✓ must reach"), t.ok()),
                Expectation::Denied => Span::styled(format!("{:<16}", "✗ must not"), t.warn()),
            };
            let kind = match m.kind {
                MailboxKind::User => "user",
                MailboxKind::Shared => "shared",
            };
            let mut spans = vec![
                Span::raw(if i == st.selected && st.mode == MbMode::List {
                    "▸ "
                } else {
                    "  "
                }),
                expect,
                Span::raw(format!("{kind:<8}{}", m.address)),
            ];
            if let Some(Some(p)) = st.problems.get(i) {
                spans.push(Span::styled(format!("  ✗ {p}"), t.error()));
            }
            let line = Line::from(spans);
            if i == st.selected && st.mode == MbMode::List {
                line.style(t.selected())
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    let granted = mbs
        .iter()
        .filter(|m| m.expect == Expectation::Granted)
        .count();
    frame.render_widget(
        Paragraph::new(Span::styled(
            format!(
                "  {} mailboxes: {granted} must reach, {} must not",
                mbs.len(),
                mbs.len() - granted
            ),
            t.dim(),
        )),
        counts,
    );
}
