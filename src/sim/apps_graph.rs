//! Graph `/applications`: list with `$filter`, create, get, update, delete; and the entry point
//! for every app management request.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::apps::Application;
use super::apps_authz::{self, Op, bad_request, json_body};
use super::apps_json;
use super::apps_lookup::{filtered, find};
use super::apps_routes::{AppsKind, Key};
use super::graph_dispatch::Input;
use super::graph_reply::GraphReply;
use super::state::{SimState, lock};
use super::tokens_jwt::AccessClaims;

/// Serves one app management request.
pub(crate) fn handle(
    st: &SimState,
    who: &AccessClaims,
    route: &str,
    kind: &AppsKind,
    input: &Input,
) -> GraphReply {
    let op = match kind {
        AppsKind::ListApps | AppsKind::GetApp(_) | AppsKind::ListSps | AppsKind::GetSp(_) => {
            Op::Read
        }
        AppsKind::ListAssignments(..) => Op::Read,
        AppsKind::ListGrants | AppsKind::GetGrant(_) => Op::ReadGrants,
        AppsKind::CreateApp
        | AppsKind::PatchApp(_)
        | AppsKind::DeleteApp(_)
        | AppsKind::AddPassword(_)
        | AppsKind::RemovePassword(_)
        | AppsKind::AddKey(_)
        | AppsKind::RemoveKey(_)
        | AppsKind::CreateSp
        | AppsKind::DeleteSp(_) => Op::WriteApps,
        // The resource decides which role is needed (apps_sp.rs checks again).
        AppsKind::Assign(..) | AppsKind::Unassign(..) => Op::Assign { graph: false },
        AppsKind::CreateGrant | AppsKind::PatchGrant(_) | AppsKind::DeleteGrant(_) => {
            Op::WriteGrants
        }
        AppsKind::AppPolicy => Op::ReadPolicy,
        AppsKind::AuthorizationPolicy | AppsKind::ConsentRequestPolicy => Op::ReadConsentPolicy,
        AppsKind::Organization => Op::ReadOrganization,
        AppsKind::CredentialActivity => Op::ReadSignInActivity,
    };
    if let Err(reply) = apps_authz::check(who, op) {
        return reply;
    }
    if let Some(reply) = injected_failure(st, route) {
        return reply;
    }
    let result = match kind {
        AppsKind::ListApps => list(st, input),
        AppsKind::CreateApp => create(st, input),
        AppsKind::GetApp(key) => get(st, key),
        AppsKind::PatchApp(key) => patch(st, key, input),
        AppsKind::DeleteApp(key) => delete(st, key),
        AppsKind::AddPassword(key) => super::apps_creds::add_password(st, key, input),
        AppsKind::RemovePassword(key) => super::apps_creds::remove_password(st, key, input),
        AppsKind::AddKey(key) => super::apps_keys::add_key(st, key, input),
        AppsKind::RemoveKey(key) => super::apps_keys::remove_key(st, key, input),
        AppsKind::AppPolicy => Ok(GraphReply::json(
            200,
            apps_json::default_policy(&st.scenario.app_management),
        )),
        AppsKind::AuthorizationPolicy => Ok(GraphReply::json(
            200,
            apps_json::authorization_policy(&st.scenario.app_management.consent, &st.graph),
        )),
        AppsKind::ConsentRequestPolicy => Ok(GraphReply::json(
            200,
            apps_json::admin_consent_request_policy(&st.scenario.app_management.consent, &st.graph),
        )),
        AppsKind::Organization => Ok(GraphReply::json(
            200,
            apps_json::organization(&st.scenario, &st.graph),
        )),
        AppsKind::CredentialActivity => super::apps_activity::list(st, input),
        AppsKind::ListGrants
        | AppsKind::CreateGrant
        | AppsKind::GetGrant(_)
        | AppsKind::PatchGrant(_)
        | AppsKind::DeleteGrant(_) => super::apps_grants::handle(st, kind, input),
        _ => super::apps_sp::handle(st, who, kind, input),
    };
    result.unwrap_or_else(|reply| reply)
}

/// The reply of an injected failure (`[[app_management.fail]]`) for this call, if one is due.
/// [U] Graph's codes for directory 5xx and throttling.
fn injected_failure(st: &SimState, route: &str) -> Option<GraphReply> {
    let fails = &st.scenario.app_management.fail;
    let mut r = lock(&st.apps);
    let i = fails
        .iter()
        .enumerate()
        .position(|(i, f)| f.route == route && r.failures_left.get(i).is_some_and(|n| *n > 0))?;
    if let Some(n) = r.failures_left.get_mut(i) {
        *n -= 1;
    }
    let retry = super::limits::retry_after_text(st.scenario.faults.retry_after_s);
    Some(match fails[i].status {
        429 => GraphReply::error(
            429,
            "Request_ThrottledTemporarily",
            "Your request is throttled temporarily. Please try after 1 seconds.",
        )
        .retry_after(retry),
        503 => GraphReply::error(
            503,
            "Service_ServiceUnavailable",
            "The service is temporarily unavailable. Please try again later.",
        )
        .retry_after(retry),
        _ => GraphReply::error(
            500,
            "Service_InternalServerError",
            "Encountered an internal server error.",
        ),
    })
}

fn list(st: &SimState, input: &Input) -> Result<GraphReply, GraphReply> {
    let r = lock(&st.apps);
    let items = filtered(&r.apps, input)?
        .into_iter()
        .map(|a| apps_json::application(a, st.domain()))
        .collect();
    Ok(GraphReply::json(
        200,
        apps_json::collection(&st.graph, "applications", items),
    ))
}

fn get(st: &SimState, key: &Key) -> Result<GraphReply, GraphReply> {
    let r = lock(&st.apps);
    let i = find(st, &r.apps, key)?;
    let mut v = apps_json::application(&r.apps[i], st.domain());
    v["@odata.context"] = json!(format!("{}/v1.0/$metadata#applications/$entity", st.graph));
    Ok(GraphReply::json(200, v))
}

fn create(st: &SimState, input: &Input) -> Result<GraphReply, GraphReply> {
    let body = json_body(&input.body)?;
    let Some(name) = body.get("displayName").and_then(Value::as_str) else {
        return Err(bad_request(
            "A value is required for property 'displayName' of resource 'Application'.",
        ));
    };
    let now = OffsetDateTime::now_utc();
    let id = uuid::Uuid::new_v4().to_string();
    let mut app = Application {
        id: id.clone(),
        app_id: uuid::Uuid::new_v4().to_string(),
        display_name: name.to_string(),
        created: now,
        created_s: st.elapsed_s(),
        sign_in_audience: "AzureADMyOrg".into(),
        token_version: None,
        required_resource_access: json!([]),
        web_redirects: Vec::new(),
        public_redirects: Vec::new(),
        spa_redirects: Vec::new(),
        fallback_public: None,
        passwords: Vec::new(),
        keys: Vec::new(),
        disabled: false,
    };
    apply(&mut app, &body)?;
    let mut v = apps_json::application(&app, st.domain());
    v["@odata.context"] = json!(format!("{}/v1.0/$metadata#applications/$entity", st.graph));
    lock(&st.apps).apps.push(app);
    Ok(GraphReply::json(201, v).header(
        "location",
        format!(
            "{}/v2/{}/directoryObjects/{id}/Microsoft.DirectoryServices.Application",
            st.graph, st.scenario.tenant_id
        ),
    ))
}

fn patch(st: &SimState, key: &Key, input: &Input) -> Result<GraphReply, GraphReply> {
    let body = json_body(&input.body)?;
    let mut r = lock(&st.apps);
    let i = find(st, &r.apps, key)?;
    let mut app = r.apps[i].clone();
    apply(&mut app, &body)?;
    r.apps[i] = app;
    Ok(GraphReply::empty(204))
}

fn delete(st: &SimState, key: &Key) -> Result<GraphReply, GraphReply> {
    let mut r = lock(&st.apps);
    let i = find(st, &r.apps, key)?;
    let app = r.apps.remove(i);
    // The home tenant's service principal goes with the application, and its consent.
    if let Some(sp) = r.sp_by_app_id(&app.app_id).map(|s| s.id.clone()) {
        r.sps.retain(|s| s.id != sp);
        r.assignments
            .retain(|x| x.principal_id != sp && x.resource_id != sp);
        r.grants
            .retain(|g| g.client_id != sp && g.resource_id != sp);
    }
    Ok(GraphReply::empty(204))
}

/// 400 for a property whose value Graph refuses (`details[0].target` names it).
pub(crate) fn invalid(property: &str) -> GraphReply {
    GraphReply::error_details(
        400,
        "Request_BadRequest",
        format!("Property {property} is invalid."),
        json!([{ "code": "InvalidValue", "target": property }]),
    )
}

fn strings(v: &Value, property: &str) -> Result<Vec<String>, GraphReply> {
    let Some(items) = v.as_array() else {
        return Err(invalid(property));
    };
    items
        .iter()
        .map(|x| {
            x.as_str()
                .map(String::from)
                .ok_or_else(|| invalid(property))
        })
        .collect()
}

/// Applies the writable properties of a create or update body, then checks the combination.
fn apply(app: &mut Application, body: &Map<String, Value>) -> Result<(), GraphReply> {
    for (k, v) in body {
        match k.as_str() {
            "displayName" => {
                app.display_name = v
                    .as_str()
                    .ok_or_else(|| invalid("displayName"))?
                    .to_string();
            }
            "signInAudience" => {
                let a = v.as_str().unwrap_or_default();
                if !matches!(
                    a,
                    "AzureADMyOrg"
                        | "AzureADMultipleOrgs"
                        | "AzureADandPersonalMicrosoftAccount"
                        | "PersonalMicrosoftAccount"
                ) {
                    return Err(invalid("signInAudience"));
                }
                app.sign_in_audience = a.to_string();
            }
            "api" => {
                if let Some(t) = v.get("requestedAccessTokenVersion") {
                    app.token_version = match t {
                        Value::Null => None,
                        _ => match t.as_i64() {
                            Some(n @ (1 | 2)) => Some(n),
                            _ => return Err(invalid("api.requestedAccessTokenVersion")),
                        },
                    };
                }
            }
            "requiredResourceAccess" => app.required_resource_access = resource_access(v)?,
            "web" | "publicClient" | "spa" => {
                if let Some(uris) = v.get("redirectUris") {
                    let uris = strings(uris, &format!("{k}.redirectUris"))?;
                    match k.as_str() {
                        "web" => app.web_redirects = uris,
                        "spa" => app.spa_redirects = uris,
                        _ => app.public_redirects = uris,
                    }
                }
            }
            "isFallbackPublicClient" => app.fallback_public = v.as_bool(),
            "keyCredentials" => app.keys = super::apps_creds::key_credentials(&app.keys, v)?,
            "passwordCredentials" => {
                // [U] text; G3: passwordCredentials cannot be updated with PATCH.
                return Err(bad_request(
                    "Property 'passwordCredentials' cannot be set; use addPassword.",
                ));
            }
            _ => {}
        }
    }
    if app.sign_in_audience == "AzureADandPersonalMicrosoftAccount" && app.token_version != Some(2)
    {
        return Err(invalid("api.requestedAccessTokenVersion"));
    }
    Ok(())
}

/// `requiredResourceAccess`: `[{resourceAppId, resourceAccess: [{id, type: Role|Scope}]}]`.
fn resource_access(v: &Value) -> Result<Value, GraphReply> {
    let bad = || invalid("requiredResourceAccess");
    let items = v.as_array().ok_or_else(bad)?;
    let mut out = Vec::new();
    for item in items {
        let app = item
            .get("resourceAppId")
            .and_then(Value::as_str)
            .ok_or_else(bad)?;
        let mut access = Vec::new();
        for a in item
            .get("resourceAccess")
            .and_then(Value::as_array)
            .ok_or_else(bad)?
        {
            let id = a.get("id").and_then(Value::as_str).ok_or_else(bad)?;
            let kind = a.get("type").and_then(Value::as_str).ok_or_else(bad)?;
            if uuid::Uuid::parse_str(id).is_err() || !matches!(kind, "Role" | "Scope") {
                return Err(bad());
            }
            access.push(json!({ "id": id.to_ascii_lowercase(), "type": kind }));
        }
        out.push(json!({ "resourceAppId": app.to_ascii_lowercase(), "resourceAccess": access }));
    }
    Ok(Value::Array(out))
}
