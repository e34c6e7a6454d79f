//! `exchange plan`: what `exchange apply` would change so Exchange scopes the app as the
//! profile says, each [`Action`] in words and as data (`--json`; apply executes this list in
//! order), the Exchange role the admin needs, and where the plan must stop (a distribution
//! list named for an access policy). A member that must not be reached is reported, never
//! removed. Moving from a policy to RBAC for Applications: scope and assignments first,
//! tested, then the policy removed. Pure: Exchange comes in as an [`ExchangeView`].

use serde::{Deserialize, Serialize};

use super::read::ExchangeView;
use super::target::Target;
use crate::profile::ScopeMechanism;
use crate::signin::{Account, roles};

/// Entra roles that carry Exchange's Organization Management (what these cmdlets need).
pub const EXCHANGE_ROLES: [&str; 2] = ["Exchange Administrator", "Global Administrator"];

/// One change `apply` would make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
    /// `New-Mailbox -Shared`.
    CreateSharedMailbox { address: String },
    /// `New-DistributionGroup -Type Security`.
    CreateGroup {
        name: String,
        alias: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
    /// `Add-DistributionGroupMember`.
    AddMember { group: String, address: String },
    /// `New-ApplicationAccessPolicy -AccessRight RestrictAccess`.
    NewAccessPolicy {
        app_id: String,
        group: String,
        description: String,
    },
    /// `New-ServicePrincipal` (Exchange's pointer to the Entra service principal).
    NewServicePrincipal {
        app_id: String,
        object_id: String,
        display_name: String,
    },
    /// `New-ManagementScope` whose filter is the group's direct members.
    NewManagementScope { name: String, group: String },
    /// `New-ManagementRoleAssignment -App -Role -CustomResourceScope`.
    NewRoleAssignment {
        app: String,
        role: String,
        scope: String,
    },
    /// `Test-ServicePrincipalAuthorization` for every mailbox must agree with the profile
    /// before the access policy goes.
    VerifyRbac,
    /// Remove the app's tenant-wide Entra consent for the permissions Exchange now scopes
    /// (Graph `DELETE …/appRoleAssignedTo/{id}`, with the Entra sign-in); only with explicit
    /// confirmation.
    RemoveEntraConsent { permissions: Vec<String> },
    /// `Remove-ApplicationAccessPolicy`.
    RemoveAccessPolicy { identity: String },
    /// Write the mechanism into the profile's scope.
    SaveMechanism { mechanism: ScopeMechanism },
}

impl Action {
    /// The action's tag (as in JSON and the change record).
    pub fn tag(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v["action"].as_str().map(String::from))
            .unwrap_or_default()
    }

    /// Whether the action changes the tenant (not only the profile, not only a test).
    pub fn changes_tenant(&self) -> bool {
        !matches!(self, Action::VerifyRbac | Action::SaveMechanism { .. })
    }

    /// The action in words.
    pub fn describe(&self) -> String {
        match self {
            Action::CreateSharedMailbox { address } => {
                format!("Create the shared mailbox {address} (New-Mailbox -Shared)")
            }
            Action::CreateGroup {
                name,
                alias,
                address,
            } => format!(
                "Create the mail-enabled security group '{name}' (alias {alias}{})",
                address
                    .as_deref()
                    .map(|a| format!(", address {a}"))
                    .unwrap_or_default()
            ),
            Action::AddMember { group, address } => {
                format!("Add {address} to the group '{group}'")
            }
            Action::NewAccessPolicy { group, .. } => format!(
                "Restrict the app to the members of '{group}' (New-ApplicationAccessPolicy -AccessRight RestrictAccess)"
            ),
            Action::NewServicePrincipal { object_id, .. } => format!(
                "Register the app's service principal {object_id} with Exchange (New-ServicePrincipal)"
            ),
            Action::NewManagementScope { name, group } => format!(
                "Create the management scope '{name}' for the direct members of '{group}' (New-ManagementScope)"
            ),
            Action::NewRoleAssignment { role, scope, .. } => {
                format!("Assign '{role}' to the app, limited to the scope '{scope}'")
            }
            Action::VerifyRbac => "Test every mailbox with Test-ServicePrincipalAuthorization; stop here unless each is as the profile expects".into(),
            Action::RemoveEntraConsent { permissions } => format!(
                "Remove the app's tenant-wide Entra consent for {} (only with your confirmation; otherwise Graph still reaches every mailbox)",
                permissions.join(", ")
            ),
            Action::RemoveAccessPolicy { identity } => {
                format!("Remove the application access policy {identity}")
            }
            Action::SaveMechanism { mechanism } => format!(
                "Save the mechanism {} in the profile",
                mechanism.as_str()
            ),
        }
    }
}

/// Whether the admin holds an Exchange role the plan needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleCheck {
    pub roles: Vec<String>,
    pub held: Option<String>,
}

/// The plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub tenant_id: String,
    pub admin: String,
    pub mechanism: ScopeMechanism,
    /// Policy → RBAC for Applications.
    pub migration: bool,
    pub role: RoleCheck,
    pub actions: Vec<Action>,
    /// Why the plan stops before the first change, when it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<String>,
    /// What the admin must look at (never changed by apply).
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
}

impl Plan {
    /// Whether apply would change the tenant.
    pub fn changes_tenant(&self) -> bool {
        self.actions.iter().any(Action::changes_tenant)
    }
}

/// The role check for `account` (from its `wids`).
pub fn role_check(account: &Account) -> RoleCheck {
    let held = EXCHANGE_ROLES
        .iter()
        .copied()
        .find(|r| roles::template_id(r).is_some_and(|id| account.has_role(id)));
    RoleCheck {
        roles: EXCHANGE_ROLES.iter().map(|r| r.to_string()).collect(),
        held: held.map(String::from),
    }
}

/// What the Entra side holds of the scoped permissions: `None` when it could not be read.
pub type EntraConsent = Option<Vec<String>>;

/// What apply would do for `target` in `view`. `profile_mechanism` is the mechanism saved in
/// the profile; `consented` the scoped Graph permissions Entra grants the app tenant-wide.
pub fn plan(
    view: &ExchangeView,
    target: &Target,
    account: &Account,
    tenant_id: &str,
    profile_mechanism: Option<ScopeMechanism>,
    consented: &EntraConsent,
) -> Plan {
    let mut p = Plan {
        tenant_id: tenant_id.to_string(),
        admin: account.upn.clone(),
        mechanism: target.mechanism(),
        migration: false,
        role: role_check(account),
        actions: Vec::new(),
        blocked: None,
        warnings: Vec::new(),
        notes: vec![super::endpoints::UNDOCUMENTED.to_string()],
    };
    if !target.names.applies {
        p.notes
            .push("This product's app uses no mailbox scoping: nothing to do in Exchange.".into());
        return p;
    }
    let Some(app_id) = target.app_id.clone() else {
        p.blocked = Some("The profile has no client ID yet: register the app first (`mailscope entra apply`), then plan again.".into());
        return p;
    };
    let rbac = target.mechanism() == ScopeMechanism::Rbac;
    if rbac && target.sp_object_id.is_none() {
        p.blocked = Some("RBAC for Applications needs the app's service principal object ID (Enterprise applications > the app > Object ID): `mailscope entra apply` fills it into the profile, or enter it as service_principal_id.".into());
        return p;
    }
    let group = target.group_identity().to_string();
    for address in &view.shared_missing {
        p.actions.push(Action::CreateSharedMailbox {
            address: address.clone(),
        });
    }
    if let Some(g) = &view.name_taken_by {
        p.blocked = Some(format!(
            "No group has the address {group}, but a group named '{}' exists with the address {}, so a new group cannot take that name. Put {} into the profile as the group address to use it, or choose another group name.",
            g.name, g.address, g.address
        ));
        p.actions.clear();
        return p;
    }
    match &view.group {
        Some(g) if !g.security && !rbac => {
            p.blocked = Some(format!(
                "'{}' is a distribution list, not a mail-enabled security group, and an application access policy cannot point at it (Exchange answers that it is not a security principal). Name another group in the profile (scope.group_name or group_address), or use --mechanism rbac.",
                if g.name.is_empty() { &group } else { &g.name }
            ));
            p.actions.clear();
            return p;
        }
        Some(_) => {}
        None => p.actions.push(Action::CreateGroup {
            name: target.names.group_name.clone(),
            alias: target.names.group_alias.clone(),
            address: Some(target.names.group_address.clone()).filter(|a| !a.is_empty()),
        }),
    }
    for address in &target.must_reach {
        if view.unknown_recipients.contains(address) {
            p.warnings.push(format!(
                "Exchange has no recipient {address}, so it is left out of '{group}': check the address in the profile (a typo, or a mailbox not created yet), then plan again."
            ));
        } else if !view.members.contains(address) {
            p.actions.push(Action::AddMember {
                group: group.clone(),
                address: address.clone(),
            });
        }
    }
    for address in &target.must_not_reach {
        if view.members.contains(address) {
            p.warnings.push(format!(
                "{address} is a member of '{group}', but the app must not reach it. mailscope does not remove members: remove it with Remove-DistributionGroupMember, or change the profile."
            ));
        }
    }
    let restrict: Vec<_> = view.restrict_policies().collect();
    let names = view.group_names(target);
    let ours = |pol: &&super::read::Policy| {
        names.iter().any(|n| {
            pol.scope_name.eq_ignore_ascii_case(n) || pol.scope_identity.eq_ignore_ascii_case(n)
        })
    };
    if rbac {
        let consent = rbac_actions(view, target, &app_id, &group, consented, &mut p);
        p.migration = !restrict.is_empty();
        if p.migration || consent.is_some() {
            p.actions.push(Action::VerifyRbac);
        }
        p.actions.extend(consent);
        if p.migration {
            for pol in &restrict {
                p.actions.push(Action::RemoveAccessPolicy {
                    identity: pol.identity.clone(),
                });
            }
        }
    } else {
        if !restrict.iter().any(ours) {
            p.actions.push(Action::NewAccessPolicy {
                app_id: app_id.clone(),
                group: group.clone(),
                description: target.names.description.clone(),
            });
        }
        if restrict.iter().any(|pol| !ours(pol)) {
            p.warnings.push("The app has other RestrictAccess policies too; it reaches the members of all their groups. Review them with Get-ApplicationAccessPolicy.".into());
        }
        if !view.assignments.is_empty() {
            p.warnings.push("The app also holds RBAC for Applications role assignments in Exchange, which grant on top of the policy.".into());
        }
    }
    if profile_mechanism != Some(target.mechanism()) {
        p.actions.push(Action::SaveMechanism {
            mechanism: target.mechanism(),
        });
    }
    p
}

fn rbac_actions(
    view: &ExchangeView,
    target: &Target,
    app_id: &str,
    group: &str,
    consented: &EntraConsent,
    p: &mut Plan,
) -> Option<Action> {
    let object_id = target.sp_object_id.clone().unwrap_or_default();
    if view.service_principal.is_none() {
        p.actions.push(Action::NewServicePrincipal {
            app_id: app_id.to_string(),
            object_id: object_id.clone(),
            display_name: target.names.app_name.clone(),
        });
    }
    let scope = target.scope_name().to_string();
    let names = view.group_names(target);
    let missing: Vec<&String> = target
        .names
        .roles
        .iter()
        .filter(|role| !view.has_assignment(role, &scope, &names))
        .collect();
    if view.scope.is_none() && !missing.is_empty() {
        p.actions.push(Action::NewManagementScope {
            name: scope.clone(),
            group: group.to_string(),
        });
    }
    for role in missing {
        p.actions.push(Action::NewRoleAssignment {
            app: object_id.clone(),
            role: role.clone(),
            scope: scope.clone(),
        });
    }
    match consented {
        Some(perms) if !perms.is_empty() => {
            return Some(Action::RemoveEntraConsent {
                permissions: perms.clone(),
            });
        }
        Some(_) => {}
        None => p.warnings.push(format!(
            "mailscope could not read the app's Entra consent (sign in for Entra: `mailscope signin --profile <name>`). Exchange adds RBAC grants to Entra's: if the app holds {} with admin consent, Graph still reaches every mailbox.",
            target
                .names
                .roles
                .iter()
                .map(|r| r.trim_start_matches("Application ").to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    None
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
