//! Each Exchange action of a plan as the one cmdlet it runs, its parameters as JSON data, and
//! the non-secret facts of the answer for the change record. An object that already exists
//! counts as made; a change whose answer was lost is read back ([`super::verify`]).

use serde_json::{Value, json};

use super::error::ExchangeError;
use super::plan::Action;
use super::read::read_group;
use super::target::member_of_filter;
use super::transport::{Transport, params, text};
use super::verify::{is_done, outcome_unknown};

/// [`execute`]; when its answer was lost, the change is read back: found, the step is done
/// (the record says how it was known).
pub(crate) async fn execute_checked(
    t: &Transport,
    action: &Action,
) -> Result<Objects, ExchangeError> {
    match execute(t, action).await {
        Err(e) if outcome_unknown(&e) => match is_done(t, action).await {
            Ok(true) => Ok(vec![(
                "verified".to_string(),
                format!("read back after the answer was lost ({e})"),
            )]),
            _ => Err(e),
        },
        other => other,
    }
}

/// `(key, value)` facts for the record.
pub(crate) type Objects = Vec<(String, String)>;

fn facts(item: Option<&Value>, keys: &[&str]) -> Objects {
    let Some(item) = item else {
        return Vec::new();
    };
    keys.iter()
        .map(|k| (snake(k), text(item, k)))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// `PrimarySmtpAddress` → `primary_smtp_address`, as the record's other keys are written.
pub(crate) fn snake(key: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = key.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
        let prev_lower = i > 0 && chars[i - 1].is_ascii_lowercase();
        if c.is_ascii_uppercase() && i > 0 && (prev_lower || next_lower) {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Runs a cmdlet that creates something; "already exists" counts as made.
async fn create(
    t: &Transport,
    cmdlet: &str,
    p: serde_json::Map<String, Value>,
    keys: &[&str],
) -> Result<Objects, ExchangeError> {
    match t.invoke(cmdlet, &p).await {
        Ok(items) => Ok(facts(items.first(), keys)),
        Err(ExchangeError::AlreadyExists { .. }) => {
            Ok(vec![("already_existed".to_string(), "true".to_string())])
        }
        Err(e) => Err(e),
    }
}

async fn execute(t: &Transport, action: &Action) -> Result<Objects, ExchangeError> {
    match action {
        Action::CreateSharedMailbox { address } => {
            let name = address.split('@').next().unwrap_or(address);
            let p = params([
                ("Shared", json!(true)),
                ("Name", json!(name)),
                ("PrimarySmtpAddress", json!(address)),
            ]);
            create(
                t,
                "New-Mailbox",
                p,
                &["Identity", "ExternalDirectoryObjectId"],
            )
            .await
        }
        Action::CreateGroup {
            name,
            alias,
            address,
        } => {
            let mut p = params([
                ("Name", json!(name)),
                ("Alias", json!(alias)),
                ("Type", json!("Security")),
            ]);
            if let Some(a) = address {
                p.insert("PrimarySmtpAddress".into(), json!(a));
            }
            create(
                t,
                "New-DistributionGroup",
                p,
                &[
                    "Identity",
                    "PrimarySmtpAddress",
                    "ExternalDirectoryObjectId",
                ],
            )
            .await
        }
        Action::AddMember { group, address } => {
            let p = params([
                ("Identity", json!(group)),
                ("Member", json!(address)),
                ("BypassSecurityGroupManagerCheck", json!(true)),
            ]);
            create(t, "Add-DistributionGroupMember", p, &[]).await
        }
        Action::NewAccessPolicy {
            app_id,
            group,
            description,
        } => {
            let p = params([
                ("AppId", json!(app_id)),
                ("PolicyScopeGroupId", json!(group)),
                ("AccessRight", json!("RestrictAccess")),
                ("Description", json!(description)),
            ]);
            create(
                t,
                "New-ApplicationAccessPolicy",
                p,
                &["Identity", "ScopeIdentity"],
            )
            .await
        }
        Action::NewServicePrincipal {
            app_id,
            object_id,
            display_name,
        } => {
            let p = params([
                ("AppId", json!(app_id)),
                ("ObjectId", json!(object_id)),
                ("DisplayName", json!(display_name)),
            ]);
            create(t, "New-ServicePrincipal", p, &["Identity", "ObjectId"]).await
        }
        Action::NewManagementScope { name, group } => {
            let dn = read_group(t, group)
                .await?
                .map(|g| g.distinguished_name)
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| group.clone());
            let p = params([
                ("Name", json!(name)),
                ("RecipientRestrictionFilter", json!(member_of_filter(&dn))),
            ]);
            create(t, "New-ManagementScope", p, &["Identity", "Name"]).await
        }
        Action::NewRoleAssignment { app, role, scope } => {
            let p = params([
                ("App", json!(app)),
                ("Role", json!(role)),
                ("CustomResourceScope", json!(scope)),
            ]);
            create(t, "New-ManagementRoleAssignment", p, &["Name", "Identity"]).await
        }
        Action::RemoveAccessPolicy { identity } => {
            let p = params([("Identity", json!(identity)), ("Confirm", json!(false))]);
            match t.invoke("Remove-ApplicationAccessPolicy", &p).await {
                Ok(_) | Err(ExchangeError::NotFound { .. }) => {
                    Ok(vec![("identity".to_string(), identity.clone())])
                }
                Err(e) => Err(e),
            }
        }
        Action::VerifyRbac | Action::RemoveEntraConsent { .. } | Action::SaveMechanism { .. } => {
            Ok(Vec::new())
        }
    }
}
