//! Support mode: turn a customer's report into a simulated-tenant scenario that reproduces its
//! outcomes, so support can see and explain a failure without access to the customer's tenant.

use super::model::{Report, ReportCell};
pub use super::replay_scenario::*;
use crate::profile::validate::parse_guid;

/// The secret the replayed app accepts (the customer's is never in a report).
pub const REPLAY_SECRET: &str = "replay~secret~value~0123456789abcdef";
const REPLAY_SECRET_ID: &str = "5e1c0a77-9999-4999-8999-999999999999";
const FALLBACK_TENANT: &str = "8f2b6c1e-0000-4000-8000-00000000feed";
const FALLBACK_CLIENT: &str = "b1c2d3e4-0000-4000-8000-00000000feed";
const REPLAY_DOMAIN: &str = "replay.onmicrosoft.com";
const ALLOWED_GROUP: &str = "replay-allowed@replay.onmicrosoft.com";
const LATE_GROUP: &str = "replay-propagating@replay.onmicrosoft.com";

/// Why a report cannot be replayed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// The report names a preset this mailscope does not know.
    #[error("unknown preset '{0}'")]
    UnknownPreset(String),
}

/// A scenario and what it could not reproduce.
#[derive(Debug, Clone)]
pub struct Replay {
    /// Scenario TOML for the simulated tenant, serialised from [`Replay::data`].
    pub scenario: String,
    /// The scenario as data.
    pub data: ScenarioFile,
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
    let mut mailboxes = Vec::new();
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
        mailboxes.push(ScenarioMailbox {
            address: m.address.clone(),
            kind: kind.to_string(),
        });
    }

    let rbac = report.scoping.mechanism.as_deref() == Some("rbac");
    let mut data = ScenarioFile {
        tenant_id,
        domains,
        latency_ms: 20,
        jitter_ms: 10,
        app: Vec::new(),
        mailbox: mailboxes,
        group: vec![
            ScenarioGroup {
                address: ALLOWED_GROUP.to_string(),
                members: allowed,
            },
            ScenarioGroup {
                address: LATE_GROUP.to_string(),
                members: late,
            },
        ],
        access_policy: Vec::new(),
        rbac_assignment: Vec::new(),
    };
    if app_present {
        data.app.push(ScenarioApp {
            client_id: client_id.clone(),
            name: p.app_name.clone().unwrap_or_else(|| p.product.clone()),
            roles: roles
                .iter()
                .filter(|r| !rbac || !r.starts_with("Mail"))
                .cloned()
                .collect(),
            disabled,
            secrets: vec![ScenarioSecret {
                id: p
                    .credential
                    .secret_id
                    .clone()
                    .unwrap_or_else(|| REPLAY_SECRET_ID.to_string()),
                value: REPLAY_SECRET.to_string(),
                expires: secret_expires,
            }],
        });
    }
    let scoped = [(ALLOWED_GROUP, 0.0), (LATE_GROUP, 7200.0)];
    if app_present && report.scoping.applies {
        if rbac {
            for r in roles.iter().filter(|r| r.starts_with("Mail")) {
                for (group, delay) in scoped {
                    data.rbac_assignment.push(ScenarioRbac {
                        app: client_id.clone(),
                        role: format!("Application {r}"),
                        group: group.to_string(),
                        effective_after_s: delay,
                    });
                }
            }
        } else {
            for (group, delay) in scoped {
                data.access_policy.push(ScenarioPolicy {
                    app: client_id.clone(),
                    group: group.to_string(),
                    access: "RestrictAccess".to_string(),
                    effective_after_s: delay,
                });
            }
        }
    }
    Replay {
        scenario: data.to_toml(),
        data,
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
    ) -> Result<crate::profile::Profile, ReplayError> {
        use crate::profile::*;
        let p = &report.profile;
        let preset = PresetId::parse(&p.preset)
            .ok_or_else(|| ReplayError::UnknownPreset(p.preset.clone()))?;
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

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a panic is the failure report
mod tests {
    use super::*;

    /// Quotes, brackets, newlines and TOML syntax: anything that could end a string or a line.
    const HOSTILE: &str = "\"]\n[x]\nlatency_ms = 99\n[[mailbox_range]]\ncount = 4000000000\n'''\"\"\"\\\u{0}\u{1b}[2J";
    /// Values that select behaviour; the rest of the report's strings are made hostile.
    const ENUMS: &[&str] = &[
        "schema",
        "preset",
        "cloud",
        "kind",
        "expect",
        "capability",
        "expected",
        "verdict",
        "cause",
        "mechanism",
    ];

    fn poison(v: &mut serde_json::Value, key: &str) {
        match v {
            serde_json::Value::String(s) if !ENUMS.contains(&key) => s.push_str(HOSTILE),
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| poison(x, key)),
            serde_json::Value::Object(o) => o.iter_mut().for_each(|(k, x)| poison(x, k)),
            _ => {}
        }
    }

    fn hostile_report(mechanism: &str) -> Report {
        let mut v: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/data/sample-report.json")).unwrap();
        poison(&mut v, "");
        v["scoping"]["mechanism"] = mechanism.into();
        crate::report::parse_json(&v.to_string()).unwrap()
    }

    #[test]
    fn a_report_of_an_unknown_preset_is_an_unknown_preset_error() {
        let mut doc = hostile_report("rbac");
        doc.profile.preset = "nonesuch".to_string();
        let endpoints = crate::profile::Endpoints {
            authority: "https://127.0.0.1:1".to_string(),
            graph: "https://127.0.0.1:1".to_string(),
            ca_file: None,
            exchange: None,
        };
        let e = scenario_for(&doc)
            .profile(&doc, endpoints)
            .expect_err("unknown preset");
        assert_eq!(e, ReplayError::UnknownPreset("nonesuch".to_string()));
        assert_eq!(e.to_string(), "unknown preset 'nonesuch'");
    }

    #[test]
    fn hostile_report_values_stay_values_in_the_scenario() {
        for mechanism in ["application-access-policy", "rbac"] {
            let doc = hostile_report(mechanism);
            assert!(doc.generated_at.ends_with(HOSTILE));
            let r = scenario_for(&doc);
            // The text parses to exactly the data it was written from.
            let back: ScenarioFile = toml::from_str(&r.scenario).unwrap();
            assert_eq!(back, r.data, "{}", r.scenario);
            let table: toml::Table = toml::from_str(&r.scenario).unwrap();
            let keys: Vec<&str> = table.keys().map(String::as_str).collect();
            let scoping = if mechanism == "rbac" {
                "rbac_assignment"
            } else {
                "access_policy"
            };
            let mut want = vec![
                "app",
                "domains",
                "group",
                "jitter_ms",
                "latency_ms",
                "mailbox",
                "tenant_id",
                scoping,
            ];
            want.sort();
            assert_eq!(keys, want, "{}", r.scenario);
            // And the data holds the report's values unchanged.
            let p = &doc.profile;
            assert_eq!(r.data.latency_ms, 20);
            assert_eq!(Some(&r.data.domains[0]), p.tenant.as_ref());
            assert_eq!(Some(&r.data.app[0].client_id), p.client_id.as_ref());
            assert_eq!(Some(&r.data.app[0].name), p.app_name.as_ref());
            assert_eq!(
                Some(&r.data.app[0].secrets[0].id),
                p.credential.secret_id.as_ref()
            );
            let addresses: Vec<&String> = r.data.mailbox.iter().map(|m| &m.address).collect();
            let reported: Vec<&String> = p.mailboxes.iter().map(|m| &m.address).collect();
            assert_eq!(addresses, reported);
            assert!(addresses.iter().all(|a| a.ends_with(HOSTILE)));
            let roles = &doc.token.as_ref().unwrap().roles;
            if mechanism == "rbac" {
                assert!(r.data.app[0].roles.is_empty());
                let assigned: Vec<String> = r
                    .data
                    .rbac_assignment
                    .iter()
                    .map(|a| a.role.clone())
                    .collect();
                assert!(
                    roles
                        .iter()
                        .all(|x| assigned.contains(&format!("Application {x}")))
                );
            } else {
                assert_eq!(&r.data.app[0].roles, roles);
            }
        }
    }
}
