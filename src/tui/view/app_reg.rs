//! App registration: where to click, then the form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::model::{Model, Wizard};

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, w: &Wizard) {
    let t = &model.theme;
    let mut text = vec![
        Line::default(),
        Line::from(vec![
            Span::raw("In the "),
            Span::styled("Microsoft Entra admin center", t.title()),
            Span::raw(" (older guides: Azure Active Directory):"),
        ]),
        Line::from(Span::styled(
            "Identity > Applications > App registrations > New registration",
            t.key(),
        )),
        Line::from("Register with these values, then copy both IDs from the app's Overview page."),
        Line::default(),
    ];
    if w.preset.account_types.len() == 1 {
        text.push(Line::from(Span::styled(
            format!("{} asks for a single-tenant app.", w.preset.product),
            t.dim(),
        )));
    }
    let intro_h = u16::try_from(text.len()).unwrap_or(6);
    let [intro, form] =
        Layout::vertical([Constraint::Length(intro_h), Constraint::Fill(1)]).areas(area);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), intro);
    super::form::draw(frame, form, &w.app.form, true, t);
}
