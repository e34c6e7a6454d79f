//! The `check` command's human-readable output: token and consent, then one row per cell,
//! then the fixes for the cells that did not pass. Every value passes
//! [`terminal_safe`](mailscope::text::terminal_safe): profiles and servers supply them.

use std::io::{self, Write};

use mailscope::graph::{CheckRun, ExchangeState, ExchangeVerdicts, Verdict};
use mailscope::text::terminal_safe as safe;

fn cell(s: &str, width: usize) -> String {
    let s = safe(s);
    let n = s.chars().count();
    if n > width {
        let cut: String = s.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

/// The Exchange line above the table: who asked and about which mechanism, or why Exchange
/// has no verdict; then Exchange's details for mailboxes it could not test.
fn write_exchange(x: &ExchangeVerdicts, w: &mut dyn Write) -> io::Result<()> {
    match x.state {
        ExchangeState::NotAvailable => writeln!(
            w,
            "Exchange: {}",
            safe(x.reason.as_deref().unwrap_or("not available"))
        )?,
        ExchangeState::Tested => {
            let mechanism = x.mechanism.map_or("scoping", |m| m.as_str());
            let admin = x
                .admin
                .as_deref()
                .map(|a| format!(" as {}", safe(a)))
                .unwrap_or_default();
            writeln!(
                w,
                "Exchange ({mechanism}{admin}): its own verdict per mailbox in the EXCHANGE column; Graph follows Exchange within 30 minutes to 2 hours."
            )?;
            for m in &x.mailboxes {
                if let Some(d) = &m.detail {
                    writeln!(w, "  {}: {}", safe(&m.address), safe(d))?;
                }
            }
        }
    }
    Ok(())
}

/// Writes the report as text.
pub fn write_table(r: &CheckRun, w: &mut dyn Write) -> io::Result<()> {
    let t = &r.token;
    writeln!(
        w,
        "Token ({} via {}): {}",
        safe(&t.credential),
        safe(&t.authority),
        if t.ok { "acquired" } else { "FAILED" }
    )?;
    if let Some(d) = &t.diagnosis {
        writeln!(w, "  cause:   {}", d.cause.as_str())?;
        writeln!(w, "  summary: {}", safe(&d.summary))?;
        writeln!(w, "  fix:     {}", safe(&d.fix))?;
        for (label, v) in [
            ("code", &d.error_code),
            ("request id", &d.request_id),
            ("timestamp", &d.timestamp),
        ] {
            if let Some(v) = v {
                writeln!(w, "  {label}: {}", safe(v))?;
            }
        }
    }
    if let Some(c) = &t.consent {
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                safe(&v.join(", ")).into_owned()
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
            writeln!(w, "  note: {}", safe(n))?;
        }
    }
    if let Some(x) = &r.exchange {
        write_exchange(x, w)?;
    }
    if !r.cells.is_empty() {
        let mw = r
            .cells
            .iter()
            .map(|c| safe(&c.mailbox).chars().count())
            .max()
            .unwrap_or(7)
            .clamp(7, 40);
        writeln!(w)?;
        let exchange_head = if r.exchange.is_some() {
            "EXCHANGE "
        } else {
            ""
        };
        writeln!(
            w,
            "{} CAPABILITY EXPECTED STATUS VERDICT  {exchange_head}CAUSE                      SUMMARY",
            cell("MAILBOX", mw)
        )?;
        for c in &r.cells {
            let status = c.status.map_or("-".to_string(), |s| s.to_string());
            let cause = c.cause.map_or("-", |c| c.as_str());
            let exchange = r
                .exchange
                .as_ref()
                .map(|x| format!("{} ", cell(x.column(&c.mailbox), 8)))
                .unwrap_or_default();
            writeln!(
                w,
                "{} {} {} {} {} {exchange}{} {}",
                cell(&c.mailbox, mw),
                cell(c.capability.as_str(), 10),
                cell(c.expected.as_str(), 8),
                cell(&status, 6),
                cell(c.verdict.as_str(), 8),
                cell(cause, 26),
                safe(&c.summary)
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
                    write!(
                        w,
                        "- {} {}: {}",
                        safe(&c.mailbox),
                        c.capability.as_str(),
                        safe(fix)
                    )?;
                    if let Some(id) = &c.request_id {
                        write!(w, " (request-id {})", safe(id))?;
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
            safe(&d.mailbox),
            safe(&d.subject)
        )?;
    }
    for n in &r.notes {
        writeln!(w, "Note: {}", safe(n))?;
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

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is the failure report
mod tests {
    use super::*;

    const EVIL: &str = "\u{1b}]0;t\u{7}\u{1b}[2J\u{9b}1m\u{202e}\n";

    #[test]
    fn every_value_in_the_table_is_inert() {
        let report = serde_json::json!({
            "profile": format!("p{EVIL}"),
            "started_at": "2026-11-22T10:00:00Z", "finished_at": "2026-11-22T10:00:01Z",
            "elapsed_ms": 1000, "cancelled": false, "deadline_reached": false,
            "counts": { "pass": 0, "fail": 1, "pending": 0, "error": 0, "not_checked": 0 },
            "token": {
                "ok": true, "credential": format!("secret{EVIL}"),
                "authority": format!("https://a{EVIL}"), "graph": "https://g",
                "consent": { "roles_claim_present": true,
                             "granted": [format!("Mail.Read{EVIL}")], "missing": [],
                             "extra": [format!("X{EVIL}")], "notes": [format!("n{EVIL}")] }
            },
            "cells": [{
                "mailbox": format!("a@b{EVIL}"), "capability": "read", "expected": "granted",
                "status": 403, "verdict": "fail", "cause": "policy-denied",
                "summary": format!("s{EVIL}"), "fix": format!("f{EVIL}"),
                "request_id": format!("r{EVIL}"), "timestamp": "2026-11-22T10:00:01Z",
                "attempts": 1
            }],
            "notes": [format!("note{EVIL}")],
            "exchange": {
                "state": "tested", "admin": format!("exo@b{EVIL}"),
                "mailboxes": [{ "address": format!("a@b{EVIL}"), "access": "granted",
                                "detail": format!("d{EVIL}") }]
            },
            "drafts_left": [{ "mailbox": format!("a@b{EVIL}"), "message_id": "m",
                              "subject": format!("sub{EVIL}") }]
        });
        let report: CheckRun = serde_json::from_value(report).unwrap();
        let mut out = Vec::new();
        write_table(&report, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let bad: Vec<char> = text
            .chars()
            .filter(|c| mailscope::text::is_unsafe(*c) && *c != '\n')
            .collect();
        assert!(bad.is_empty(), "{bad:?} in\n{text}");
        assert!(
            text.contains(r"s\x1b]0;t\x07\x1b[2J\u{9b}1m\u{202e}\n"),
            "{text}"
        );
        // A value's line break cannot forge a line of the table.
        assert_eq!(text.lines().filter(|l| l.starts_with("Note: ")).count(), 1);
        // Exchange's answers are values too, and its verdict is the row's column.
        assert!(text.contains(r"d\x1b]0;t"), "{text}");
        assert!(text.contains(" VERDICT  EXCHANGE CAUSE "), "{text}");
        assert!(text.contains(" fail     granted  policy-denied"), "{text}");
    }

    #[test]
    fn without_an_exchange_verdict_the_column_says_why() {
        let mut run: CheckRun = serde_json::from_value(serde_json::json!({
            "profile": "p", "started_at": "2026-11-22T10:00:00Z",
            "finished_at": "2026-11-22T10:00:01Z", "elapsed_ms": 1000, "cancelled": false,
            "deadline_reached": false,
            "counts": { "pass": 1, "fail": 0, "pending": 0, "error": 0, "not_checked": 0 },
            "token": { "ok": true, "credential": "secret", "authority": "https://a",
                       "graph": "https://g" },
            "cells": [{ "mailbox": "a@b.c", "capability": "read", "expected": "granted",
                        "status": 200, "verdict": "pass", "summary": "ok",
                        "timestamp": "2026-11-22T10:00:01Z", "attempts": 1 }]
        }))
        .unwrap();
        let table = |run: &CheckRun| {
            let mut out = Vec::new();
            write_table(run, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let text = table(&run);
        assert!(!text.contains("EXCHANGE"), "not asked, no column: {text}");
        run.exchange = Some(ExchangeVerdicts::no_signin("p"));
        let text = table(&run);
        assert!(
            text.contains("Exchange: not available: no Exchange sign-in (mailscope signin --exchange --profile p)"),
            "{text}"
        );
        assert!(text.contains(" pass     n/a      - "), "{text}");
    }
}
