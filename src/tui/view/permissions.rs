//! API permissions: the exact list with reasons, the consent step, and what Verify found.

use mailscope::preset::PermissionKind;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::model::{Model, Wizard};
use crate::tui::msg::Inspection;
use crate::tui::screens::permissions::{EntraRead, Verification, missing};
use crate::tui::theme::Theme;

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
    let entra = entra_lines(&w.perms.entra, model.read_only(), t);
    let rows = |ls: &[Line]| {
        let width = usize::from(area.width.max(1));
        let n: usize = ls.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
        u16::try_from(n).unwrap_or(0)
    };
    // The token's result gets at least its former four rows when Entra's read says nothing.
    let result_h = rows(&result_lines).max(4_u16.saturating_sub(rows(&entra)));
    let [body, result, entra_a] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(result_h),
        Constraint::Length(rows(&entra)),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((w.perms.scroll, 0)),
        body,
    );
    frame.render_widget(
        Paragraph::new(result_lines).wrap(Wrap { trim: true }),
        result,
    );
    frame.render_widget(Paragraph::new(entra).wrap(Wrap { trim: true }), entra_a);
}

/// Findings shown beside the token's roles, at most this many (the rest are counted).
const MAX_FINDINGS: usize = 3;

/// What the admin's read of the tenant says about the app, beside Verify's token.
fn entra_lines<'a>(e: &EntraRead, read_only: bool, t: &Theme) -> Vec<Line<'a>> {
    if read_only {
        return Vec::new();
    }
    match e {
        EntraRead::NotRead | EntraRead::Reading(_) => vec![Line::from(Span::styled(
            "Entra: reading what the tenant holds for this app…",
            t.dim(),
        ))],
        EntraRead::Read(Inspection::NotSignedIn { how }) => {
            vec![Line::from(Span::styled(format!("Entra: {how}"), t.dim()))]
        }
        EntraRead::Read(Inspection::Failed(why)) => vec![Line::from(Span::styled(
            format!("Entra could not be read: {why}"),
            t.error(),
        ))],
        EntraRead::Read(Inspection::Findings { admin, findings }) if findings.is_empty() => {
            vec![Line::from(Span::styled(
                format!("✓ Entra (read as {admin}): no finding; the app matches the profile."),
                t.ok(),
            ))]
        }
        EntraRead::Read(Inspection::Findings { admin, findings }) => {
            let mut l = vec![Line::from(Span::styled(
                format!(
                    "Entra (read as {admin}): {} finding(s); Ctrl-D fixes what it can.",
                    findings.len()
                ),
                t.error(),
            ))];
            for f in findings.iter().take(MAX_FINDINGS) {
                l.push(Line::from(vec![
                    Span::styled(format!("  [{}] ", f.code), t.warn()),
                    Span::raw(f.evidence.clone()),
                ]));
            }
            if findings.len() > MAX_FINDINGS {
                l.push(Line::from(Span::styled(
                    format!(
                        "  … and {} more: `mailscope entra inspect` lists them all with the fix.",
                        findings.len() - MAX_FINDINGS
                    ),
                    t.dim(),
                )));
            }
            l
        }
    }
}
