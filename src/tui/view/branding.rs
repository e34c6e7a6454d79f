//! Branding: optional advice from the preset.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::model::{Model, Wizard};

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, w: &Wizard) {
    let t = &model.theme;
    let advice = w.preset.branding.clone().unwrap_or_else(|| {
        "Optional: under Branding & properties you can set a logo and a name people recognise."
            .into()
    });
    let lines = vec![
        Line::default(),
        Line::from(Span::styled("This step is optional.", t.title())),
        Line::default(),
        Line::from(advice),
        Line::default(),
        Line::from(Span::styled(
            "Nothing here affects what the app may access. Press Enter or s to go on.",
            t.dim(),
        )),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}
