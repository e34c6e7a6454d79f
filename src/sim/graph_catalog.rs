//! First-party service principals every tenant has: Microsoft Graph (its app roles and delegated
//! scopes) and Office 365 Exchange Online (Exchange.ManageAsApp), with their real, global ids
//! (admin-wire-behaviour §2b; Microsoft Graph permissions reference).

use serde_json::{Value, json};

/// Microsoft Graph's application id.
pub(crate) const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// Office 365 Exchange Online's application id.
pub(crate) const EXCHANGE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";

/// Exchange Online's app role for app-only Exchange PowerShell / admin API.
pub(crate) const EXCHANGE_ROLES: &[(&str, &str, &str)] = &[(
    "Exchange.ManageAsApp",
    "dc50a0fb-09a3-484d-be87-e023b12c6440",
    "Manage Exchange As Application",
)];

/// The app roles a first-party resource publishes (empty for others).
pub(crate) fn roles_of(app_id: &str) -> &'static [(&'static str, &'static str, &'static str)] {
    if app_id.eq_ignore_ascii_case(GRAPH_APP_ID) {
        APP_ROLES
    } else if app_id.eq_ignore_ascii_case(EXCHANGE_APP_ID) {
        EXCHANGE_ROLES
    } else {
        &[]
    }
}

/// Microsoft's own tenant, the owner of first-party service principals.
pub(crate) const MICROSOFT_TENANT: &str = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

/// Application permissions (app roles): value, id, display name. Every role `authz` knows.
pub(crate) const APP_ROLES: &[(&str, &str, &str)] = &[
    (
        "User.Read.All",
        "df021288-bdef-4463-88db-98f22de89214",
        "Read all users' full profiles",
    ),
    (
        "User.ReadBasic.All",
        "97235f07-e226-4f63-ace3-39588e11d3a1",
        "Read all users' basic profiles",
    ),
    (
        "User.ReadWrite.All",
        "741f803b-c850-494e-b5df-cde7c675a1ca",
        "Read and write all users' full profiles",
    ),
    (
        "Directory.Read.All",
        "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
        "Read directory data",
    ),
    (
        "Directory.ReadWrite.All",
        "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
        "Read and write directory data",
    ),
    (
        "Mail.ReadBasic",
        "6be147d2-ea4f-4b5a-a3fa-3eab6f3c140a",
        "Read basic mail in all mailboxes",
    ),
    (
        "Mail.ReadBasic.All",
        "693c5e45-0940-467d-9b8a-1022fb9d42ef",
        "Read basic mail in all mailboxes",
    ),
    (
        "Mail.Read",
        "810c84a8-4a9e-49e6-bf7d-12d183f40d01",
        "Read mail in all mailboxes",
    ),
    (
        "Mail.ReadWrite",
        "e2a3a72e-5f79-4c64-b1b1-878b674786c9",
        "Read and write mail in all mailboxes",
    ),
    (
        "Mail.Send",
        "b633e1c5-b582-4048-a93e-9f11b44c7e96",
        "Send mail as any user",
    ),
    (
        "MailboxSettings.Read",
        "40f97065-369a-49f4-947c-6a255697ae91",
        "Read all user mailbox settings",
    ),
    (
        "MailboxSettings.ReadWrite",
        "6931bccd-447a-43d1-b442-00a195474933",
        "Read and write all user mailbox settings",
    ),
    (
        "Calendars.Read",
        "798ee544-9d2d-430c-a058-570e29e34338",
        "Read calendars in all mailboxes",
    ),
    (
        "Calendars.ReadWrite",
        "ef54d2bf-783f-4e0f-bca1-3210c0444d99",
        "Read and write calendars in all mailboxes",
    ),
    (
        "Contacts.Read",
        "089fe4d0-434a-44c5-8827-41ba8a0b17f5",
        "Read contacts in all mailboxes",
    ),
    (
        "Contacts.ReadWrite",
        "6918b873-d17a-4dc1-b314-35f528134491",
        "Read and write contacts in all mailboxes",
    ),
];

/// Delegated permissions (scopes): value, id, consent type ("Admin" or "User").
pub(crate) const SCOPES: &[(&str, &str, &str)] = &[
    ("Mail.Read", "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", "User"),
    (
        "Mail.ReadWrite",
        "024d486e-b451-40bb-833d-3e66d98c5c73",
        "User",
    ),
    ("Mail.Send", "e383f46e-2787-4529-855e-0e479a3ffac0", "User"),
    (
        "MailboxSettings.Read",
        "87f447af-9fa4-4c32-9dfa-4a57a73d18ce",
        "User",
    ),
    (
        "MailboxSettings.ReadWrite",
        "818c620a-27a9-40bd-a6a5-d96f7d610b4b",
        "User",
    ),
    ("User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "User"),
    (
        "User.Read.All",
        "a154be20-db9c-4678-8ab7-66f6cc099a59",
        "Admin",
    ),
    (
        "offline_access",
        "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
        "User",
    ),
    ("openid", "37f7f235-527c-4136-accd-4a02d197296e", "User"),
    ("profile", "14dad69e-099b-42c9-810b-d002981feec1", "User"),
    ("email", "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", "User"),
];

/// The app role value for an id (case-insensitive id).
pub(crate) fn role_value(id: &str) -> Option<&'static str> {
    APP_ROLES
        .iter()
        .find(|(_, rid, _)| rid.eq_ignore_ascii_case(id))
        .map(|(v, _, _)| *v)
}

/// The app role id for a value.
pub(crate) fn role_id(value: &str) -> Option<&'static str> {
    APP_ROLES
        .iter()
        .find(|(v, _, _)| v.eq_ignore_ascii_case(value))
        .map(|(_, id, _)| *id)
}

/// `appRoles` of a first-party service principal.
pub(crate) fn app_roles_json(app_id: &str) -> Value {
    let roles: Vec<Value> = roles_of(app_id)
        .iter()
        .map(|(value, id, name)| {
            json!({
                "allowedMemberTypes": ["Application"],
                "description": format!("Allows the app to {} without a signed-in user.", name.to_lowercase()),
                "displayName": name,
                "id": id,
                "isEnabled": true,
                "origin": "Application",
                "value": value,
            })
        })
        .collect();
    Value::Array(roles)
}

/// `oauth2PermissionScopes` of Graph's service principal.
pub(crate) fn scopes_json() -> Value {
    let scopes: Vec<Value> = SCOPES
        .iter()
        .map(|(value, id, kind)| {
            json!({
                "adminConsentDescription": format!("Allows the app to use {value} on behalf of the signed-in user."),
                "adminConsentDisplayName": value,
                "id": id,
                "isEnabled": true,
                "type": kind,
                "userConsentDescription": format!("Allows the app to use {value} on your behalf."),
                "userConsentDisplayName": value,
                "value": value,
            })
        })
        .collect();
    Value::Array(scopes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_authz_knows_has_an_id_and_ids_are_unique() {
        for (value, id, _) in APP_ROLES {
            assert!(super::super::authz::is_known_app_role(value), "{value}");
            assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
            assert_eq!(role_value(id), Some(*value));
        }
        let mut ids: Vec<&str> = APP_ROLES.iter().map(|r| r.1).collect();
        ids.extend(SCOPES.iter().map(|s| s.1));
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert_eq!(
            role_id("Mail.Send"),
            Some("b633e1c5-b582-4048-a93e-9f11b44c7e96")
        );
    }
}
