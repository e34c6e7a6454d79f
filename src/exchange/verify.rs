//! Whether a change whose answer was lost is in Exchange after all: a 5xx, a network failure or
//! an answer that is not the endpoint's leaves it open, so apply reads the object back before
//! it records the step, and the record says what the tenant holds.

use serde_json::json;

use super::error::ExchangeError;
use super::plan::Action;
use super::read::{read_group, read_members, read_service_principal};
use super::transport::{Transport, params, text, texts};

/// Whether `e` leaves open whether the change was made.
pub fn outcome_unknown(e: &ExchangeError) -> bool {
    match e {
        ExchangeError::Cmdlet { status, .. } => *status >= 500,
        ExchangeError::Network { .. } | ExchangeError::BadResponse { .. } => true,
        _ => false,
    }
}

/// Whether the change `action` makes is in Exchange now.
pub async fn is_done(t: &Transport, action: &Action) -> Result<bool, ExchangeError> {
    Ok(match action {
        Action::CreateSharedMailbox { address } => {
            let p = params([("Identity", json!(address))]);
            t.find("Get-Mailbox", &p).await?.is_some()
        }
        Action::CreateGroup { name, address, .. } => {
            read_group(t, address.as_deref().unwrap_or(name))
                .await?
                .is_some()
        }
        Action::AddMember { group, address } => read_members(t, group)
            .await?
            .iter()
            .any(|m| m.eq_ignore_ascii_case(address)),
        Action::NewAccessPolicy { app_id, group, .. } => {
            let g = read_group(t, group).await?;
            let names: Vec<String> = [Some(group.clone()), g.as_ref().map(|g| g.name.clone())]
                .into_iter()
                .flatten()
                .chain(g.map(|g| g.address))
                .collect();
            t.invoke("Get-ApplicationAccessPolicy", &params([]))
                .await?
                .iter()
                .any(|p| {
                    texts(p, "AppId")
                        .iter()
                        .any(|a| a.eq_ignore_ascii_case(app_id))
                        && names.iter().any(|n| {
                            text(p, "ScopeName").eq_ignore_ascii_case(n)
                                || text(p, "ScopeIdentity").eq_ignore_ascii_case(n)
                        })
                })
        }
        Action::NewServicePrincipal { object_id, .. } => {
            read_service_principal(t, object_id).await?.is_some()
        }
        Action::NewManagementScope { name, .. } => {
            let p = params([("Identity", json!(name))]);
            t.find("Get-ManagementScope", &p).await?.is_some()
        }
        Action::NewRoleAssignment { app, role, scope } => {
            let p = params([("Role", json!(role))]);
            t.invoke("Get-ManagementRoleAssignment", &p)
                .await?
                .iter()
                .any(|a| {
                    text(a, "CustomResourceScope").eq_ignore_ascii_case(scope)
                        && [text(a, "App"), text(a, "RoleAssigneeName")]
                            .iter()
                            .any(|n| n.eq_ignore_ascii_case(app))
                })
        }
        Action::RemoveAccessPolicy { identity } => {
            let p = params([("Identity", json!(identity))]);
            t.find("Get-ApplicationAccessPolicy", &p).await?.is_none()
        }
        Action::VerifyRbac | Action::RemoveEntraConsent { .. } | Action::SaveMechanism { .. } => {
            false
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lost_answers_are_open() {
        let c = |status| ExchangeError::Cmdlet {
            cmdlet: "New-X".into(),
            status,
            kind: String::new(),
            message: String::new(),
        };
        assert!(outcome_unknown(&c(500)));
        assert!(outcome_unknown(&c(503)));
        assert!(!outcome_unknown(&c(400)));
        assert!(!outcome_unknown(&ExchangeError::AccessDenied {
            cmdlet: "New-X".into(),
            message: String::new()
        }));
        assert!(outcome_unknown(&ExchangeError::Network {
            cmdlet: "New-X".into(),
            summary: String::new()
        }));
    }
}
