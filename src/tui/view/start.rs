//! Start screen: saved onboardings to resume, or the new-onboarding form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::model::Model;
use crate::tui::screens::start::StartMode;
use crate::tui::step::Step;

pub fn draw(frame: &mut Frame, area: Rect, model: &Model) {
    let t = &model.theme;
    let st = &model.start;
    match st.mode {
        StartMode::List => {
            let [intro, list] =
                Layout::vertical([Constraint::Length(3), Constraint::Fill(1)]).areas(area);
            frame.render_widget(
                Paragraph::new(vec![
                    Line::default(),
                    Line::from("Continue an onboarding or start a new one. Progress is saved after each step."),
                ]),
                intro,
            );
            let Some(profiles) = &st.profiles else {
                frame.render_widget(Paragraph::new("Reading saved profiles…"), list);
                return;
            };
            let mut lines = Vec::new();
            for (i, p) in profiles.iter().enumerate() {
                let desc = match &p.profile {
                    Ok(pr) => {
                        let next = mailscope::preset::preset(pr.preset)
                            .map(|ps| Step::resume_at(pr.step.as_deref(), &ps).title())
                            .unwrap_or("");
                        format!("{:<24} {:<8} next: {next}", p.name, pr.preset.as_str())
                    }
                    Err(e) => format!("{:<24} cannot be read: {e}", p.name),
                };
                let style = if i == st.selected {
                    t.selected()
                } else {
                    ratatui::style::Style::new()
                };
                lines.push(Line::from(Span::styled(format!("  {desc}"), style)));
            }
            let new_style = if st.selected == profiles.len() {
                t.selected()
            } else {
                t.focused()
            };
            lines.push(Line::from(Span::styled(
                "  + Start a new onboarding",
                new_style,
            )));
            let h = usize::from(list.height.max(1));
            let skip = st.selected.saturating_sub(h - 1);
            let visible: Vec<Line> = lines.into_iter().skip(skip).take(h).collect();
            frame.render_widget(Paragraph::new(visible), list);
        }
        StartMode::New => {
            let [intro, form] =
                Layout::vertical([Constraint::Length(4), Constraint::Fill(1)]).areas(area);
            frame.render_widget(
                Paragraph::new(vec![
                    Line::default(),
                    Line::from(Span::styled("New onboarding", t.title())),
                    Line::from("The preset follows the vendor's guide: it sets the permissions and the steps."),
                ]),
                intro,
            );
            super::form::draw(frame, form, &st.form, true, t);
        }
    }
}
