//! The Markdown report: reads well pasted into a support ticket.

use std::fmt::Write;

use super::model::Report;
use super::text::{
    credential_line, exchange_details, exchange_line, ordered_cells, totals_line, yes_no,
};

/// Escapes text for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
        .replace('<', "&lt;")
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map_or("-".to_string(), cell)
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let p = &r.profile;
    let _ = writeln!(o, "# mailscope report: {}\n", cell(&p.name));
    let _ = writeln!(
        o,
        "Generated {} by mailscope {} (schema `{}`). Contains no secrets.\n",
        r.generated_at, r.mailscope_version, r.schema
    );
    let _ = writeln!(o, "## Integration\n\n| | |\n|---|---|");
    let rows = [
        (
            "Product",
            format!("{} (preset `{}`)", cell(&p.product), p.preset),
        ),
        ("Cloud", p.cloud.clone()),
        ("Tenant", opt(&p.tenant)),
        ("Application (client) ID", opt(&p.client_id)),
        ("App name", opt(&p.app_name)),
        ("Credential", cell(&credential_line(r))),
    ];
    for (k, v) in rows {
        let _ = writeln!(o, "| {k} | {v} |");
    }

    let _ = writeln!(
        o,
        "\n## Permissions (Microsoft Graph)\n\n| Permission | Type | In last token | Why |\n|---|---|---|---|"
    );
    for perm in &r.permissions {
        let name = if perm.optional {
            format!("{} (optional)", perm.name)
        } else {
            perm.name.clone()
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            cell(&name),
            perm.kind,
            yes_no(perm.in_token),
            cell(&perm.reason)
        );
    }
    if let Some(t) = &r.token {
        if let Some(e) = &t.error {
            let _ = writeln!(
                o,
                "\nNo token could be obtained: **{}**: {} Fix: {}",
                e.cause,
                cell(&e.summary),
                cell(&e.fix)
            );
        } else if !t.missing.is_empty() {
            let _ = writeln!(
                o,
                "\nThe token lacks {}. Grant admin consent, unless the app is scoped with RBAC for Applications (then the live checks decide).",
                t.missing.join(", ")
            );
        }
    }

    let s = &r.scoping;
    let _ = writeln!(o, "\n## Mailbox scoping\n");
    if s.applies {
        let _ = writeln!(o, "| | |\n|---|---|");
        let _ = writeln!(o, "| Mechanism | {} |", opt(&s.mechanism));
        let _ = writeln!(
            o,
            "| Group | {} ({}) |",
            opt(&s.group_name),
            opt(&s.group_address)
        );
        let _ = writeln!(o, "| Scoping last changed | {} |", opt(&s.changed_at));
        let _ = writeln!(o, "| Script SHA-256 | {} |", opt(&s.script_sha256));
    } else {
        let _ = writeln!(
            o,
            "Not applicable: the app uses delegated permissions only."
        );
    }
    let _ = writeln!(o, "\n| Mailbox | Kind | Must be |\n|---|---|---|");
    for m in &p.mailboxes {
        let must = if m.expect == "granted" {
            "reachable"
        } else {
            "refused"
        };
        let _ = writeln!(o, "| {} | {} | {must} |", cell(&m.address), m.kind);
    }

    let _ = writeln!(o, "\n## Live checks\n");
    match (&r.check, totals_line(r)) {
        (Some(check), Some(totals)) => {
            let _ = writeln!(
                o,
                "Ran {} to {}: {totals}.\n",
                check.started_at, check.finished_at
            );
            let asked = check.exchange.is_some();
            if let Some(line) = exchange_line(check) {
                let _ = writeln!(o, "{}\n", cell(&line));
            }
            let details = exchange_details(check);
            for (mailbox, detail) in &details {
                let _ = writeln!(o, "- {}: {}", cell(mailbox), cell(detail));
            }
            if !details.is_empty() {
                let _ = writeln!(o);
            }
            let (head, rule) = if asked {
                (" Exchange |", "---|")
            } else {
                ("", "")
            };
            let _ = writeln!(
                o,
                "| Mailbox | Capability | Expected | Verdict |{head} HTTP | Cause | What to do | Request ID | At |\n|---|---|---|---|{rule}---|---|---|---|---|"
            );
            for c in ordered_cells(r) {
                let exchange = check
                    .exchange_word(&c.mailbox)
                    .map(|w| format!(" {w} |"))
                    .unwrap_or_default();
                let d = c.diagnosis.as_ref();
                let _ = writeln!(
                    o,
                    "| {} | {} | {} | **{}** |{exchange} {} | {} | {} | {} | {} |",
                    cell(&c.mailbox),
                    c.capability,
                    c.expected,
                    c.verdict,
                    c.status.map_or("-".to_string(), |s| s.to_string()),
                    d.map_or("-".to_string(), |d| d.cause.clone()),
                    d.map_or("-".to_string(), |d| cell(&format!(
                        "{} {}",
                        d.summary, d.fix
                    ))),
                    d.and_then(|d| d.request_id.clone())
                        .map_or("-".to_string(), |x| cell(&x)),
                    opt(&c.at),
                );
            }
        }
        _ => {
            let _ = writeln!(
                o,
                "No check has run yet: `mailscope check --profile {}`.",
                cell(&p.name)
            );
        }
    }
    o
}
