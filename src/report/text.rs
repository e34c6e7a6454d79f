//! Shared wording for the human-readable report formats (Markdown and HTML).

use super::model::{Report, ReportCell, ReportCheck};

/// The credential in one line, e.g. "client secret (Secret ID 5e1c…), expires 2028-11-22 (731 days left)".
pub fn credential_line(r: &Report) -> String {
    let c = &r.profile.credential;
    let what = match c.kind.as_str() {
        "secret" => match &c.secret_id {
            Some(id) => format!("client secret (Secret ID {id})"),
            None => "client secret".to_string(),
        },
        "certificate" => match (&c.thumbprint_sha1, &c.thumbprint_sha256) {
            (Some(s1), Some(s256)) => format!("certificate (SHA-1 {s1}, SHA-256 {s256})"),
            (Some(s1), None) => format!("certificate (SHA-1 {s1})"),
            _ => "certificate".to_string(),
        },
        _ => "not set up yet".to_string(),
    };
    match (&c.expires, c.days_left) {
        (Some(d), Some(n)) if n < 0 => format!("{what}, EXPIRED on {d}"),
        (Some(d), Some(n)) => format!("{what}, expires {d} ({n} days left)"),
        _ => what,
    }
}

/// "12 pass, 1 fail, 0 pending, 0 error".
pub fn totals_line(r: &Report) -> Option<String> {
    r.check.as_ref().map(|c| {
        format!(
            "{} pass, {} fail, {} pending, {} error{}",
            c.totals.pass,
            c.totals.fail,
            c.totals.pending,
            c.totals.error,
            if c.complete { "" } else { " (run ended early)" }
        )
    })
}

pub fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "NO",
        None => "-",
    }
}

/// Cells in reading order: problems first, then by mailbox and capability.
pub fn ordered_cells(r: &Report) -> Vec<&ReportCell> {
    let mut cells: Vec<&ReportCell> = r.check.iter().flat_map(|c| c.cells.iter()).collect();
    let rank = |v: &str| match v {
        "fail" => 0,
        "error" => 1,
        "pending" => 2,
        _ => 3,
    };
    cells.sort_by(|a, b| {
        (rank(&a.verdict), &a.mailbox, &a.capability).cmp(&(
            rank(&b.verdict),
            &b.mailbox,
            &b.capability,
        ))
    });
    cells
}

/// The sentence about Exchange's verdict above the checks, when the check asked Exchange.
pub fn exchange_line(c: &ReportCheck) -> Option<String> {
    let x = c.exchange.as_ref()?;
    if x.state != "tested" {
        return Some(format!(
            "Exchange: {}",
            x.reason.as_deref().unwrap_or("not available")
        ));
    }
    let mechanism = x.mechanism.as_deref().unwrap_or("scoping");
    let admin = x
        .admin
        .as_deref()
        .map(|a| format!(", asked as {a}"))
        .unwrap_or_default();
    let at = x
        .tested_at
        .as_deref()
        .map(|t| format!(" at {t}"))
        .unwrap_or_default();
    Some(format!(
        "Exchange's own verdict ({mechanism}{admin}{at}) is in the Exchange column; Graph follows Exchange within 30 minutes to 2 hours."
    ))
}

/// Exchange's remarks per mailbox (why it could not test one, roles out of scope): (mailbox,
/// remark).
pub fn exchange_details(c: &ReportCheck) -> Vec<(&str, &str)> {
    c.exchange
        .iter()
        .flat_map(|x| x.mailboxes.iter())
        .filter_map(|m| m.detail.as_deref().map(|d| (m.address.as_str(), d)))
        .collect()
}
