//! Graph URL routing for app management: `/applications`, `/servicePrincipals`,
//! `/oauth2PermissionGrants`, `/policies/defaultAppManagementPolicy`, `/organization`.

use super::graph_routes::Kind;

/// How a path names an application or service principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    /// `/applications/{id}`: the object id.
    Id(String),
    /// `/applications(appId='…')`: the alternate key.
    AppId(String),
}

/// Which collection of a service principal an assignment path uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    /// `/servicePrincipals/{resource}/appRoleAssignedTo`.
    AssignedTo,
    /// `/servicePrincipals/{principal}/appRoleAssignments`.
    Assignments,
}

/// An app management request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AppsKind {
    ListApps,
    CreateApp,
    GetApp(Key),
    PatchApp(Key),
    DeleteApp(Key),
    AddPassword(Key),
    RemovePassword(Key),
    AddKey(Key),
    RemoveKey(Key),
    ListSps,
    CreateSp,
    GetSp(Key),
    DeleteSp(Key),
    ListAssignments(Key, Side),
    Assign(Key, Side),
    Unassign(Key, Side, String),
    ListGrants,
    CreateGrant,
    GetGrant(String),
    PatchGrant(String),
    DeleteGrant(String),
    AppPolicy,
    /// `GET /policies/authorizationPolicy`.
    AuthorizationPolicy,
    /// `GET /policies/adminConsentRequestPolicy`.
    ConsentRequestPolicy,
    Organization,
    /// `GET /beta/reports/appCredentialSignInActivities`.
    CredentialActivity,
}

const BAD_METHOD: (&str, Kind) = ("other /v1.0 (method not allowed)", Kind::BadMethod);

/// `applications(appId='x')` → `("applications", AppId(x))`; the quotes may be escaped ('').
fn alternate_key(seg: &str) -> Option<(String, Key)> {
    let (name, rest) = seg.split_once('(')?;
    let inner = rest.strip_suffix(')')?;
    let (prop, value) = inner.split_once('=')?;
    if !prop.trim().eq_ignore_ascii_case("appid") {
        return None;
    }
    let v = value.trim().strip_prefix('\'')?.strip_suffix('\'')?;
    Some((name.to_ascii_lowercase(), Key::AppId(v.replace("''", "'"))))
}

fn action(seg: &str) -> &str {
    seg.strip_prefix("microsoft.graph.").unwrap_or(seg)
}

/// Parses an app management path (`s` as sent, decoded; `l` lower case); `None` when the path is
/// not one of these collections.
pub(crate) fn parse(m: &str, s: &[&str], l: &[&str]) -> Option<(&'static str, Kind)> {
    let first = l.first()?;
    let (collection, key) = match alternate_key(s.first()?) {
        Some((name, key)) => (name, Some(key)),
        None => (
            first.to_string(),
            s.get(1).map(|id| Key::Id(id.to_string())),
        ),
    };
    // Segments after the key.
    let skip = if matches!(key, Some(Key::AppId(_))) {
        1
    } else {
        2
    };
    let rest: Vec<&str> = l.iter().skip(skip).copied().collect();
    let rest_sent: Vec<&str> = s.iter().skip(skip).copied().collect();
    let k = |kind: AppsKind| Kind::Apps(kind);
    let r = match (collection.as_str(), m, key, rest.as_slice()) {
        ("applications", "GET", None, _) => ("GET /v1.0/applications", k(AppsKind::ListApps)),
        ("applications", "POST", None, _) => ("POST /v1.0/applications", k(AppsKind::CreateApp)),
        ("applications", _, None, _) => BAD_METHOD,
        ("applications", _, Some(key), []) => match m {
            "GET" => ("GET /v1.0/applications/{id}", k(AppsKind::GetApp(key))),
            "PATCH" => ("PATCH /v1.0/applications/{id}", k(AppsKind::PatchApp(key))),
            "DELETE" => (
                "DELETE /v1.0/applications/{id}",
                k(AppsKind::DeleteApp(key)),
            ),
            _ => BAD_METHOD,
        },
        ("applications", "POST", Some(key), [a]) if action(a) == "addpassword" => (
            "POST /v1.0/applications/{id}/addPassword",
            k(AppsKind::AddPassword(key)),
        ),
        ("applications", "POST", Some(key), [a]) if action(a) == "removepassword" => (
            "POST /v1.0/applications/{id}/removePassword",
            k(AppsKind::RemovePassword(key)),
        ),
        ("applications", "POST", Some(key), [a]) if action(a) == "addkey" => (
            "POST /v1.0/applications/{id}/addKey",
            k(AppsKind::AddKey(key)),
        ),
        ("applications", "POST", Some(key), [a]) if action(a) == "removekey" => (
            "POST /v1.0/applications/{id}/removeKey",
            k(AppsKind::RemoveKey(key)),
        ),
        ("applications", _, Some(_), [a])
            if matches!(
                action(a),
                "addpassword" | "removepassword" | "addkey" | "removekey"
            ) =>
        {
            BAD_METHOD
        }
        ("serviceprincipals", "GET", None, _) => {
            ("GET /v1.0/servicePrincipals", k(AppsKind::ListSps))
        }
        ("serviceprincipals", "POST", None, _) => {
            ("POST /v1.0/servicePrincipals", k(AppsKind::CreateSp))
        }
        ("serviceprincipals", _, None, _) => BAD_METHOD,
        ("serviceprincipals", _, Some(key), []) => match m {
            "GET" => ("GET /v1.0/servicePrincipals/{id}", k(AppsKind::GetSp(key))),
            "DELETE" => (
                "DELETE /v1.0/servicePrincipals/{id}",
                k(AppsKind::DeleteSp(key)),
            ),
            _ => BAD_METHOD,
        },
        ("serviceprincipals", _, Some(key), [c, tail @ ..])
            if matches!(*c, "approleassignedto" | "approleassignments") =>
        {
            let side = if *c == "approleassignedto" {
                Side::AssignedTo
            } else {
                Side::Assignments
            };
            match (m, tail) {
                ("GET", []) => (
                    "GET /v1.0/servicePrincipals/{id}/appRoleAssignedTo",
                    k(AppsKind::ListAssignments(key, side)),
                ),
                ("POST", []) => (
                    "POST /v1.0/servicePrincipals/{id}/appRoleAssignedTo",
                    k(AppsKind::Assign(key, side)),
                ),
                ("DELETE", [_]) => (
                    "DELETE /v1.0/servicePrincipals/{id}/appRoleAssignedTo/{assignment}",
                    k(AppsKind::Unassign(
                        key,
                        side,
                        rest_sent.get(1).copied().unwrap_or_default().to_string(),
                    )),
                ),
                _ => BAD_METHOD,
            }
        }
        ("oauth2permissiongrants", "GET", None, _) => {
            ("GET /v1.0/oauth2PermissionGrants", k(AppsKind::ListGrants))
        }
        ("oauth2permissiongrants", "POST", None, _) => (
            "POST /v1.0/oauth2PermissionGrants",
            k(AppsKind::CreateGrant),
        ),
        ("oauth2permissiongrants", _, None, _) => BAD_METHOD,
        ("oauth2permissiongrants", _, Some(Key::Id(id)), []) => match m {
            "GET" => (
                "GET /v1.0/oauth2PermissionGrants/{id}",
                k(AppsKind::GetGrant(id)),
            ),
            "PATCH" => (
                "PATCH /v1.0/oauth2PermissionGrants/{id}",
                k(AppsKind::PatchGrant(id)),
            ),
            "DELETE" => (
                "DELETE /v1.0/oauth2PermissionGrants/{id}",
                k(AppsKind::DeleteGrant(id)),
            ),
            _ => BAD_METHOD,
        },
        ("policies", "GET", Some(Key::Id(p)), [])
            if p.eq_ignore_ascii_case("defaultAppManagementPolicy") =>
        {
            (
                "GET /v1.0/policies/defaultAppManagementPolicy",
                k(AppsKind::AppPolicy),
            )
        }
        ("policies", "GET", Some(Key::Id(p)), [])
            if p.eq_ignore_ascii_case("authorizationPolicy") =>
        {
            (
                "GET /v1.0/policies/authorizationPolicy",
                k(AppsKind::AuthorizationPolicy),
            )
        }
        ("policies", "GET", Some(Key::Id(p)), [])
            if p.eq_ignore_ascii_case("adminConsentRequestPolicy") =>
        {
            (
                "GET /v1.0/policies/adminConsentRequestPolicy",
                k(AppsKind::ConsentRequestPolicy),
            )
        }
        ("policies", _, Some(Key::Id(p)), [])
            if p.eq_ignore_ascii_case("defaultAppManagementPolicy")
                || p.eq_ignore_ascii_case("authorizationPolicy")
                || p.eq_ignore_ascii_case("adminConsentRequestPolicy") =>
        {
            BAD_METHOD
        }
        ("reports", "GET", Some(Key::Id(r)), [])
            if r.eq_ignore_ascii_case("appCredentialSignInActivities") =>
        {
            (
                "GET /beta/reports/appCredentialSignInActivities",
                k(AppsKind::CredentialActivity),
            )
        }
        ("organization", "GET", None, _) => ("GET /v1.0/organization", k(AppsKind::Organization)),
        ("organization", _, None, _) => BAD_METHOD,
        ("applications" | "serviceprincipals" | "oauth2permissiongrants", _, _, [other, ..]) => {
            ("other /v1.0 (unknown)", Kind::Unknown(other.to_string()))
        }
        _ => return None,
    };
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(m: &str, p: &str) -> Option<Kind> {
        let s: Vec<&str> = p.trim_matches('/').split('/').collect();
        let lower: Vec<String> = s.iter().map(|x| x.to_ascii_lowercase()).collect();
        let l: Vec<&str> = lower.iter().map(String::as_str).collect();
        parse(m, &s, &l).map(|r| r.1)
    }

    #[test]
    fn app_management_paths() {
        assert_eq!(
            kind("GET", "/applications(appId='AbC')"),
            Some(Kind::Apps(AppsKind::GetApp(Key::AppId("AbC".into()))))
        );
        assert_eq!(
            kind("POST", "/applications/X/microsoft.graph.addPassword"),
            Some(Kind::Apps(AppsKind::AddPassword(Key::Id("X".into()))))
        );
        assert_eq!(
            kind("DELETE", "/servicePrincipals/R/appRoleAssignedTo/Aa_b"),
            Some(Kind::Apps(AppsKind::Unassign(
                Key::Id("R".into()),
                Side::AssignedTo,
                "Aa_b".into()
            )))
        );
        assert_eq!(
            kind("GET", "/policies/defaultAppManagementPolicy"),
            Some(Kind::Apps(AppsKind::AppPolicy))
        );
        assert_eq!(
            kind("POST", "/applications(appId='a')/removeKey"),
            Some(Kind::Apps(AppsKind::RemoveKey(Key::AppId("a".into()))))
        );
        assert_eq!(kind("GET", "/applications/X/addKey"), Some(Kind::BadMethod));
        assert_eq!(
            kind("GET", "/reports/appCredentialSignInActivities"),
            Some(Kind::Apps(AppsKind::CredentialActivity))
        );
        assert_eq!(
            kind("GET", "/policies/authorizationPolicy"),
            Some(Kind::Apps(AppsKind::AuthorizationPolicy))
        );
        assert_eq!(
            kind("GET", "/policies/adminConsentRequestPolicy"),
            Some(Kind::Apps(AppsKind::ConsentRequestPolicy))
        );
        assert_eq!(
            kind("PATCH", "/policies/authorizationPolicy"),
            Some(Kind::BadMethod)
        );
        assert_eq!(kind("PUT", "/applications/X"), Some(Kind::BadMethod));
        assert_eq!(
            kind("GET", "/applications/X/owners"),
            Some(Kind::Unknown("owners".into()))
        );
        assert_eq!(kind("GET", "/users/x"), None);
        assert_eq!(kind("GET", "/policies/other"), None);
    }
}
