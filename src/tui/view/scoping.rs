//! Scoping: the group form on top, the generated PowerShell in a scrollable pane below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::model::{Model, Wizard};
use crate::tui::screens::scoping::{Pane, ScriptState};

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, w: &Wizard) {
    let t = &model.theme;
    let st = &w.scoping;
    let form_h = super::form::height(&st.form, area.width).min(8);
    let [intro, form, script, note] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(form_h),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(vec![
            Line::default(),
            Line::from(
                "The app is limited to a mail-enabled security group holding its mailboxes.",
            ),
        ]),
        intro,
    );
    super::form::draw(frame, form, &st.form, st.pane == Pane::Fields, t);
    let block = super::pane(
        "PowerShell (Exchange Online)",
        model,
        st.pane == Pane::Script,
    );
    let inner = block.inner(script);
    frame.render_widget(block, script);
    let para = match &st.script {
        ScriptState::Ready(text) => Paragraph::new(text.as_str()).scroll((st.scroll, st.hscroll)),
        ScriptState::Generating(_) => Paragraph::new("Writing the script…"),
        ScriptState::Failed(e) => Paragraph::new(Span::styled(e.as_str(), t.error())),
    };
    frame.render_widget(para, inner);
    let when = w
        .profile
        .scope
        .as_ref()
        .and_then(|s| s.changed_at)
        .map(|c| {
            format!(
                "Recorded as run {:02}:{:02} UTC {}.",
                c.hour(),
                c.minute(),
                c.date()
            )
        })
        .unwrap_or_else(|| "Not run yet: after running it, Tab here and press r.".into());
    frame.render_widget(Paragraph::new(Span::styled(when, t.dim())), note);
}
