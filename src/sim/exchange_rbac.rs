//! RBAC for Applications cmdlets: service principal pointers, management scopes, role
//! assignments and Test-ServicePrincipalAuthorization (Exchange's view: changes count at once).

use serde_json::{Value, json};

use super::authz::{in_rbac_scope, known_rbac_role};
use super::directory::Directory;
use super::exchange_cmdlets::{Ctx, one_or_all};
use super::exchange_params::Params;
use super::exchange_reply::CmdletError;
use super::exo_model::{ExoServicePrincipal, Life, MgmtScope, RbacScope, RoleAssignment, View};

/// The pointer `-Identity`/`-App` names: object id, app id or display name.
fn find_sp<'a>(dir: &'a Directory, key: &str) -> Option<&'a ExoServicePrincipal> {
    let key = key.trim();
    dir.exo.sps.iter().find(|s| {
        s.life.exists()
            && (s.object_id.eq_ignore_ascii_case(key)
                || s.app_id.eq_ignore_ascii_case(key)
                || s.display_name.eq_ignore_ascii_case(key))
    })
}

fn sp_json(s: &ExoServicePrincipal) -> Value {
    json!({
        "@odata.type": "#Exchange.ServicePrincipal",
        "Identity": s.object_id,
        "Name": s.object_id,
        "DisplayName": s.display_name,
        "AppId": s.app_id,
        "ObjectId": s.object_id,
        "ServiceId": s.object_id,
    })
}

pub(crate) fn get_sp(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let dir = &*cx.dir;
    let all = dir.exo.sps.iter().filter(|s| s.life.exists());
    one_or_all(p, |id| find_sp(dir, id), all, sp_json)
}

fn guid(name: &str, v: &str) -> Result<String, CmdletError> {
    uuid::Uuid::parse_str(v)
        .map(|u| u.to_string())
        .map_err(|_| CmdletError::invalid(format!("The {name} \"{v}\" isn't a valid GUID.")))
}

pub(crate) fn new_sp(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let app_id = guid("AppId", &p.need("AppId")?)?;
    let object = match p.text("ObjectId")? {
        Some(o) => o,
        None => p
            .text("ServiceId")?
            .ok_or_else(|| CmdletError::missing_parameter("New-ServicePrincipal", "ObjectId"))?,
    };
    let object_id = guid("ObjectId", &object)?;
    let taken = cx
        .dir
        .exo
        .sps
        .iter()
        .find(|s| s.life.exists() && (s.app_id == app_id || s.object_id == object_id));
    if let Some(s) = taken {
        return Err(CmdletError::object_exists(&s.object_id));
    }
    let sp = ExoServicePrincipal {
        display_name: p.text("DisplayName")?.unwrap_or_else(|| app_id.clone()),
        app_id,
        object_id,
        life: Life::created(cx.now, cx.propagation_s),
    };
    let out = sp_json(&sp);
    cx.dir.exo.sps.push(sp);
    Ok(vec![out])
}

/// The group of `MemberOfGroup -eq '<value>'` (single or double quotes, any case); `None` for
/// any other filter.
pub(crate) fn member_of_group(filter: &str) -> Option<String> {
    let f = filter.trim();
    let f = f
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(f)
        .trim();
    let (prop, rest) = f.split_once(char::is_whitespace)?;
    let (op, value) = rest.trim_start().split_once(char::is_whitespace)?;
    if !prop.eq_ignore_ascii_case("MemberOfGroup") || !op.eq_ignore_ascii_case("-eq") {
        return None;
    }
    let value = value.trim();
    let q = value.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let inner = value.strip_prefix(q)?.strip_suffix(q)?;
    let doubled = format!("{q}{q}");
    Some(inner.replace(&doubled, &q.to_string()))
}

fn scope_json(s: &MgmtScope) -> Value {
    json!({
        "@odata.type": "#Exchange.ManagementScope",
        "Identity": s.name,
        "Name": s.name,
        "RecipientRestrictionFilter": s.filter,
        "RecipientRoot": null,
        "ScopeRestrictionType": "RecipientScope",
        "Exclusive": false,
    })
}

fn find_scope<'a>(dir: &'a Directory, name: &str) -> Option<&'a MgmtScope> {
    dir.exo
        .scopes
        .iter()
        .find(|s| s.life.exists() && s.name.eq_ignore_ascii_case(name.trim()))
}

pub(crate) fn get_scope(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let dir = &*cx.dir;
    let all = dir.exo.scopes.iter().filter(|s| s.life.exists());
    one_or_all(p, |id| find_scope(dir, id), all, scope_json)
}

pub(crate) fn new_scope(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let name = p.need("Name")?;
    let filter = p.need("RecipientRestrictionFilter")?;
    if find_scope(cx.dir, &name).is_some() {
        return Err(CmdletError::name_exists(&name));
    }
    let Some(group) = member_of_group(&filter) else {
        return Err(CmdletError::invalid(format!(
            "The simulated tenant supports RecipientRestrictionFilter \"MemberOfGroup -eq '<group DN or address>'\" only, not: {filter}"
        )));
    };
    if cx.dir.group(&group).is_none() {
        return Err(CmdletError::recipient_not_found(&group));
    }
    let s = MgmtScope {
        name,
        filter,
        member_of: group,
        life: Life::created(cx.now, cx.propagation_s),
    };
    let out = scope_json(&s);
    cx.dir.exo.scopes.push(s);
    Ok(vec![out])
}

fn assignment_json(dir: &Directory, a: &RoleAssignment) -> Value {
    let assignee = dir
        .exo
        .sps
        .iter()
        .find(|s| s.app_id == a.app)
        .map_or_else(|| a.app.clone(), |s| s.object_id.clone());
    let (custom, group, write) = match &a.scope {
        RbacScope::Organization => (None, None, "Organization"),
        RbacScope::Group(g) => (
            None,
            Some(dir.group(g).map_or_else(|| g.clone(), |x| x.name.clone())),
            "Group",
        ),
        RbacScope::Custom(s) => (Some(s.clone()), None, "CustomRecipientScope"),
    };
    json!({
        "@odata.type": "#Exchange.ManagementRoleAssignment",
        "Identity": a.name,
        "Name": a.name,
        "Role": a.role,
        "RoleAssignee": assignee,
        "RoleAssigneeName": assignee,
        "RoleAssigneeType": "ServicePrincipal",
        "AssignmentMethod": "Direct",
        "CustomResourceScope": custom,
        "RecipientGroupScope": group,
        "RecipientWriteScope": write,
        "Enabled": true,
        "App": a.app,
    })
}

/// The scope of a new assignment from its parameters (at most one).
fn new_scope_of(dir: &Directory, p: &Params) -> Result<RbacScope, CmdletError> {
    let custom = p.text("CustomResourceScope")?;
    let group = p.text("RecipientGroupScope")?;
    let au = p.text("RecipientAdministrativeUnitScope")?;
    match (custom, group, au) {
        (None, None, None) => Ok(RbacScope::Organization),
        (Some(c), None, None) => find_scope(dir, &c)
            .map(|s| RbacScope::Custom(s.name.clone()))
            .ok_or_else(|| CmdletError::not_found(&c)),
        (None, Some(g), None) => dir
            .group(&g)
            .map(|x| RbacScope::Group(x.address.clone()))
            .ok_or_else(|| CmdletError::not_found(&g)),
        (None, None, Some(_)) => Err(CmdletError::invalid(
            "The simulated tenant has no administrative units: use -CustomResourceScope or -RecipientGroupScope.",
        )),
        _ => Err(CmdletError::invalid(
            "Parameter set cannot be resolved using the specified named parameters.",
        )),
    }
}

pub(crate) fn new_assignment(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let role_in = p.need("Role")?;
    let role = known_rbac_role(&role_in).ok_or_else(|| CmdletError::not_found(&role_in))?;
    let app_in = p.need("App")?;
    let sp = find_sp(cx.dir, &app_in).ok_or_else(|| CmdletError::not_found(&app_in))?;
    let (app, object_id) = (sp.app_id.clone(), sp.object_id.clone());
    let scope = new_scope_of(cx.dir, p)?;
    let taken = |dir: &Directory, n: &str| {
        dir.exo
            .assignments
            .iter()
            .any(|a| a.life.exists() && a.name.eq_ignore_ascii_case(n))
    };
    let name = match p.text("Name")? {
        Some(n) if taken(cx.dir, &n) => return Err(CmdletError::name_exists(&n)),
        Some(n) => n,
        None => {
            let base = format!("{role}-{object_id}");
            let mut n = base.clone();
            let mut i = 1;
            while taken(cx.dir, &n) {
                i += 1;
                n = format!("{base}-{i}");
            }
            n
        }
    };
    let a = RoleAssignment {
        name,
        app,
        role: role.to_string(),
        scope,
        life: Life::created(cx.now, cx.propagation_s),
    };
    let out = assignment_json(cx.dir, &a);
    cx.dir.exo.assignments.push(a);
    Ok(vec![out])
}

pub(crate) fn get_assignment(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let dir = &*cx.dir;
    let identity = p.text("Identity")?;
    let role = p.text("Role")?;
    let assignee = p.text("RoleAssignee")?;
    let group = match p.text("RecipientGroupScope")? {
        Some(g) => Some(
            dir.group(&g)
                .map(|x| x.address.clone())
                .ok_or_else(|| CmdletError::not_found(&g))?,
        ),
        None => None,
    };
    let assignee_type = p.text("RoleAssigneeType")?;
    let eq = |a: &Option<String>, b: &str| a.as_ref().is_none_or(|x| x.eq_ignore_ascii_case(b));
    if !eq(&assignee_type, "ServicePrincipal") {
        return Ok(Vec::new());
    }
    let items: Vec<Value> = dir
        .exo
        .assignments
        .iter()
        .filter(|a| a.life.exists())
        .filter(|a| eq(&identity, &a.name) && eq(&role, &a.role))
        .filter(|a| {
            assignee.as_ref().is_none_or(|k| {
                find_sp(dir, k).is_some_and(|s| s.app_id == a.app) || k.eq_ignore_ascii_case(&a.app)
            })
        })
        .filter(|a| {
            group
                .as_ref()
                .is_none_or(|g| a.scope == RbacScope::Group(g.clone()))
        })
        .map(|a| assignment_json(dir, a))
        .collect();
    if let (Some(id), true) = (&identity, items.is_empty()) {
        return Err(CmdletError::not_found(id));
    }
    Ok(items)
}

pub(crate) fn remove_assignment(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    super::exchange_cmdlets::remove(
        cx,
        p,
        |d| &mut d.exo.assignments,
        |a| (a.name.as_str(), &mut a.life),
    )
}

pub(crate) fn test(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let dir = &*cx.dir;
    let id = p.need("Identity")?;
    let sp = find_sp(dir, &id).ok_or_else(|| CmdletError::not_found(&id))?;
    let resource = match p.text("Resource")? {
        Some(r) => Some(
            dir.mailbox_by_identity(&r)
                .ok_or_else(|| CmdletError::not_found(&r))?,
        ),
        None => None,
    };
    Ok(dir
        .exo
        .assignments
        .iter()
        .filter(|a| a.app == sp.app_id && a.life.exists())
        .map(|a| {
            let (scope, kind) = match &a.scope {
                RbacScope::Organization => ("Organization".to_string(), "Organization"),
                RbacScope::Group(g) => (
                    dir.group(g).map_or_else(|| g.clone(), |x| x.name.clone()),
                    "RecipientGroupScope",
                ),
                RbacScope::Custom(s) => (s.clone(), "CustomRecipientScope"),
            };
            let in_scope = match resource {
                Some(m) => Value::Bool(in_rbac_scope(dir, a, &m.address, View::Exchange)),
                None => Value::String("Not Run".into()),
            };
            json!({
                "@odata.type": "#Exchange.ServicePrincipalAuthorizationResult",
                "RoleName": a.role,
                "GrantedPermissions": a.role.strip_prefix("Application ").unwrap_or(&a.role),
                "AllowedResourceScope": scope,
                "ScopeType": kind,
                "InScope": in_scope,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::member_of_group;

    #[test]
    fn member_of_group_filters() {
        assert_eq!(
            member_of_group("MemberOfGroup -eq 'CN=App mailboxes,OU=x'").as_deref(),
            Some("CN=App mailboxes,OU=x")
        );
        assert_eq!(
            member_of_group("(memberofgroup -EQ \"a@b.com\")").as_deref(),
            Some("a@b.com")
        );
        assert_eq!(
            member_of_group("MemberOfGroup -eq 'O''Brien'").as_deref(),
            Some("O'Brien")
        );
        assert_eq!(member_of_group("CustomAttribute1 -eq 'x'"), None);
        assert_eq!(member_of_group("MemberOfGroup -ne 'x'"), None);
        assert_eq!(member_of_group("MemberOfGroup -eq x"), None);
    }
}
