//! Reads the tenant with the admin's delegated Graph token: organisation, the app (by `appId`,
//! else by display name) or the vendor-hosted app, its service principal, Microsoft Graph's
//! service principal (to name permission ids), app role assignments and delegated grants, the
//! default app management policy and the consent settings. GETs only.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::error::EntraError;
use super::view::{
    Admin, AppPolicy, AppReg, CertMeta, GRAPH_APP_ID, Kind, LookedUp, Organisation, Perm,
    SecretMeta, TenantView,
};
use crate::graph::cloud::CloudEndpoints;
use crate::secrets::Secret;
use crate::signin::Account;

/// One Graph reader: endpoints, HTTP client, the admin's token.
pub(super) struct Reader<'a> {
    endpoints: &'a CloudEndpoints,
    http: &'a reqwest::Client,
    token: &'a Secret,
    timeout: std::time::Duration,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn opt_text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(String::from)
}

pub(crate) fn list(v: &Value) -> Vec<Value> {
    v.get("value")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// `'` doubled, for an OData string literal.
pub(crate) fn odata(s: &str) -> String {
    s.replace('\'', "''")
}

impl Reader<'_> {
    /// GET `path` (under `/v1.0`, from `/`); `Ok(None)` for 404.
    pub(super) async fn get(&self, what: &str, path: &str) -> Result<Option<Value>, EntraError> {
        self.get_url(what, self.endpoints.graph_url(path)).await
    }

    /// Every item of a collection, following `@odata.nextLink` on this cloud's Graph host
    /// (never sending the token elsewhere), at most 50 pages.
    async fn list_all(&self, what: &str, path: &str) -> Result<Vec<Value>, EntraError> {
        let mut out = Vec::new();
        let mut url = self.endpoints.graph_url(path);
        for _ in 0..50 {
            let page = self
                .get_url(what, url)
                .await?
                .ok_or_else(|| EntraError::BadResponse {
                    what: what.to_string(),
                })?;
            out.extend(list(&page));
            match page.get("@odata.nextLink").and_then(Value::as_str) {
                Some(next) if self.endpoints.is_graph_url(next) => url = next.to_string(),
                _ => break,
            }
        }
        Ok(out)
    }

    async fn get_url(&self, what: &str, url: String) -> Result<Option<Value>, EntraError> {
        let req = self.http.get(url).bearer_auth(self.token.expose());
        let resp = crate::graph::client::send(req, self.timeout, self.endpoints.graph_host())
            .await
            .map_err(|d| EntraError::Network {
                what: what.to_string(),
                summary: d.summary,
            })?;
        if resp.status == 404 {
            return Ok(None);
        }
        let body: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
        if !(200..300).contains(&resp.status) {
            let code = text(&body["error"], "code");
            let message = text(&body["error"], "message");
            if resp.status == 403 || code == "Authorization_RequestDenied" {
                return Err(EntraError::Denied {
                    what: what.to_string(),
                    message,
                });
            }
            return Err(EntraError::Graph {
                what: what.to_string(),
                status: resp.status,
                code,
                message,
            });
        }
        Ok(Some(body))
    }

    async fn must(&self, what: &str, path: &str) -> Result<Value, EntraError> {
        self.get(what, path)
            .await?
            .ok_or_else(|| EntraError::BadResponse {
                what: what.to_string(),
            })
    }
}

fn when(v: &Value, key: &str) -> Option<OffsetDateTime> {
    v.get(key)
        .and_then(Value::as_str)
        .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
}

/// Microsoft Graph's permission catalogue: `(id, name, kind)`.
pub(crate) fn catalogue(graph_sp: &Value) -> Vec<(String, String, Kind)> {
    let mut out = Vec::new();
    for (key, kind) in [
        ("appRoles", Kind::Application),
        ("oauth2PermissionScopes", Kind::Delegated),
    ] {
        for r in graph_sp
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push((text(r, "id").to_ascii_lowercase(), text(r, "value"), kind));
        }
    }
    out
}

fn name_of(cat: &[(String, String, Kind)], id: &str, kind: Kind) -> Option<String> {
    let id = id.to_ascii_lowercase();
    cat.iter()
        .find(|(i, _, k)| *i == id && *k == kind)
        .map(|(_, n, _)| n.clone())
}

fn redirects(app: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for part in ["web", "spa", "publicClient"] {
        for u in app[part]["redirectUris"].as_array().into_iter().flatten() {
            if let Some(u) = u.as_str() {
                out.push(u.to_string());
            }
        }
    }
    out
}

/// An application object, its Graph permission ids named from the catalogue.
pub fn app_reg(app: &Value, cat: &[(String, String, Kind)]) -> AppReg {
    let mut configured = Vec::new();
    let mut configured_other = Vec::new();
    for rra in app["requiredResourceAccess"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let resource = text(rra, "resourceAppId");
        for ra in rra["resourceAccess"].as_array().into_iter().flatten() {
            let id = text(ra, "id");
            let kind = if text(ra, "type").eq_ignore_ascii_case("Role") {
                Kind::Application
            } else {
                Kind::Delegated
            };
            let named = resource
                .eq_ignore_ascii_case(GRAPH_APP_ID)
                .then(|| name_of(cat, &id, kind))
                .flatten();
            match named {
                Some(n) => configured.push(Perm::new(&n, kind)),
                None => configured_other.push(format!("{resource}/{id}")),
            }
        }
    }
    configured.sort();
    configured.dedup();
    AppReg {
        object_id: text(app, "id"),
        app_id: text(app, "appId"),
        display_name: text(app, "displayName"),
        sign_in_audience: text(app, "signInAudience"),
        requested_access_token_version: app["api"]["requestedAccessTokenVersion"].as_i64(),
        redirect_uris: redirects(app),
        configured,
        configured_other,
        secrets: app["passwordCredentials"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| SecretMeta {
                key_id: text(p, "keyId"),
                display_name: opt_text(p, "displayName"),
                hint: opt_text(p, "hint"),
                end: when(p, "endDateTime"),
            })
            .collect(),
        certificates: app["keyCredentials"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|k| CertMeta {
                key_id: text(k, "keyId"),
                thumbprint: opt_text(k, "customKeyIdentifier").map(|t| thumbprint(&t)),
                end: when(k, "endDateTime"),
            })
            .collect(),
    }
}

/// A certificate's `customKeyIdentifier` as upper-case hex: Graph gives the SHA-1
/// thumbprint in hex; older answers gave its 20 bytes in base64.
fn thumbprint(t: &str) -> String {
    let t = t.trim();
    if t.len() != 40 || !t.chars().all(|c| c.is_ascii_hexdigit()) {
        use base64::Engine;
        if let Ok(b) = base64::engine::general_purpose::STANDARD.decode(t)
            && b.len() == 20
        {
            return b.iter().map(|x| format!("{x:02X}")).collect();
        }
    }
    t.to_ascii_uppercase()
}

/// `P180D` → 180; `P4DT12H` → 4 (whole days, rounded down, so a secret never outlives the
/// limit); durations without days (`PT5H`) are not limits mailscope can use.
fn iso_days(s: &str) -> Option<u32> {
    let (days, rest) = s.strip_prefix('P')?.split_once('D')?;
    if !(rest.is_empty() || rest.starts_with('T')) {
        return None;
    }
    days.parse().ok()
}

fn policy(v: Option<Value>) -> AppPolicy {
    let Some(v) = v else {
        return AppPolicy::default();
    };
    let enabled = v["isEnabled"].as_bool().unwrap_or(false);
    let max = v["applicationRestrictions"]["passwordCredentials"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| {
            text(r, "restrictionType") == "passwordLifetime"
                && r["state"].as_str().unwrap_or("enabled") == "enabled"
        })
        .filter_map(|r| iso_days(&text(r, "maxLifetime")))
        .min();
    AppPolicy {
        max_secret_lifetime_days: if enabled { max } else { None },
        read: true,
    }
}

/// Which app `entra` reads.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    /// The profile's own app registration: by `client_id`, else by `display_name`.
    Own {
        client_id: Option<&'a str>,
        display_name: &'a str,
    },
    /// The vendor-hosted app's service principal, by its confirmed app id (`None`: not yet
    /// confirmed, so only the tenant is read).
    Vendor(Option<&'a str>),
}

/// Reads what `entra` judges. `client_id` (the profile's) picks the app; without it,
/// `display_name` does.
pub async fn read_tenant(
    endpoints: &CloudEndpoints,
    http: &reqwest::Client,
    token: &Secret,
    account: &Account,
    client_id: Option<&str>,
    display_name: &str,
) -> Result<TenantView, EntraError> {
    let lookup = Lookup::Own {
        client_id,
        display_name,
    };
    read_tenant_for(endpoints, http, token, account, lookup).await
}

/// Reads what `entra` judges for `lookup`: the profile's own app or the vendor-hosted one.
pub async fn read_tenant_for(
    endpoints: &CloudEndpoints,
    http: &reqwest::Client,
    token: &Secret,
    account: &Account,
    lookup: Lookup<'_>,
) -> Result<TenantView, EntraError> {
    let r = Reader {
        endpoints,
        http,
        token,
        timeout: std::time::Duration::from_secs(30),
    };
    let org = r.must("read the organisation", "/organization").await?;
    let org = list(&org).into_iter().next().unwrap_or(Value::Null);
    let organisation = Organisation {
        id: text(&org, "id"),
        display_name: text(&org, "displayName"),
    };
    let graph_sp = r
        .get(
            "read Microsoft Graph's service principal",
            &format!("/servicePrincipals(appId='{GRAPH_APP_ID}')"),
        )
        .await?;
    let cat = graph_sp.as_ref().map(catalogue).unwrap_or_default();
    let graph_sp_id = graph_sp.as_ref().map(|v| text(v, "id"));
    let (looked_up, apps, sp_app_id) = match lookup {
        Lookup::Own {
            client_id,
            display_name,
        } => {
            let (looked_up, filter) = match client_id {
                Some(id) => (
                    LookedUp::AppId(id.to_string()),
                    format!("appId eq '{}'", odata(id)),
                ),
                None => (
                    LookedUp::DisplayName(display_name.to_string()),
                    format!("displayName eq '{}'", odata(display_name)),
                ),
            };
            let apps = r
                .list_all(
                    "look up the app registration",
                    &format!("/applications?$filter={}", urlencode(&filter)),
                )
                .await?;
            let apps: Vec<AppReg> = apps.iter().map(|a| app_reg(a, &cat)).collect();
            let first = apps.first().map(|a| a.app_id.clone());
            (looked_up, apps, first)
        }
        // The vendor's application object lives in the vendor's tenant: only its service
        // principal can be here.
        Lookup::Vendor(id) => (
            LookedUp::VendorApp(id.map(String::from)),
            Vec::new(),
            id.map(String::from),
        ),
    };
    let mut service_principal = None;
    let mut consented = Vec::new();
    let mut delegated_grants_read = true;
    if let Some(app_id) = sp_app_id {
        let filter = format!("appId eq '{}'", odata(&app_id));
        let sps = r
            .list_all(
                "look up the app's service principal",
                &format!("/servicePrincipals?$filter={}", urlencode(&filter)),
            )
            .await?;
        service_principal = sps.first().map(|s| text(s, "id"));
        if let Some(sp) = &service_principal {
            (consented, delegated_grants_read) =
                consents(&r, sp, graph_sp_id.as_deref(), &cat).await?;
        }
    }
    let policy = policy(
        r.get(
            "read the app management policy",
            "/policies/defaultAppManagementPolicy",
        )
        .await
        .ok()
        .flatten(),
    );
    let consent = super::consent::read_settings(&r).await;
    Ok(TenantView {
        organisation,
        admin: Admin {
            upn: account.upn.clone(),
            role_ids: account.role_ids.clone(),
            roles: account.role_names(),
        },
        looked_up,
        apps,
        service_principal,
        consented,
        delegated_grants_read,
        graph_sp: graph_sp_id,
        policy,
        consent,
    })
}

/// Graph app roles assigned to the app's service principal and the scopes of its
/// `AllPrincipals` grant on Graph; `false` when the grants could not be read (refused).
async fn consents(
    r: &Reader<'_>,
    sp: &str,
    graph_sp: Option<&str>,
    cat: &[(String, String, Kind)],
) -> Result<(Vec<Perm>, bool), EntraError> {
    let mut out = Vec::new();
    let assigned = r
        .list_all(
            "read the app's app role assignments",
            &format!("/servicePrincipals/{sp}/appRoleAssignments"),
        )
        .await?;
    for a in assigned {
        let on_graph = graph_sp.is_some_and(|g| text(&a, "resourceId").eq_ignore_ascii_case(g));
        if let Some(n) = on_graph
            .then(|| name_of(cat, &text(&a, "appRoleId"), Kind::Application))
            .flatten()
        {
            out.push(Perm::new(&n, Kind::Application));
        }
    }
    let filter = format!("clientId eq '{}'", odata(sp));
    let grants = match r
        .list_all(
            "read the app's delegated permission grants",
            &format!("/oauth2PermissionGrants?$filter={}", urlencode(&filter)),
        )
        .await
    {
        Ok(g) => Some(g),
        Err(EntraError::Denied { .. }) => None,
        Err(e) => return Err(e),
    };
    let read = grants.is_some();
    for g in grants.into_iter().flatten() {
        let on_graph = graph_sp.is_some_and(|id| text(&g, "resourceId").eq_ignore_ascii_case(id));
        if on_graph && text(&g, "consentType") == "AllPrincipals" {
            for s in text(&g, "scope").split_whitespace() {
                out.push(Perm::new(s, Kind::Delegated));
            }
        }
    }
    out.sort();
    out.dedup();
    Ok((out, read))
}

pub(crate) fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn app_reg_names_graph_permissions_and_keeps_others() {
        let cat = vec![
            ("aa".to_string(), "Mail.Send".to_string(), Kind::Application),
            ("bb".to_string(), "Mail.Read".to_string(), Kind::Delegated),
        ];
        let app = json!({"id":"o","appId":"a","displayName":"X","signInAudience":"AzureADMyOrg",
            "api":{"requestedAccessTokenVersion":2},
            "web":{"redirectUris":["https://x/cb"]},"spa":{"redirectUris":[]},
            "requiredResourceAccess":[{"resourceAppId":GRAPH_APP_ID,"resourceAccess":[{"id":"AA","type":"Role"},{"id":"bb","type":"Scope"},{"id":"cc","type":"Role"}]}],
            "passwordCredentials":[{"keyId":"k","endDateTime":"2027-01-01T00:00:00Z","hint":"abc"}],
            "keyCredentials":[{"keyId":"c","customKeyIdentifier":"ab12"}]});
        let a = app_reg(&app, &cat);
        assert_eq!(
            a.configured,
            [
                Perm::new("Mail.Read", Kind::Delegated),
                Perm::new("Mail.Send", Kind::Application)
            ]
        );
        assert_eq!(a.configured_other, [format!("{GRAPH_APP_ID}/cc")]);
        assert_eq!(a.redirect_uris, ["https://x/cb"]);
        assert_eq!(a.requested_access_token_version, Some(2));
        assert!(a.secrets[0].end.is_some());
        assert_eq!(a.certificates[0].thumbprint.as_deref(), Some("AB12"));
    }

    #[test]
    fn thumbprints_in_hex_or_base64() {
        assert_eq!(thumbprint("ab12"), "AB12");
        let hex = "00112233445566778899AABBCCDDEEFF00112233";
        assert_eq!(thumbprint(&hex.to_ascii_lowercase()), hex);
        assert_eq!(thumbprint("ABEiM0RVZneImaq7zN3u/wARIjM="), hex);
    }

    #[test]
    fn policy_days() {
        assert_eq!(iso_days("P180D"), Some(180));
        assert_eq!(iso_days("PT5H"), None);
        assert_eq!(iso_days("P4DT12H30M5S"), Some(4));
        assert_eq!(iso_days("P1Y"), None);
        let p = policy(Some(
            json!({"isEnabled":true,"applicationRestrictions":{"passwordCredentials":[{"restrictionType":"passwordLifetime","state":"enabled","maxLifetime":"P90D"}]}}),
        ));
        assert_eq!(p.max_secret_lifetime_days, Some(90));
        assert!(!policy(None).read);
    }
}
