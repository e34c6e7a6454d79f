//! The cmdlets the sim's InvokeCommand runs: their parameters, which admins may run them, and
//! the handler for each (exchange_recipients.rs, exchange_policy.rs, exchange_rbac.rs).

use serde_json::{Map, Value};

use super::directory::Directory;
use super::exchange_params::Params;
use super::exchange_reply::CmdletError;

/// Which admins may run a cmdlet (see [`allowed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Area {
    /// Groups, members, mailboxes: Exchange Recipient Administrators too.
    Recipients,
    /// Access policies and RBAC for Applications: Exchange and Global Administrators only.
    Scoping,
}

/// What a handler works on.
pub(crate) struct Ctx<'a> {
    pub(crate) dir: &'a mut Directory,
    /// Sim time (seconds since start).
    pub(crate) now: f64,
    /// `[exchange] propagation_s`.
    pub(crate) propagation_s: f64,
    /// The tenant GUID.
    pub(crate) tenant: &'a str,
    /// The default domain for new addresses.
    pub(crate) domain: &'a str,
    /// The signed-in admin's UPN (lower case).
    pub(crate) admin: &'a str,
}

type Handler = fn(&mut Ctx<'_>, &Params) -> Result<Vec<Value>, CmdletError>;

/// One cmdlet.
pub(crate) struct Cmdlet {
    pub(crate) name: &'static str,
    params: &'static [&'static str],
    required: &'static [&'static str],
    pub(crate) area: Area,
    handler: Handler,
}

impl Cmdlet {
    /// Whether it only reads (Get-, Test-): pageable, never failed by `WhatIf`.
    pub(crate) fn reads(&self) -> bool {
        self.name.starts_with("Get-") || self.name.starts_with("Test-")
    }
}

/// Accepted by every cmdlet.
const COMMON: &[&str] = &["ErrorAction", "WarningAction", "Verbose", "Debug"];

use super::exchange_policy as pol;
use super::exchange_rbac as rbac;
use super::exchange_recipients as rcp;
use super::exchange_remove as rm;
use Area::{Recipients, Scoping};

macro_rules! cmdlet {
    ($name:literal, $area:expr, $handler:expr, [$($p:literal),*], [$($r:literal),*]) => {
        Cmdlet { name: $name, params: &[$($p),*], required: &[$($r),*], area: $area, handler: $handler }
    };
}

/// Every cmdlet the sim knows.
pub(crate) const CMDLETS: &[Cmdlet] = &[
    cmdlet!(
        "Get-DistributionGroup",
        Recipients,
        rcp::get_group,
        ["Identity", "ResultSize", "RecipientTypeDetails"],
        []
    ),
    cmdlet!(
        "Get-Group",
        Recipients,
        rcp::get_any_group,
        ["Identity", "ResultSize", "RecipientTypeDetails"],
        []
    ),
    cmdlet!(
        "New-DistributionGroup",
        Recipients,
        rcp::new_group,
        [
            "Name",
            "Alias",
            "Type",
            "PrimarySmtpAddress",
            "DisplayName",
            "Members",
            "ManagedBy",
            "Confirm",
            "WhatIf"
        ],
        ["Name"]
    ),
    cmdlet!(
        "Get-DistributionGroupMember",
        Recipients,
        rcp::get_members,
        ["Identity", "ResultSize"],
        ["Identity"]
    ),
    cmdlet!(
        "Add-DistributionGroupMember",
        Recipients,
        rcp::add_member,
        [
            "Identity",
            "Member",
            "BypassSecurityGroupManagerCheck",
            "Confirm",
            "WhatIf"
        ],
        ["Identity", "Member"]
    ),
    cmdlet!(
        "Remove-DistributionGroupMember",
        Recipients,
        rm::remove_member,
        [
            "Identity",
            "Member",
            "BypassSecurityGroupManagerCheck",
            "Confirm",
            "WhatIf"
        ],
        ["Identity", "Member"]
    ),
    cmdlet!(
        "Remove-DistributionGroup",
        Recipients,
        rm::remove_group,
        [
            "Identity",
            "BypassSecurityGroupManagerCheck",
            "Confirm",
            "WhatIf"
        ],
        ["Identity"]
    ),
    cmdlet!(
        "New-Mailbox",
        Recipients,
        rcp::new_mailbox,
        [
            "Shared",
            "Name",
            "PrimarySmtpAddress",
            "Alias",
            "DisplayName",
            "Confirm",
            "WhatIf"
        ],
        ["Name"]
    ),
    cmdlet!(
        "Get-Mailbox",
        Recipients,
        rcp::get_mailbox,
        ["Identity", "ResultSize", "RecipientTypeDetails"],
        []
    ),
    cmdlet!(
        "Get-Recipient",
        Recipients,
        rcp::get_recipient,
        ["Identity", "ResultSize", "RecipientTypeDetails"],
        []
    ),
    cmdlet!(
        "Get-ApplicationAccessPolicy",
        Scoping,
        pol::get,
        ["Identity"],
        []
    ),
    cmdlet!(
        "New-ApplicationAccessPolicy",
        Scoping,
        pol::new,
        [
            "AccessRight",
            "AppId",
            "PolicyScopeGroupId",
            "Description",
            "Confirm",
            "WhatIf"
        ],
        ["AccessRight", "AppId", "PolicyScopeGroupId"]
    ),
    cmdlet!(
        "Remove-ApplicationAccessPolicy",
        Scoping,
        pol::remove,
        ["Identity", "Confirm", "WhatIf"],
        ["Identity"]
    ),
    cmdlet!(
        "Test-ApplicationAccessPolicy",
        Scoping,
        pol::test,
        ["Identity", "AppId"],
        ["Identity", "AppId"]
    ),
    cmdlet!(
        "Get-ServicePrincipal",
        Scoping,
        rbac::get_sp,
        ["Identity", "Organization"],
        []
    ),
    cmdlet!(
        "New-ServicePrincipal",
        Scoping,
        rbac::new_sp,
        [
            "AppId",
            "ObjectId",
            "DisplayName",
            "ServiceId",
            "Confirm",
            "WhatIf"
        ],
        ["AppId"]
    ),
    cmdlet!(
        "Remove-ServicePrincipal",
        Scoping,
        rm::remove_sp,
        ["Identity", "Confirm", "WhatIf"],
        ["Identity"]
    ),
    cmdlet!(
        "Get-ManagementScope",
        Scoping,
        rbac::get_scope,
        ["Identity"],
        []
    ),
    cmdlet!(
        "New-ManagementScope",
        Scoping,
        rbac::new_scope,
        ["Name", "RecipientRestrictionFilter", "Confirm", "WhatIf"],
        ["Name", "RecipientRestrictionFilter"]
    ),
    cmdlet!(
        "Remove-ManagementScope",
        Scoping,
        rm::remove_scope,
        ["Identity", "Confirm", "WhatIf"],
        ["Identity"]
    ),
    cmdlet!(
        "Get-ManagementRoleAssignment",
        Scoping,
        rbac::get_assignment,
        [
            "Identity",
            "Role",
            "RoleAssignee",
            "RecipientGroupScope",
            "RoleAssigneeType",
            "Enabled"
        ],
        []
    ),
    cmdlet!(
        "New-ManagementRoleAssignment",
        Scoping,
        rbac::new_assignment,
        [
            "Name",
            "Role",
            "App",
            "CustomResourceScope",
            "RecipientAdministrativeUnitScope",
            "RecipientGroupScope",
            "Confirm",
            "Force",
            "WhatIf"
        ],
        ["Role", "App"]
    ),
    cmdlet!(
        "Remove-ManagementRoleAssignment",
        Scoping,
        rbac::remove_assignment,
        ["Identity", "Confirm", "WhatIf"],
        ["Identity"]
    ),
    cmdlet!(
        "Test-ServicePrincipalAuthorization",
        Scoping,
        rbac::test,
        ["Identity", "Resource", "Confirm", "WhatIf"],
        ["Identity"]
    ),
];

/// The cmdlet with this name (any case).
pub(crate) fn find(name: &str) -> Option<&'static Cmdlet> {
    CMDLETS
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(name.trim()))
}

/// Whether the sim knows a cmdlet (for `[[exchange.fail]]`).
pub(crate) fn is_known(name: &str) -> bool {
    find(name).is_some()
}

/// Directory roles (template ids in `wids`) that allow every cmdlet: Global Administrator and
/// Exchange Administrator (Organization Management).
const ALL_CMDLETS: &[&str] = &[
    "62e90394-69f5-4237-9190-012177145e10",
    "29232cdf-9323-42fd-ade2-1d097af3e4de",
];
/// Exchange Recipient Administrator (Recipient Management): the recipient cmdlets only.
const RECIPIENT_ADMIN: &str = "31392ffb-586c-42d1-9346-e59415a2cc4e";

/// Whether an admin with these directory roles may run `c`. [U] Exchange maps directory roles
/// to its role groups; the sim's mapping is documented in docs/scenario-format.md.
pub(crate) fn allowed(c: &Cmdlet, wids: &[String]) -> bool {
    let has = |id: &str| wids.iter().any(|w| w.eq_ignore_ascii_case(id));
    ALL_CMDLETS.iter().any(|id| has(id)) || (c.area == Recipients && has(RECIPIENT_ADMIN))
}

/// Binds the parameters and runs the cmdlet; `WhatIf` on a change returns nothing and changes
/// nothing.
pub(crate) fn run(
    c: &Cmdlet,
    cx: &mut Ctx<'_>,
    params: Map<String, Value>,
) -> Result<Vec<Value>, CmdletError> {
    let known: Vec<&str> = c.params.iter().chain(COMMON).copied().collect();
    let p = Params::bind(c.name, params, &known, c.required)?;
    if !c.reads() && p.switch("WhatIf") {
        return Ok(Vec::new());
    }
    (c.handler)(cx, &p)
}

/// Applies `-ResultSize` (a number or `Unlimited`).
pub(crate) fn result_size(p: &Params, mut items: Vec<Value>) -> Result<Vec<Value>, CmdletError> {
    match p.text("ResultSize")? {
        None => Ok(items),
        Some(s) if s.eq_ignore_ascii_case("unlimited") => Ok(items),
        Some(s) => match s.parse::<usize>() {
            Ok(n) => {
                items.truncate(n);
                Ok(items)
            }
            Err(_) => Err(CmdletError::invalid(format!(
                "Cannot convert value \"{s}\" to type ResultSize: use a number or Unlimited."
            ))),
        },
    }
}

/// Removes what `-Identity` names from `items` (`parts`: its name and life); not found
/// otherwise.
pub(crate) fn remove<T>(
    cx: &mut Ctx<'_>,
    p: &Params,
    items: impl FnOnce(&mut Directory) -> &mut Vec<T>,
    parts: impl Fn(&mut T) -> (&str, &mut super::exo_model::Life),
) -> Result<Vec<Value>, CmdletError> {
    let id = p.need("Identity")?;
    let (now, prop) = (cx.now, cx.propagation_s);
    if super::exo_model::remove_by(items(cx.dir), &id, now, prop, parts) {
        Ok(Vec::new())
    } else {
        Err(CmdletError::not_found(&id))
    }
}

/// With `-Identity`: the one object `find` resolves (not found otherwise); without: every
/// object `all` lists.
pub(crate) fn one_or_all<'a, T: 'a>(
    p: &Params,
    find: impl Fn(&str) -> Option<&'a T>,
    all: impl Iterator<Item = &'a T>,
    json: impl Fn(&T) -> Value,
) -> Result<Vec<Value>, CmdletError> {
    match p.text("Identity")? {
        Some(id) => {
            let found = find(&id).ok_or_else(|| CmdletError::not_found(&id))?;
            Ok(vec![json(found)])
        }
        None => Ok(all.map(json).collect()),
    }
}
