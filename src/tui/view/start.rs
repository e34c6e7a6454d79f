//! Start screen: saved onboardings to resume, or the new-onboarding form.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState, Paragraph};

use mailscope::expiry::{self, ExpiryLevel};

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
            let mut items = Vec::new();
            for p in profiles {
                let mut lines = Vec::new();
                match &p.profile {
                    Ok(pr) => {
                        let next = mailscope::preset::preset(pr.preset)
                            .map(|ps| Step::resume_at(pr.step.as_deref(), &ps).title())
                            .unwrap_or("");
                        lines.push(Line::from(format!(
                            "  {:<24} {:<8} next: {next}",
                            p.name,
                            pr.preset.as_str()
                        )));
                        let exp = expiry::of_profile(pr, model.today());
                        let style = match exp.level {
                            ExpiryLevel::Soon => Some(t.warn()),
                            ExpiryLevel::Urgent | ExpiryLevel::Expired => Some(t.error()),
                            ExpiryLevel::Ok | ExpiryLevel::Unknown => None,
                        };
                        if let Some(last) = &p.last_check {
                            lines.push(Line::from(Span::styled(format!("    {last}"), t.dim())));
                        }
                        if let Some(style) = style {
                            lines.push(Line::from(Span::styled(
                                format!("    ⚠ The credential {}.", exp.describe()),
                                style,
                            )));
                        }
                        lines.extend(super::start_online::lines(&st.online, &p.name, t));
                    }
                    Err(e) => {
                        lines.push(Line::from(format!("  {:<24} cannot be read:", p.name)));
                        lines.push(Line::from(Span::styled(format!("    {e}"), t.error())));
                    }
                }
                items.push(ListItem::new(lines));
            }
            items.push(ListItem::new(Line::from(Span::styled(
                "  + Start a new onboarding",
                t.focused(),
            ))));
            let mut state = ListState::default().with_selected(Some(st.selected));
            frame.render_stateful_widget(
                List::new(items).highlight_style(t.selected()),
                list,
                &mut state,
            );
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
