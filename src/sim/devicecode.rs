//! `POST /{tenant}/oauth2/v2.0/devicecode` and the test hooks that stand in for the admin at
//! the device login page: `POST /_sim/devicecode/approve`, `POST /_sim/devicecode/decline`
//! (JSON `{"user_code": "…", "upn": "…"}`) and `POST /_sim/signin/revoke` (`{"upn": "…"}`,
//! revokes that admin's refresh tokens). Polling is answered by `token_user.rs`.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::form;
use super::signin_store::{DeviceCode, DeviceState, opaque_token, user_code};
use super::state::{SimState, lock};
use super::tenant::{TenantMatch, classify};
use super::token_errors::{AadError, aad_headers};
use super::token_user::split_scopes;

const ROUTE: &str = "POST /{tenant}/oauth2/v2.0/devicecode";

/// The device authorization endpoint.
pub(crate) async fn devicecode(
    State(st): State<Arc<SimState>>,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Response {
    let corr = uuid::Uuid::new_v4().to_string();
    match start(&st, &tenant, &form::parse(&body)) {
        Ok(v) => {
            st.record(ROUTE, 200);
            let mut resp = Json(v).into_response();
            aad_headers(&mut resp, &corr);
            resp
        }
        Err(e) => {
            st.record(ROUTE, e.status.as_u16());
            e.response(&corr)
        }
    }
}

fn start(
    st: &SimState,
    tenant: &str,
    form: &std::collections::HashMap<String, String>,
) -> Result<Value, AadError> {
    let s = &st.scenario;
    match classify(s, tenant) {
        TenantMatch::Ours | TenantMatch::Reserved => {}
        TenantMatch::Malformed => return Err(AadError::malformed_tenant(tenant)),
        TenantMatch::NotFound => return Err(AadError::tenant_not_found(tenant, "invalid_request")),
    }
    let get = |k: &str| form.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let client_id = get("client_id").ok_or_else(|| AadError::missing_parameter("client_id"))?;
    let client = s
        .signin
        .client(client_id)
        .ok_or_else(|| AadError::app_not_found(client_id, &s.tenant_name))?;
    let scope = get("scope").ok_or_else(|| AadError::missing_parameter("scope"))?;
    let device_code = opaque_token(96);
    let code = user_code();
    let now = Instant::now();
    let interval = s.signin.device_code_interval_s;
    let lifetime = s.signin.device_code_lifetime_s;
    lock(&st.signin).devices.insert(
        device_code.clone(),
        DeviceCode {
            client_id: client.client_id.clone(),
            scopes: split_scopes(scope),
            user_code: code.clone(),
            issued: now,
            lifetime_s: lifetime,
            interval_s: interval,
            last_poll: now,
            state: DeviceState::Pending,
        },
    );
    let uri = format!("{}/devicelogin", st.authority);
    Ok(json!({
        "user_code": code,
        "device_code": device_code,
        "verification_uri": uri,
        "expires_in": lifetime,
        "interval": interval,
        "message": format!("To sign in, use a web browser to open the page {uri} and enter the code {code} to authenticate."),
    }))
}

fn hook_error(status: StatusCode, message: String) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// `POST /_sim/devicecode/{action}` with `approve` or `decline`.
pub(crate) async fn hook(
    State(st): State<Arc<SimState>>,
    Path(action): Path<String>,
    body: Bytes,
) -> Response {
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(code) = v["user_code"].as_str() else {
        return hook_error(StatusCode::BAD_REQUEST, "user_code is required".into());
    };
    let signin = &st.scenario.signin;
    let new_state = match action.as_str() {
        "approve" => {
            let upn = v["upn"]
                .as_str()
                .map(String::from)
                .or_else(|| signin.auto_approve.clone())
                .or_else(|| signin.admins.first().map(|a| a.upn.clone()));
            match upn.as_deref().and_then(|u| signin.admin(u)) {
                Some(a) => DeviceState::Approved(a.upn.clone()),
                None => {
                    let m = format!("no [[admin]] has upn '{}'", upn.unwrap_or_default());
                    return hook_error(StatusCode::BAD_REQUEST, m);
                }
            }
        }
        "decline" => DeviceState::Declined,
        other => return hook_error(StatusCode::NOT_FOUND, format!("unknown action '{other}'")),
    };
    let mut store = lock(&st.signin);
    match store.device_by_user_code(code) {
        Some(d) => {
            d.state = new_state;
            StatusCode::NO_CONTENT.into_response()
        }
        None => hook_error(
            StatusCode::NOT_FOUND,
            format!("no device code has user code '{code}'"),
        ),
    }
}

/// `POST /_sim/signin/revoke`: revokes an admin's refresh tokens.
pub(crate) async fn revoke(State(st): State<Arc<SimState>>, body: Bytes) -> Response {
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(upn) = v["upn"].as_str() else {
        return hook_error(StatusCode::BAD_REQUEST, "upn is required".into());
    };
    let n = lock(&st.signin).revoke(upn);
    Json(json!({ "revoked": n })).into_response()
}
