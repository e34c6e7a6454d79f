//! Microsoft Graph permission identifiers: the `appRole` IDs of application permissions and
//! the `oauth2PermissionScope` IDs of delegated ones, as the Entra script requests them.
//!
//! Source: Microsoft's "All permissions and IDs" table, repository
//! `microsoftgraph/microsoft-graph-docs-contrib`, file `concepts/includes/permissions-ids.md`
//! (commit 43b498394ec440e548985309e1d8689c9e16adcf), included by `concepts/permissions-reference.md`
//! (<https://learn.microsoft.com/graph/permissions-reference>). Only the permissions mailscope's
//! presets can ask for are listed; a name missing here is reported, never guessed.

use crate::preset::PermissionKind;

/// The application ID of Microsoft Graph itself (the resource every permission belongs to).
pub const MICROSOFT_GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// (permission name, kind, ID), copied from the source named in the module comment.
pub const PERMISSION_IDS: &[(&str, PermissionKind, &str)] = &[
    (
        "email",
        PermissionKind::Delegated,
        "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
    ),
    (
        "Mail.Read",
        PermissionKind::Application,
        "810c84a8-4a9e-49e6-bf7d-12d183f40d01",
    ),
    (
        "Mail.Read",
        PermissionKind::Delegated,
        "570282fd-fa5c-430d-a7fd-fc8dc98a9dca",
    ),
    (
        "Mail.ReadBasic",
        PermissionKind::Application,
        "6be147d2-ea4f-4b5a-a3fa-3eab6f3c140a",
    ),
    (
        "Mail.ReadBasic",
        PermissionKind::Delegated,
        "a4b8392a-d8d1-4954-a029-8e668a39a170",
    ),
    (
        "Mail.ReadBasic.All",
        PermissionKind::Application,
        "693c5e45-0940-467d-9b8a-1022fb9d42ef",
    ),
    (
        "Mail.ReadWrite",
        PermissionKind::Application,
        "e2a3a72e-5f79-4c64-b1b1-878b674786c9",
    ),
    (
        "Mail.ReadWrite",
        PermissionKind::Delegated,
        "024d486e-b451-40bb-833d-3e66d98c5c73",
    ),
    (
        "Mail.Send",
        PermissionKind::Application,
        "b633e1c5-b582-4048-a93e-9f11b44c7e96",
    ),
    (
        "Mail.Send",
        PermissionKind::Delegated,
        "e383f46e-2787-4529-855e-0e479a3ffac0",
    ),
    (
        "MailboxSettings.Read",
        PermissionKind::Application,
        "40f97065-369a-49f4-947c-6a255697ae91",
    ),
    (
        "MailboxSettings.Read",
        PermissionKind::Delegated,
        "87f447af-9fa4-4c32-9dfa-4a57a73d18ce",
    ),
    (
        "MailboxSettings.ReadWrite",
        PermissionKind::Application,
        "6931bccd-447a-43d1-b442-00a195474933",
    ),
    (
        "MailboxSettings.ReadWrite",
        PermissionKind::Delegated,
        "818c620a-27a9-40bd-a6a5-d96f7d610b4b",
    ),
    (
        "offline_access",
        PermissionKind::Delegated,
        "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
    ),
    (
        "openid",
        PermissionKind::Delegated,
        "37f7f235-527c-4136-accd-4a02d197296e",
    ),
    (
        "profile",
        PermissionKind::Delegated,
        "14dad69e-099b-42c9-810b-d002981feec1",
    ),
    (
        "User.Read",
        PermissionKind::Delegated,
        "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
    ),
    (
        "User.Read.All",
        PermissionKind::Application,
        "df021288-bdef-4463-88db-98f22de89214",
    ),
    (
        "User.Read.All",
        PermissionKind::Delegated,
        "a154be20-db9c-4678-8ab7-66f6cc099a59",
    ),
    (
        "User.ReadBasic.All",
        PermissionKind::Delegated,
        "b340eb25-3456-403f-be2f-af7a0d370277",
    ),
];

/// The ID of permission `name` of `kind`, if the table has it. Names match case-sensitively,
/// as Microsoft Graph spells them.
pub fn permission_id(name: &str, kind: PermissionKind) -> Option<&'static str> {
    PERMISSION_IDS
        .iter()
        .find(|(n, k, _)| *n == name && *k == kind)
        .map(|(_, _, id)| *id)
}

/// The Exchange Online role for RBAC for Applications that grants application permission
/// `name` ("Application Mail.Send"), for the permissions Exchange can scope.
pub fn exchange_app_role(name: &str) -> Option<&'static str> {
    match name {
        "Mail.Read" => Some("Application Mail.Read"),
        "Mail.ReadWrite" => Some("Application Mail.ReadWrite"),
        "Mail.Send" => Some("Application Mail.Send"),
        "MailboxSettings.Read" => Some("Application MailboxSettings.Read"),
        "MailboxSettings.ReadWrite" => Some("Application MailboxSettings.ReadWrite"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preset;

    /// Rows copied by hand from `concepts/includes/permissions-ids.md` (see the module
    /// comment), in that file's `| name | Type | ID |` form, to check the table against.
    const SOURCE_ROWS: &str = "
| email                                                   | Delegated   | 64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0 |
| Mail.Read                                               | Application | 810c84a8-4a9e-49e6-bf7d-12d183f40d01 |
| Mail.Read                                               | Delegated   | 570282fd-fa5c-430d-a7fd-fc8dc98a9dca |
| Mail.ReadBasic                                          | Application | 6be147d2-ea4f-4b5a-a3fa-3eab6f3c140a |
| Mail.ReadBasic                                          | Delegated   | a4b8392a-d8d1-4954-a029-8e668a39a170 |
| Mail.ReadBasic.All                                      | Application | 693c5e45-0940-467d-9b8a-1022fb9d42ef |
| Mail.ReadWrite                                          | Application | e2a3a72e-5f79-4c64-b1b1-878b674786c9 |
| Mail.ReadWrite                                          | Delegated   | 024d486e-b451-40bb-833d-3e66d98c5c73 |
| Mail.Send                                               | Application | b633e1c5-b582-4048-a93e-9f11b44c7e96 |
| Mail.Send                                               | Delegated   | e383f46e-2787-4529-855e-0e479a3ffac0 |
| MailboxSettings.Read                                    | Application | 40f97065-369a-49f4-947c-6a255697ae91 |
| MailboxSettings.Read                                    | Delegated   | 87f447af-9fa4-4c32-9dfa-4a57a73d18ce |
| MailboxSettings.ReadWrite                               | Application | 6931bccd-447a-43d1-b442-00a195474933 |
| MailboxSettings.ReadWrite                               | Delegated   | 818c620a-27a9-40bd-a6a5-d96f7d610b4b |
| offline_access                                          | Delegated   | 7427e0e9-2fba-42fe-b0c0-848c9e6a8182 |
| openid                                                  | Delegated   | 37f7f235-527c-4136-accd-4a02d197296e |
| profile                                                 | Delegated   | 14dad69e-099b-42c9-810b-d002981feec1 |
| User.Read                                               | Delegated   | e1fe6dd8-ba31-4d61-89e7-88639da4683d |
| User.Read.All                                           | Application | df021288-bdef-4463-88db-98f22de89214 |
| User.Read.All                                           | Delegated   | a154be20-db9c-4678-8ab7-66f6cc099a59 |
| User.ReadBasic.All                                      | Delegated   | b340eb25-3456-403f-be2f-af7a0d370277 |
";

    fn source() -> Vec<(String, PermissionKind, String)> {
        SOURCE_ROWS
            .lines()
            .filter(|l| l.starts_with('|'))
            .map(|l| {
                let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
                let kind = match cells[1] {
                    "Application" => PermissionKind::Application,
                    "Delegated" => PermissionKind::Delegated,
                    other => panic!("unknown type {other}"),
                };
                (cells[0].to_string(), kind, cells[2].to_string())
            })
            .collect()
    }

    #[test]
    fn table_matches_microsofts_published_ids() {
        let src = source();
        assert_eq!(
            src.len(),
            PERMISSION_IDS.len(),
            "row count differs from the source"
        );
        for (name, kind, id) in &src {
            assert_eq!(
                permission_id(name, *kind),
                Some(id.as_str()),
                "{name} ({kind:?})"
            );
        }
    }

    #[test]
    fn ids_are_distinct_lowercase_guids() {
        let mut seen = std::collections::HashSet::new();
        for (name, _, id) in PERMISSION_IDS {
            assert!(
                crate::profile::validate::parse_guid(id).as_deref() == Some(*id),
                "{name}: {id}"
            );
            // User.Export.All shares one ID between kinds in Microsoft's table; ours do not.
            assert!(seen.insert(*id), "duplicate ID {id}");
        }
    }

    #[test]
    fn every_preset_permission_has_an_id() {
        for p in preset::all().expect("presets") {
            for perm in &p.permissions {
                assert!(
                    permission_id(&perm.name, perm.kind).is_some(),
                    "{:?}: {} ({:?}) has no ID",
                    p.id,
                    perm.name,
                    perm.kind
                );
            }
        }
    }

    #[test]
    fn application_mail_permissions_map_to_exchange_roles() {
        assert_eq!(
            exchange_app_role("Mail.Send"),
            Some("Application Mail.Send")
        );
        assert_eq!(
            exchange_app_role("Mail.ReadWrite"),
            Some("Application Mail.ReadWrite")
        );
        assert_eq!(exchange_app_role("User.Read.All"), None);
    }
}
