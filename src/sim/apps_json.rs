//! Graph's JSON shapes for applications, service principals, app role assignments, delegated
//! grants and the default app management policy. Secret values never appear here.

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::apps::AppManagement;
use super::apps::{Application, Assignment, Grant, KeyCred, Registry, ServicePrincipal};
use super::graph_catalog::{self, GRAPH_APP_ID};

/// `2026-12-03T09:30:00Z`.
pub(crate) fn iso(t: OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    t.to_offset(time::UtcOffset::UTC)
        .format(&f)
        .unwrap_or_default()
}

/// A key credential's metadata (`key` is never returned).
pub(crate) fn key_credential(k: &KeyCred) -> Value {
    json!({
        "customKeyIdentifier": k.cert.thumbprint_hex, "displayName": k.display_name,
        "endDateTime": iso(k.end), "key": null, "keyId": k.key_id,
        "startDateTime": iso(k.start), "type": "AsymmetricX509Cert", "usage": "Verify",
    })
}

/// An application object (key and password credentials as metadata only).
pub(crate) fn application(a: &Application, domain: &str) -> Value {
    let passwords: Vec<Value> = a
        .passwords
        .iter()
        .map(|p| {
            json!({
                "customKeyIdentifier": null, "displayName": p.display_name,
                "endDateTime": iso(p.end), "hint": p.hint, "keyId": p.key_id,
                "secretText": null, "startDateTime": iso(p.start),
            })
        })
        .collect();
    let keys: Vec<Value> = a.keys.iter().map(key_credential).collect();
    json!({
        "id": a.id,
        "deletedDateTime": null,
        "appId": a.app_id,
        "createdDateTime": iso(a.created),
        "displayName": a.display_name,
        "isFallbackPublicClient": a.fallback_public,
        "publisherDomain": domain,
        "signInAudience": a.sign_in_audience,
        "tags": [],
        "api": {
            "acceptMappedClaims": null,
            "knownClientApplications": [],
            "requestedAccessTokenVersion": a.token_version,
            "oauth2PermissionScopes": [],
            "preAuthorizedApplications": [],
        },
        "appRoles": [],
        "keyCredentials": keys,
        "passwordCredentials": passwords,
        "publicClient": { "redirectUris": a.public_redirects },
        "requiredResourceAccess": a.required_resource_access,
        "spa": { "redirectUris": a.spa_redirects },
        "web": {
            "homePageUrl": null,
            "logoutUrl": null,
            "redirectUris": a.web_redirects,
            "implicitGrantSettings": { "enableAccessTokenIssuance": false, "enableIdTokenIssuance": false },
        },
    })
}

/// A service principal; Microsoft Graph's carries its app roles and scopes.
pub(crate) fn service_principal(sp: &ServicePrincipal, tenant_id: &str) -> Value {
    let graph = sp.app_id.eq_ignore_ascii_case(GRAPH_APP_ID);
    json!({
        "id": sp.id,
        "deletedDateTime": null,
        "accountEnabled": sp.enabled,
        "appDisplayName": sp.display_name,
        "appId": sp.app_id,
        "appOwnerOrganizationId": sp.home_tenant,
        "appRoleAssignmentRequired": false,
        "displayName": sp.display_name,
        "servicePrincipalNames": [sp.app_id],
        "servicePrincipalType": "Application",
        "signInAudience": if sp.home_tenant == tenant_id { "AzureADMyOrg" } else { "AzureADMultipleOrgs" },
        "tags": [],
        "appRoles": graph_catalog::app_roles_json(&sp.app_id),
        "oauth2PermissionScopes": if graph { graph_catalog::scopes_json() } else { json!([]) },
    })
}

/// An app role assignment with the display names Graph adds.
pub(crate) fn assignment(r: &Registry, x: &Assignment) -> Value {
    let name = |id: &str| {
        r.sps
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.display_name.clone())
    };
    json!({
        "id": x.id,
        "deletedDateTime": null,
        "appRoleId": x.app_role_id,
        "createdDateTime": iso(x.created),
        "principalDisplayName": name(&x.principal_id),
        "principalId": x.principal_id,
        "principalType": "ServicePrincipal",
        "resourceDisplayName": name(&x.resource_id),
        "resourceId": x.resource_id,
    })
}

/// A delegated permission grant.
pub(crate) fn grant(g: &Grant) -> Value {
    json!({
        "clientId": g.client_id,
        "consentType": g.consent_type,
        "id": g.id,
        "principalId": g.principal_id,
        "resourceId": g.resource_id,
        "scope": g.scope,
    })
}

/// `GET /policies/defaultAppManagementPolicy` (password lifetime restriction only).
pub(crate) fn default_policy(m: &AppManagement) -> Value {
    let restrictions = match m.max_secret_lifetime_days {
        Some(days) => json!([{
            "restrictionType": "passwordLifetime",
            "state": "enabled",
            "maxLifetime": format!("P{days}D"),
            "restrictForAppsCreatedAfterDateTime": "2019-01-01T00:00:00Z",
        }]),
        None => json!([]),
    };
    json!({
        "id": "00000000-0000-0000-0000-000000000000",
        "description": "Default app management tenant policy",
        "displayName": "Default app management tenant policy",
        "isEnabled": m.max_secret_lifetime_days.is_some(),
        "applicationRestrictions": { "passwordCredentials": restrictions, "keyCredentials": [] },
        "servicePrincipalRestrictions": { "passwordCredentials": restrictions, "keyCredentials": [] },
    })
}

/// `GET /policies/authorizationPolicy` (v1.0: the single object; the parts mailscope reads).
pub(crate) fn authorization_policy(c: &super::apps::ConsentPolicies, graph: &str) -> Value {
    json!({
        "@odata.context": format!("{graph}/v1.0/$metadata#policies/authorizationPolicy/$entity"),
        "id": "authorizationPolicy",
        "allowInvitesFrom": "everyone",
        "allowedToSignUpEmailBasedSubscriptions": true,
        "allowedToUseSSPR": true,
        "allowEmailVerifiedUsersToJoinOrganization": false,
        "allowUserConsentForRiskyApps": false,
        "blockMsolPowerShell": false,
        "displayName": "Authorization Policy",
        "description": "Used to manage authorization related settings across the company.",
        "guestUserRoleId": "10dae51f-b6af-4016-8d66-8c2a99b929b3",
        "defaultUserRolePermissions": {
            "allowedToCreateApps": true,
            "allowedToCreateSecurityGroups": true,
            "allowedToCreateTenants": true,
            "allowedToReadOtherUsers": true,
            "permissionGrantPoliciesAssigned": c.assigned(),
        },
    })
}

/// `GET /policies/adminConsentRequestPolicy`; reviewers as `/users/{id}` queries.
pub(crate) fn admin_consent_request_policy(c: &super::apps::ConsentPolicies, graph: &str) -> Value {
    let reviewers: Vec<Value> = c
        .reviewers
        .iter()
        .map(|upn| {
            let id = super::scenario_load::derived_id("admin", &upn.to_ascii_lowercase());
            json!({"query": format!("/users/{id}"), "queryType": "MicrosoftGraph", "queryRoot": null})
        })
        .collect();
    json!({
        "@odata.context": format!("{graph}/v1.0/$metadata#policies/adminConsentRequestPolicy/$entity"),
        "isEnabled": c.admin_consent_requests,
        "notifyReviewers": c.admin_consent_requests,
        "remindersEnabled": c.admin_consent_requests,
        "requestDurationInDays": if c.admin_consent_requests { 30 } else { 0 },
        "version": 0,
        "reviewers": reviewers,
    })
}

/// `GET /organization`: the tenant's id, display name and verified domains.
pub(crate) fn organization(s: &super::scenario::Scenario, graph: &str) -> Value {
    let domains: Vec<Value> = s
        .domains
        .iter()
        .enumerate()
        .map(|(i, d)| {
            json!({
                "capabilities": "Email, OfficeCommunicationsOnline",
                "isDefault": i == 0,
                "isInitial": d.ends_with(".onmicrosoft.com"),
                "name": d,
                "type": "Managed",
            })
        })
        .collect();
    let org = json!({
        "id": s.tenant_id,
        "deletedDateTime": null,
        "displayName": s.tenant_name,
        "tenantType": "AAD",
        "verifiedDomains": domains,
    });
    collection(graph, "organization", vec![org])
}

/// A collection reply body.
pub(crate) fn collection(graph: &str, set: &str, items: Vec<Value>) -> Value {
    json!({ "@odata.context": format!("{graph}/v1.0/$metadata#{set}"), "value": items })
}
