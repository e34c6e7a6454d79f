//! Drawing: a pure function of `&Model`. One file per screen; this one lays out the frame.
//!
//! ```text
//! ┌ mailscope · contoso-kundo · Kundo Mail ─────────── Step 3 of 8 · API permissions ┐
//! │ SIMULATION banner (demo only)                                                      │
//! │ screen body                                                                        │
//! │ status line (info / error)                                                         │
//! │ footer: the keys that work here                                                    │
//! └────────────────────────────────────────────────────────────────────────────────────┘
//! ```

mod app_reg;
mod branding;
pub(crate) mod checks;
mod credential;
mod doit;
mod doit_exchange;
pub mod form;
mod help;
mod mailboxes;
mod permissions;
mod scoping;
mod send_prompt;
mod start;
mod start_online;
mod summary;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::binding::{Binding, FocusKind};
use super::model::{MIN_HEIGHT, MIN_WIDTH, Model, Overlay, Screen, Source, Status};
use super::step::Step;
use super::{route, screens};

pub fn draw(frame: &mut Frame, model: &Model) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    let banner_text = banner(model);
    let banner = u16::from(banner_text.is_some());
    let footer_text = footer_lines(model, area.width);
    let footer_h = u16::try_from(footer_text.len()).unwrap_or(1);
    let [header, demo, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(footer_h),
    ])
    .areas(area);
    draw_header(frame, header, model);
    if let Some(text) = banner_text {
        frame.render_widget(Paragraph::new(text).style(model.theme.banner()), demo);
    }
    let body = body.inner(ratatui::layout::Margin::new(1, 0));
    match &model.screen {
        Screen::Start => start::draw(frame, body, model),
        Screen::Wizard { step, wizard: w } => match step {
            Step::AppRegistration => app_reg::draw(frame, body, model, w),
            Step::Credential => credential::draw(frame, body, model, w),
            Step::Permissions => permissions::draw(frame, body, model, w),
            Step::Branding => branding::draw(frame, body, model, w),
            Step::Mailboxes => mailboxes::draw(frame, body, model, w),
            Step::Scoping => scoping::draw(frame, body, model, w),
            Step::Checks => checks::draw(frame, body, model, w),
            Step::Summary => summary::draw(frame, body, model, w),
        },
    }
    if let Screen::Wizard { step, wizard: w } = &model.screen
        && screens::doit::offered(*step)
        && w.doit.active()
    {
        doit::draw(frame, body, model, &w.doit);
    }
    draw_status(frame, status, model);
    frame.render_widget(Paragraph::new(footer_text), footer);
    if model.overlay == Overlay::Help {
        help::draw(frame, area, model);
    }
}

/// The line under the header saying where the data comes from, when it is not a live tenant.
fn banner(model: &Model) -> Option<String> {
    match (&model.source, &model.demo) {
        (
            Some(Source::Report {
                profile,
                generated_at,
            }),
            _,
        ) => Some(format!(
            " read-only: from a report · {profile} · made {generated_at}"
        )),
        (
            Some(Source::Replay {
                profile,
                generated_at,
            }),
            _,
        ) => Some(format!(
            " REPLAY of {profile} from {generated_at} · simulated tenant"
        )),
        (None, Some(d)) => Some(format!(
            " SIMULATION · tenant at {} · nothing reaches Microsoft",
            d.authority
        )),
        (None, None) => None,
    }
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text = format!(
        "mailscope needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT}; this one is {}×{}. Enlarge the window, or press Ctrl-C to quit.",
        area.width, area.height
    );
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

fn draw_header(frame: &mut Frame, area: Rect, model: &Model) {
    let t = &model.theme;
    let mut left = vec![Span::styled(" mailscope", t.title())];
    let mut right = String::new();
    if let Screen::Wizard { step, wizard: w } = &model.screen {
        left.push(Span::raw(format!(
            " · {} · {}",
            w.profile.name, w.preset.product
        )));
        let seq = Step::sequence(&w.preset);
        let n = seq.iter().position(|s| s == step).map_or(0, |i| i + 1);
        right = format!("  Step {n} of {} · {} ", seq.len(), step.title());
    } else {
        left.push(Span::raw(" · Microsoft 365 mail app onboarding"));
    }
    let right_w = u16::try_from(right.chars().count())
        .unwrap_or(0)
        .min(area.width);
    let [l, r] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(right_w)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(left)), l);
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(right, t.title()))),
        r,
    );
}

fn draw_status(frame: &mut Frame, area: Rect, model: &Model) {
    let line = match &model.status {
        Some(Status::Info(s)) => Line::from(Span::styled(format!(" {s}"), model.theme.ok())),
        Some(Status::Error(s)) => Line::from(Span::styled(format!(" ✗ {s}"), model.theme.error())),
        None => Line::default(),
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The keys shown in the footer: the screen's own, then the common ones that apply.
pub fn footer_keys(model: &Model) -> Vec<(&'static str, &'static str)> {
    let mut keys: Vec<(&'static str, &'static str)> = Vec::new();
    let focus = route::focus_kind(model);
    let enter = enter_hint(model);
    if !enter.is_empty() {
        keys.push(("Enter", enter));
    }
    let read_only = model.read_only();
    keys.extend(
        route::bindings(model)
            .iter()
            .filter(|b| b.keys != "Del")
            .filter(|b| !read_only || super::support::readonly::allowed(b.action))
            .map(|b: &Binding| (b.keys, b.hint)),
    );
    if matches!(focus, FocusKind::Text | FocusKind::Choice) {
        keys.push(("Tab", "next field"));
    }
    if focus == FocusKind::Choice {
        keys.push(("←→", "choose"));
    }
    let doit = match &model.screen {
        Screen::Wizard { step, wizard: w } if screens::doit::offered(*step) && w.doit.active() => {
            Some(&w.doit)
        }
        _ => None,
    };
    keys.push(("Esc", doit.map_or("back", screens::doit::esc_hint)));
    keys.push((if focus == FocusKind::Text { "F1" } else { "?" }, "help"));
    keys.push(("Ctrl-C", "quit"));
    keys
}

fn enter_hint(model: &Model) -> &'static str {
    use screens::mailboxes::MbMode;
    if model.read_only() {
        return "next screen";
    }
    let Screen::Wizard { step, wizard: w } = &model.screen else {
        return match model.start.mode {
            screens::start::StartMode::List => "open",
            screens::start::StartMode::New => "next/create",
        };
    };
    if screens::doit::offered(*step) && w.doit.active() {
        return screens::doit::enter_hint(&w.doit);
    }
    match step {
        Step::Mailboxes => match w.mailboxes.mode {
            MbMode::Add => "add",
            MbMode::Import => "import",
            MbMode::List => "continue",
        },
        Step::Checks if screens::checks::prompting(&w.checks) => "send and re-run",
        Step::Summary if w.summary.merge.is_some() => "write",
        Step::Summary => "finish",
        Step::Scoping if w.scoping.pane == screens::scoping::Pane::Fields => "next",
        Step::AppRegistration | Step::Credential => "next",
        _ => "continue",
    }
}

/// The footer's lines: every key that works here, wrapped onto a second line when needed.
fn footer_lines(model: &Model, width: u16) -> Vec<Line<'static>> {
    let t = &model.theme;
    let mut lines = Vec::new();
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1usize;
    for (k, hint) in footer_keys(model) {
        let len = k.chars().count() + hint.chars().count() + 3;
        if used + len > usize::from(width) && spans.len() > 1 {
            lines.push(Line::from(std::mem::replace(
                &mut spans,
                vec![Span::raw(" ")],
            )));
            used = 1;
        }
        used += len;
        spans.push(Span::styled(k, t.key()));
        spans.push(Span::raw(format!(" {hint}  ")));
    }
    lines.push(Line::from(spans));
    lines
}

/// Splits text into lines of at most `width` characters at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// A centred rectangle for pop-ups.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// A titled block for panes.
pub fn pane(title: &str, model: &Model, active: bool) -> Block<'static> {
    let style = if active {
        model.theme.focused()
    } else {
        model.theme.dim()
    };
    Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(format!(" {title} "))
}

/// Clears an area before drawing a pop-up over it.
pub fn clear(frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
}
