//! Application access policy cmdlets: Get-, New-, Remove- and Test-ApplicationAccessPolicy.
//! Test- answers from Exchange's own view (changes count at once); Graph follows after
//! `[exchange] propagation_s` (authz.rs).

use serde_json::{Value, json};

use super::authz::policies_allow;
use super::directory::{Directory, policy_identity, sid};
use super::exchange_cmdlets::{Ctx, one_or_all};
use super::exchange_params::Params;
use super::exchange_reply::CmdletError;
use super::exo_model::{Life, Policy, View};
use super::scenario::{AccessRight, GroupKind, MailboxKind};

fn right_name(a: AccessRight) -> &'static str {
    match a {
        AccessRight::RestrictAccess => "RestrictAccess",
        AccessRight::DenyAccess => "DenyAccess",
    }
}

/// An ApplicationAccessPolicy object.
fn policy_json(dir: &Directory, p: &Policy) -> Value {
    let (scope_name, scope_identity) = match dir.group(&p.group) {
        Some(g) => (g.display_name.clone(), g.name.clone()),
        None => (p.group.clone(), p.group.clone()),
    };
    json!({
        "@odata.type": "#Exchange.ApplicationAccessPolicy",
        "Identity": p.identity,
        "AppId": p.app,
        "ScopeName": scope_name,
        "ScopeIdentity": scope_identity,
        "ScopeIdentityRaw": format!("{};{}", sid(&p.group), p.group),
        "Description": p.description,
        "AccessRight": right_name(p.access),
        "ShardType": "All",
        "IsValid": true,
    })
}

fn find<'a>(dir: &'a Directory, id: &str) -> Option<&'a Policy> {
    dir.exo
        .policies
        .iter()
        .find(|p| p.life.exists() && p.identity.eq_ignore_ascii_case(id.trim()))
}

pub(crate) fn get(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let dir = &*cx.dir;
    let all = dir.exo.policies.iter().filter(|x| x.life.exists());
    one_or_all(p, |id| find(dir, id), all, |x| policy_json(dir, x))
}

/// The scope's address: a mail-enabled security group or a user mailbox (security
/// principals); a distribution list or shared mailbox is refused as Exchange refuses it.
fn scope_address(dir: &Directory, key: &str) -> Result<String, CmdletError> {
    if let Some(g) = dir.group(key) {
        return match g.kind {
            GroupKind::Security => Ok(g.address.clone()),
            GroupKind::Distribution => Err(CmdletError::not_security_principal(key)),
        };
    }
    match dir.mailbox_by_identity(key) {
        Some(m) if m.kind == MailboxKind::User => Ok(m.address.clone()),
        Some(_) => Err(CmdletError::not_security_principal(key)),
        None => Err(CmdletError::recipient_not_found(key)),
    }
}

fn is_app_id(s: &str) -> bool {
    s == "*" || uuid::Uuid::parse_str(s).is_ok()
}

pub(crate) fn new(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let access = match p.need("AccessRight")?.to_ascii_lowercase().as_str() {
        "restrictaccess" => AccessRight::RestrictAccess,
        "denyaccess" => AccessRight::DenyAccess,
        other => {
            return Err(CmdletError::invalid(format!(
                "Cannot bind parameter 'AccessRight': \"{other}\" is not RestrictAccess or DenyAccess."
            )));
        }
    };
    let apps: Vec<String> = p
        .list("AppId")?
        .into_iter()
        .map(|a| a.to_ascii_lowercase())
        .collect();
    if let Some(bad) = apps.iter().find(|a| !is_app_id(a)) {
        return Err(CmdletError::invalid(format!(
            "The AppId \"{bad}\" isn't a valid GUID."
        )));
    }
    let group = scope_address(cx.dir, &p.need("PolicyScopeGroupId")?)?;
    let description = p.text("Description")?.unwrap_or_default();
    let mut out = Vec::new();
    for app in apps {
        let existing =
            cx.dir.exo.policies.iter().find(|x| {
                x.life.exists() && x.app == app && x.group == group && x.access == access
            });
        if let Some(x) = existing {
            return Err(CmdletError::object_exists(&x.identity));
        }
        let salt = format!("{group}:{}", cx.now);
        let policy = Policy {
            identity: policy_identity(cx.tenant, &app, &salt),
            app,
            group: group.clone(),
            access,
            description: description.clone(),
            life: Life::created(cx.now, cx.propagation_s),
        };
        out.push(policy_json(cx.dir, &policy));
        cx.dir.exo.policies.push(policy);
    }
    Ok(out)
}

pub(crate) fn remove(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    super::exchange_cmdlets::remove(
        cx,
        p,
        |d| &mut d.exo.policies,
        |x| (x.identity.as_str(), &mut x.life),
    )
}

pub(crate) fn test(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let dir = &*cx.dir;
    let id = p.need("Identity")?;
    let app = p.need("AppId")?.to_ascii_lowercase();
    let m = dir
        .mailbox_by_identity(&id)
        .ok_or_else(|| CmdletError::not_found(&id))?;
    let granted = policies_allow(dir, &app, &m.address, View::Exchange);
    let scope = dir
        .exo
        .policies
        .iter()
        .find(|x| {
            x.life.exists() && x.app == app && dir.is_member(&x.group, &m.address, View::Exchange)
        })
        .and_then(|x| dir.group(&x.group).map(|g| g.guid.clone()));
    Ok(vec![json!({
        "@odata.type": "#Exchange.ApplicationAccessPolicyTestResult",
        "AppId": app,
        "Mailbox": m.display_name,
        "MailboxId": m.id,
        "MailboxSid": sid(&m.address),
        "PolicyScopeGroupId": scope,
        "AccessCheckResult": if granted { "Granted" } else { "Denied" },
    })])
}
