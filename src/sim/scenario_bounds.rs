//! Bounds on a scenario's numbers, checked where the file is read: a value that would panic
//! or exhaust the simulated tenant (`stall_s = inf`, a 4-billion-mailbox range) is refused
//! with its file, line and key. The bounds are documented in `docs/scenario-format.md`.

use toml::Spanned;
use toml::de::DeTable;

use super::scenario::{Faults, ScenarioError};
use super::scenario_load::Ctx;
use super::scenario_raw::RawScenario;

/// `latency_ms` and `jitter_ms`: at most a minute each.
pub const MAX_LATENCY_MS: u64 = 60_000;
/// `token_lifetime_s`: at most a year either way.
pub const MAX_TOKEN_LIFETIME_S: i64 = 365 * 86_400;
/// `messages` of one mailbox.
pub const MAX_MESSAGES: u32 = 10_000;
/// Mailboxes in all (`[[mailbox]]` plus every `[[mailbox_range]]` count).
pub const MAX_MAILBOXES: u64 = 100_000;
/// `stall_s` and `retry_after_s`: at most an hour.
pub const MAX_WAIT_S: f64 = 3_600.0;
/// `effective_after_s`: at most a year.
pub const MAX_EFFECTIVE_AFTER_S: f64 = 365.0 * 86_400.0;

/// One step of a key's path in the file.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Checks every number of `raw` against its bound.
pub(crate) fn check(cx: &Ctx<'_>, raw: &RawScenario) -> Result<(), ScenarioError> {
    let doc = DeTable::parse(cx.text).ok();
    let fail = |path: &[Seg<'_>], key: &str, message: String| -> ScenarioError {
        let offset = doc.as_ref().and_then(|d| locate(d, path)).unwrap_or(0);
        cx.err_at(offset, key, message)
    };
    let at_most = |v: u64, max: u64, unit: &str| -> Option<String> {
        (v > max).then(|| format!("must be at most {max} {unit}, not {v}"))
    };
    use Seg::{Index, Key};
    for (key, v) in [("latency_ms", raw.latency_ms), ("jitter_ms", raw.jitter_ms)] {
        if let Some(m) = at_most(v, MAX_LATENCY_MS, "(milliseconds)") {
            return Err(fail(&[Key(key)], key, m));
        }
    }
    if raw.token_lifetime_s.unsigned_abs() > MAX_TOKEN_LIFETIME_S.unsigned_abs() {
        let m = format!(
            "must be between -{MAX_TOKEN_LIFETIME_S} and {MAX_TOKEN_LIFETIME_S} (seconds), not {}",
            raw.token_lifetime_s
        );
        return Err(fail(&[Key("token_lifetime_s")], "token_lifetime_s", m));
    }
    let mut total = raw.mailbox.len() as u64;
    for (i, m) in raw.mailbox.iter().enumerate() {
        if let Some(e) = at_most(m.messages.into(), MAX_MESSAGES.into(), "messages") {
            let path = [Key("mailbox"), Index(i), Key("messages")];
            return Err(fail(&path, "mailbox.messages", e));
        }
    }
    for (i, r) in raw.mailbox_range.iter().enumerate() {
        if let Some(e) = at_most(r.messages.into(), MAX_MESSAGES.into(), "messages") {
            let path = [Key("mailbox_range"), Index(i), Key("messages")];
            return Err(fail(&path, "mailbox_range.messages", e));
        }
        total += u64::from(r.count);
        if total > MAX_MAILBOXES {
            let m = format!(
                "{} would make more than {MAX_MAILBOXES} mailboxes in all",
                r.count
            );
            let path = [Key("mailbox_range"), Index(i), Key("count")];
            return Err(fail(&path, "mailbox_range.count", m));
        }
    }
    let policies = raw.access_policy.iter().map(|p| p.effective_after_s);
    let rbac = raw.rbac_assignment.iter().map(|r| r.effective_after_s);
    for (table, delays) in [
        ("access_policy", policies.collect::<Vec<_>>()),
        ("rbac_assignment", rbac.collect()),
    ] {
        for (i, v) in delays.into_iter().enumerate() {
            if let Some(m) = seconds(v, MAX_EFFECTIVE_AFTER_S) {
                let path = [Key(table), Index(i), Key("effective_after_s")];
                return Err(fail(&path, &format!("{table}.effective_after_s"), m));
            }
        }
    }
    if let Some((key, problem)) = fault_problems(&raw.faults).into_iter().next() {
        return Err(fail(
            &[Key("faults"), Key(key)],
            &format!("faults.{key}"),
            problem,
        ));
    }
    Ok(())
}

/// What is wrong with a number of seconds, if anything.
fn seconds(v: f64, max: f64) -> Option<String> {
    (!(0.0..=max).contains(&v))
        .then(|| format!("must be from 0 to {max} (seconds), not {}", shown(v)))
}

/// A number as a person reads it: `1e300`, not three hundred digits.
fn shown(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e9 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// The `[faults]` values out of bounds: key and message.
fn fault_problems(f: &Faults) -> Vec<(&'static str, String)> {
    let rates = [
        ("drop_connection_rate", f.drop_connection_rate),
        ("stall_rate", f.stall_rate),
        ("throttle_rate", f.throttle_rate),
        ("mailbox_stale_rate", f.mailbox_stale_rate),
        ("proxy_error_rate", f.proxy_error_rate),
    ];
    let mut out = Vec::new();
    for (key, v) in rates {
        if !(0.0..=1.0).contains(&v) {
            out.push((
                key,
                format!("must be a probability from 0 to 1, not {}", shown(v)),
            ));
        }
    }
    for (key, v) in [("stall_s", f.stall_s), ("retry_after_s", f.retry_after_s)] {
        if let Some(m) = seconds(v, MAX_WAIT_S) {
            out.push((key, m));
        }
    }
    out
}

/// The byte offset of the value at `path`, when the file has it.
fn locate(doc: &Spanned<DeTable<'_>>, path: &[Seg<'_>]) -> Option<usize> {
    let (first, rest) = path.split_first()?;
    let Seg::Key(k) = first else { return None };
    let mut at = doc.get_ref().get(*k)?;
    for seg in rest {
        at = match seg {
            Seg::Key(k) => at.get_ref().get(*k)?,
            Seg::Index(i) => at.get_ref().get(*i)?,
        };
    }
    Some(at.span().start)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is the failure report
mod tests {
    use std::path::Path;

    use crate::sim::Scenario;

    const HEAD: &str = "tenant_id = \"8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f\"\n\
                        domains = [\"contoso.com\"]\n";
    const APP: &str = "\n[[app]]\nclient_id = \"b1c2d3e4-0000-4000-8000-000000000001\"\n\
                       name = \"A\"\n[[group]]\naddress = \"g@contoso.com\"\n";

    /// Scenario text → the error's `file:line: key `key`` prefix.
    fn refused(body: &str) -> String {
        let text = format!("{HEAD}{body}");
        match Scenario::from_toml(&text, Path::new("."), "s.toml") {
            Ok(_) => panic!("accepted:\n{text}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn hostile_numbers_are_refused_with_file_line_and_key() {
        let cases: &[(&str, &str)] = &[
            (
                "latency_ms = 18446744073709551615",
                "s.toml:3: key `latency_ms`",
            ),
            ("jitter_ms = 9999999999", "s.toml:3: key `jitter_ms`"),
            (
                "token_lifetime_s = 9223372036854775807",
                "s.toml:3: key `token_lifetime_s`",
            ),
            (
                "token_lifetime_s = -9223372036854775808",
                "s.toml:3: key `token_lifetime_s`",
            ),
            ("[faults]\nstall_s = inf", "s.toml:4: key `faults.stall_s`"),
            ("[faults]\nstall_s = nan", "s.toml:4: key `faults.stall_s`"),
            ("[faults]\nstall_s = -1.0", "s.toml:4: key `faults.stall_s`"),
            (
                "[faults]\nretry_after_s = 1e300",
                "s.toml:4: key `faults.retry_after_s`",
            ),
            (
                "[faults]\nretry_after_s = -inf",
                "s.toml:4: key `faults.retry_after_s`",
            ),
            (
                "[faults]\nthrottle_rate = nan",
                "s.toml:4: key `faults.throttle_rate`",
            ),
            (
                "[faults]\nstall_rate = 2",
                "s.toml:4: key `faults.stall_rate`",
            ),
            (
                "faults = { seed = 1, drop_connection_rate = -0.5 }",
                "s.toml:3: key `faults.drop_connection_rate`",
            ),
            (
                "[[mailbox_range]]\npattern = \"a{n}@contoso.com\"\ncount = 4294967295",
                "s.toml:5: key `mailbox_range.count`",
            ),
            (
                "[[mailbox_range]]\npattern = \"a{n}@c.com\"\ncount = 60000\n\
                 [[mailbox_range]]\npattern = \"b{n}@c.com\"\ncount = 60000",
                "s.toml:8: key `mailbox_range.count`",
            ),
            (
                "[[mailbox]]\naddress = \"a@c.com\"\n[[mailbox]]\naddress = \"b@c.com\"\nmessages = 4294967295",
                "s.toml:7: key `mailbox.messages`",
            ),
            (
                "[[mailbox_range]]\npattern = \"a{n}@c.com\"\ncount = 1\nmessages = 100000",
                "s.toml:6: key `mailbox_range.messages`",
            ),
        ];
        for (body, want) in cases {
            let e = refused(body);
            assert!(e.starts_with(want), "{body}\n→ {e}\nwanted {want}");
        }
        let policy = format!(
            "{APP}[[access_policy]]\napp = \"b1c2d3e4-0000-4000-8000-000000000001\"\n\
             group = \"g@contoso.com\"\naccess = \"RestrictAccess\"\neffective_after_s = inf"
        );
        let e = refused(&policy);
        assert!(
            e.starts_with("s.toml:13: key `access_policy.effective_after_s`"),
            "{e}"
        );
        let rbac = format!(
            "{APP}[[rbac_assignment]]\napp = \"b1c2d3e4-0000-4000-8000-000000000001\"\n\
             role = \"Application Mail.Read\"\neffective_after_s = nan"
        );
        let e = refused(&rbac);
        assert!(
            e.starts_with("s.toml:12: key `rbac_assignment.effective_after_s`"),
            "{e}"
        );
    }

    #[test]
    fn values_at_the_bounds_are_accepted() {
        let text = format!(
            "{HEAD}latency_ms = 0\njitter_ms = 60000\ntoken_lifetime_s = -31536000\n\
             [[mailbox_range]]\npattern = \"a{{n}}@c.com\"\ncount = 1000\nmessages = 10000\n\
             [faults]\nstall_s = 3600\nretry_after_s = 0\nthrottle_rate = 1.0"
        );
        let s = Scenario::from_toml(&text, Path::new("."), "s.toml").unwrap();
        assert_eq!(s.mailboxes.len(), 1000);
        assert_eq!(s.faults.stall_s, 3600.0);
    }
}
