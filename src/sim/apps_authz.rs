//! Who may manage apps: the delegated token's scopes (`scp`) AND the admin's directory roles
//! (`wids`); an app-only token needs the permission among its `roles`. Graph's error replies for
//! app management (admin-wire-behaviour §2, §2d).

use super::graph_reply::GraphReply;
use super::tokens_jwt::AccessClaims;

/// Directory role template ids (reference §1f, Entra permissions reference).
pub(crate) const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
pub(crate) const PRIVILEGED_ROLE_ADMIN: &str = "e8611ab8-c189-46e8-94e1-60213ab1f814";
pub(crate) const APPLICATION_ADMIN: &str = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3";
pub(crate) const CLOUD_APPLICATION_ADMIN: &str = "158c047a-c907-4556-b7ef-446551a6b5f7";
/// Roles that may read the sign-in activity reports (Microsoft's list for
/// appCredentialSignInActivities: Reports Reader, Security Reader, Security Operator, Security
/// Administrator, Global Reader; Global Administrator holds more).
const REPORT_READERS: &[&str] = &[
    GLOBAL_ADMIN,
    "4a5d8f65-41da-4de4-8968-e035b65339cf",
    "5d6b6bb7-de71-4623-b4af-96380a352509",
    "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f",
    "194ae4cb-b126-40b2-bd5b-6091b380977d",
    "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
];

/// What a request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// Read applications, service principals, assignments.
    Read,
    /// Read OAuth2 permission grants.
    ReadGrants,
    /// Create, change or delete applications and service principals, add or remove secrets.
    WriteApps,
    /// Grant or revoke an app role; `graph`: a Microsoft Graph app role.
    Assign { graph: bool },
    /// Create, change or delete delegated grants.
    WriteGrants,
    /// Read the app management policy.
    ReadPolicy,
    /// Read the authorization policy (user consent) or the admin consent request policy.
    ReadConsentPolicy,
    /// Read the tenant's name and domains.
    ReadOrganization,
    /// Read the sign-in activity reports (AuditLog.Read.All and a reader role).
    ReadSignInActivity,
}

const APP_READ: &[&str] = &[
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    "Directory.AccessAsUser.All",
];

/// (scopes of which one is needed) per group of requirements, and the roles of which one is
/// needed (`None`: any signed-in user).
fn requirements(
    op: Op,
) -> (
    Vec<&'static [&'static str]>,
    Option<&'static [&'static str]>,
) {
    const APP_ADMINS: &[&str] = &[
        GLOBAL_ADMIN,
        APPLICATION_ADMIN,
        CLOUD_APPLICATION_ADMIN,
        PRIVILEGED_ROLE_ADMIN,
    ];
    const CREATORS: &[&str] = &[GLOBAL_ADMIN, APPLICATION_ADMIN, CLOUD_APPLICATION_ADMIN];
    const GRAPH_ROLE_GRANTERS: &[&str] = &[GLOBAL_ADMIN, PRIVILEGED_ROLE_ADMIN];
    match op {
        Op::Read => (vec![APP_READ], None),
        Op::ReadGrants => (
            vec![&[
                "DelegatedPermissionGrant.Read.All",
                "DelegatedPermissionGrant.ReadWrite.All",
                "Directory.Read.All",
                "Directory.ReadWrite.All",
                "Directory.AccessAsUser.All",
            ]],
            None,
        ),
        Op::WriteApps => (
            vec![&["Application.ReadWrite.All", "Directory.AccessAsUser.All"]],
            Some(CREATORS),
        ),
        Op::Assign { graph } => (
            vec![&["AppRoleAssignment.ReadWrite.All"], APP_READ],
            Some(if graph {
                GRAPH_ROLE_GRANTERS
            } else {
                APP_ADMINS
            }),
        ),
        Op::WriteGrants => (
            vec![&["DelegatedPermissionGrant.ReadWrite.All"]],
            Some(APP_ADMINS),
        ),
        Op::ReadOrganization => (
            vec![&[
                "User.Read",
                "User.Read.All",
                "Organization.Read.All",
                "Directory.Read.All",
                "Directory.ReadWrite.All",
                "Directory.AccessAsUser.All",
            ]],
            None,
        ),
        Op::ReadPolicy => (
            vec![&[
                "Policy.Read.All",
                "Policy.ReadWrite.ApplicationConfiguration",
            ]],
            None,
        ),
        // authorizationPolicy: Policy.Read.All or Policy.ReadWrite.Authorization;
        // adminConsentRequestPolicy: Policy.Read.All, Policy.ReadWrite.ConsentRequest or
        // Directory.Read.All (Microsoft's permission tables); the common one suffices here.
        Op::ReadConsentPolicy => (vec![&["Policy.Read.All"]], None),
        Op::ReadSignInActivity => (
            vec![&["AuditLog.Read.All", "Directory.Read.All"]],
            Some(REPORT_READERS),
        ),
    }
}

/// Whether the caller may do `op`; Graph's 403 otherwise.
pub(crate) fn check(who: &AccessClaims, op: Op) -> Result<(), GraphReply> {
    let (scope_groups, roles) = requirements(op);
    let delegated = !who.scp.is_empty();
    let held = if delegated { &who.scp } else { &who.roles };
    let has = |names: &[&str]| {
        names
            .iter()
            .any(|n| held.iter().any(|h| h.eq_ignore_ascii_case(n)))
    };
    let scopes_ok = scope_groups.iter().all(|g| has(g));
    let roles_ok =
        !delegated || roles.is_none_or(|rs| rs.iter().any(|r| who.wids.iter().any(|w| w == r)));
    if scopes_ok && roles_ok {
        Ok(())
    } else {
        Err(denied())
    }
}

/// 403 for a missing scope or directory role.
pub(crate) fn denied() -> GraphReply {
    GraphReply::error(
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
    )
}

/// 404 for an object that does not exist (or has not replicated yet).
pub(crate) fn not_found(id: &str) -> GraphReply {
    GraphReply::error(
        404,
        "Request_ResourceNotFound",
        format!(
            "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
        ),
    )
}

/// 400 `Request_BadRequest` with a message.
pub(crate) fn bad_request(message: impl Into<String>) -> GraphReply {
    GraphReply::error(400, "Request_BadRequest", message)
}

/// The body as a JSON object, or Graph's 400.
pub(crate) fn json_body(
    body: &[u8],
) -> Result<serde_json::Map<String, serde_json::Value>, GraphReply> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        _ => Err(GraphReply::error(
            400,
            "BadRequest",
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
        )),
    }
}

/// `$filter` of `prop eq 'value'` clauses joined by `and`: (lower-case property, value).
pub(crate) fn eq_filter(
    query: &std::collections::HashMap<String, String>,
    known: &[&str],
) -> Result<Vec<(String, String)>, GraphReply> {
    let Some(text) = query.get("$filter") else {
        return Ok(Vec::new());
    };
    let bad = |what: &str| {
        GraphReply::error(
            400,
            "Request_UnsupportedQuery",
            format!(
                "Unsupported or invalid query filter clause specified for property '{what}' of resource."
            ),
        )
    };
    let mut out = Vec::new();
    for clause in split_and(text) {
        let clause = clause.trim();
        let mut parts = clause.splitn(3, ' ');
        let (Some(prop), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad(clause));
        };
        let prop = prop.to_ascii_lowercase();
        if !op.eq_ignore_ascii_case("eq") || !known.contains(&prop.as_str()) {
            return Err(bad(&prop));
        }
        let value = value.trim();
        let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) else {
            return Err(bad(&prop));
        };
        out.push((prop, inner.replace("''", "'")));
    }
    Ok(out)
}

/// Splits on ` and ` outside quotes (any case).
fn split_and(text: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut quoted = false;
    let mut i = 0;
    let chars: Vec<char> = text.chars().collect();
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            quoted = !quoted;
        }
        let rest: String = chars[i..chars.len().min(i + 5)].iter().collect();
        if !quoted && rest.eq_ignore_ascii_case(" and ") {
            parts.push(String::new());
            i += 5;
            continue;
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
        i += 1;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(scp: &str, wids: &[&str]) -> AccessClaims {
        AccessClaims {
            appid: "x".into(),
            roles: Vec::new(),
            scp: scp.split_whitespace().map(String::from).collect(),
            wids: wids.iter().map(|w| w.to_string()).collect(),
            aud: String::new(),
            upn: String::new(),
            oid: String::new(),
        }
    }

    #[test]
    fn scopes_and_roles_are_both_needed() {
        let rw = "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All";
        assert!(check(&who(rw, &[APPLICATION_ADMIN]), Op::WriteApps).is_ok());
        assert!(check(&who(rw, &[]), Op::WriteApps).is_err());
        assert!(check(&who("User.Read", &[GLOBAL_ADMIN]), Op::WriteApps).is_err());
        assert!(check(&who(rw, &[APPLICATION_ADMIN]), Op::Assign { graph: true }).is_err());
        assert!(check(&who(rw, &[APPLICATION_ADMIN]), Op::Assign { graph: false }).is_ok());
        assert!(
            check(
                &who(rw, &[PRIVILEGED_ROLE_ADMIN]),
                Op::Assign { graph: true }
            )
            .is_ok()
        );
        assert!(
            check(
                &who("AppRoleAssignment.ReadWrite.All", &[GLOBAL_ADMIN]),
                Op::Assign { graph: true }
            )
            .is_err()
        );
        assert!(check(&who(rw, &[]), Op::Read).is_ok());
    }

    #[test]
    fn filters() {
        let q = |f: &str| {
            let mut m = std::collections::HashMap::new();
            m.insert("$filter".to_string(), f.to_string());
            eq_filter(&m, &["clientid", "consenttype", "displayname"])
        };
        assert_eq!(
            q("clientId eq 'a' and consentType eq 'AllPrincipals'").ok(),
            Some(vec![
                ("clientid".into(), "a".into()),
                ("consenttype".into(), "AllPrincipals".into())
            ])
        );
        assert_eq!(
            q("displayName eq 'Tom and Jerry''s'").ok(),
            Some(vec![("displayname".into(), "Tom and Jerry's".into())])
        );
        assert!(q("startswith(displayName,'a')").is_err());
        assert!(q("appId eq 'a'").is_err());
    }
}
