//! Authorization: Entra app roles, application access policies and RBAC for Applications.
//!
//! Evaluation (reference §5 and exchange-and-peers §4):
//! - a request needs one [`Need`]; Entra roles in the token and RBAC assignments in Exchange are
//!   a union;
//! - application access policies constrain only the Entra-consented permissions: Deny beats
//!   Restrict; any matching Restrict grants; Restrict policies without a match deny; no policy
//!   grants;
//! - RBAC scopes contain the group's direct members only; an assignment counts only while
//!   Exchange's service principal pointer names the app's real service principal object id;
//! - a policy, assignment or membership counts for Graph only once it has propagated
//!   (`effective_after_s` in the scenario, `[exchange] propagation_s` for changes made through
//!   InvokeCommand); Exchange's Test- cmdlets see it at once (`exo_model::View`).

use super::directory::Directory;
use super::exo_model::{RbacScope, RoleAssignment, View};
use super::scenario::{AccessRight, Mailbox};

/// What an endpoint requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// Directory read (GET /users/{id}).
    ReadUser,
    /// Mail.ReadBasic and up (inbox, list without bodies).
    ReadMailBasic,
    /// Mail.Read and up (bodies).
    ReadMail,
    /// Mail.ReadWrite (drafts).
    WriteMail,
    /// Mail.Send.
    SendMail,
    /// MailboxSettings.Read and up.
    ReadSettings,
    /// MailboxSettings.ReadWrite.
    WriteSettings,
}

use Need::*;

const MAIL_READ: &[Need] = &[ReadMailBasic, ReadMail];
const MAIL_RW: &[Need] = &[ReadMailBasic, ReadMail, WriteMail];
const MAIL_FULL: &[Need] = &[ReadMailBasic, ReadMail, WriteMail, SendMail];
const EXO_FULL: &[Need] = &[
    ReadMailBasic,
    ReadMail,
    WriteMail,
    SendMail,
    ReadSettings,
    WriteSettings,
];

/// Graph application permissions the sim knows and what they grant.
const APP_ROLES: &[(&str, &[Need])] = &[
    ("User.Read.All", &[ReadUser]),
    ("User.ReadBasic.All", &[ReadUser]),
    ("User.ReadWrite.All", &[ReadUser]),
    ("Directory.Read.All", &[ReadUser]),
    ("Directory.ReadWrite.All", &[ReadUser]),
    ("Mail.ReadBasic", &[ReadMailBasic]),
    ("Mail.ReadBasic.All", &[ReadMailBasic]),
    ("Mail.Read", MAIL_READ),
    ("Mail.ReadWrite", MAIL_RW),
    ("Mail.Send", &[SendMail]),
    ("MailboxSettings.Read", &[ReadSettings]),
    ("MailboxSettings.ReadWrite", &[ReadSettings, WriteSettings]),
    ("Calendars.Read", &[]),
    ("Calendars.ReadWrite", &[]),
    ("Contacts.Read", &[]),
    ("Contacts.ReadWrite", &[]),
];

/// Exchange RBAC for Applications roles the sim knows and what they grant.
const RBAC_ROLES: &[(&str, &[Need])] = &[
    ("Application Mail.ReadBasic", &[ReadMailBasic]),
    ("Application Mail.Read", MAIL_READ),
    ("Application Mail.ReadWrite", MAIL_RW),
    ("Application Mail.Send", &[SendMail]),
    ("Application MailboxSettings.Read", &[ReadSettings]),
    (
        "Application MailboxSettings.ReadWrite",
        &[ReadSettings, WriteSettings],
    ),
    ("Application Mail Full Access", MAIL_FULL),
    ("Application Exchange Full Access", EXO_FULL),
    ("Application Calendars.Read", &[]),
    ("Application Calendars.ReadWrite", &[]),
    ("Application Contacts.Read", &[]),
    ("Application Contacts.ReadWrite", &[]),
];

fn grants(table: &[(&str, &[Need])], role: &str, need: Need) -> bool {
    table
        .iter()
        .any(|(name, needs)| name.eq_ignore_ascii_case(role) && needs.contains(&need))
}

/// Whether `role` is a Graph application permission the sim knows.
pub(crate) fn is_known_app_role(role: &str) -> bool {
    APP_ROLES.iter().any(|(n, _)| *n == role)
}

/// Whether `role` is an RBAC for Applications role the sim knows.
pub(crate) fn is_known_rbac_role(role: &str) -> bool {
    RBAC_ROLES.iter().any(|(n, _)| *n == role)
}

/// The canonical name of an RBAC for Applications role named in any case.
pub(crate) fn known_rbac_role(role: &str) -> Option<&'static str> {
    RBAC_ROLES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(role.trim()))
        .map(|(n, _)| *n)
}

/// Whether the token's roles grant `need`.
pub(crate) fn token_grants(roles: &[String], need: Need) -> bool {
    roles.iter().any(|r| grants(APP_ROLES, r, need))
}

/// The outcome for a mailbox-scoped request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Allowed.
    Granted,
    /// No Entra role and no RBAC assignment for this permission at all.
    NoPermission,
    /// Entra role present, an application access policy blocks the mailbox ([RAOP]).
    PolicyDenied,
    /// Only RBAC grants exist and the mailbox is outside their scopes. [U] body assumed to be
    /// the missing-role one.
    OutOfRbacScope,
    /// The address is not a user in the directory.
    UnknownUser,
    /// On-premises or unlicensed: no Exchange Online mailbox.
    NoRestMailbox,
}

/// Who is asking, at what time since sim start.
pub(crate) struct Caller<'a> {
    /// Client id.
    pub(crate) app: &'a str,
    /// The app's service principal object id (`oid` of its token).
    pub(crate) sp: &'a str,
    /// `roles` from the access token.
    pub(crate) roles: &'a [String],
    /// Seconds since sim start.
    pub(crate) elapsed_s: f64,
}

/// Decides a mailbox-scoped Graph request. [U] the order (permission, then existence, then
/// scope) is an inference; Graph does not document it.
pub(crate) fn decide(
    dir: &Directory,
    who: &Caller<'_>,
    mailbox: Option<&Mailbox>,
    need: Need,
) -> Decision {
    let view = View::Graph(who.elapsed_s);
    let entra = token_grants(who.roles, need);
    // Exchange finds the app by its pointer's object id: a pointer made with another object id
    // (the app registration's, not the enterprise application's) grants nothing.
    let pointer = dir.exo.sps.iter().any(|p| {
        p.app_id == who.app && p.object_id.eq_ignore_ascii_case(who.sp) && p.life.counts(view)
    });
    let rbac: Vec<_> = dir
        .exo
        .assignments
        .iter()
        .filter(|a| pointer && a.app == who.app && a.life.counts(view))
        .filter(|a| grants(RBAC_ROLES, &a.role, need))
        .collect();
    if !entra && rbac.is_empty() {
        return Decision::NoPermission;
    }
    let Some(m) = mailbox else {
        return Decision::UnknownUser;
    };
    if !m.kind.has_rest_mailbox() {
        return Decision::NoRestMailbox;
    }
    if rbac.iter().any(|a| in_rbac_scope(dir, a, &m.address, view)) {
        return Decision::Granted;
    }
    if !entra {
        return Decision::OutOfRbacScope;
    }
    if policies_allow(dir, who.app, &m.address, view) {
        Decision::Granted
    } else {
        Decision::PolicyDenied
    }
}

/// Whether a role assignment's scope holds the mailbox: direct group members only; a
/// management scope's `MemberOfGroup` names its group by DN, address or name.
pub(crate) fn in_rbac_scope(
    dir: &Directory,
    a: &RoleAssignment,
    address: &str,
    view: View,
) -> bool {
    match &a.scope {
        RbacScope::Organization => true,
        RbacScope::Group(g) => dir.is_direct_member(g, address, view),
        RbacScope::Custom(name) => dir
            .exo
            .scopes
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name) && s.life.counts(view))
            .and_then(|s| dir.group(&s.member_of))
            .is_some_and(|g| dir.is_direct_member(&g.address, address, view)),
    }
}

/// Application access policy evaluation for an app (Test-ApplicationAccessPolicy's answer in
/// [`View::Exchange`]).
pub(crate) fn policies_allow(dir: &Directory, app: &str, address: &str, view: View) -> bool {
    let active: Vec<_> = dir
        .exo
        .policies
        .iter()
        .filter(|p| (p.app == app || p.app == "*") && p.life.counts(view))
        .collect();
    let member = |g: &str| dir.is_member(g, address, view);
    if active
        .iter()
        .any(|p| p.access == AccessRight::DenyAccess && member(&p.group))
    {
        return false;
    }
    let restricts: Vec<_> = active
        .iter()
        .filter(|p| p.access == AccessRight::RestrictAccess)
        .collect();
    restricts.is_empty() || restricts.iter().any(|p| member(&p.group))
}
