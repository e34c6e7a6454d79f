//! Graph `/oauth2PermissionGrants`: delegated consent (`AllPrincipals` or one `Principal`).

use serde_json::{Value, json};

use super::apps::Grant;
use super::apps_authz::{self, bad_request, json_body, not_found};
use super::apps_json;
use super::apps_lookup::replicated;
use super::apps_routes::AppsKind;
use super::graph_dispatch::Input;
use super::graph_reply::GraphReply;
use super::state::{SimState, lock};

/// Serves the grant requests.
pub(crate) fn handle(
    st: &SimState,
    kind: &AppsKind,
    input: &Input,
) -> Result<GraphReply, GraphReply> {
    match kind {
        AppsKind::ListGrants => {
            let known = ["clientid", "consenttype", "resourceid", "principalid", "id"];
            let filters = apps_authz::eq_filter(&input.query, &known)?;
            let r = lock(&st.apps);
            let items = r
                .grants
                .iter()
                .filter(|g| {
                    filters.iter().all(|(p, v)| match p.as_str() {
                        "clientid" => g.client_id.eq_ignore_ascii_case(v),
                        "consenttype" => g.consent_type.eq_ignore_ascii_case(v),
                        "resourceid" => g.resource_id.eq_ignore_ascii_case(v),
                        "principalid" => g.principal_id.as_deref() == Some(v.as_str()),
                        _ => g.id == *v,
                    })
                })
                .map(apps_json::grant)
                .collect();
            Ok(GraphReply::json(
                200,
                apps_json::collection(&st.graph, "oauth2PermissionGrants", items),
            ))
        }
        AppsKind::CreateGrant => create(st, input),
        AppsKind::GetGrant(id) => {
            let r = lock(&st.apps);
            let g = r
                .grants
                .iter()
                .find(|g| g.id == *id)
                .ok_or_else(|| not_found(id))?;
            Ok(GraphReply::json(200, apps_json::grant(g)))
        }
        AppsKind::PatchGrant(id) => {
            let body = json_body(&input.body)?;
            let mut r = lock(&st.apps);
            let g = r
                .grants
                .iter_mut()
                .find(|g| g.id == *id)
                .ok_or_else(|| not_found(id))?;
            if let Some(scope) = body.get("scope") {
                g.scope = scope
                    .as_str()
                    .ok_or_else(|| bad_request("Invalid value specified for property 'scope'."))?
                    .to_string();
            }
            Ok(GraphReply::empty(204))
        }
        AppsKind::DeleteGrant(id) => {
            let mut r = lock(&st.apps);
            let before = r.grants.len();
            r.grants.retain(|g| g.id != *id);
            if r.grants.len() == before {
                return Err(not_found(id));
            }
            Ok(GraphReply::empty(204))
        }
        _ => Err(bad_request("Unsupported request.")),
    }
}

fn create(st: &SimState, input: &Input) -> Result<GraphReply, GraphReply> {
    let body = json_body(&input.body)?;
    let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
    let required = |k: &str| {
        text(k).ok_or_else(|| {
            bad_request(format!(
                "A value is required for property '{k}' of resource 'OAuth2PermissionGrant'."
            ))
        })
    };
    let client = required("clientId")?.to_ascii_lowercase();
    let resource = required("resourceId")?.to_ascii_lowercase();
    let consent = required("consentType")?;
    let scope = text("scope").unwrap_or_default();
    let principal = text("principalId").map(|p| p.to_ascii_lowercase());
    match (consent.as_str(), &principal) {
        ("AllPrincipals", None) | ("Principal", Some(_)) => {}
        _ => {
            return Err(bad_request(
                "Invalid value specified for property 'consentType' or 'principalId'.",
            ));
        }
    }
    let mut r = lock(&st.apps);
    let visible = |id: &str| {
        r.sps
            .iter()
            .any(|s| s.id == id && replicated(st, s.created_s))
    };
    if !visible(&client) || !visible(&resource) {
        return Err(bad_request("Not a valid reference update."));
    }
    if r.grants.iter().any(|g| {
        g.client_id == client
            && g.resource_id == resource
            && g.consent_type == consent
            && g.principal_id == principal
    }) {
        // [U] Graph's status and text for a second grant with the same key.
        return Err(GraphReply::error(
            409,
            "Request_MultipleObjectsWithSameKeyValue",
            "Permission entry already exists.",
        ));
    }
    let g = Grant {
        id: super::apps_sp::opaque_id(),
        client_id: client,
        consent_type: consent,
        principal_id: principal,
        resource_id: resource,
        scope,
    };
    let mut v = apps_json::grant(&g);
    v["@odata.context"] = json!(format!(
        "{}/v1.0/$metadata#oauth2PermissionGrants/$entity",
        st.graph
    ));
    r.grants.push(g);
    Ok(GraphReply::json(201, v))
}
