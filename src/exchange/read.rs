//! Reading what Exchange holds for a profile's scoping, through the transport: the group and
//! its members, the shared mailboxes the profile lists, the app's access policies, and for
//! RBAC for Applications the service principal pointer, the management scope and the app's
//! role assignments. Read-only.

use serde::Serialize;
use serde_json::{Value, json};

use super::error::ExchangeError;
use super::target::Target;
use super::transport::{Transport, params, text, texts};

/// The group the scoping points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    pub identity: String,
    pub name: String,
    pub address: String,
    pub distinguished_name: String,
    /// A mail-enabled security group (`GroupType` has `SecurityEnabled`); a distribution
    /// list cannot carry an access policy.
    pub security: bool,
}

/// An application access policy naming the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub identity: String,
    pub access_right: String,
    pub scope_name: String,
    pub scope_identity: String,
}

/// Exchange's pointer to the app's service principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServicePrincipal {
    pub identity: String,
    pub app_id: String,
    pub object_id: String,
    pub display_name: String,
}

/// A management role assignment held by the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    pub name: String,
    pub role: String,
    pub custom_resource_scope: String,
    /// The group of an assignment made with `-RecipientGroupScope` (as the generated script
    /// makes them).
    pub recipient_group_scope: String,
}

/// A management scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManagementScope {
    pub name: String,
    pub filter: String,
}

/// What Exchange holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ExchangeView {
    pub group: Option<Group>,
    /// When the profile names the group by address and none has it: a group with the
    /// profile's group name (another address), which a new group could not be named after.
    pub name_taken_by: Option<Group>,
    /// Members' primary addresses, lower-case.
    pub members: Vec<String>,
    /// Shared mailboxes the profile lists that Exchange does not have (or could not say).
    pub shared_missing: Vec<String>,
    /// Must-reach addresses (other than shared mailboxes to create) Exchange has no recipient
    /// for: a typo, or a mailbox not made yet. Adding them to the group would fail.
    pub unknown_recipients: Vec<String>,
    /// Every policy whose AppId names the app.
    pub policies: Vec<Policy>,
    pub service_principal: Option<ServicePrincipal>,
    pub scope: Option<ManagementScope>,
    /// The app's assignments of the roles the target wants.
    pub assignments: Vec<Assignment>,
}

impl ExchangeView {
    /// The app's RestrictAccess policies.
    pub fn restrict_policies(&self) -> impl Iterator<Item = &Policy> {
        self.policies
            .iter()
            .filter(|p| p.access_right.eq_ignore_ascii_case("RestrictAccess"))
    }

    /// Whether the app holds `role` scoped to the management scope `scope`, or to the group
    /// itself (`-RecipientGroupScope`, as the generated script assigns it): `group_names` are
    /// the names the group goes by.
    pub fn has_assignment(&self, role: &str, scope: &str, group_names: &[&str]) -> bool {
        self.assignments.iter().any(|a| {
            a.role.eq_ignore_ascii_case(role)
                && (a.custom_resource_scope.eq_ignore_ascii_case(scope)
                    || (!a.recipient_group_scope.is_empty()
                        && group_names
                            .iter()
                            .any(|n| n.eq_ignore_ascii_case(&a.recipient_group_scope))))
        })
    }

    /// The names the group goes by: those of the profile and those Exchange gave.
    pub fn group_names<'a>(&'a self, target: &'a Target) -> Vec<&'a str> {
        let mut names = vec![
            target.names.group_name.as_str(),
            target.names.group_alias.as_str(),
            target.names.group_address.as_str(),
        ];
        if let Some(g) = &self.group {
            names.extend([g.identity.as_str(), g.name.as_str(), g.address.as_str()]);
        }
        names.retain(|n| !n.is_empty());
        names
    }
}

fn group_of(item: &Value) -> Group {
    let kind = format!(
        "{} {}",
        text(item, "GroupType"),
        text(item, "RecipientTypeDetails")
    );
    Group {
        identity: text(item, "Identity"),
        name: text(item, "Name"),
        address: text(item, "PrimarySmtpAddress").to_ascii_lowercase(),
        distinguished_name: text(item, "DistinguishedName"),
        security: kind.to_ascii_lowercase().contains("security"),
    }
}

/// Looks the group up by `identity`.
pub async fn read_group(t: &Transport, identity: &str) -> Result<Option<Group>, ExchangeError> {
    let p = params([("Identity", json!(identity))]);
    Ok(t.find("Get-DistributionGroup", &p)
        .await?
        .map(|g| group_of(&g)))
}

/// The group's members, lower-case primary addresses.
pub async fn read_members(t: &Transport, identity: &str) -> Result<Vec<String>, ExchangeError> {
    let p = params([
        ("Identity", json!(identity)),
        ("ResultSize", json!("Unlimited")),
    ]);
    let items = match t.invoke("Get-DistributionGroupMember", &p).await {
        Ok(items) => items,
        Err(ExchangeError::NotFound { .. }) => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(items
        .iter()
        .map(|m| text(m, "PrimarySmtpAddress").to_ascii_lowercase())
        .filter(|a| !a.is_empty())
        .collect())
}

/// The app's service principal pointer, by object ID or app ID.
pub async fn read_service_principal(
    t: &Transport,
    identity: &str,
) -> Result<Option<ServicePrincipal>, ExchangeError> {
    let p = params([("Identity", json!(identity))]);
    Ok(t.find("Get-ServicePrincipal", &p)
        .await?
        .map(|s| ServicePrincipal {
            identity: text(&s, "Identity"),
            app_id: text(&s, "AppId"),
            object_id: text(&s, "ObjectId"),
            display_name: text(&s, "DisplayName"),
        }))
}

/// Reads everything the plan compares with `target`.
pub async fn read(t: &Transport, target: &Target) -> Result<ExchangeView, ExchangeError> {
    let mut v = ExchangeView {
        group: read_group(t, target.group_identity()).await?,
        ..ExchangeView::default()
    };
    if v.group.is_none() && target.group_identity() != target.names.group_name {
        v.name_taken_by = read_group(t, &target.names.group_name).await?;
    }
    if let Some(g) = &v.group {
        let id = if g.identity.is_empty() {
            target.group_identity()
        } else {
            &g.identity
        };
        v.members = read_members(t, id).await?;
    }
    for address in &target.shared {
        let p = params([("Identity", json!(address))]);
        let exists = matches!(t.find("Get-Mailbox", &p).await, Ok(Some(_)));
        if !exists {
            v.shared_missing.push(address.clone());
        }
    }
    for address in &target.must_reach {
        if v.members.contains(address) || target.shared.contains(address) {
            continue;
        }
        let p = params([("Identity", json!(address))]);
        // Only a definite "not found" counts: any other answer leaves the add to apply.
        if let Ok(None) = t.find("Get-Recipient", &p).await {
            v.unknown_recipients.push(address.clone());
        }
    }
    let app_id = target.app_id.clone().unwrap_or_default();
    v.policies = t
        .invoke("Get-ApplicationAccessPolicy", &params([]))
        .await?
        .iter()
        .filter(|p| {
            texts(p, "AppId")
                .iter()
                .any(|a| a.eq_ignore_ascii_case(&app_id))
        })
        .map(|p| Policy {
            identity: text(p, "Identity"),
            access_right: text(p, "AccessRight"),
            scope_name: text(p, "ScopeName"),
            scope_identity: text(p, "ScopeIdentity"),
        })
        .collect();
    let sp_identity = target
        .sp_object_id
        .clone()
        .unwrap_or_else(|| app_id.clone());
    if !sp_identity.is_empty() {
        v.service_principal = read_service_principal(t, &sp_identity).await?;
    }
    let p = params([("Identity", json!(target.scope_name()))]);
    v.scope = t
        .find("Get-ManagementScope", &p)
        .await?
        .map(|s| ManagementScope {
            name: text(&s, "Name"),
            filter: text(&s, "RecipientRestrictionFilter"),
        });
    if let Some(sp) = &v.service_principal {
        let names: Vec<String> = [&sp.identity, &sp.object_id, &sp.app_id, &sp.display_name]
            .into_iter()
            .filter(|n| !n.is_empty())
            .map(|n| n.to_ascii_lowercase())
            .collect();
        for role in &target.names.roles {
            let p = params([("Role", json!(role))]);
            let items = match t.invoke("Get-ManagementRoleAssignment", &p).await {
                Ok(items) => items,
                Err(ExchangeError::NotFound { .. }) => Vec::new(),
                Err(e) => return Err(e),
            };
            v.assignments.extend(
                items
                    .iter()
                    .filter(|a| {
                        names.contains(&text(a, "RoleAssigneeName").to_ascii_lowercase())
                            || names.contains(&text(a, "App").to_ascii_lowercase())
                    })
                    .map(|a| Assignment {
                        name: text(a, "Name"),
                        role: text(a, "Role"),
                        custom_resource_scope: text(a, "CustomResourceScope"),
                        recipient_group_scope: text(a, "RecipientGroupScope"),
                    }),
            );
        }
    }
    Ok(v)
}
