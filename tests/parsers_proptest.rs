//! The parsers of files that come from outside (a profile, a scenario, a customer's report)
//! on random input: never a panic, and every refusal is a located message. Inputs are random
//! edits of the shipped examples (syntax fragments, hostile numbers, control characters,
//! deep nesting) and plain random text; the case counts keep each property to about a second.
#![allow(clippy::unwrap_used)] // tests may unwrap: a panic is the failure report

use std::path::Path;

use mailscope::profile::parse_profile;
use mailscope::report::parse_json;
use mailscope::sim::{Scenario, ScenarioError};
use proptest::prelude::*;
use proptest::sample::Index;

const PROFILE: &str = include_str!("data/example-profile.toml");
const SCENARIO: &str = include_str!("../assets/scenarios/demo.toml");
const REPORT: &str = include_str!("data/sample-report.json");

/// Pieces that break or stretch TOML and JSON.
fn fragment() -> impl Strategy<Value = String> {
    let pieces: Vec<String> = [
        "\"",
        "'",
        "[",
        "]",
        "[[",
        "]]",
        "{",
        "}",
        "=",
        ",",
        ":",
        "\n",
        "\r\n",
        "#",
        "\\",
        "\\u",
        "\\uD800",
        "\"\"\"",
        "'''",
        "1e309",
        "-1e309",
        "inf",
        "-inf",
        "nan",
        "1e300",
        "-0",
        "18446744073709551616",
        "-9223372036854775809",
        "4294967296",
        "4294967295",
        "0x7f",
        "true",
        "null",
        "[]",
        "{}",
        "\u{0}",
        "\u{1b}[2J",
        "\u{9b}",
        "\u{202e}",
        "\u{feff}",
        "\t",
        "a.b.c = 1\n",
        "[faults]\n",
        "[[mailbox]]\n",
        "count = ",
        "messages = ",
        "stall_s = ",
        "retry_after_s = ",
        "= \"x\"\n",
        "\"schema\": ",
        "\"cells\": [",
        "1979-05-27T07:32:00Z",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([
        "[".repeat(300),
        "{\"a\":".repeat(200),
        "a=[".repeat(200),
        "x.".repeat(300),
    ])
    .collect();
    prop_oneof![
        4 => proptest::sample::select(pieces),
        2 => "\\PC{0,12}",
        1 => any::<String>(),
    ]
}

/// A few random edits (position, characters deleted, text inserted).
fn edits() -> impl Strategy<Value = Vec<(Index, usize, String)>> {
    prop::collection::vec((any::<Index>(), 0usize..12, fragment()), 1..6)
}

fn apply(base: &str, edits: &[(Index, usize, String)]) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    for (at, delete, insert) in edits {
        let i = at.index(chars.len() + 1);
        let end = (i + delete).min(chars.len());
        chars.splice(i..end, insert.chars());
    }
    chars.into_iter().collect()
}

fn lines(text: &str) -> usize {
    text.split('\n').count()
}

fn check_profile_text(text: &str) -> Result<(), TestCaseError> {
    if let Err(e) = parse_profile(text, "p.toml") {
        prop_assert_eq!(&e.origin, "p.toml");
        prop_assert!(!e.message.trim().is_empty(), "{}", e);
        let line = e
            .line
            .ok_or_else(|| TestCaseError::fail(format!("no line: {e}")))?;
        prop_assert!((1..=lines(text)).contains(&line), "{}", e);
    }
    Ok(())
}

fn check_scenario_text(text: &str) -> Result<(), TestCaseError> {
    match Scenario::from_toml(text, Path::new("/nonexistent-mailscope-dir"), "s.toml") {
        Ok(s) => {
            // What loads is within the documented bounds.
            prop_assert!(s.mailboxes.len() <= 100_000);
            prop_assert!(s.faults.stall_s.is_finite() && s.faults.retry_after_s.is_finite());
        }
        Err(ScenarioError::Invalid {
            file,
            line,
            message,
            ..
        }) => {
            prop_assert_eq!(file, "s.toml");
            prop_assert!(!message.trim().is_empty());
            prop_assert!((1..=lines(text)).contains(&line), "line {}", line);
        }
        Err(e @ ScenarioError::Read { .. }) => {
            // Only a certificate file named by the scenario is read.
            prop_assert!(e.to_string().contains("certificate"), "{}", e);
        }
    }
    Ok(())
}

fn check_report_text(text: &str) -> Result<(), TestCaseError> {
    if let Err(e) = parse_json(text) {
        let e = e.to_string();
        let located = e.contains(" line ") && e.contains(" column ");
        // Or it is about the `schema` field itself, which it names.
        let schema = e.starts_with("report schema '") || e.contains("(no \"schema\" field)");
        prop_assert!(located || schema, "{}", e);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn profile_parser_never_panics_and_locates_errors(e in edits()) {
        check_profile_text(&apply(PROFILE, &e))?;
    }

    #[test]
    fn scenario_parser_never_panics_and_locates_errors(e in edits()) {
        check_scenario_text(&apply(SCENARIO, &e))?;
    }

    #[test]
    fn report_parser_never_panics_and_locates_errors(e in edits()) {
        check_report_text(&apply(REPORT, &e))?;
    }

    #[test]
    fn random_text_is_refused_cleanly(s in any::<String>()) {
        check_profile_text(&s)?;
        check_scenario_text(&s)?;
        check_report_text(&s)?;
    }
}

/// A number as TOML writes it (floats always with a fraction or exponent, or inf/nan).
fn toml_number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<f64>().prop_map(|f| {
            if f.is_nan() {
                "nan".to_string()
            } else if f.is_infinite() {
                if f > 0.0 { "inf" } else { "-inf" }.to_string()
            } else {
                format!("{f:e}")
            }
        }),
        any::<i64>().prop_map(|i| i.to_string()),
        (0i64..20_000).prop_map(|i| i.to_string()),
        proptest::sample::select(vec!["100001", "4294967295", "-1", "0", "3600", "3600.5"])
            .prop_map(String::from),
        (0.0f64..5000.0).prop_map(|f| format!("{f:?}")),
        Just("1e300".to_string()),
    ]
}

/// Where a number goes: the text before it, and the key an error must name.
const NUMERIC_KEYS: &[(&str, &str)] = &[
    ("latency_ms = ", "latency_ms"),
    ("jitter_ms = ", "jitter_ms"),
    ("token_lifetime_s = ", "token_lifetime_s"),
    ("[faults]\nstall_s = ", "stall_s"),
    ("[faults]\nretry_after_s = ", "retry_after_s"),
    ("[faults]\nthrottle_rate = ", "throttle_rate"),
    ("[faults]\nstall_rate = ", "stall_rate"),
    ("[faults]\nmailbox_concurrency = ", "mailbox_concurrency"),
    (
        "[[mailbox]]\naddress = \"a@contoso.com\"\nmessages = ",
        "messages",
    ),
    (
        "[[mailbox_range]]\npattern = \"a{n}@contoso.com\"\ncount = ",
        "count",
    ),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    /// Any number in any numeric key: refused naming the key, or loaded within the bounds
    /// `docs/scenario-format.md` documents.
    #[test]
    fn scenario_numbers_are_bounded_or_refused_by_key(
        which in 0..NUMERIC_KEYS.len(),
        number in toml_number(),
    ) {
        let (before, key) = NUMERIC_KEYS[which];
        let text = format!(
            "tenant_id = \"8f2b6c1e-4d3a-4b5c-9e7f-0a1b2c3d4e5f\"\ndomains = [\"contoso.com\"]\n\
             {before}{number}\n"
        );
        match Scenario::from_toml(&text, Path::new("."), "s.toml") {
            Ok(s) => {
                prop_assert!(s.latency_ms <= 60_000 && s.jitter_ms <= 60_000);
                prop_assert!(s.token_lifetime_s.unsigned_abs() <= 365 * 86_400);
                prop_assert!(s.mailboxes.len() <= 100_000);
                prop_assert!(s.mailboxes.iter().all(|m| m.messages <= 10_000));
                let f = &s.faults;
                prop_assert!((0.0..=3600.0).contains(&f.stall_s), "{}", f.stall_s);
                prop_assert!((0.0..=3600.0).contains(&f.retry_after_s));
                prop_assert!((0.0..=1.0).contains(&f.throttle_rate));
                prop_assert!((0.0..=1.0).contains(&f.stall_rate));
            }
            Err(e) => {
                let shown = e.to_string();
                let line = 3 + before.matches('\n').count();
                let at = format!("s.toml:{line}: key `");
                prop_assert!(shown.starts_with(&at), "{}", shown);
                prop_assert!(shown.contains(key), "{}", shown);
            }
        }
    }
}

#[test]
fn the_shipped_examples_parse() {
    parse_profile(PROFILE, "p.toml").unwrap();
    Scenario::from_toml(SCENARIO, Path::new("."), "s.toml").unwrap();
    parse_json(REPORT).unwrap();
}
