//! The `check` command's human-readable output: token and consent, then one row per cell,
//! then the fixes for the cells that did not pass.

use std::io::{self, Write};

use super::report::CheckReport;
use super::verdict::Verdict;

fn cell(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n > width {
        let cut: String = s.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

/// Writes the report as text.
pub fn write_table(r: &CheckReport, w: &mut dyn Write) -> io::Result<()> {
    let t = &r.token;
    writeln!(
        w,
        "Token ({} via {}): {}",
        t.credential,
        t.authority,
        if t.ok { "acquired" } else { "FAILED" }
    )?;
    if let Some(d) = &t.diagnosis {
        writeln!(w, "  cause:   {}", d.cause.as_str())?;
        writeln!(w, "  summary: {}", d.summary)?;
        writeln!(w, "  fix:     {}", d.fix)?;
        for (label, v) in [
            ("code", &d.error_code),
            ("request id", &d.request_id),
            ("timestamp", &d.timestamp),
        ] {
            if let Some(v) = v {
                writeln!(w, "  {label}: {v}")?;
            }
        }
    }
    if let Some(c) = &t.consent {
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        };
        writeln!(
            w,
            "Consent: granted {}; missing {}; extra {}",
            list(&c.granted),
            list(&c.missing),
            list(&c.extra)
        )?;
        for n in &c.notes {
            writeln!(w, "  note: {n}")?;
        }
    }
    if !r.cells.is_empty() {
        let mw = r
            .cells
            .iter()
            .map(|c| c.mailbox.chars().count())
            .max()
            .unwrap_or(7)
            .clamp(7, 40);
        writeln!(w)?;
        writeln!(
            w,
            "{} CAPABILITY EXPECTED STATUS VERDICT  CAUSE                      SUMMARY",
            cell("MAILBOX", mw)
        )?;
        for c in &r.cells {
            let status = c.status.map_or("-".to_string(), |s| s.to_string());
            let cause = c.cause.map_or("-", |c| c.as_str());
            writeln!(
                w,
                "{} {} {} {} {} {} {}",
                cell(&c.mailbox, mw),
                cell(c.capability.as_str(), 10),
                cell(c.expected.as_str(), 8),
                cell(&status, 6),
                cell(c.verdict.as_str(), 8),
                cell(cause, 26),
                c.summary
            )?;
        }
        let unsettled: Vec<_> = r
            .cells
            .iter()
            .filter(|c| c.verdict != Verdict::Pass)
            .collect();
        if !unsettled.is_empty() {
            writeln!(w, "\nTo do:")?;
            for c in unsettled {
                if let Some(fix) = &c.fix {
                    write!(w, "- {} {}: {fix}", c.mailbox, c.capability.as_str())?;
                    if let Some(id) = &c.request_id {
                        write!(w, " (request-id {id})")?;
                    }
                    writeln!(w)?;
                }
            }
        }
    }
    for d in &r.drafts_left {
        writeln!(
            w,
            "Draft left in {}: subject \"{}\" — delete it by hand.",
            d.mailbox, d.subject
        )?;
    }
    for n in &r.notes {
        writeln!(w, "Note: {n}")?;
    }
    let c = r.counts;
    writeln!(
        w,
        "\n{} pass, {} fail, {} pending, {} error{} in {:.1} s{}",
        c.pass,
        c.fail,
        c.pending,
        c.error,
        if c.not_checked > 0 {
            format!(", {} not checked", c.not_checked)
        } else {
            String::new()
        },
        r.elapsed_ms as f64 / 1000.0,
        if r.cancelled {
            " (cancelled)"
        } else if r.deadline_reached {
            " (deadline reached)"
        } else {
            ""
        }
    )
}
