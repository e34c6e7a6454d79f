//! The Remove- cmdlets `offboard` uses: group members, groups, service principal pointers and
//! management scopes (Exchange's view: a removal counts at once, Graph's after propagation).

use serde_json::Value;

use super::exchange_cmdlets::Ctx;
use super::exchange_params::Params;
use super::exchange_reply::CmdletError;

/// The group `-Identity` names, and whether the admin may change it without
/// `-BypassSecurityGroupManagerCheck`.
fn group_for_change(cx: &Ctx<'_>, p: &Params, id: &str) -> Result<(String, String), CmdletError> {
    let g = cx.dir.group(id).ok_or_else(|| CmdletError::not_found(id))?;
    let manages = g
        .managed_by
        .iter()
        .any(|a| a.eq_ignore_ascii_case(cx.admin));
    if !manages && !p.switch("BypassSecurityGroupManagerCheck") {
        return Err(CmdletError::not_group_manager());
    }
    Ok((g.address.clone(), g.name.clone()))
}

/// `Remove-DistributionGroupMember`: a direct member that is not there is
/// `MemberNotFoundException`.
pub(crate) fn remove_member(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let id = p.need("Identity")?;
    let member = p.need("Member")?;
    let (group_address, group_name) = group_for_change(cx, p, &id)?;
    let address = match cx.dir.mailbox_by_identity(&member) {
        Some(m) => m.address.clone(),
        None => cx
            .dir
            .group(&member)
            .map(|g| g.address.clone())
            .ok_or_else(|| CmdletError::recipient_not_found(&member))?,
    };
    let (now, prop) = (cx.now, cx.propagation_s);
    let Some(g) = cx.dir.group_mut(&group_address) else {
        return Err(CmdletError::not_found(&id));
    };
    match g
        .members
        .iter_mut()
        .find(|m| m.address == address && m.life.exists())
    {
        Some(m) => {
            m.life.remove(now, prop);
            Ok(Vec::new())
        }
        None => Err(CmdletError::member_not_found(&member, &group_name)),
    }
}

/// `Remove-DistributionGroup`: the group goes, and with it every policy scope it was.
pub(crate) fn remove_group(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let id = p.need("Identity")?;
    let (address, _) = group_for_change(cx, p, &id)?;
    cx.dir.groups.retain(|g| g.address != address);
    Ok(Vec::new())
}

/// `Remove-ServicePrincipal`: the pointer by object id, app id or display name.
pub(crate) fn remove_sp(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let id = p.need("Identity")?;
    let key = id.trim();
    let (now, prop) = (cx.now, cx.propagation_s);
    let found = cx.dir.exo.sps.iter_mut().find(|s| {
        s.life.exists()
            && [&s.object_id, &s.app_id, &s.display_name]
                .iter()
                .any(|v| v.eq_ignore_ascii_case(key))
    });
    match found {
        Some(s) => {
            s.life.remove(now, prop);
            Ok(Vec::new())
        }
        None => Err(CmdletError::not_found(&id)),
    }
}

/// `Remove-ManagementScope` by name.
pub(crate) fn remove_scope(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    super::exchange_cmdlets::remove(
        cx,
        p,
        |d| &mut d.exo.scopes,
        |s| (s.name.as_str(), &mut s.life),
    )
}
