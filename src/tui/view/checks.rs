//! Live checks: gauge, the mailbox × capability table (visible window only), and the detail
//! pane of the selected cell.

use mailscope::graph::exchange_column::{ExchangeAccess, ExchangeState, ExchangeVerdicts};
use mailscope::profile::Expectation;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph, Wrap};

use crate::tui::model::{Model, Wizard};
use crate::tui::screens::checks::{
    Capability, CellResult, NOT_RESTRICTED, Phase, Verdict, verdict_label,
};
use crate::tui::screens::send_prompt;
use crate::tui::theme::Theme;

const ADDR_W: usize = 34;
/// The narrowest the address column gets to make room for the Exchange column (80 columns).
const ADDR_MIN: usize = 16;
const CELL_W: usize = 10;
/// Exchange's column: granted, denied, partial, unknown, n/a.
const EXCH_W: usize = 9;
/// Height of the selected cell's pane: room for the diagnosis, the fix and the request-id.
const DETAIL_H: u16 = 9;

fn verdict_style(v: Verdict, t: &Theme) -> Style {
    match v {
        Verdict::Pass => t.ok(),
        Verdict::Fail | Verdict::Error => t.error(),
        Verdict::Pending => t.warn(),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, w: &Wizard) {
    let t = &model.theme;
    let st = &w.checks;
    let text = detail_lines(model, w);
    let notes = note_lines(model, w);
    let width = usize::from(area.width.max(1));
    let rows: usize = notes.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
    let notes_h = u16::try_from(rows).unwrap_or(4).clamp(1, 4);
    let [g, notes_area, head, table, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(notes_h),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(detail_height(&text, area.width)),
    ])
    .areas(area);
    let ratio = if st.total == 0 {
        0.0
    } else {
        st.done as f64 / st.total as f64
    };
    let label = match &st.phase {
        Phase::Idle => "Not run yet: press r.".to_string(),
        Phase::Running(_) => match st.waiting_line(model.now) {
            Some(w) => format!("Checking… {}/{} cells · {w}", st.done, st.total),
            None => format!("Checking… {}/{} cells", st.done, st.total),
        },
        Phase::Finished => format!(
            "Done: {} of {} mailboxes with a problem{}{}",
            st.problems.len(),
            st.cells.len(),
            if st.filter {
                " (showing problems only)"
            } else {
                ""
            },
            if st.watch {
                format!(" · watch: next round in {} s", st.watch_in)
            } else {
                String::new()
            }
        ),
        Phase::Failed(_) => "The checks could not run".to_string(),
    };
    frame.render_widget(
        Gauge::default()
            .ratio(ratio.clamp(0.0, 1.0))
            .label(label)
            .gauge_style(t.ok()),
        g,
    );
    frame.render_widget(Paragraph::new(notes).wrap(Wrap { trim: true }), notes_area);
    let exchange = exchange_of(w);
    let addr_w = usize::from(area.width)
        .saturating_sub(2 + 10 + CELL_W * st.caps.len() + EXCH_W)
        .clamp(ADDR_MIN, ADDR_W);
    let mut header = format!("  {:<addr_w$}{:<10}", "mailbox", "expected");
    for c in &st.caps {
        header.push_str(&format!("{:<CELL_W$}", c.as_str()));
    }
    if !st.caps.is_empty() {
        header.push_str("exchange");
    }
    frame.render_widget(Paragraph::new(Span::styled(header, t.dim())), head);
    if let Phase::Failed(e) = &st.phase {
        frame.render_widget(
            Paragraph::new(Span::styled(format!("✗ {e}"), t.error())).wrap(Wrap { trim: true }),
            table,
        );
        return;
    }
    let mut table = table;
    if st.send.open {
        table = super::send_prompt::draw(frame, table, model, &st.send);
    }
    let h = usize::from(table.height);
    let first = super::mailboxes::window_start(st.selected, h);
    let mut lines = Vec::with_capacity(h);
    for n in first..(first + h).min(st.visible_len()) {
        let Some(row) = st.row_at(n) else { break };
        let Some(mb) = w.profile.mailboxes.get(row) else {
            break;
        };
        let addr = clip(&mb.address, addr_w - 1);
        let expect = match mb.expect {
            Expectation::Granted => "reach",
            Expectation::Denied => "not",
        };
        let mut spans = vec![
            Span::raw(if n == st.selected { "▸ " } else { "  " }),
            Span::raw(format!("{addr:<addr_w$}{expect:<10}")),
        ];
        for (col, cell) in st.cells.get(row).into_iter().flatten().enumerate() {
            let (text, style) = match cell {
                Some(c) => (verdict_label(c.verdict), verdict_style(c.verdict, t)),
                None => ("·", t.dim()),
            };
            let style = if n == st.selected && col == st.column {
                style.patch(t.selected())
            } else {
                style
            };
            spans.push(Span::styled(format!("{text:<CELL_W$}"), style));
        }
        if !st.caps.is_empty() {
            let (word, style) = exchange_cell(exchange, &mb.address, t);
            spans.push(Span::styled(format!("{word:<EXCH_W$}"), style));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), table);
    let block = super::pane("Selected cell", model, false);
    let inner = block.inner(detail);
    frame.render_widget(block, detail);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
}

/// What the table leaves out or adds, in words: the send opt-in (when the preset can send)
/// and, when nothing can be checked per mailbox, the engine's reasons.
fn note_lines(model: &Model, w: &Wizard) -> Vec<Line<'static>> {
    let t = &model.theme;
    let st = &w.checks;
    let mut lines = Vec::new();
    let sent = st.caps.contains(&Capability::Send);
    let text = match (&st.send_to, model.read_only()) {
        _ if !send_prompt::offered(&w.preset, &w.profile.optional_permissions) => None,
        (_, true) if sent => None,
        (_, true) => {
            Some("Mail.Send was not checked in this report: sending is opt-in.".to_string())
        }
        (Some(to), false) => Some(format!(
            "Send check on: every run mails {to} once per must-reach mailbox."
        )),
        (None, false) => {
            Some("Mail.Send is not checked: that sends real mail. Press m to opt in.".to_string())
        }
    };
    lines.extend(text.map(|x| Line::from(Span::styled(x, t.dim()))));
    if !st.caps.is_empty()
        && let Some(e) = exchange_of(w)
    {
        lines.push(Line::from(Span::styled(exchange_note(e), t.dim())));
    }
    if st.caps.is_empty() {
        lines.extend(
            st.notes
                .iter()
                .filter(|n| !n.starts_with("Mail.Send is not checked"))
                .map(|n| Line::from(Span::styled(n.clone(), t.dim()))),
        );
    }
    lines
}

/// The selected cell: mailbox, capability, what was observed, the verdict and cause, the
/// diagnosis, the fix, and the request-id for a support ticket.
fn detail_lines(model: &Model, w: &Wizard) -> Vec<Line<'static>> {
    let t = &model.theme;
    match w.checks.selected_cell() {
        None => vec![Line::from("Nothing selected.")],
        Some((row, cap, None)) => vec![Line::from(format!(
            "{} · {}: waiting for a result",
            w.profile
                .mailboxes
                .get(row)
                .map_or("", |m| m.address.as_str()),
            cap.as_str()
        ))],
        Some((row, cap, Some(c))) => {
            let mut l = vec![Line::from(vec![
                Span::raw(format!(
                    "{} · {} · observed {} · ",
                    w.profile
                        .mailboxes
                        .get(row)
                        .map_or("", |m| m.address.as_str()),
                    cap.as_str(),
                    observed(c.status)
                )),
                Span::styled(verdict_label(c.verdict), verdict_style(c.verdict, t)),
                Span::raw(cause_code(c).map(|x| format!(" ({x})")).unwrap_or_default()),
            ])];
            if !c.summary.is_empty() {
                l.push(Line::from(c.summary.clone()));
            }
            if let Some(fix) = c.fix.as_ref().filter(|f| !f.is_empty()) {
                l.push(Line::from(vec![
                    Span::styled("Fix: ", t.title()),
                    Span::raw(fix.clone()),
                ]));
            }
            if let Some(id) = &c.request_id {
                l.push(Line::from(Span::styled(
                    format!("request-id {id}"),
                    t.dim(),
                )));
            }
            let address = w
                .profile
                .mailboxes
                .get(row)
                .map_or("", |m| m.address.as_str());
            if let Some(e) = exchange_of(w) {
                l.push(Line::from(Span::styled(
                    exchange_detail(e, address, cap),
                    t.dim(),
                )));
            }
            l
        }
    }
}

/// Exchange's column of the run shown (the last recorded), when it has one.
fn exchange_of(w: &Wizard) -> Option<&ExchangeVerdicts> {
    w.checks
        .recorded
        .as_deref()
        .and_then(|r| r.exchange.as_ref())
}

/// The first `n` characters of `s`.
fn clip(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// A row's Exchange cell: Exchange's word, `n/a` without a verdict, `·` before any run.
fn exchange_cell(e: Option<&ExchangeVerdicts>, address: &str, t: &Theme) -> (&'static str, Style) {
    let Some(e) = e else {
        return ("·", t.dim());
    };
    let word = e.column(address);
    let style = match e.access(address) {
        Some(ExchangeAccess::Granted) => t.ok(),
        Some(ExchangeAccess::Denied | ExchangeAccess::Partial) => t.warn(),
        _ => t.dim(),
    };
    (word, style)
}

/// The line above the table about Exchange's column: who asked and when, or why not.
fn exchange_note(e: &ExchangeVerdicts) -> String {
    match (e.state, &e.reason) {
        (ExchangeState::NotAvailable, Some(r)) => format!("Exchange's verdict: {r}."),
        (ExchangeState::NotAvailable, None) => "Exchange's verdict: not available.".into(),
        (ExchangeState::Tested, _) => {
            let when = e
                .tested_at
                .map(|t| format!(" at {:02}:{:02} UTC", t.hour(), t.minute()))
                .unwrap_or_default();
            let by = e
                .admin
                .as_deref()
                .map(|a| format!(" as {a}"))
                .unwrap_or_default();
            format!("Exchange's verdict: its own test{by}{when}.")
        }
    }
}

/// The detail pane's line about Exchange for the selected cell.
fn exchange_detail(e: &ExchangeVerdicts, address: &str, cap: Capability) -> String {
    match (e.state, e.mailbox(address)) {
        (ExchangeState::Tested, Some(m)) => {
            let said = m
                .answer
                .as_deref()
                .map(|a| format!(" ({a})"))
                .unwrap_or_default();
            let detail = m
                .detail
                .as_deref()
                .map(|d| format!("; {d}"))
                .unwrap_or_default();
            format!(
                "Exchange: {} for {}{said}{detail}",
                m.access_for(cap).as_str(),
                cap.as_str()
            )
        }
        (ExchangeState::Tested, None) => "Exchange: no verdict for this mailbox.".into(),
        (ExchangeState::NotAvailable, _) => format!(
            "Exchange: {}",
            e.reason.as_deref().unwrap_or("not available")
        ),
    }
}

/// What Graph answered, as the detail pane writes it.
pub fn observed(status: Option<u16>) -> String {
    match status {
        Some(s) if (200..300).contains(&s) => format!("{s} (granted)"),
        Some(s) => s.to_string(),
        None => "no answer".to_string(),
    }
}

/// The cause code the detail pane names, as the report names it: Microsoft's, or
/// `not-restricted` when the app reached a mailbox it must not (no Microsoft error then).
pub fn cause_code(c: &CellResult) -> Option<&'static str> {
    match (c.cause, c.verdict) {
        (Some(cause), _) => Some(cause.as_str()),
        (None, Verdict::Fail | Verdict::Pending) => Some(NOT_RESTRICTED),
        (None, _) => None,
    }
}

/// Rows the detail pane needs at this width (borders included), within its limit.
fn detail_height(lines: &[Line], width: u16) -> u16 {
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    u16::try_from(rows + 2)
        .unwrap_or(DETAIL_H)
        .clamp(3, DETAIL_H)
}
