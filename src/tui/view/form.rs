//! Draws a form: label, value (masked unless revealed, choices as ‹ option ›), and the
//! field's error (or hint) right under it. Places the cursor in the focused text field.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::form::{Field, FieldKind, Form};
use crate::tui::theme::Theme;

/// Width of the label column.
pub const LABEL_W: u16 = 28;

fn lines_for(text: &str, width: u16) -> u16 {
    let w = usize::from(width.max(1));
    let n = text.chars().count().div_ceil(w).max(1);
    u16::try_from(n).unwrap_or(u16::MAX)
}

fn shown_value(f: &Field, revealed: bool) -> String {
    match &f.kind {
        FieldKind::Text { input, masked } if *masked && !revealed => {
            "•".repeat(input.value().chars().count())
        }
        FieldKind::Text { input, .. } => input.value().to_string(),
        FieldKind::Choice { options, .. } if options.len() > 1 => format!("‹ {} ›", f.value()),
        FieldKind::Choice { .. } => f.value().to_string(),
    }
}

/// Height the form needs at this width.
pub fn height(form: &Form, width: u16) -> u16 {
    let vw = width.saturating_sub(LABEL_W);
    form.fields
        .iter()
        .filter(|f| !f.hidden)
        .map(|f| field_height(f, vw))
        .sum()
}

fn field_height(f: &Field, vw: u16) -> u16 {
    let value = match &f.kind {
        FieldKind::Choice { .. } => lines_for(&shown_value(f, true), vw),
        FieldKind::Text { .. } => 1,
    };
    value + note_height(f, vw)
}

/// What is said under a field: its error and a note (a paste was cut), else its hint.
fn note_texts(f: &Field) -> Vec<&str> {
    let said: Vec<&str> = [f.error.as_deref(), f.note.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    if said.is_empty() {
        f.hint
            .as_deref()
            .filter(|s| !s.is_empty())
            .into_iter()
            .collect()
    } else {
        said
    }
}

/// Draws the form into `area`; `active` says whether the form has the keyboard.
pub fn draw(frame: &mut Frame, area: Rect, form: &Form, active: bool, theme: &Theme) {
    let vw = area.width.saturating_sub(LABEL_W);
    let mut y = area.y;
    for (i, f) in form.fields.iter().enumerate() {
        if f.hidden {
            continue;
        }
        let h = field_height(f, vw);
        if y + h > area.bottom() {
            break;
        }
        let focused = active && i == form.focus;
        let label_style = if focused {
            theme.focused()
        } else {
            theme.dim()
        };
        let marker = if focused { "▸ " } else { "  " };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(marker, label_style),
                Span::styled(f.label, label_style),
            ])),
            Rect::new(area.x, y, LABEL_W.min(area.width), 1),
        );
        let value_h = h - note_height(f, vw);
        let value_area = Rect::new(area.x + LABEL_W, y, vw, value_h);
        match &f.kind {
            FieldKind::Text { input, .. } => {
                let scroll = input.visual_scroll(usize::from(vw.saturating_sub(1)));
                let text: String = shown_value(f, form.revealed).chars().skip(scroll).collect();
                let placeholder = text.is_empty() && !focused;
                let para = if placeholder {
                    Paragraph::new(Span::styled("…", theme.dim()))
                } else {
                    Paragraph::new(text)
                };
                frame.render_widget(para, value_area);
                if focused {
                    let x = input.visual_cursor().saturating_sub(scroll);
                    let x = u16::try_from(x).unwrap_or(0).min(vw.saturating_sub(1));
                    frame.set_cursor_position(Position::new(value_area.x + x, y));
                }
            }
            FieldKind::Choice { .. } => {
                let style = if focused {
                    theme.focused()
                } else {
                    ratatui::style::Style::new()
                };
                frame.render_widget(
                    Paragraph::new(Span::styled(shown_value(f, true), style))
                        .wrap(Wrap { trim: true }),
                    value_area,
                );
            }
        }
        let note_h = note_height(f, vw);
        if note_h > 0 {
            let note_area = Rect::new(area.x + LABEL_W, y + value_h, vw, note_h);
            let mut lines = Vec::new();
            if let Some(e) = &f.error {
                lines.push(Line::from(vec![
                    Span::styled("✗ ", theme.error()),
                    Span::styled(e.as_str(), theme.error()),
                ]));
            }
            if let Some(n) = &f.note {
                lines.push(Line::from(vec![
                    Span::styled("! ", theme.warn()),
                    Span::styled(n.as_str(), theme.warn()),
                ]));
            }
            if lines.is_empty()
                && let Some(hint) = &f.hint
            {
                lines.push(Line::from(Span::styled(hint.as_str(), theme.dim())));
            }
            frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), note_area);
        }
        y += h;
    }
}

fn note_height(f: &Field, vw: u16) -> u16 {
    note_texts(f)
        .iter()
        .map(|s| lines_for(s, vw.saturating_sub(2)).min(4))
        .sum()
}
