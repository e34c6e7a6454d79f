//! The send opt-in prompt on the live-checks screen: what Enter will do, in one sentence,
//! and the recipient field with its error beside it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::model::Model;
use crate::tui::screens::send_prompt::{EXPLAIN, SendPrompt};

/// Draws the prompt at the bottom of `area` and returns what is left above it.
pub fn draw(frame: &mut Frame, area: Rect, model: &Model, p: &SendPrompt) -> Rect {
    let t = &model.theme;
    let block = super::pane("Opt in to the send check (Esc cancels)", model, true);
    let inner_w = area.width.saturating_sub(2);
    let explain = super::wrap(EXPLAIN, usize::from(inner_w.max(1)));
    let explain_h = u16::try_from(explain.len()).unwrap_or(2);
    let form_h = super::form::height(&p.form, inner_w);
    let [rest, popup] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(explain_h + form_h + 2),
    ])
    .areas(area);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [text, field] =
        Layout::vertical([Constraint::Length(explain_h), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(EXPLAIN, t.warn()))).wrap(Wrap { trim: true }),
        text,
    );
    super::form::draw(frame, field, &p.form, true, t);
    rest
}
