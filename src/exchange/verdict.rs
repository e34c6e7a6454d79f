//! `exchange test`: Exchange's own verdict per mailbox, compared with the profile's
//! must-reach / must-not-reach. Application access policy: `Test-ApplicationAccessPolicy`
//! (`AccessCheckResult`, localized: Granted/Denied matched case-insensitively; any other word
//! is compared with the answer for a random app ID that no policy names, which Exchange grants,
//! as the generated script does). RBAC for Applications: `Test-ServicePrincipalAuthorization
//! -Resource` (`InScope` per role, a boolean or "True"/"False"). Both see a change at once;
//! Microsoft Graph follows after the documented delay.

use serde::Serialize;
use serde_json::{Value, json};

use super::error::ExchangeError;
use super::target::Target;
use super::transport::{Transport, params, text};
use crate::profile::{Expectation, ScopeMechanism};

/// What Exchange says about one mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    Granted,
    Denied,
    /// Some of the roles are in scope, not all (RBAC).
    Partial,
    /// Exchange's answer could not be read.
    Unknown,
}

/// Whether Exchange's verdict matches the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Pass,
    Fail,
    Unknown,
}

/// One role's `InScope` (RBAC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleInScope {
    pub role: String,
    pub in_scope: bool,
}

/// One mailbox's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailboxVerdict {
    pub address: String,
    pub expect: Expectation,
    pub access: Access,
    /// Exchange's word, as it came (`AccessCheckResult`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<RoleInScope>,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The whole test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopingTest {
    pub mechanism: ScopeMechanism,
    pub app_id: String,
    pub mailboxes: Vec<MailboxVerdict>,
    pub notes: Vec<String>,
}

impl ScopingTest {
    /// Whether every mailbox is as the profile expects.
    pub fn all_pass(&self) -> bool {
        self.mailboxes.iter().all(|m| m.outcome == Outcome::Pass)
    }
}

/// The outcome of `access` for a mailbox expected `expect`.
pub fn outcome(expect: Expectation, access: Access) -> Outcome {
    match (expect, access) {
        (_, Access::Unknown) => Outcome::Unknown,
        (Expectation::Granted, Access::Granted) | (Expectation::Denied, Access::Denied) => {
            Outcome::Pass
        }
        _ => Outcome::Fail,
    }
}

/// Reads `AccessCheckResult`: Granted/Denied in any case, else `None` (localized).
pub fn read_access_word(word: &str) -> Option<Access> {
    let w = word.trim();
    if w.eq_ignore_ascii_case("Granted") {
        Some(Access::Granted)
    } else if w.eq_ignore_ascii_case("Denied") {
        Some(Access::Denied)
    } else {
        None
    }
}

/// Reads `InScope`: a boolean, or "True"/"False" in any case; "Not Run" and the rest: `None`.
pub fn read_in_scope(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// Exchange's verdict for every mailbox of `target`, by its mechanism.
pub async fn test_scoping(t: &Transport, target: &Target) -> Result<ScopingTest, ExchangeError> {
    let app_id = target.app_id.clone().unwrap_or_default();
    let mut notes = Vec::new();
    let mut mailboxes = Vec::new();
    let mut reference: Option<Option<String>> = None;
    for (address, reach) in target.mailboxes() {
        let expect = if reach {
            Expectation::Granted
        } else {
            Expectation::Denied
        };
        let v = match target.mechanism() {
            ScopeMechanism::ApplicationAccessPolicy => {
                policy_verdict(t, address, &app_id, &mut reference).await?
            }
            ScopeMechanism::Rbac => rbac_verdict(t, target, address).await?,
        };
        mailboxes.push(MailboxVerdict {
            address: address.to_string(),
            expect,
            outcome: outcome(expect, v.access),
            access: v.access,
            answer: v.answer,
            roles: v.roles,
            detail: v.detail,
        });
    }
    if target.mechanism() == ScopeMechanism::Rbac {
        notes.push("Test-ServicePrincipalAuthorization leaves out permissions granted tenant-wide in Entra: while the app holds the same Mail permissions with admin consent in Entra, Graph still reaches every mailbox.".into());
    }
    notes.push(match target.mechanism() {
        ScopeMechanism::ApplicationAccessPolicy => "Exchange sees a change at once; Microsoft Graph can take an hour or more to follow (run `mailscope check` to see it).",
        ScopeMechanism::Rbac => "Exchange sees a change at once; Microsoft Graph follows within 30 minutes to 2 hours (run `mailscope check` to see it).",
    }.into());
    Ok(ScopingTest {
        mechanism: target.mechanism(),
        app_id,
        mailboxes,
        notes,
    })
}

struct Found {
    access: Access,
    answer: Option<String>,
    roles: Vec<RoleInScope>,
    detail: Option<String>,
}

fn not_found(e: &ExchangeError) -> Found {
    Found {
        access: Access::Unknown,
        answer: None,
        roles: Vec::new(),
        detail: Some(format!("Exchange could not test this mailbox: {e}")),
    }
}

async fn policy_verdict(
    t: &Transport,
    address: &str,
    app_id: &str,
    reference: &mut Option<Option<String>>,
) -> Result<Found, ExchangeError> {
    let p = params([("Identity", json!(address)), ("AppId", json!(app_id))]);
    let item = match t.invoke("Test-ApplicationAccessPolicy", &p).await {
        Ok(items) => items.into_iter().next().unwrap_or(Value::Null),
        Err(e @ ExchangeError::NotFound { .. }) => return Ok(not_found(&e)),
        Err(e) => return Err(e),
    };
    let word = text(&item, "AccessCheckResult");
    let mut detail = None;
    let access = match read_access_word(&word) {
        Some(a) => a,
        None if word.is_empty() => {
            detail = Some("Exchange returned no AccessCheckResult.".into());
            Access::Unknown
        }
        None => {
            if reference.is_none() {
                let random = uuid::Uuid::new_v4().to_string();
                let p = params([("Identity", json!(address)), ("AppId", json!(random))]);
                let got = t.invoke("Test-ApplicationAccessPolicy", &p).await.ok();
                *reference = Some(
                    got.and_then(|i| i.into_iter().next())
                        .map(|i| text(&i, "AccessCheckResult"))
                        .filter(|w| !w.is_empty()),
                );
            }
            match reference.as_ref().and_then(Option::as_deref) {
                Some(granted) if granted.trim().eq_ignore_ascii_case(word.trim()) => {
                    Access::Granted
                }
                Some(_) => Access::Denied,
                None => {
                    detail = Some(format!(
                        "Exchange answered '{word}', which mailscope cannot read; check it with Test-ApplicationAccessPolicy."
                    ));
                    Access::Unknown
                }
            }
        }
    };
    Ok(Found {
        access,
        answer: Some(word).filter(|w| !w.is_empty()),
        roles: Vec::new(),
        detail,
    })
}

async fn rbac_verdict(
    t: &Transport,
    target: &Target,
    address: &str,
) -> Result<Found, ExchangeError> {
    let identity = target
        .sp_object_id
        .clone()
        .or_else(|| target.app_id.clone())
        .unwrap_or_default();
    let p = params([("Identity", json!(identity)), ("Resource", json!(address))]);
    let rows = match t.invoke("Test-ServicePrincipalAuthorization", &p).await {
        Ok(rows) => rows,
        Err(ExchangeError::NotFound { message, .. }) => {
            return Ok(Found {
                access: Access::Denied,
                answer: None,
                roles: Vec::new(),
                detail: Some(format!(
                    "Exchange has no service principal or assignment for the app yet ({message})."
                )),
            });
        }
        Err(e) => return Err(e),
    };
    let roles: Vec<RoleInScope> = target
        .names
        .roles
        .iter()
        .map(|role| RoleInScope {
            role: role.clone(),
            in_scope: rows.iter().any(|r| {
                text(r, "RoleName").eq_ignore_ascii_case(role)
                    && read_in_scope(r.get("InScope")) == Some(true)
            }),
        })
        .collect();
    let granted = roles.iter().filter(|r| r.in_scope).count();
    let access = match granted {
        0 => Access::Denied,
        n if n == roles.len() => Access::Granted,
        _ => Access::Partial,
    };
    let detail = (access == Access::Partial).then(|| {
        let missing: Vec<&str> = roles
            .iter()
            .filter(|r| !r.in_scope)
            .map(|r| r.role.as_str())
            .collect();
        format!("Not in scope for: {}.", missing.join(", "))
    });
    Ok(Found {
        access,
        answer: None,
        roles,
        detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_booleans_are_read_as_the_reference_says() {
        assert_eq!(read_access_word("granted"), Some(Access::Granted));
        assert_eq!(read_access_word(" DENIED "), Some(Access::Denied));
        assert_eq!(read_access_word("Accordé"), None);
        assert_eq!(read_in_scope(Some(&json!(true))), Some(true));
        assert_eq!(read_in_scope(Some(&json!("False"))), Some(false));
        assert_eq!(read_in_scope(Some(&json!("Not Run"))), None);
        assert_eq!(read_in_scope(None), None);
        assert_eq!(
            outcome(Expectation::Granted, Access::Granted),
            Outcome::Pass
        );
        assert_eq!(outcome(Expectation::Denied, Access::Granted), Outcome::Fail);
        assert_eq!(
            outcome(Expectation::Granted, Access::Partial),
            Outcome::Fail
        );
        assert_eq!(
            outcome(Expectation::Denied, Access::Unknown),
            Outcome::Unknown
        );
    }
}
