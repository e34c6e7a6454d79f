//! `POST /{tenant}/oauth2/v2.0/token`: the client-credentials grant (secret or certificate);
//! delegated grants go to `token_user.rs`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use super::limits::{Limits, retry_after_text};
use super::scenario::App;
use super::state::{SimState, lock};
use super::tenant::{TenantMatch, classify};
use super::token_errors::{AadError, aad_headers};
use super::tokens_jwt::Signer;
use super::{assertion, form};

const ROUTE: &str = "POST /{tenant}/oauth2/v2.0/token";
const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The token endpoint handler.
pub(crate) async fn token(
    State(st): State<Arc<SimState>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    lock(&st.stats).token_requests += 1;
    st.delay().await;
    let corr = headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(String::from)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let form = form::parse(&body);
    let signer = st.signer().await;
    if let Some(resp) = super::token_user::handle(&st, signer.as_deref(), &tenant, &form, &corr) {
        return resp;
    }
    match issue(&st, signer.as_deref(), &tenant, &headers, &form) {
        Ok(ok) => {
            st.record(ROUTE, 200);
            lock(&st.stats).tokens_issued += 1;
            let mut resp = Json(ok).into_response();
            aad_headers(&mut resp, &corr);
            resp
        }
        Err(e) => {
            st.record(ROUTE, e.status.as_u16());
            e.response(&corr)
        }
    }
}

/// Client id and secret from `Authorization: Basic` (RFC 6749 §2.3.1, URL-encoded parts).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let b64 = v
        .strip_prefix("Basic ")
        .or_else(|| v.strip_prefix("basic "))?;
    let raw = String::from_utf8(STANDARD.decode(b64.trim()).ok()?).ok()?;
    let (id, secret) = raw.split_once(':')?;
    Some((form::decode(id), form::decode(secret)))
}

fn issue(
    st: &SimState,
    signer: Option<&Signer>,
    tenant: &str,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<Value, AadError> {
    let basic = basic_credentials(headers);
    let client_id = form
        .get("client_id")
        .cloned()
        .or_else(|| basic.as_ref().map(|b| b.0.clone()));
    let faults = &st.scenario.faults;
    let wait_key = client_id.clone().unwrap_or_default();
    Limits::check_early(st, &wait_key, "token", 0);
    if st.faults.token_unavailable(faults) {
        Limits::told_to_wait(st, &wait_key, "token", 0, faults.retry_after_s);
        return Err(AadError::unavailable(retry_after_text(
            faults.retry_after_s,
        )));
    }
    match classify(&st.scenario, tenant) {
        TenantMatch::Ours => {}
        TenantMatch::Reserved => return Err(AadError::reserved_tenant()),
        TenantMatch::Malformed => return Err(AadError::malformed_tenant(tenant)),
        TenantMatch::NotFound => {
            return Err(AadError::tenant_not_found(tenant, "invalid_request"));
        }
    }
    match form.get("grant_type").map(String::as_str) {
        None => return Err(AadError::missing_parameter("grant_type")),
        Some("client_credentials") => {}
        Some(other) => return Err(AadError::unsupported_grant(other)),
    }
    let Some(client_id) = client_id else {
        return Err(AadError::missing_parameter("client_id"));
    };
    let Some(app) = st.registered_app(&client_id) else {
        return Err(AadError::app_not_found(
            &client_id,
            &st.scenario.tenant_name,
        ));
    };
    let app = &app;
    if app.disabled {
        return Err(AadError::app_disabled(&app.client_id, &app.name));
    }
    let secret = form
        .get("client_secret")
        .cloned()
        .or_else(|| basic.map(|b| b.1));
    // The method reference (`acr`) and the credential's key id.
    let (acr, used_key) = if let Some(a) = form.get("client_assertion") {
        match form.get("client_assertion_type").map(String::as_str) {
            Some(ASSERTION_TYPE) => {}
            None => return Err(AadError::missing_parameter("client_assertion_type")),
            Some(_) => {
                return Err(AadError::malformed_assertion(
                    "Unsupported client_assertion_type.",
                ));
            }
        }
        let thumbprint = assertion::validate(st, app, a)?;
        let key = super::apps_activity::key_of_cert(st, &app.client_id, &thumbprint);
        ("2", key)
    } else if let Some(s) = secret {
        ("1", Some(check_secret(app, &s)?))
    } else {
        return Err(AadError::no_credential());
    };
    if !app.service_principal {
        return Err(AadError::no_service_principal(
            &app.client_id,
            &st.scenario.tenant_id,
        ));
    }
    let aud = check_scope(st, form.get("scope"))?;
    let signer = signer.ok_or_else(|| AadError::unavailable("1".into()))?;
    let token = access_token(st, signer, app, acr, &aud)?;
    if let Some(key_id) = used_key {
        super::apps_activity::record(st, &app.client_id, &key_id);
    }
    Ok(token)
}

/// The secret must match a registered value that has not expired; its key id.
fn check_secret(app: &App, candidate: &str) -> Result<String, AadError> {
    let today = time::OffsetDateTime::now_utc().date();
    let matching: Vec<_> = app
        .secrets
        .iter()
        .filter(|s| s.matches(candidate))
        .collect();
    match matching.iter().find(|s| today <= s.expires) {
        Some(s) => Ok(s.id.clone()),
        None if matching.is_empty() => Err(AadError::invalid_secret(&app.client_id)),
        None => Err(AadError::expired_secret(&app.client_id)),
    }
}

/// Microsoft Graph's application id: `{id}/.default` names Graph too.
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The scope must be `{resource}/.default`: one resource, `/.default`, a resource this tenant
/// knows (AADSTS500011 otherwise): Graph or Exchange Online. Returns the token's audience.
fn check_scope(st: &SimState, scope: Option<&String>) -> Result<String, AadError> {
    let Some(scope) = scope.filter(|s| !s.trim().is_empty()) else {
        return Err(AadError::missing_parameter("scope"));
    };
    let mut resources = Vec::new();
    for item in scope.split_whitespace() {
        let Some(resource) = item.strip_suffix("/.default") else {
            return Err(AadError::scope_not_default(scope));
        };
        resources.push(resource.trim_end_matches('/'));
    }
    if resources.iter().any(|r| *r != resources[0]) {
        return Err(AadError::scope_invalid(scope));
    }
    let resource = resources[0];
    let exchange = super::exchange_auth::exchange_resource(&format!("{resource}/.default"));
    if let Some(exo) = exchange {
        return Ok(exo.to_string());
    }
    if resource != st.graph && !resource.eq_ignore_ascii_case(GRAPH_APP_ID) {
        return Err(AadError::resource_not_found(
            resource,
            &st.scenario.tenant_name,
        ));
    }
    Ok(st.graph.clone())
}

fn opaque() -> String {
    URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes())
}

/// Signs a v1.0 app-only token with the real claim set (reference §1d); `roles` are the app's
/// roles on the audience's resource (Graph, or Exchange Online's Exchange.ManageAsApp).
fn access_token(
    st: &SimState,
    signer: &Signer,
    app: &App,
    acr: &str,
    aud: &str,
) -> Result<Value, AadError> {
    let s = &st.scenario;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let exp = now + s.token_lifetime_s;
    let sts = format!("https://sts.windows.net/{}/", s.tenant_id);
    let mut claims = json!({
        "aud": aud, "iss": sts, "iat": now.min(exp), "nbf": now.min(exp), "exp": exp,
        "aio": opaque(), "app_displayname": app.name, "appid": app.client_id, "appidacr": acr,
        "idp": sts, "idtyp": "app", "oid": app.object_id, "rh": format!("0.{}.", opaque()),
        "sub": app.object_id, "tenant_region_scope": "EU", "tid": s.tenant_id,
        "uti": opaque(), "ver": "1.0", "xms_tcdt": 1_600_000_000,
    });
    let roles = if aud == st.graph {
        app.roles.clone()
    } else {
        let exchange = super::graph_catalog::EXCHANGE_APP_ID;
        lock(&st.apps).roles_on(&app.client_id, exchange)
    };
    if !roles.is_empty() {
        claims["roles"] = json!(roles);
    }
    let token = signer
        .sign(&claims)
        .map_err(|_| AadError::unavailable("1".into()))?;
    let lifetime = s.token_lifetime_s.max(0);
    Ok(json!({
        "token_type": "Bearer",
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": token,
    }))
}
