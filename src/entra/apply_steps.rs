//! One [`Action`] of an apply, carried out with Graph writes ([`super::write`]) and the retry
//! policy (the credential steps are in [`super::apply_creds`]), and what the tenant returned
//! ([`Facts`]: the app, its service principal, Microsoft Graph's service principal and
//! permission ids, the profile as it fills).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::apply::{ApplyContext, StepError};
use super::plan::Action;
use super::read::{catalogue, list, odata, urlencode};
use super::retry::{Waiting, retry_write};
use super::view::{GRAPH_APP_ID, Kind, Perm, TenantView};
use super::write::{CreatedApp, WriteError};
use crate::preset::Preset;
use crate::profile::Profile;

/// What apply knows about the tenant as it goes.
pub(crate) struct Facts {
    pub app: Option<CreatedApp>,
    pub sp: Option<String>,
    pub graph_sp: Option<String>,
    /// Key IDs of the app's certificates (kept when one is added).
    pub cert_ids: Vec<String>,
    /// Microsoft Graph's permissions `(id, name, kind)`, read when first needed.
    pub catalogue: Option<Vec<(String, String, Kind)>>,
    pub profile: Profile,
}

impl Facts {
    pub fn from_view(view: &TenantView, profile: Profile) -> Facts {
        let app = view.app();
        // The vendor-hosted app has no application object here (it lives in the vendor's
        // tenant): its confirmed appId is what the service principal and profile take.
        let vendor = match &view.looked_up {
            super::view::LookedUp::VendorApp(Some(id)) => Some(CreatedApp {
                object_id: String::new(),
                app_id: id.clone(),
            }),
            _ => None,
        };
        Facts {
            app: app
                .map(|a| CreatedApp {
                    object_id: a.object_id.clone(),
                    app_id: a.app_id.clone(),
                })
                .or(vendor),
            sp: view.service_principal.clone(),
            graph_sp: view.graph_sp.clone(),
            cert_ids: app
                .map(|a| a.certificates.iter().map(|c| c.key_id.clone()).collect())
                .unwrap_or_default(),
            catalogue: None,
            profile,
        }
    }

    pub fn app(&self) -> Result<&CreatedApp, StepError> {
        self.app
            .as_ref()
            .ok_or_else(|| StepError::Missing("the app registration is not there yet".into()))
    }

    fn sp(&self) -> Result<&str, StepError> {
        self.sp.as_deref().ok_or_else(|| {
            StepError::Missing("the app's service principal is not there yet".into())
        })
    }

    fn graph_sp(&self) -> Result<&str, StepError> {
        self.graph_sp.as_deref().ok_or_else(|| {
            StepError::Missing("Microsoft Graph's service principal was not found in the tenant, so its permissions cannot be consented".into())
        })
    }
}

pub(crate) type OnWait<'a> = dyn FnMut(Waiting) + 'a;

pub(crate) const AWAIT_APP: &str = "Entra to replicate the new app";
const AWAIT_SP: &str = "Entra to replicate the new service principal";

async fn permission_ids(
    ctx: &ApplyContext<'_>,
    facts: &mut Facts,
) -> Result<Vec<(String, String, Kind)>, StepError> {
    if let Some(c) = &facts.catalogue {
        return Ok(c.clone());
    }
    let sp = ctx
        .writer()
        .get(
            "read Microsoft Graph's permissions",
            &format!("/servicePrincipals(appId='{GRAPH_APP_ID}')"),
        )
        .await?;
    if facts.graph_sp.is_none() {
        facts.graph_sp = sp["id"].as_str().map(String::from);
    }
    let c = catalogue(&sp);
    facts.catalogue = Some(c.clone());
    Ok(c)
}

fn id_of(cat: &[(String, String, Kind)], p: &Perm) -> Result<String, StepError> {
    cat.iter()
        .find(|(_, n, k)| *n == p.name && *k == p.kind)
        .map(|(i, _, _)| i.clone())
        .ok_or_else(|| {
            StepError::Missing(format!(
                "Microsoft Graph in this tenant has no {} permission {}",
                p.kind.as_str(),
                p.name
            ))
        })
}

fn access(id: &str, kind: Kind) -> Value {
    let t = match kind {
        Kind::Application => "Role",
        Kind::Delegated => "Scope",
    };
    json!({"id": id, "type": t})
}

pub(crate) fn save(ctx: &ApplyContext<'_>, facts: &Facts) -> Result<(), StepError> {
    ctx.store.save(&facts.profile)?;
    Ok(())
}

/// Carries out `action`; facts the tenant returned go into `objects` (for the record).
pub(crate) async fn run(
    ctx: &ApplyContext<'_>,
    action: &Action,
    facts: &mut Facts,
    preset: &Preset,
    objects: &mut BTreeMap<String, String>,
    on_wait: &mut OnWait<'_>,
) -> Result<(), StepError> {
    let w = ctx.writer();
    match action {
        Action::CreateApp {
            display_name,
            sign_in_audience,
            requested_access_token_version,
            redirect_uris,
            permissions,
        } => {
            let cat = permission_ids(ctx, facts).await?;
            let mut rra = Vec::new();
            for p in permissions {
                rra.push(access(&id_of(&cat, p)?, p.kind));
            }
            let mut body = json!({"displayName": display_name, "signInAudience": sign_in_audience,
                "requiredResourceAccess": [{"resourceAppId": GRAPH_APP_ID, "resourceAccess": rra}]});
            if let Some(v) = requested_access_token_version {
                body["api"] = json!({"requestedAccessTokenVersion": v});
            }
            if !redirect_uris.is_empty() {
                body["web"] = json!({"redirectUris": redirect_uris});
            }
            // Not retried: a create that timed out may have happened; the rerun's plan finds it.
            let app = w.create_app(&body).await?;
            objects.insert("app_object_id".into(), app.object_id.clone());
            objects.insert("app_id".into(), app.app_id.clone());
            facts.profile.client_id = Some(app.app_id.clone());
            facts.app = Some(app);
            save(ctx, facts)
        }
        Action::UpdateApp { property, to, .. } => {
            let body = if property == "api.requestedAccessTokenVersion" {
                let v: i64 = to.parse().unwrap_or(2);
                json!({"api": {"requestedAccessTokenVersion": v}})
            } else {
                json!({ property.as_str(): to })
            };
            let obj = facts.app()?.object_id.clone();
            retry_write(&ctx.retry, AWAIT_APP, on_wait, || w.patch_app(&obj, &body)).await?;
            Ok(())
        }
        Action::AddRedirectUri { uri } => {
            let obj = facts.app()?.object_id.clone();
            let path = format!("/applications/{obj}");
            let app = retry_write(&ctx.retry, AWAIT_APP, on_wait, || {
                w.get("read the app registration", &path)
            })
            .await?;
            let mut uris: Vec<Value> = app["web"]["redirectUris"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if !uris.iter().any(|u| u.as_str() == Some(uri.as_str())) {
                uris.push(json!(uri));
            }
            let body = json!({"web": {"redirectUris": uris}});
            retry_write(&ctx.retry, AWAIT_APP, on_wait, || w.patch_app(&obj, &body)).await?;
            Ok(())
        }
        Action::SetPermissions { add, remove } => {
            let cat = permission_ids(ctx, facts).await?;
            let obj = facts.app()?.object_id.clone();
            let path = format!("/applications/{obj}");
            let app = retry_write(&ctx.retry, AWAIT_APP, on_wait, || {
                w.get("read the app registration", &path)
            })
            .await?;
            let body = json!({"requiredResourceAccess": resource_access(&app, &cat, add, remove)?});
            retry_write(&ctx.retry, AWAIT_APP, on_wait, || w.patch_app(&obj, &body)).await?;
            Ok(())
        }
        Action::CreateServicePrincipal => {
            let app_id = facts.app()?.app_id.clone();
            let id = match retry_write(&ctx.retry, AWAIT_APP, on_wait, || {
                w.create_service_principal(&app_id)
            })
            .await
            {
                Ok(id) => id,
                Err(WriteError::AlreadyExists { .. }) => existing_sp(ctx, &app_id).await?,
                Err(e) => return Err(e.into()),
            };
            objects.insert("service_principal_id".into(), id.clone());
            facts.profile.service_principal_id = Some(id.clone());
            facts.sp = Some(id);
            save(ctx, facts)
        }
        Action::AddSecret { lifetime_days, .. } => {
            super::apply_creds::add_secret(ctx, facts, *lifetime_days, objects, on_wait).await
        }
        Action::UploadCertificate { thumbprint } => {
            super::apply_creds::upload_certificate(
                ctx,
                facts,
                preset,
                thumbprint.as_deref(),
                objects,
                on_wait,
            )
            .await
        }
        Action::GrantAppRole { permission } => {
            let cat = permission_ids(ctx, facts).await?;
            let role = id_of(&cat, &Perm::new(permission, Kind::Application))?;
            let (graph, sp) = (facts.graph_sp()?.to_string(), facts.sp()?.to_string());
            match retry_write(&ctx.retry, AWAIT_SP, on_wait, || {
                w.assign_app_role(&graph, &sp, &role)
            })
            .await
            {
                Ok(id) => {
                    objects.insert("assignment_id".into(), id);
                }
                Err(WriteError::AlreadyExists { .. }) => {
                    objects.insert("already_granted".into(), permission.clone());
                }
                Err(e) => return Err(e.into()),
            }
            Ok(())
        }
        Action::RevokeAppRole { permission } => {
            let cat = permission_ids(ctx, facts).await?;
            let role = id_of(&cat, &Perm::new(permission, Kind::Application))?;
            let (graph, sp) = (facts.graph_sp()?.to_string(), facts.sp()?.to_string());
            let path = format!("/servicePrincipals/{sp}/appRoleAssignments");
            let listed = retry_write(&ctx.retry, AWAIT_SP, on_wait, || {
                w.get("read the app's app role assignments", &path)
            })
            .await?;
            for a in list(&listed) {
                let same_role = a["appRoleId"]
                    .as_str()
                    .is_some_and(|r| r.eq_ignore_ascii_case(&role));
                let on_graph = a["resourceId"]
                    .as_str()
                    .is_some_and(|r| r.eq_ignore_ascii_case(&graph));
                if let (true, true, Some(id)) = (same_role, on_graph, a["id"].as_str()) {
                    w.remove_app_role(&graph, id).await?;
                    objects.insert("removed_assignment_id".into(), id.to_string());
                }
            }
            Ok(())
        }
        Action::GrantDelegated { scopes } => {
            grant_delegated(ctx, facts, scopes, objects, on_wait).await
        }
        Action::FillProfile { .. } => {
            if facts.profile.tenant.is_none() {
                facts.profile.tenant = Some(ctx.account.tenant_id.clone());
            }
            if let Some(app) = &facts.app {
                facts.profile.client_id = Some(app.app_id.clone());
            }
            if facts.sp.is_some() {
                facts.profile.service_principal_id = facts.sp.clone();
            }
            save(ctx, facts)
        }
    }
}

/// The app's `requiredResourceAccess` with Microsoft Graph's entries changed: `add` added,
/// `remove` removed; other APIs and ids Graph's catalogue does not name are kept.
fn resource_access(
    app: &Value,
    cat: &[(String, String, Kind)],
    add: &[Perm],
    remove: &[Perm],
) -> Result<Value, StepError> {
    let mut out: Vec<Value> = app["requiredResourceAccess"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let is_graph = |r: &Value| {
        r["resourceAppId"]
            .as_str()
            .is_some_and(|a| a.eq_ignore_ascii_case(GRAPH_APP_ID))
    };
    if !out.iter().any(is_graph) {
        out.push(json!({"resourceAppId": GRAPH_APP_ID, "resourceAccess": []}));
    }
    let mut drop_ids = Vec::new();
    for p in remove {
        drop_ids.push((id_of(cat, p)?, p.kind));
    }
    let mut new = Vec::new();
    for p in add {
        new.push(access(&id_of(cat, p)?, p.kind));
    }
    for r in out.iter_mut().filter(|r| is_graph(r)) {
        let mut entries: Vec<Value> = r["resourceAccess"].as_array().cloned().unwrap_or_default();
        entries.retain(|e| {
            let id = e["id"].as_str().unwrap_or_default().to_ascii_lowercase();
            let kind = if e["type"].as_str() == Some("Role") {
                Kind::Application
            } else {
                Kind::Delegated
            };
            !drop_ids.iter().any(|(d, k)| *d == id && *k == kind)
        });
        entries.append(&mut new);
        r["resourceAccess"] = Value::Array(entries);
    }
    Ok(Value::Array(out))
}

async fn existing_sp(ctx: &ApplyContext<'_>, app_id: &str) -> Result<String, StepError> {
    let filter = format!("appId eq '{}'", odata(app_id));
    let listed = ctx
        .writer()
        .get(
            "look up the app's service principal",
            &format!("/servicePrincipals?$filter={}", urlencode(&filter)),
        )
        .await?;
    list(&listed)
        .first()
        .and_then(|s| s["id"].as_str().map(String::from))
        .ok_or_else(|| StepError::Missing("the service principal Entra says exists".into()))
}

async fn grant_delegated(
    ctx: &ApplyContext<'_>,
    facts: &mut Facts,
    scopes: &[String],
    objects: &mut BTreeMap<String, String>,
    on_wait: &mut OnWait<'_>,
) -> Result<(), StepError> {
    let w = ctx.writer();
    if facts.graph_sp.is_none() {
        permission_ids(ctx, facts).await?;
    }
    let (graph, sp) = (facts.graph_sp()?.to_string(), facts.sp()?.to_string());
    let filter = format!("clientId eq '{}'", odata(&sp));
    let path = format!("/oauth2PermissionGrants?$filter={}", urlencode(&filter));
    let listed = w
        .get("read the app's delegated permission grants", &path)
        .await?;
    let existing = list(&listed).into_iter().find(|g| {
        g["consentType"].as_str() == Some("AllPrincipals")
            && g["resourceId"]
                .as_str()
                .is_some_and(|r| r.eq_ignore_ascii_case(&graph))
    });
    let scope = scopes.join(" ");
    match (
        existing.as_ref().and_then(|g| g["id"].as_str()),
        scopes.is_empty(),
    ) {
        (Some(id), true) => {
            w.delete_grant(id).await?;
            objects.insert("removed_grant_id".into(), id.to_string());
        }
        (Some(id), false) => {
            w.patch_grant(id, &scope).await?;
            objects.insert("grant_id".into(), id.to_string());
        }
        (None, true) => {}
        (None, false) => {
            let id = retry_write(&ctx.retry, AWAIT_SP, on_wait, || {
                w.create_grant(&sp, &graph, &scope)
            })
            .await?;
            objects.insert("grant_id".into(), id);
        }
    }
    if !scope.is_empty() {
        objects.insert("scope".into(), scope);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_are_added_and_removed_and_other_apis_kept() {
        let cat = vec![
            ("aa".to_string(), "Mail.Send".to_string(), Kind::Application),
            ("bb".to_string(), "Mail.Read".to_string(), Kind::Application),
        ];
        let app = json!({"requiredResourceAccess": [
            {"resourceAppId": "other", "resourceAccess": [{"id": "x", "type": "Role"}]},
            {"resourceAppId": GRAPH_APP_ID, "resourceAccess": [{"id": "BB", "type": "Role"}, {"id": "zz", "type": "Role"}]}
        ]});
        let out = resource_access(
            &app,
            &cat,
            &[Perm::new("Mail.Send", Kind::Application)],
            &[Perm::new("Mail.Read", Kind::Application)],
        )
        .unwrap_or_default();
        assert_eq!(out[0]["resourceAppId"], "other");
        let graph: Vec<&str> = out[1]["resourceAccess"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["id"].as_str())
            .collect();
        assert_eq!(graph, ["zz", "aa"]);
        let empty = resource_access(
            &json!({}),
            &cat,
            &[Perm::new("Mail.Send", Kind::Application)],
            &[],
        )
        .unwrap_or_default();
        assert_eq!(empty[0]["resourceAccess"][0]["id"], "aa");
    }

    #[test]
    fn an_unknown_permission_is_named() {
        let e = id_of(&[], &Perm::new("Mail.Nope", Kind::Application));
        assert!(matches!(e, Err(StepError::Missing(m)) if m.contains("Mail.Nope")));
    }
}
