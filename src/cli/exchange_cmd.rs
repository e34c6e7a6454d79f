//! `mailscope exchange test|plan|apply`: the profile's Exchange scoping through Exchange's
//! admin endpoint, with the remembered Exchange sign-in. The library
//! ([`mailscope::exchange`]) talks to Exchange and judges; this prints and asks. No token is
//! ever printed.

use std::io::Write;

use mailscope::exchange::entra_consent::EntraConsent;
use mailscope::exchange::{
    self, Connection, ExchangeError, Outcome, ScopingTest, Target, endpoints::UNDOCUMENTED,
};
use mailscope::graph::cloud::CloudEndpoints;
use mailscope::preset::Preset;
use mailscope::profile::{Profile, ProfileStore, ScopeMechanism};
use mailscope::secrets::KeyringStore;

use super::exchange_args::{ExchangeCommand, ExchangeTestArgs};
use super::output::{EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, fail, safe, safe_json};

/// Runs `mailscope exchange …`.
pub fn run(cmd: ExchangeCommand) -> u8 {
    match cmd {
        ExchangeCommand::Test(a) => test(&a),
        ExchangeCommand::Plan(a) => super::exchange_apply_cmd::plan(&a),
        ExchangeCommand::Apply(a) => super::exchange_apply_cmd::apply(&a),
    }
}

/// What every exchange command starts from.
pub struct Setup {
    pub store: ProfileStore,
    pub profile: Profile,
    pub preset: Preset,
    pub endpoints: CloudEndpoints,
    pub runtime: tokio::runtime::Runtime,
    pub http: reqwest::Client,
    pub secrets: KeyringStore,
    pub conn: Connection,
}

/// `--mechanism`: policy (or application-access-policy) or rbac.
pub fn parse_mechanism(s: Option<&str>) -> Result<Option<ScopeMechanism>, String> {
    match s.map(str::trim) {
        None => Ok(None),
        Some("policy") => Ok(Some(ScopeMechanism::ApplicationAccessPolicy)),
        Some(other) => ScopeMechanism::parse(other).map(Some).ok_or_else(|| {
            format!("--mechanism: '{other}' is not a mechanism; use policy or rbac")
        }),
    }
}

/// Loads the profile as `entra` does, resumes the Exchange sign-in; on failure the exit code
/// (printed).
pub fn setup(name: &str, profile_name: &str) -> Result<Setup, u8> {
    let b = super::entra_cmd::setup(name, profile_name)?;
    // `entra`'s setup refuses a profile without a tenant, so there is a configuration.
    let cfg = exchange::signin_config(&b.profile, &b.endpoints).ok_or_else(|| {
        fail(
            EXIT_USAGE,
            format!("{name}: profile '{}' names no tenant yet", b.profile.name),
        )
    })?;
    let conn = b
        .runtime
        .block_on(exchange::connect(&cfg, &b.profile, &b.http, &b.secrets))
        .map_err(|e| cannot_run(name, &b.profile.name, &e))?;
    Ok(Setup {
        store: b.store,
        profile: b.profile,
        preset: b.preset,
        endpoints: b.endpoints,
        runtime: b.runtime,
        http: b.http,
        secrets: b.secrets,
        conn,
    })
}

/// Prints an Exchange failure with its fix; exit 3.
pub fn cannot_run(name: &str, profile: &str, e: &ExchangeError) -> u8 {
    fail(
        EXIT_CANNOT_RUN,
        format!("{name}: {e}\n  Fix: {}", e.fix_for(profile)),
    )
}

fn test(args: &ExchangeTestArgs) -> u8 {
    let s = match setup("exchange test", &args.profile) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let target = Target::of(&s.profile, &s.preset, None);
    if let Err(code) = require_testable("exchange test", &target) {
        return code;
    }
    let result = s
        .runtime
        .block_on(exchange::test_scoping(&s.conn.transport, &target));
    let mut report = match result {
        Ok(r) => r,
        Err(e) => return cannot_run("exchange test", &s.profile.name, &e),
    };
    // RBAC for Applications adds to Entra's grants: consent left in Entra undoes the scoping.
    let consent_left = if target.mechanism() == ScopeMechanism::Rbac {
        consent_left(&s, &target)
    } else {
        Vec::new()
    };
    if !consent_left.is_empty() {
        report.notes.insert(0, format!(
            "The app still holds tenant-wide Entra consent for {}: Microsoft Graph reaches every mailbox whatever Exchange says, until `mailscope exchange apply --profile {} --remove-consent` removes it.",
            consent_left.join(", "),
            s.profile.name
        ));
    }
    let mut out = std::io::stdout();
    if args.json {
        let doc = serde_json::json!({
            "tenant_id": s.conn.tenant_id,
            "admin": s.conn.account.upn,
            "endpoint_note": UNDOCUMENTED,
            "entra_consent_left": consent_left,
            "test": report,
        });
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        let _ = writeln!(out, "{}", safe_json(&text));
    } else {
        print_test(&report, &s.conn, &mut out);
    }
    if report.all_pass() && consent_left.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

/// The scoped permissions Entra still grants the app tenant-wide, read with the Entra sign-in
/// when there is one (none read: empty).
fn consent_left(s: &Setup, target: &Target) -> Vec<String> {
    let Some(app) = &target.app_id else {
        return Vec::new();
    };
    s.runtime.block_on(async {
        let Some(e) =
            EntraConsent::connect(&s.profile, &s.preset, &s.endpoints, &s.http, &s.secrets).await
        else {
            return Vec::new();
        };
        let mut left: Vec<String> = e
            .scoped_grants(app, &target.names.roles)
            .await
            .map(|g| g.into_iter().map(|g| g.permission).collect())
            .unwrap_or_default();
        left.sort();
        left.dedup();
        left
    })
}

/// Stops (exit 2) when scoping does not apply or the profile lacks the app's IDs.
pub fn require_testable(name: &str, target: &Target) -> Result<(), u8> {
    if !target.names.applies {
        return Err(fail(
            EXIT_USAGE,
            format!(
                "{name}: this product's app uses no mailbox scoping, so Exchange has nothing to test"
            ),
        ));
    }
    if target.app_id.is_none() {
        return Err(fail(
            EXIT_USAGE,
            format!(
                "{name}: the profile has no client ID yet; register the app first (`mailscope entra apply`) or enter it"
            ),
        ));
    }
    Ok(())
}

fn mechanism_words(m: ScopeMechanism) -> &'static str {
    match m {
        ScopeMechanism::ApplicationAccessPolicy => "application access policy",
        ScopeMechanism::Rbac => "RBAC for Applications",
    }
}

/// The tenant and admin line every exchange command starts with.
pub fn header(conn: &Connection, out: &mut dyn Write) {
    let _ = writeln!(
        out,
        "Tenant: {}\nSigned in to Exchange as: {}",
        safe(&conn.tenant_id),
        safe(&conn.account.upn)
    );
}

/// The test as a table.
pub fn print_test(r: &ScopingTest, conn: &Connection, out: &mut dyn Write) {
    header(conn, out);
    let _ = writeln!(
        out,
        "Exchange's verdict for the app {} ({}):\n",
        safe(&r.app_id),
        mechanism_words(r.mechanism)
    );
    let width = r
        .mailboxes
        .iter()
        .map(|m| m.address.chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    let _ = writeln!(out, "  {:<width$}  EXPECTED   EXCHANGE  RESULT", "MAILBOX");
    for m in &r.mailboxes {
        let expected = match m.expect {
            mailscope::profile::Expectation::Granted => "reach",
            mailscope::profile::Expectation::Denied => "not reach",
        };
        let access = serde_json::to_value(m.access)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        let result = match m.outcome {
            Outcome::Pass => "pass",
            Outcome::Fail => "FAIL",
            Outcome::Unknown => "unknown",
        };
        let _ = writeln!(
            out,
            "  {:<width$}  {expected:<9}  {access:<8}  {result}",
            safe(&m.address)
        );
        if let Some(d) = &m.detail {
            let _ = writeln!(out, "      {}", safe(d));
        }
    }
    if r.mailboxes.is_empty() {
        let _ = writeln!(out, "  (the profile lists no mailboxes)");
    }
    let _ = writeln!(out);
    for n in &r.notes {
        let _ = writeln!(out, "Note: {}", safe(n));
    }
    let _ = writeln!(out, "Note: {UNDOCUMENTED}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailscope::exchange::{Access, MailboxVerdict, Transport};
    use mailscope::profile::Expectation;
    use mailscope::secrets::Secret;
    use mailscope::signin::Account;

    #[test]
    fn the_test_table_shows_expectation_verdict_and_result_per_mailbox() {
        let conn = Connection {
            transport: Transport::new(
                reqwest::Client::new(),
                "https://outlook.office365.com",
                "t-id",
                Secret::new("x"),
                "a@contoso.com",
            ),
            account: Account {
                upn: "a@contoso.com".into(),
                ..Account::default()
            },
            tenant_id: "t-id".into(),
        };
        let row = |address: &str, expect, access, outcome, detail: Option<&str>| MailboxVerdict {
            address: address.into(),
            expect,
            access,
            answer: None,
            roles: vec![],
            outcome,
            detail: detail.map(String::from),
        };
        let r = ScopingTest {
            mechanism: ScopeMechanism::ApplicationAccessPolicy,
            app_id: "app-1".into(),
            mailboxes: vec![
                row(
                    "sales@contoso.com",
                    Expectation::Granted,
                    Access::Granted,
                    Outcome::Pass,
                    None,
                ),
                row(
                    "ceo@contoso.com",
                    Expectation::Denied,
                    Access::Granted,
                    Outcome::Fail,
                    None,
                ),
                row(
                    "x@contoso.com",
                    Expectation::Granted,
                    Access::Unknown,
                    Outcome::Unknown,
                    Some("Exchange answered 'Accordé'"),
                ),
            ],
            notes: vec!["n".into()],
        };
        let mut out = Vec::new();
        print_test(&r, &conn, &mut out);
        let text = String::from_utf8(out).unwrap_or_default();
        assert!(
            text.contains("Signed in to Exchange as: a@contoso.com"),
            "{text}"
        );
        assert!(text.contains("app-1 (application access policy)"), "{text}");
        assert!(
            text.contains("  sales@contoso.com  reach      granted   pass"),
            "{text}"
        );
        assert!(
            text.contains("  ceo@contoso.com    not reach  granted   FAIL"),
            "{text}"
        );
        assert!(text.contains("      Exchange answered 'Accordé'"), "{text}");
        assert!(text.contains("Note: n\n"), "{text}");
        assert!(text.contains("Microsoft does not document"), "{text}");
        assert!(!text.contains("\"x\""), "no token: {text}");
    }
}
