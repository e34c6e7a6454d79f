//! Validation of every value an admin enters: pure functions whose errors say what is wrong and what to do.

use std::fmt;

use time::{Date, Month};

/// Why a value was refused, in words an admin can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

fn invalid<T>(msg: impl Into<String>) -> Result<T, Invalid> {
    Err(Invalid(msg.into()))
}

pub use crate::guid::{likely_guid, likely_guid_hint, parse_guid};

fn is_zero_guid(g: &str) -> bool {
    g.chars().all(|c| c == '0' || c == '-')
}

/// The Application (client) ID from the app's Overview page.
pub fn client_id(s: &str) -> Result<String, Invalid> {
    if s.trim().is_empty() {
        return invalid(
            "Enter the Application (client) ID from the app registration's Overview page.",
        );
    }
    let Some(g) = parse_guid(s) else {
        return invalid(format!(
            "'{}' is not an Application (client) ID. It is a GUID like 1b2c3d4e-0000-4000-8000-000000000001; copy it from the app's Overview page.{}",
            shorten(s.trim()),
            likely_guid_hint(s)
        ));
    };
    if is_zero_guid(&g) {
        return invalid(
            "The all-zero GUID is a placeholder, not an app. Copy the Application (client) ID from the Overview page.",
        );
    }
    Ok(g)
}

/// The Directory (tenant) ID, or one of the tenant's domain names.
pub fn tenant(s: &str) -> Result<String, Invalid> {
    let t = s.trim();
    if t.is_empty() {
        return invalid(
            "Enter the Directory (tenant) ID from the Overview page, or a domain of the tenant such as contoso.onmicrosoft.com.",
        );
    }
    let lower = t.to_ascii_lowercase();
    if ["common", "organizations", "consumers"].contains(&lower.as_str()) {
        return invalid(format!(
            "'{t}' is a multi-tenant alias, not a tenant. App-only access needs your own tenant: use the Directory (tenant) ID or a domain such as contoso.onmicrosoft.com."
        ));
    }
    if let Some(g) = parse_guid(t) {
        if is_zero_guid(&g) {
            return invalid(
                "The all-zero GUID is a placeholder. Copy the Directory (tenant) ID from the Overview page.",
            );
        }
        return Ok(g);
    }
    if looks_like_guid_attempt(t) {
        return invalid(format!(
            "'{}' looks like a mistyped GUID. The Directory (tenant) ID has 32 hex digits in groups of 8-4-4-4-12.{}",
            shorten(t),
            likely_guid_hint(t)
        ));
    }
    domain(&lower).map_err(|_| {
        Invalid(format!(
            "'{}' is neither a tenant ID (GUID) nor a domain name. Use the Directory (tenant) ID or a domain such as contoso.onmicrosoft.com.",
            shorten(t)
        ))
    })
}

fn looks_like_guid_attempt(s: &str) -> bool {
    s.len() >= 30 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-') && s.contains('-')
}

/// A DNS domain name with at least two labels.
pub fn domain(s: &str) -> Result<String, Invalid> {
    let d = s.trim().trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = d.split('.').collect();
    let ok = d.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().any(|c| c.is_ascii_alphabetic()));
    if ok {
        Ok(d)
    } else {
        invalid(format!(
            "'{}' is not a domain name such as contoso.com.",
            shorten(s.trim())
        ))
    }
}

/// A mailbox (or group) SMTP address, returned lower-cased.
pub fn mail_address(s: &str) -> Result<String, Invalid> {
    let t = s.trim();
    if t.is_empty() {
        return invalid("Enter an email address such as support@contoso.com.");
    }
    let Some((local, dom)) = t.rsplit_once('@') else {
        return invalid(format!(
            "'{}' has no @: enter a full address such as support@contoso.com.",
            shorten(t)
        ));
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    if !local_ok {
        return invalid(format!(
            "'{}' is not a valid address: the part before @ has a character or dot that mail addresses cannot have.",
            shorten(t)
        ));
    }
    let dom = domain(dom).map_err(|_| {
        Invalid(format!(
            "'{}' is not a valid address: '{}' after @ is not a domain.",
            shorten(t),
            shorten(dom)
        ))
    })?;
    Ok(format!("{}@{dom}", local.to_ascii_lowercase()))
}

/// A redirect URI: absolute, https (plain http only for localhost), no fragment.
pub fn redirect_uri(s: &str) -> Result<String, Invalid> {
    let t = s.trim();
    let Ok(url) = reqwest::Url::parse(t) else {
        return invalid(format!(
            "'{}' is not a full URL. Enter it as https://server/path.",
            shorten(t)
        ));
    };
    let local = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if local => {}
        "http" => {
            return invalid(
                "Microsoft accepts plain http redirect URIs only for localhost. Use https:// for this server.",
            );
        }
        other => {
            return invalid(format!(
                "A redirect URI must start with https://, not {other}://."
            ));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return invalid("The redirect URI needs a server name after https://.");
    }
    if url.fragment().is_some() {
        return invalid("A redirect URI cannot contain '#'. Remove the part from # on.");
    }
    if t.contains('*') {
        return invalid(
            "Wildcards are not allowed in redirect URIs. Enter the exact callback URL.",
        );
    }
    Ok(t.to_string())
}

/// The longest client-secret lifetime the Entra admin center offers.
pub const MAX_SECRET_MONTHS: u32 = 24;

/// Adds whole months to a date, clamping the day to the end of the month.
pub fn add_months(d: Date, months: u32) -> Date {
    let total = d.month() as i32 - 1 + months as i32;
    let year = d.year() + total.div_euclid(12);
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    let last = month.length(year);
    Date::from_calendar_date(year, month, d.day().min(last)).unwrap_or(d)
}

/// A credential's expiry date, entered as YYYY-MM-DD, checked against today.
pub fn expiry(s: &str, today: Date) -> Result<Date, Invalid> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let Ok(d) = Date::parse(s.trim(), &fmt) else {
        return invalid(format!(
            "'{}' is not a date. Enter the expiry shown in Certificates & secrets as YYYY-MM-DD, e.g. {}.",
            shorten(s.trim()),
            add_months(today, 24)
        ));
    };
    if d <= today {
        return invalid(format!(
            "{d} is not in the future: this credential has expired. Create a new one under Certificates & secrets."
        ));
    }
    if d > add_months(today, MAX_SECRET_MONTHS) {
        return invalid(format!(
            "{d} is more than {MAX_SECRET_MONTHS} months away; the portal offers at most {MAX_SECRET_MONTHS} months. Enter the date the portal shows in the Expires column."
        ));
    }
    Ok(d)
}

/// Checks a pasted client secret Value, refusing the Secret ID that sits next to it in the portal.
pub fn client_secret(value: &str, known_secret_id: Option<&str>) -> Result<(), Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return invalid("Paste the client secret's Value (shown once, right after you create it).");
    }
    let id_hint = "That is the Secret ID. In Certificates & secrets, copy the Value column instead; it is shown only right after the secret is created, so create a new secret if you can no longer see it.";
    if parse_guid(v).is_some()
        || known_secret_id.is_some_and(|id| id.trim().eq_ignore_ascii_case(v))
    {
        return invalid(id_hint);
    }
    if v.chars().any(char::is_whitespace) {
        return invalid(
            "The secret contains a space or line break; copy the Value again with the copy button next to it.",
        );
    }
    if v.len() < 16 {
        return invalid(format!(
            "A client secret Value is about 40 characters long; this one has {}. Copy the whole Value with the copy button next to it.",
            v.len()
        ));
    }
    Ok(())
}

/// A profile name: it becomes a file name and keys the keyring (see [`super::names`]).
pub use super::names::profile_name;

/// A display name (app or group): not empty, within Microsoft's length limit.
pub fn display_name(s: &str, what: &str, max: usize) -> Result<String, Invalid> {
    let t = s.trim();
    if t.is_empty() {
        return invalid(format!("Enter a {what}."));
    }
    if t.chars().count() > max {
        return invalid(format!("A {what} can have at most {max} characters."));
    }
    if t.chars().any(char::is_control) {
        return invalid(format!(
            "A {what} cannot contain line breaks or control characters."
        ));
    }
    Ok(t.to_string())
}

fn shorten(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let head: String = s.chars().take(MAX).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
