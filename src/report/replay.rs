//! Support mode: turn a customer's report into a simulated-tenant scenario that reproduces its
//! outcomes, so support can see and explain a failure without access to the customer's tenant.

use std::fmt::Write;

use super::model::{Report, ReportCell};
use crate::profile::validate::parse_guid;

/// The secret the replayed app accepts (the customer's is never in a report).
pub const REPLAY_SECRET: &str = "replay~secret~value~0123456789abcdef";
const REPLAY_SECRET_ID: &str = "5e1c0a77-9999-4999-8999-999999999999";
const FALLBACK_TENANT: &str = "8f2b6c1e-0000-4000-8000-00000000feed";
const FALLBACK_CLIENT: &str = "b1c2d3e4-0000-4000-8000-00000000feed";
const REPLAY_DOMAIN: &str = "replay.onmicrosoft.com";
const ALLOWED_GROUP: &str = "replay-allowed@replay.onmicrosoft.com";
const LATE_GROUP: &str = "replay-propagating@replay.onmicrosoft.com";

/// A scenario and what it could not reproduce.
#[derive(Debug, Clone)]
pub struct Replay {
    /// Scenario TOML for the simulated tenant.
    pub scenario: String,
    /// The tenant (GUID or domain) the replayed profile must use.
    pub tenant: String,
    pub client_id: String,
    /// Whether the replayed profile must present a wrong secret (the customer's was refused).
    pub use_wrong_secret: bool,
    /// Whether scoping must count as just changed (the customer had pending cells).
    pub scoping_just_changed: bool,
    /// Outcomes the scenario does not reproduce, in words.
    pub not_reproduced: Vec<String>,
}

/// How one mailbox behaved, read from its cells (the most telling cell wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MailboxOutcome {
    Missing,
    NotRestEnabled,
    Allowed,
    Propagating,
    PolicyDenied,
    /// Refused for lack of permission: decided by the app's roles or RBAC scope.
    NoPermission,
    Unknown,
}

fn outcome(cells: &[&ReportCell]) -> MailboxOutcome {
    fn cause<'a>(c: &&'a ReportCell) -> Option<&'a str> {
        c.diagnosis.as_ref().map(|d| d.cause.as_str())
    }
    if cells.iter().any(|c| cause(c) == Some("mailbox-not-found")) {
        MailboxOutcome::Missing
    } else if cells
        .iter()
        .any(|c| cause(c) == Some("mailbox-not-rest-enabled"))
    {
        MailboxOutcome::NotRestEnabled
    } else if cells
        .iter()
        .any(|c| c.verdict == "pending" && cause(c) == Some("policy-denied"))
    {
        MailboxOutcome::Propagating
    } else if cells
        .iter()
        .any(|c| c.status.is_some_and(|s| (200..300).contains(&s)))
    {
        MailboxOutcome::Allowed
    } else if cells.iter().any(|c| cause(c) == Some("policy-denied")) {
        MailboxOutcome::PolicyDenied
    } else if cells.iter().any(|c| cause(c) == Some("permission-missing")) {
        MailboxOutcome::NoPermission
    } else {
        MailboxOutcome::Unknown
    }
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Builds the scenario for a report.
pub fn scenario_for(report: &Report) -> Replay {
    let p = &report.profile;
    let mut not_reproduced = Vec::new();
    let (tenant_id, tenant, mut domains) = match p.tenant.as_deref() {
        Some(t) => match parse_guid(t) {
            Some(g) => (g.clone(), g, vec![REPLAY_DOMAIN.to_string()]),
            None => (
                FALLBACK_TENANT.to_string(),
                t.to_string(),
                vec![t.to_string(), REPLAY_DOMAIN.to_string()],
            ),
        },
        None => (
            FALLBACK_TENANT.to_string(),
            FALLBACK_TENANT.to_string(),
            vec![REPLAY_DOMAIN.to_string()],
        ),
    };
    let client_id = p
        .client_id
        .clone()
        .unwrap_or_else(|| FALLBACK_CLIENT.to_string());
    let token_cause = report
        .token
        .as_ref()
        .and_then(|t| t.error.as_ref())
        .map(|d| d.cause.clone());
    let mut roles: Vec<String> = report
        .token
        .as_ref()
        .map(|t| t.roles.clone())
        .unwrap_or_default();
    if report.token.as_ref().is_none_or(|t| !t.acquired) && token_cause.is_none() {
        roles = report
            .permissions
            .iter()
            .filter(|x| x.kind == "application")
            .map(|x| x.name.clone())
            .collect();
    }
    let mut app_present = true;
    let mut use_wrong_secret = false;
    let mut disabled = false;
    let mut secret_expires = "2099-12-31".to_string();
    match token_cause.as_deref() {
        None => {}
        Some("secret-invalid") => use_wrong_secret = true,
        Some("secret-expired") => secret_expires = "2020-01-01".to_string(),
        Some("app-not-found") => app_present = false,
        Some("app-disabled") => disabled = true,
        Some("tenant-not-found") => domains.retain(|d| d != &tenant),
        Some(other) => not_reproduced.push(format!(
            "token refusal '{other}' (the replay issues tokens)"
        )),
    }

    let cells_of = |addr: &str| -> Vec<&ReportCell> {
        report
            .check
            .iter()
            .flat_map(|c| c.cells.iter())
            .filter(|c| c.mailbox.eq_ignore_ascii_case(addr))
            .collect()
    };
    let mut mailboxes = String::new();
    let (mut allowed, mut late) = (Vec::new(), Vec::new());
    let mut scoping_just_changed = false;
    for m in &p.mailboxes {
        let cells = cells_of(&m.address);
        let result = outcome(&cells);
        let kind = match result {
            MailboxOutcome::NotRestEnabled => "on-premises",
            _ if m.kind == "shared" => "shared",
            _ => "user",
        };
        match result {
            MailboxOutcome::Missing => continue,
            MailboxOutcome::Allowed | MailboxOutcome::NotRestEnabled => {
                allowed.push(m.address.clone())
            }
            MailboxOutcome::Propagating => {
                late.push(m.address.clone());
                scoping_just_changed = true;
            }
            MailboxOutcome::Unknown if m.expect == "granted" => allowed.push(m.address.clone()),
            MailboxOutcome::Unknown
            | MailboxOutcome::PolicyDenied
            | MailboxOutcome::NoPermission => {}
        }
        if cells
            .iter()
            .any(|c| c.diagnosis.as_ref().is_some_and(|d| d.cause == "throttled"))
        {
            not_reproduced.push(format!("throttling of {}", m.address));
        }
        let _ = writeln!(
            mailboxes,
            "\n[[mailbox]]\naddress = {}\nkind = \"{kind}\"",
            quoted(&m.address)
        );
    }

    let rbac = report.scoping.mechanism.as_deref() == Some("rbac");
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# Replay of the mailscope report for profile {}",
        quoted(&p.name)
    );
    let _ = writeln!(
        s,
        "# generated {}; it reproduces the report's outcomes, not the customer's tenant.",
        report.generated_at
    );
    let _ = writeln!(s, "tenant_id = {}", quoted(&tenant_id));
    let _ = writeln!(
        s,
        "domains = [{}]",
        domains
            .iter()
            .map(|d| quoted(d))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(s, "latency_ms = 20\njitter_ms = 10");
    if app_present {
        let entra_roles: Vec<&String> = if rbac {
            roles.iter().filter(|r| !r.starts_with("Mail")).collect()
        } else {
            roles.iter().collect()
        };
        let _ = writeln!(
            s,
            "\n[[app]]\nclient_id = {}\nname = {}\nroles = [{}]\ndisabled = {disabled}\nsecrets = [{{ id = {}, value = {}, expires = {} }}]",
            quoted(&client_id),
            quoted(p.app_name.as_deref().unwrap_or(&p.product)),
            entra_roles
                .iter()
                .map(|r| quoted(r))
                .collect::<Vec<_>>()
                .join(", "),
            quoted(
                p.credential
                    .secret_id
                    .as_deref()
                    .unwrap_or(REPLAY_SECRET_ID)
            ),
            quoted(REPLAY_SECRET),
            quoted(&secret_expires),
        );
    }
    s.push_str(&mailboxes);
    let _ = writeln!(
        s,
        "\n[[group]]\naddress = {}\nmembers = [{}]\n\n[[group]]\naddress = {}\nmembers = [{}]",
        quoted(ALLOWED_GROUP),
        allowed
            .iter()
            .map(|a| quoted(a))
            .collect::<Vec<_>>()
            .join(", "),
        quoted(LATE_GROUP),
        late.iter()
            .map(|a| quoted(a))
            .collect::<Vec<_>>()
            .join(", "),
    );
    if app_present && report.scoping.applies {
        if rbac {
            for r in roles.iter().filter(|r| r.starts_with("Mail")) {
                for (group, delay) in [(ALLOWED_GROUP, 0), (LATE_GROUP, 7200)] {
                    let _ = writeln!(
                        s,
                        "\n[[rbac_assignment]]\napp = {}\nrole = {}\ngroup = {}\neffective_after_s = {delay}",
                        quoted(&client_id),
                        quoted(&format!("Application {r}")),
                        quoted(group)
                    );
                }
            }
        } else {
            for (group, delay) in [(ALLOWED_GROUP, 0), (LATE_GROUP, 7200)] {
                let _ = writeln!(
                    s,
                    "\n[[access_policy]]\napp = {}\ngroup = {}\naccess = \"RestrictAccess\"\neffective_after_s = {delay}",
                    quoted(&client_id),
                    quoted(group)
                );
            }
        }
    }
    Replay {
        scenario: s,
        tenant,
        client_id,
        use_wrong_secret,
        scoping_just_changed,
        not_reproduced,
    }
}

impl Replay {
    /// The profile that replays the report against a running simulated tenant.
    pub fn profile(
        &self,
        report: &Report,
        endpoints: crate::profile::Endpoints,
    ) -> Result<crate::profile::Profile, String> {
        use crate::profile::*;
        let p = &report.profile;
        let preset =
            PresetId::parse(&p.preset).ok_or_else(|| format!("unknown preset '{}'", p.preset))?;
        let mut profile = Profile::new(&format!("replay-{}", p.name), preset, Cloud::Custom);
        profile.tenant = Some(self.tenant.clone());
        profile.client_id = Some(self.client_id.clone());
        profile.app_name = p.app_name.clone();
        let mut cred = CredentialInfo::new(CredentialKind::Secret);
        cred.secret_id = p.credential.secret_id.clone();
        profile.credential = Some(cred);
        profile.endpoints = Some(endpoints);
        profile.scope = report
            .scoping
            .mechanism
            .as_deref()
            .and_then(ScopeMechanism::parse)
            .map(|mechanism| Scope {
                mechanism,
                group_name: report.scoping.group_name.clone(),
                group_address: report.scoping.group_address.clone(),
                description: None,
                changed_at: self
                    .scoping_just_changed
                    .then(time::OffsetDateTime::now_utc),
            });
        for m in &p.mailboxes {
            profile.mailboxes.push(Mailbox {
                address: m.address.clone(),
                kind: if m.kind == "shared" {
                    MailboxKind::Shared
                } else {
                    MailboxKind::User
                },
                expect: if m.expect == "denied" {
                    Expectation::Denied
                } else {
                    Expectation::Granted
                },
            });
        }
        Ok(profile)
    }

    /// The secret the replayed profile presents.
    pub fn secret(&self) -> &'static str {
        if self.use_wrong_secret {
            "replay~wrong~secret~value~0123456789"
        } else {
            REPLAY_SECRET
        }
    }
}
