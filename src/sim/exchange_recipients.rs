//! Recipient cmdlets: Get-/New-DistributionGroup, Get-/Add-DistributionGroupMember,
//! New-Mailbox -Shared, Get-Mailbox, Get-Recipient, on the runtime directory.

use serde_json::{Value, json};

use super::directory::Directory;
use super::exchange_cmdlets::{Ctx, result_size};
use super::exchange_params::Params;
use super::exchange_reply::CmdletError;
use super::exo_model::{DirGroup, Life, Member};
use super::scenario::{GroupKind, Mailbox, MailboxKind};
use super::scenario_load::derived_id;

/// `RecipientTypeDetails` of a group.
fn group_type(g: &DirGroup) -> &'static str {
    match g.kind {
        GroupKind::Security => "MailUniversalSecurityGroup",
        GroupKind::Distribution => "MailUniversalDistributionGroup",
    }
}

/// A DistributionGroup object.
pub(crate) fn group_json(dir: &Directory, g: &DirGroup) -> Value {
    json!({
        "@odata.type": "#Exchange.DistributionGroup",
        "Identity": g.name,
        "Name": g.name,
        "DisplayName": g.display_name,
        "Alias": g.alias,
        "PrimarySmtpAddress": g.address,
        "EmailAddresses": [format!("SMTP:{}", g.address)],
        "GroupType": match g.kind {
            GroupKind::Security => "Universal, SecurityEnabled",
            GroupKind::Distribution => "Universal",
        },
        "RecipientType": group_type(g),
        "RecipientTypeDetails": group_type(g),
        "DistinguishedName": dir.dn(g),
        "Guid": g.guid,
        "ExternalDirectoryObjectId": g.guid,
        "ManagedBy": g.managed_by,
    })
}

/// `RecipientType` and `RecipientTypeDetails` of a mailbox.
fn mailbox_types(m: &Mailbox) -> (&'static str, &'static str) {
    match m.kind {
        MailboxKind::User => ("UserMailbox", "UserMailbox"),
        MailboxKind::Shared => ("UserMailbox", "SharedMailbox"),
        MailboxKind::OnPremises => ("MailUser", "MailUser"),
        MailboxKind::Unlicensed => ("User", "User"),
    }
}

fn local(address: &str) -> &str {
    address.split('@').next().unwrap_or(address)
}

/// A recipient object for a mailbox (Get-Recipient, Get-DistributionGroupMember).
pub(crate) fn recipient_json(m: &Mailbox) -> Value {
    let (t, d) = mailbox_types(m);
    json!({
        "@odata.type": "#Exchange.ReducedRecipient",
        "Identity": local(&m.address),
        "Name": local(&m.address),
        "Alias": local(&m.address),
        "DisplayName": m.display_name,
        "PrimarySmtpAddress": m.address,
        "RecipientType": t,
        "RecipientTypeDetails": d,
        "ExternalDirectoryObjectId": m.id,
        "Guid": derived_id("mailbox", &m.address),
    })
}

/// A Mailbox object.
fn mailbox_json(m: &Mailbox) -> Value {
    let mut v = recipient_json(m);
    v["@odata.type"] = "#Exchange.Mailbox".into();
    v["UserPrincipalName"] = m.address.clone().into();
    v
}

fn group_recipient_json(dir: &Directory, g: &DirGroup) -> Value {
    let mut v = group_json(dir, g);
    v["@odata.type"] = "#Exchange.ReducedRecipient".into();
    v
}

/// Keeps items whose `RecipientTypeDetails` is one of `-RecipientTypeDetails`.
fn type_filter(p: &Params, items: Vec<Value>) -> Result<Vec<Value>, CmdletError> {
    let wanted = p.list("RecipientTypeDetails")?;
    if wanted.is_empty() {
        return Ok(items);
    }
    Ok(items
        .into_iter()
        .filter(|v| {
            let t = v["RecipientTypeDetails"].as_str().unwrap_or_default();
            wanted.iter().any(|w| w.eq_ignore_ascii_case(t))
        })
        .collect())
}

/// Get-Group: the same groups as Get-DistributionGroup (the sim has mail-enabled groups only),
/// as `Group` objects; the way to a group's `DistinguishedName` the scope filters use.
pub(crate) fn get_any_group(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let mut items = get_group(cx, p)?;
    for v in &mut items {
        v["@odata.type"] = "#Exchange.Group".into();
    }
    Ok(items)
}

pub(crate) fn get_group(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let dir = &*cx.dir;
    let items = match p.text("Identity")? {
        Some(id) => {
            let g = dir.group(&id).ok_or_else(|| CmdletError::not_found(&id))?;
            vec![group_json(dir, g)]
        }
        None => dir.groups.iter().map(|g| group_json(dir, g)).collect(),
    };
    result_size(p, type_filter(p, items)?)
}

/// An alias from a name: letters, digits and `.-_` kept.
fn alias_of(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect()
}

/// The address for a new recipient, refused when it or the name is taken.
fn new_address(cx: &Ctx<'_>, p: &Params, name: &str) -> Result<(String, String), CmdletError> {
    let alias = p.text("Alias")?.unwrap_or_else(|| alias_of(name));
    let address = p
        .text("PrimarySmtpAddress")?
        .unwrap_or_else(|| format!("{alias}@{}", cx.domain))
        .to_ascii_lowercase();
    if !address.contains('@') || address.starts_with('@') || address.ends_with('@') {
        return Err(CmdletError::invalid(format!(
            "\"{address}\" isn't a valid SMTP address."
        )));
    }
    if cx.dir.name_taken(name) {
        return Err(CmdletError::name_exists(name));
    }
    if cx.dir.address_taken(&address) {
        return Err(CmdletError::address_exists(&address, local(&address)));
    }
    Ok((alias, address))
}

/// The address of a recipient (mailbox or group) named by `key`.
fn recipient_address(dir: &Directory, key: &str) -> Result<String, CmdletError> {
    if let Some(m) = dir.mailbox_by_identity(key) {
        return Ok(m.address.clone());
    }
    dir.group(key)
        .map(|g| g.address.clone())
        .ok_or_else(|| CmdletError::recipient_not_found(key))
}

pub(crate) fn new_group(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let name = p.need("Name")?;
    let kind = match p.text("Type")? {
        None => GroupKind::Distribution,
        Some(t) if t.eq_ignore_ascii_case("Security") => GroupKind::Security,
        Some(t) if t.eq_ignore_ascii_case("Distribution") => GroupKind::Distribution,
        Some(t) => {
            return Err(CmdletError::invalid(format!(
                "Cannot bind parameter 'Type'. \"{t}\" is not Distribution or Security."
            )));
        }
    };
    let (alias, address) = new_address(cx, p, &name)?;
    let mut members = Vec::new();
    for m in p.list("Members")? {
        let address = recipient_address(cx.dir, &m)?;
        members.push(Member {
            address,
            life: Life::created(cx.now, cx.propagation_s),
        });
    }
    let mut managed_by = p.list("ManagedBy")?;
    if managed_by.is_empty() {
        managed_by.push(cx.admin.to_string());
    }
    let g = DirGroup {
        guid: derived_id("group", &format!("{address}:{}", cx.now)),
        display_name: p.text("DisplayName")?.unwrap_or_else(|| name.clone()),
        address,
        name,
        alias,
        kind,
        managed_by,
        members,
    };
    let out = group_json(cx.dir, &g);
    cx.dir.groups.push(g);
    Ok(vec![out])
}

pub(crate) fn get_members(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let dir = &*cx.dir;
    let id = p.need("Identity")?;
    let g = dir.group(&id).ok_or_else(|| CmdletError::not_found(&id))?;
    let items = g
        .members
        .iter()
        .filter(|m| m.life.exists())
        .filter_map(|m| match dir.find(&m.address) {
            Some(mb) => Some(recipient_json(mb)),
            None => dir.group(&m.address).map(|g| group_recipient_json(dir, g)),
        })
        .collect();
    result_size(p, items)
}

pub(crate) fn add_member(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let id = p.need("Identity")?;
    let member = p.need("Member")?;
    let g = cx
        .dir
        .group(&id)
        .ok_or_else(|| CmdletError::not_found(&id))?;
    let (group_address, group_name) = (g.address.clone(), g.name.clone());
    let manages = g
        .managed_by
        .iter()
        .any(|a| a.eq_ignore_ascii_case(cx.admin));
    let address = recipient_address(cx.dir, &member)?;
    if !manages && !p.switch("BypassSecurityGroupManagerCheck") {
        return Err(CmdletError::not_group_manager());
    }
    if address == group_address {
        return Err(CmdletError::invalid(format!(
            "The group \"{group_name}\" can't be a member of itself."
        )));
    }
    let (now, prop) = (cx.now, cx.propagation_s);
    let Some(g) = cx.dir.group_mut(&group_address) else {
        return Err(CmdletError::not_found(&id));
    };
    if g.members
        .iter()
        .any(|m| m.address == address && m.life.exists())
    {
        return Err(CmdletError::member_exists(&member, &group_name));
    }
    g.members.push(Member {
        address,
        life: Life::created(now, prop),
    });
    Ok(Vec::new())
}

pub(crate) fn new_mailbox(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    if !p.switch("Shared") {
        return Err(CmdletError::invalid(
            "The simulated tenant creates shared mailboxes only: add -Shared.",
        ));
    }
    let name = p.need("Name")?;
    let (_, address) = new_address(cx, p, &name)?;
    let m = Mailbox {
        id: derived_id("user", &address),
        display_name: p.text("DisplayName")?.unwrap_or_else(|| name.clone()),
        address,
        kind: MailboxKind::Shared,
        messages: 0,
    };
    let out = mailbox_json(&m);
    cx.dir.add_mailbox(m);
    Ok(vec![out])
}

pub(crate) fn get_mailbox(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let dir = &*cx.dir;
    let has_mailbox = |m: &&Mailbox| m.kind.has_rest_mailbox();
    let items = match p.text("Identity")? {
        Some(id) => {
            let m = dir
                .mailbox_by_identity(&id)
                .filter(has_mailbox)
                .ok_or_else(|| CmdletError::not_found(&id))?;
            vec![mailbox_json(m)]
        }
        None => dir
            .mailboxes()
            .iter()
            .filter(has_mailbox)
            .map(mailbox_json)
            .collect(),
    };
    result_size(p, type_filter(p, items)?)
}

pub(crate) fn get_recipient(cx: &mut Ctx<'_>, p: &Params) -> Result<Vec<Value>, CmdletError> {
    let dir = &*cx.dir;
    let items = match p.text("Identity")? {
        Some(id) => match dir.mailbox_by_identity(&id) {
            Some(m) => vec![recipient_json(m)],
            None => {
                let g = dir.group(&id).ok_or_else(|| CmdletError::not_found(&id))?;
                vec![group_recipient_json(dir, g)]
            }
        },
        None => dir
            .mailboxes()
            .iter()
            .map(recipient_json)
            .chain(dir.groups.iter().map(|g| group_recipient_json(dir, g)))
            .collect(),
    };
    result_size(p, type_filter(p, items)?)
}
