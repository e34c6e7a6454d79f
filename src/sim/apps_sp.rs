//! Graph `/servicePrincipals`: list with `$filter`, create from an `appId`, get (also by
//! `(appId='…')`), delete, and app role assignments (`appRoleAssignedTo`, `appRoleAssignments`).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::apps::{Assignment, Registry, ServicePrincipal};
use super::apps_authz::{self, Op, bad_request, json_body, not_found};
use super::apps_json;
use super::apps_lookup::{filtered, find, replicated};
use super::apps_routes::{AppsKind, Key, Side};
use super::graph_catalog::{self, GRAPH_APP_ID};
use super::graph_dispatch::Input;
use super::graph_reply::GraphReply;
use super::scenario_load::derived_id;
use super::state::{SimState, lock};
use super::tokens_jwt::AccessClaims;

/// Serves the service principal and assignment requests.
pub(crate) fn handle(
    st: &SimState,
    who: &AccessClaims,
    kind: &AppsKind,
    input: &Input,
) -> Result<GraphReply, GraphReply> {
    match kind {
        AppsKind::ListSps => list(st, input),
        AppsKind::CreateSp => create(st, input),
        AppsKind::GetSp(key) => {
            let r = lock(&st.apps);
            let i = find(st, &r.sps, key)?;
            let mut v = apps_json::service_principal(&r.sps[i], &st.scenario.tenant_id);
            v["@odata.context"] = json!(format!(
                "{}/v1.0/$metadata#servicePrincipals/$entity",
                st.graph
            ));
            Ok(GraphReply::json(200, v))
        }
        AppsKind::DeleteSp(key) => {
            let mut r = lock(&st.apps);
            let i = find(st, &r.sps, key)?;
            let sp = r.sps.remove(i).id;
            r.assignments
                .retain(|x| x.principal_id != sp && x.resource_id != sp);
            r.grants
                .retain(|g| g.client_id != sp && g.resource_id != sp);
            Ok(GraphReply::empty(204))
        }
        AppsKind::ListAssignments(key, side) => {
            let r = lock(&st.apps);
            let sp = r.sps[find(st, &r.sps, key)?].id.clone();
            let items = r
                .assignments
                .iter()
                .filter(|x| match side {
                    Side::AssignedTo => x.resource_id == sp,
                    Side::Assignments => x.principal_id == sp,
                })
                .map(|x| apps_json::assignment(&r, x))
                .collect();
            Ok(GraphReply::json(
                200,
                apps_json::collection(&st.graph, "appRoleAssignments", items),
            ))
        }
        AppsKind::Assign(key, side) => assign(st, who, key, *side, input),
        AppsKind::Unassign(key, side, id) => {
            let mut r = lock(&st.apps);
            let sp = r.sps[find(st, &r.sps, key)?].id.clone();
            let Some(i) = r.assignments.iter().position(|x| {
                x.id == *id
                    && match side {
                        Side::AssignedTo => x.resource_id == sp,
                        Side::Assignments => x.principal_id == sp,
                    }
            }) else {
                return Err(not_found(id));
            };
            apps_authz::check(
                who,
                Op::Assign {
                    graph: is_graph(&r, &r.assignments[i].resource_id),
                },
            )?;
            r.assignments.remove(i);
            Ok(GraphReply::empty(204))
        }
        _ => Err(bad_request("Unsupported request.")),
    }
}

fn is_graph(r: &Registry, sp_id: &str) -> bool {
    r.sps
        .iter()
        .any(|s| s.id == sp_id && s.app_id.eq_ignore_ascii_case(GRAPH_APP_ID))
}

fn list(st: &SimState, input: &Input) -> Result<GraphReply, GraphReply> {
    let r = lock(&st.apps);
    let items = filtered(&r.sps, input)?
        .into_iter()
        .map(|s| apps_json::service_principal(s, &st.scenario.tenant_id))
        .collect();
    Ok(GraphReply::json(
        200,
        apps_json::collection(&st.graph, "servicePrincipals", items),
    ))
}

fn no_backing(app_id: &str) -> GraphReply {
    GraphReply::error_details(
        400,
        "Request_BadRequest",
        format!(
            "The appId '{app_id}' of the service principal does not reference a valid application object."
        ),
        json!([{ "code": "NoBackingApplicationObject", "message": "The appId of the service principal does not reference a valid application object.", "target": "appId" }]),
    )
}

fn create(st: &SimState, input: &Input) -> Result<GraphReply, GraphReply> {
    let body = json_body(&input.body)?;
    let Some(app_id) = body.get("appId").and_then(Value::as_str) else {
        return Err(bad_request(
            "A value is required for property 'appId' of resource 'ServicePrincipal'.",
        ));
    };
    let app_id = app_id.to_ascii_lowercase();
    let mut r = lock(&st.apps);
    let local = r
        .apps
        .iter()
        .find(|a| a.app_id == app_id)
        .filter(|a| replicated(st, a.created_s))
        .map(|a| (a.display_name.clone(), st.scenario.tenant_id.clone()));
    let external = st
        .scenario
        .app_management
        .external_apps
        .iter()
        .find(|e| e.app_id == app_id)
        .map(|e| (e.name.clone(), derived_id("tenant", &e.app_id)));
    let Some((name, home)) = local.or(external) else {
        return Err(no_backing(&app_id));
    };
    if r.sp_by_app_id(&app_id).is_some() {
        return Err(GraphReply::error(
            409,
            "Request_MultipleObjectsWithSameKeyValue",
            format!(
                "The service principal cannot be created, updated, or restored because the service principal name {app_id} is already in use."
            ),
        ));
    }
    let sp = ServicePrincipal {
        id: uuid::Uuid::new_v4().to_string(),
        app_id,
        display_name: name,
        created_s: st.elapsed_s(),
        enabled: true,
        home_tenant: home,
    };
    let mut v = apps_json::service_principal(&sp, &st.scenario.tenant_id);
    v["@odata.context"] = json!(format!(
        "{}/v1.0/$metadata#servicePrincipals/$entity",
        st.graph
    ));
    r.sps.push(sp);
    Ok(GraphReply::json(201, v))
}

fn not_valid_reference() -> GraphReply {
    bad_request("Not a valid reference update.")
}

fn assign(
    st: &SimState,
    who: &AccessClaims,
    key: &Key,
    side: Side,
    input: &Input,
) -> Result<GraphReply, GraphReply> {
    let body = json_body(&input.body)?;
    let field = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
            .ok_or_else(|| {
                bad_request(format!(
                    "A value is required for property '{k}' of resource 'AppRoleAssignment'."
                ))
            })
    };
    let (principal, resource, role) = (
        field("principalId")?,
        field("resourceId")?,
        field("appRoleId")?,
    );
    let mut r = lock(&st.apps);
    let path_sp = r.sps[find(st, &r.sps, key)?].id.clone();
    let expected = match side {
        Side::AssignedTo => &resource,
        Side::Assignments => &principal,
    };
    if !path_sp.eq_ignore_ascii_case(expected) {
        return Err(bad_request(
            "The service principal in the request URL does not match the one in the request body.",
        ));
    }
    let Some(res) = r.sps.iter().find(|s| s.id == resource).cloned() else {
        return Err(not_valid_reference());
    };
    let graph = res.app_id.eq_ignore_ascii_case(GRAPH_APP_ID);
    apps_authz::check(who, Op::Assign { graph })?;
    let principal_sp = r
        .sps
        .iter()
        .find(|s| s.id == principal)
        .filter(|s| replicated(st, s.created_s))
        .cloned();
    let Some(principal_sp) = principal_sp else {
        return Err(not_valid_reference());
    };
    if !graph_catalog::roles_of(&res.app_id)
        .iter()
        .any(|(_, id, _)| *id == role)
    {
        // [U] text: the role is not one the resource publishes.
        return Err(bad_request(format!(
            "Permission being assigned was not found on application '{}'.",
            res.app_id
        )));
    }
    if r.assignments
        .iter()
        .any(|x| x.principal_id == principal && x.resource_id == resource && x.app_role_id == role)
    {
        return Err(bad_request(
            "Permission being assigned already exists on the object",
        ));
    }
    let x = Assignment {
        id: opaque_id(),
        principal_id: principal_sp.id,
        resource_id: res.id,
        app_role_id: role,
        created: OffsetDateTime::now_utc(),
    };
    r.assignments.push(x.clone());
    let mut v = apps_json::assignment(&r, &x);
    v["@odata.context"] = json!(format!(
        "{}/v1.0/$metadata#servicePrincipals('{}')/appRoleAssignedTo/$entity",
        st.graph, path_sp
    ));
    Ok(GraphReply::json(201, v))
}

/// An id in the shape Graph uses for assignments and grants (43 base64url characters).
pub(crate) fn opaque_id() -> String {
    let mut raw = [0u8; 32];
    raw[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    raw[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    URL_SAFE_NO_PAD.encode(raw)
}
