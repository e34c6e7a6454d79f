//! What `offboard` removes in Exchange: from the change record's `exchange` lines, only what
//! mailscope created (not what already existed), minus what mailscope removed since, in the
//! safe order (role assignments, management scopes, service principal pointers, access
//! policies, members mailscope added, groups mailscope created). Shared mailboxes mailscope
//! created are never removed here (deleting a mailbox deletes its mail): they are listed for
//! the admin. Whether the tenant still holds each object is read with its Get- cmdlet.

use serde_json::json;

use super::error::ExchangeError;
use super::read::read_members;
use super::transport::{Transport, params};
use crate::changes::{Area, ChangeRecord, Phase};

/// One Exchange removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExoRemoval {
    /// `Remove-ManagementRoleAssignment`.
    RoleAssignment { identity: String },
    /// `Remove-ManagementScope`.
    Scope { identity: String },
    /// `Remove-ServicePrincipal` (Exchange's pointer, not the Entra service principal).
    ServicePrincipal { identity: String },
    /// `Remove-ApplicationAccessPolicy`.
    AccessPolicy { identity: String },
    /// `Remove-DistributionGroupMember` of a member mailscope added.
    Member { group: String, member: String },
    /// `Remove-DistributionGroup` of a group mailscope created.
    Group { identity: String },
}

impl ExoRemoval {
    /// The cmdlet that removes it.
    pub fn cmdlet(&self) -> &'static str {
        match self {
            ExoRemoval::RoleAssignment { .. } => "Remove-ManagementRoleAssignment",
            ExoRemoval::Scope { .. } => "Remove-ManagementScope",
            ExoRemoval::ServicePrincipal { .. } => "Remove-ServicePrincipal",
            ExoRemoval::AccessPolicy { .. } => "Remove-ApplicationAccessPolicy",
            ExoRemoval::Member { .. } => "Remove-DistributionGroupMember",
            ExoRemoval::Group { .. } => "Remove-DistributionGroup",
        }
    }

    /// The change record's tag.
    pub fn tag(&self) -> &'static str {
        match self {
            ExoRemoval::RoleAssignment { .. } => "remove-role-assignment",
            ExoRemoval::Scope { .. } => "remove-management-scope",
            ExoRemoval::ServicePrincipal { .. } => "remove-service-principal-pointer",
            ExoRemoval::AccessPolicy { .. } => "remove-access-policy",
            ExoRemoval::Member { .. } => "remove-member",
            ExoRemoval::Group { .. } => "remove-group",
        }
    }

    /// The object facts for the record (and to match a later offboard's plan against).
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        match self {
            ExoRemoval::Member { group, member } => {
                vec![("group", group.clone()), ("address", member.clone())]
            }
            ExoRemoval::RoleAssignment { identity }
            | ExoRemoval::Scope { identity }
            | ExoRemoval::ServicePrincipal { identity }
            | ExoRemoval::AccessPolicy { identity }
            | ExoRemoval::Group { identity } => vec![("identity", identity.clone())],
        }
    }

    /// The removal in words.
    pub fn describe(&self) -> String {
        let what = match self {
            ExoRemoval::RoleAssignment { identity } => format!("the role assignment {identity}"),
            ExoRemoval::Scope { identity } => format!("the management scope {identity}"),
            ExoRemoval::ServicePrincipal { identity } => {
                format!("Exchange's service principal pointer {identity}")
            }
            ExoRemoval::AccessPolicy { identity } => {
                format!("the application access policy {identity}")
            }
            ExoRemoval::Member { group, member } => format!("{member} from the group {group}"),
            ExoRemoval::Group { identity } => format!("the group {identity}"),
        };
        format!("Exchange: remove {what} ({})", self.cmdlet())
    }

    fn key(&self) -> String {
        let facts: Vec<String> = self.facts().into_iter().map(|(_, v)| v).collect();
        format!("{}|{}", self.tag(), facts.join("|")).to_ascii_lowercase()
    }
}

/// What the record says about Exchange.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExoPlan {
    /// In the safe order.
    pub removals: Vec<ExoRemoval>,
    /// Left to the admin, in words (shared mailboxes mailscope created, objects the record
    /// cannot name).
    pub by_hand: Vec<String>,
}

fn get(r: &ChangeRecord, key: &str) -> Option<String> {
    r.objects.get(key).filter(|v| !v.is_empty()).cloned()
}

/// The plan from the change record alone.
pub fn from_records(records: &[ChangeRecord]) -> ExoPlan {
    let done: Vec<&ChangeRecord> = records
        .iter()
        .filter(|r| r.area == Area::Exchange && r.phase == Phase::Done)
        .collect();
    let mut out = ExoPlan::default();
    let mut found: Vec<(usize, ExoRemoval)> = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    for r in &done {
        if get(r, "already_existed").is_some() {
            continue;
        }
        let made = match r.action.as_str() {
            "create-shared-mailbox" => {
                out.by_hand.push(format!(
                    "the shared mailbox {} that mailscope created (remove it by hand if its mail is not needed: deleting a mailbox deletes its mail)",
                    get(r, "address").or_else(|| get(r, "identity")).unwrap_or_default()
                ));
                None
            }
            "new-role-assignment" => get(r, "name")
                .or_else(|| get(r, "identity"))
                .map(|identity| (0, ExoRemoval::RoleAssignment { identity })),
            "new-management-scope" => get(r, "name")
                .or_else(|| get(r, "identity"))
                .map(|identity| (1, ExoRemoval::Scope { identity })),
            "new-service-principal" => get(r, "object_id")
                .or_else(|| get(r, "identity"))
                .map(|identity| (2, ExoRemoval::ServicePrincipal { identity })),
            "new-access-policy" => {
                get(r, "identity").map(|identity| (3, ExoRemoval::AccessPolicy { identity }))
            }
            "add-member" => match (get(r, "group"), get(r, "address")) {
                (Some(group), Some(member)) => Some((4, ExoRemoval::Member { group, member })),
                _ => None,
            },
            "create-group" => get(r, "primary_smtp_address")
                .or_else(|| get(r, "address"))
                .or_else(|| get(r, "identity"))
                .map(|identity| (5, ExoRemoval::Group { identity })),
            tag if tag.starts_with("remove-") => {
                removed.push(format!(
                    "{}|{}",
                    tag,
                    match (get(r, "group"), get(r, "address")) {
                        (Some(g), Some(a)) => format!("{g}|{a}"),
                        _ => get(r, "identity").unwrap_or_default(),
                    }
                ));
                continue;
            }
            _ => continue,
        };
        match made {
            Some(m) => found.push(m),
            None if r.action != "create-shared-mailbox" => out.by_hand.push(format!(
                "{} (the record does not name the object)",
                r.summary
            )),
            None => {}
        }
    }
    let removed: Vec<String> = removed.iter().map(|k| k.to_ascii_lowercase()).collect();
    found.sort_by_key(|(rank, _)| *rank);
    for (_, r) in found {
        let key = r.key();
        if !removed.contains(&key) && !out.removals.iter().any(|x| x.key() == key) {
            out.removals.push(r);
        }
    }
    out
}

/// Whether Exchange still holds what `r` would remove.
pub async fn still_held(t: &Transport, r: &ExoRemoval) -> Result<bool, ExchangeError> {
    let by_identity = |cmdlet: &'static str, identity: &str| {
        let p = params([("Identity", json!(identity))]);
        async move { t.find(cmdlet, &p).await.map(|f| f.is_some()) }
    };
    match r {
        ExoRemoval::RoleAssignment { identity } => {
            by_identity("Get-ManagementRoleAssignment", identity).await
        }
        ExoRemoval::Scope { identity } => by_identity("Get-ManagementScope", identity).await,
        ExoRemoval::ServicePrincipal { identity } => {
            by_identity("Get-ServicePrincipal", identity).await
        }
        ExoRemoval::AccessPolicy { identity } => {
            by_identity("Get-ApplicationAccessPolicy", identity).await
        }
        ExoRemoval::Group { identity } => by_identity("Get-DistributionGroup", identity).await,
        ExoRemoval::Member { group, member } => match read_members(t, group).await {
            Ok(members) => Ok(members.iter().any(|m| m.eq_ignore_ascii_case(member))),
            Err(ExchangeError::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        },
    }
}

/// Runs the removal; "not found" counts as removed (someone was faster).
pub async fn remove(t: &Transport, r: &ExoRemoval) -> Result<(), ExchangeError> {
    let mut p = match r {
        ExoRemoval::Member { group, member } => params([
            ("Identity", json!(group)),
            ("Member", json!(member)),
            ("BypassSecurityGroupManagerCheck", json!(true)),
        ]),
        ExoRemoval::Group { identity } => params([
            ("Identity", json!(identity)),
            ("BypassSecurityGroupManagerCheck", json!(true)),
        ]),
        ExoRemoval::RoleAssignment { identity }
        | ExoRemoval::Scope { identity }
        | ExoRemoval::ServicePrincipal { identity }
        | ExoRemoval::AccessPolicy { identity } => params([("Identity", json!(identity))]),
    };
    p.insert("Confirm".into(), json!(false));
    match t.invoke(r.cmdlet(), &p).await {
        Ok(_) | Err(ExchangeError::NotFound { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
#[path = "offboard_tests.rs"]
mod tests;
