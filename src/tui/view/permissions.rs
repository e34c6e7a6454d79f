//! API permissions: the exact list with reasons, the consent step, and what Verify found.

use mailscope::preset::PermissionKind;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::model::{Model, Wizard};
use crate::tui::screens::permissions::{Verification, missing};

/// Width of the permission-type column ("application", "delegated").
const KIND_W: usize = 12;

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, w: &Wizard) {
    let t = &model.theme;
    let app_only = w.preset.application_permissions().next().is_some();
    let kind_words = if app_only {
        "Application permissions"
    } else {
        "Delegated permissions"
    };
    let mut lines = vec![
        Line::default(),
        Line::from(vec![
            Span::raw("In the app: "),
            Span::styled(
                "API permissions > Add a permission > Microsoft Graph",
                t.key(),
            ),
        ]),
        Line::from(vec![
            Span::raw("then "),
            Span::styled(kind_words, t.key()),
            Span::raw("."),
        ]),
        Line::from("Add exactly these, nothing more:"),
    ];
    let name_w = w
        .preset
        .permissions
        .iter()
        .map(|p| p.name.chars().count() + 2)
        .max()
        .unwrap_or(0)
        .max(16);
    for p in &w.preset.permissions {
        let kind = match p.kind {
            PermissionKind::Application => "application",
            PermissionKind::Delegated => "delegated",
        };
        let chosen = w.profile.optional_permissions.contains(&p.name);
        let opt = match (p.optional, chosen) {
            (false, _) => "",
            (true, true) => " (optional: requested; o leaves it out)",
            (true, false) => " (optional: left out; o requests it)",
        };
        let reason_w = usize::from(area.width)
            .saturating_sub(2 + name_w + KIND_W)
            .max(20);
        for (i, part) in super::wrap(&format!("{}{opt}", p.reason), reason_w)
            .into_iter()
            .enumerate()
        {
            let (name, kind) = if i == 0 {
                (p.name.as_str(), kind)
            } else {
                ("", "")
            };
            lines.push(Line::from(vec![
                Span::styled(format!("  {name:<name_w$}"), t.title()),
                Span::styled(format!("{kind:<12}"), t.dim()),
                Span::raw(part),
            ]));
        }
    }
    lines.push(Line::default());
    if app_only {
        lines.push(Line::from(vec![
            Span::raw("Then press "),
            Span::styled("Grant admin consent for <your organization>", t.key()),
            Span::raw(" and confirm."),
        ]));
    } else if let Some(note) = &w.preset.consent_note {
        lines.push(Line::from(note.as_str()));
    }
    let [body, result] = Layout::vertical([Constraint::Fill(1), Constraint::Length(4)]).areas(area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((w.perms.scroll, 0)),
        body,
    );
    let result_lines = match &w.perms.verification {
        Verification::NotRun => vec![Line::from(Span::styled(
            "Press v to get a token and see which application permissions it really carries.",
            t.dim(),
        ))],
        Verification::Running(_) => vec![Line::from("Getting a token…")],
        Verification::Failed(e) => vec![Line::from(Span::styled(format!("✗ {e}"), t.error()))],
        Verification::Roles(roles) => {
            let lack = missing(&w.perms, &w.profile, &w.preset);
            let carried = if roles.is_empty() {
                "none (no roles claim)".to_string()
            } else {
                roles.join(", ")
            };
            let mut l = vec![Line::from(vec![
                Span::styled("✓ Token received. ", t.ok()),
                Span::raw(format!("It carries: {carried}")),
            ])];
            if !app_only {
                l.push(Line::from(Span::styled(
                    "The credential works. Delegated permissions are consented when users sign in; an app-only token cannot show them.",
                    t.ok(),
                )));
            } else if lack.is_empty() {
                l.push(Line::from(Span::styled(
                    "Every required application permission is consented.",
                    t.ok(),
                )));
            } else {
                l.push(Line::from(Span::styled(
                    if model.read_only() {
                        format!("Missing: {}.", lack.join(", "))
                    } else {
                        format!(
                            "Missing: {}. Add them and grant admin consent, then press v again.",
                            lack.join(", ")
                        )
                    },
                    t.error(),
                )));
                l.push(Line::from(Span::styled(
                    "(Apps scoped with RBAC for Applications may lack them on purpose.)",
                    t.dim(),
                )));
            }
            l
        }
    };
    frame.render_widget(
        Paragraph::new(result_lines).wrap(Wrap { trim: true }),
        result,
    );
}
