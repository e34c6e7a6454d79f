//! The HTML report: one self-contained file (inline CSS, no scripts, no external resources)
//! that prints cleanly.

use std::fmt::Write;

use super::model::Report;
use super::text::{
    credential_line, exchange_details, exchange_line, ordered_cells, totals_line, yes_no,
};

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn opt(s: &Option<String>) -> String {
    s.as_deref().map_or("–".to_string(), esc)
}

const STYLE: &str = "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem;color:#1b1b1b}\
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#f3f3f3}.pass{color:#0a6b2d;font-weight:600}.fail{color:#a4000f;font-weight:600}\
.pending{color:#8a5a00;font-weight:600}.error{color:#5c2d91;font-weight:600}code{font-size:.9em}\
.note{color:#555}@media print{body{margin:0}h2{break-after:avoid}tr{break-inside:avoid}}";

pub fn render(r: &Report) -> String {
    let p = &r.profile;
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mailscope report: {}</title><style>{STYLE}</style></head><body>\n",
        esc(&p.name)
    );
    let _ = writeln!(o, "<h1>mailscope report: {}</h1>", esc(&p.name));
    let _ = writeln!(
        o,
        "<p class=\"note\">Generated {} by mailscope {} (schema <code>{}</code>). Contains no secrets.</p>",
        esc(&r.generated_at),
        esc(&r.mailscope_version),
        esc(&r.schema)
    );
    let _ = writeln!(o, "<h2>Integration</h2><table>");
    let rows = [
        (
            "Product",
            format!(
                "{} (preset <code>{}</code>)",
                esc(&p.product),
                esc(&p.preset)
            ),
        ),
        ("Cloud", esc(&p.cloud)),
        ("Tenant", opt(&p.tenant)),
        ("Application (client) ID", opt(&p.client_id)),
        ("App name", opt(&p.app_name)),
        ("Credential", esc(&credential_line(r))),
    ];
    for (k, v) in rows {
        let _ = writeln!(o, "<tr><th>{k}</th><td>{v}</td></tr>");
    }
    let _ = writeln!(
        o,
        "</table><h2>Permissions (Microsoft Graph)</h2><table><tr><th>Permission</th><th>Type</th><th>In last token</th><th>Why</th></tr>"
    );
    for perm in &r.permissions {
        let opt_mark = if perm.optional { " (optional)" } else { "" };
        let _ = writeln!(
            o,
            "<tr><td>{}{opt_mark}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&perm.name),
            esc(&perm.kind),
            yes_no(perm.in_token),
            esc(&perm.reason)
        );
    }
    let _ = writeln!(o, "</table>");
    if let Some(e) = r.token.as_ref().and_then(|t| t.error.as_ref()) {
        let _ = writeln!(
            o,
            "<p>No token could be obtained: <b>{}</b>: {} Fix: {}</p>",
            esc(&e.cause),
            esc(&e.summary),
            esc(&e.fix)
        );
    }
    let s = &r.scoping;
    let _ = writeln!(o, "<h2>Mailbox scoping</h2>");
    if s.applies {
        let _ = writeln!(
            o,
            "<table><tr><th>Mechanism</th><td>{}</td></tr><tr><th>Group</th><td>{} ({})</td></tr><tr><th>Scoping last changed</th><td>{}</td></tr><tr><th>Script SHA-256</th><td><code>{}</code></td></tr></table>",
            opt(&s.mechanism),
            opt(&s.group_name),
            opt(&s.group_address),
            opt(&s.changed_at),
            opt(&s.script_sha256)
        );
    } else {
        let _ = writeln!(
            o,
            "<p>Not applicable: the app uses delegated permissions only.</p>"
        );
    }
    let _ = writeln!(
        o,
        "<table><tr><th>Mailbox</th><th>Kind</th><th>Must be</th></tr>"
    );
    for m in &p.mailboxes {
        let must = if m.expect == "granted" {
            "reachable"
        } else {
            "refused"
        };
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{must}</td></tr>",
            esc(&m.address),
            esc(&m.kind)
        );
    }
    let _ = writeln!(o, "</table><h2>Live checks</h2>");
    match (&r.check, totals_line(r)) {
        (Some(c), Some(totals)) => {
            let _ = writeln!(
                o,
                "<p>Ran {} to {}: {}.</p>",
                esc(&c.started_at),
                esc(&c.finished_at),
                esc(&totals)
            );
            if let Some(line) = exchange_line(c) {
                let _ = writeln!(o, "<p>{}</p>", esc(&line));
            }
            let details = exchange_details(c);
            if !details.is_empty() {
                o.push_str("<ul>");
                for (mailbox, detail) in &details {
                    let _ = write!(o, "<li>{}: {}</li>", esc(mailbox), esc(detail));
                }
                let _ = writeln!(o, "</ul>");
            }
            let head = if c.exchange.is_some() {
                "<th>Exchange</th>"
            } else {
                ""
            };
            let _ = writeln!(
                o,
                "<table><tr><th>Mailbox</th><th>Capability</th><th>Expected</th><th>Verdict</th>{head}<th>HTTP</th><th>Cause</th><th>What to do</th><th>Request ID</th><th>At</th></tr>"
            );
            let check = c;
            for c in ordered_cells(r) {
                let exchange = check
                    .exchange_word(&c.mailbox)
                    .map(|w| format!("<td>{}</td>", esc(w)))
                    .unwrap_or_default();
                let d = c.diagnosis.as_ref();
                let verdict_class = match c.verdict.as_str() {
                    "pass" | "fail" | "pending" => c.verdict.as_str(),
                    _ => "error",
                };
                let _ = writeln!(
                    o,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"{verdict_class}\">{}</td>{exchange}<td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                    esc(&c.mailbox),
                    esc(&c.capability),
                    esc(&c.expected),
                    esc(&c.verdict),
                    c.status.map_or("–".to_string(), |s| s.to_string()),
                    d.map_or("–".to_string(), |d| esc(&d.cause)),
                    d.map_or("–".to_string(), |d| esc(&format!(
                        "{} {}",
                        d.summary, d.fix
                    ))),
                    d.and_then(|d| d.request_id.as_deref())
                        .map_or("–".to_string(), esc),
                    opt(&c.at)
                );
            }
            let _ = writeln!(o, "</table>");
        }
        _ => {
            let _ = writeln!(o, "<p>No check has run yet.</p>");
        }
    }
    o.push_str("</body></html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escaping_covers_markup_and_attributes() {
        assert_eq!(
            esc("<script>a&b\"c'</script>"),
            "&lt;script&gt;a&amp;b&quot;c&#39;&lt;/script&gt;"
        );
    }
}
