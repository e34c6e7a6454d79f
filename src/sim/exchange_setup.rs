//! `[exchange]`: how the sim's Exchange Online InvokeCommand endpoint behaves (propagation to
//! Graph, page size, injected failures of cmdlets).

use serde::Deserialize;

use super::scenario::ScenarioError;
use super::scenario_load::Ctx;

/// `[exchange]` of a scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExchangeSetup {
    /// Seconds before a change made through InvokeCommand reaches Graph (Test- cmdlets see it
    /// at once).
    pub propagation_s: f64,
    /// Items per page when the client sends no `Prefer: odata.maxpagesize`.
    pub page_size: usize,
    /// Injected failures of cmdlets (an apply interrupted midway).
    pub fail: Vec<FailCmdlet>,
}

impl Default for ExchangeSetup {
    fn default() -> Self {
        ExchangeSetup {
            propagation_s: DEFAULT_PROPAGATION_S,
            page_size: MAX_PAGE,
            fail: Vec::new(),
        }
    }
}

/// The default propagation delay: small, but not zero, so a client that treats Exchange's
/// answer as Graph's is caught.
pub const DEFAULT_PROPAGATION_S: f64 = 1.0;
/// The largest page (`Prefer: odata.maxpagesize` is capped to it).
pub const MAX_PAGE: usize = 1000;

/// `[[exchange.fail]]`: calls `call` .. `call + times - 1` of `cmdlet` fail with `status`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailCmdlet {
    /// Cmdlet name, e.g. `New-ApplicationAccessPolicy` (any case).
    pub cmdlet: String,
    /// The first failing call of that cmdlet, 1-based (default 1).
    #[serde(default = "one")]
    pub call: u32,
    /// How many calls in a row fail (default 1).
    #[serde(default = "one")]
    pub times: u32,
    /// 500, 503 or 429 (default 500).
    #[serde(default = "five_hundred")]
    pub status: u16,
    /// Whether the failing call still makes its change (the answer is lost on the way back).
    #[serde(default)]
    pub applied: bool,
}

fn one() -> u32 {
    1
}

fn five_hundred() -> u16 {
    500
}

/// Validates `[exchange]` (errors point at the table).
pub(crate) fn check(cx: &Ctx<'_>, e: &ExchangeSetup) -> Result<ExchangeSetup, ScenarioError> {
    let at = cx
        .text
        .find("[exchange")
        .or_else(|| cx.text.find("exchange"))
        .unwrap_or(0);
    let max = super::scenario_bounds::MAX_EFFECTIVE_AFTER_S;
    if !e.propagation_s.is_finite() || !(0.0..=max).contains(&e.propagation_s) {
        let m = format!("must be between 0 and {max} seconds");
        return Err(cx.err_at(at, "exchange.propagation_s", m));
    }
    if !(1..=MAX_PAGE).contains(&e.page_size) {
        let m = format!("must be between 1 and {MAX_PAGE}");
        return Err(cx.err_at(at, "exchange.page_size", m));
    }
    for f in &e.fail {
        if !matches!(f.status, 429 | 500 | 503) {
            return Err(cx.err_at(at, "exchange.fail.status", "must be 429, 500 or 503".into()));
        }
        if f.call == 0 || f.times == 0 {
            let m = "call and times count from 1".to_string();
            return Err(cx.err_at(at, "exchange.fail.call", m));
        }
        if !super::exchange_cmdlets::is_known(&f.cmdlet) {
            let m = format!("unknown cmdlet '{}'", f.cmdlet);
            return Err(cx.err_at(at, "exchange.fail.cmdlet", m));
        }
    }
    Ok(e.clone())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a panic is the failure report
    use super::super::scenario::Scenario;

    fn load(extra: &str) -> Result<Scenario, String> {
        let text = format!(
            "tenant_id = \"8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f\"\ndomains = [\"contoso.com\"]\n\n[exchange]\n{extra}\n"
        );
        Scenario::from_toml(&text, std::path::Path::new("."), "t.toml").map_err(|e| e.to_string())
    }

    #[test]
    fn exchange_keys_are_checked_and_named() {
        let ok = load("propagation_s = 0.2\npage_size = 2").unwrap();
        assert_eq!(ok.exchange.propagation_s, 0.2);
        assert_eq!(ok.exchange.page_size, 2);
        let d = load("").unwrap();
        assert_eq!(d.exchange.propagation_s, super::DEFAULT_PROPAGATION_S);
        let e = load("propagation_s = -1").unwrap_err();
        assert!(e.contains("t.toml:4: key `exchange.propagation_s`"), "{e}");
        let e = load("page_size = 0").unwrap_err();
        assert!(e.contains("exchange.page_size"), "{e}");
        let e = load("[[exchange.fail]]\ncmdlet = \"Get-Nothing\"").unwrap_err();
        assert!(e.contains("unknown cmdlet 'Get-Nothing'"), "{e}");
        let e = load("[[exchange.fail]]\ncmdlet = \"New-Mailbox\"\nstatus = 404").unwrap_err();
        assert!(e.contains("exchange.fail.status"), "{e}");
        let ok = load("[[exchange.fail]]\ncmdlet = \"new-mailbox\"\ncall = 2\napplied = true");
        let f = &ok.unwrap().exchange.fail[0];
        assert_eq!((f.call, f.times, f.status, f.applied), (2, 1, 500, true));
    }
}
