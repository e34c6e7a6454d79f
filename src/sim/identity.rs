//! OIDC discovery, instance discovery and JWKS, answering as Entra does for this sim's host.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::state::SimState;
use super::tenant::{TenantMatch, classify};
use super::token_errors::AadError;

const DISCOVERY_ROUTE: &str = "GET /{tenant}/v2.0/.well-known/openid-configuration";

/// `GET /{tenant}/v2.0/.well-known/openid-configuration`.
pub(crate) async fn openid_configuration(
    State(st): State<Arc<SimState>>,
    Path(tenant): Path<String>,
) -> Response {
    let corr = uuid::Uuid::new_v4().to_string();
    let tid = match classify(&st.scenario, &tenant) {
        TenantMatch::Ours => st.scenario.tenant_id.clone(),
        TenantMatch::Reserved => "{tenantid}".to_string(),
        TenantMatch::NotFound => {
            st.record(DISCOVERY_ROUTE, 400);
            return AadError::tenant_not_found(&tenant, "invalid_tenant").response(&corr);
        }
        TenantMatch::Malformed => {
            st.record(DISCOVERY_ROUTE, 400);
            let mut e = AadError::malformed_tenant(&tenant);
            e.error = "invalid_tenant";
            return e.response(&corr);
        }
    };
    st.record(DISCOVERY_ROUTE, 200);
    let a = &st.authority;
    let path_tenant = if tid == "{tenantid}" {
        tenant.as_str()
    } else {
        tid.as_str()
    };
    let host = a.trim_start_matches("https://");
    let graph_host = st.graph.trim_start_matches("https://");
    Json(json!({
        "token_endpoint": format!("{a}/{path_tenant}/oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{a}/{path_tenant}/discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": format!("{a}/{tid}/v2.0"),
        "request_uri_parameter_supported": false,
        "userinfo_endpoint": format!("{}/oidc/userinfo", st.graph),
        "authorization_endpoint": format!("{a}/{path_tenant}/oauth2/v2.0/authorize"),
        "device_authorization_endpoint": format!("{a}/{path_tenant}/oauth2/v2.0/devicecode"),
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": format!("{a}/{path_tenant}/oauth2/v2.0/logout"),
        "claims_supported": ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
        "kerberos_endpoint": format!("{a}/{path_tenant}/kerberos"),
        "tenant_region_scope": "EU",
        "cloud_instance_name": host,
        "cloud_graph_host_name": graph_host,
        "msgraph_host": graph_host,
        "rbac_url": "https://pas.windows.net"
    }))
    .into_response()
}

/// `GET /common/discovery/instance?api-version=1.1&authorization_endpoint=...` (MSAL).
pub(crate) async fn instance_discovery(
    State(st): State<Arc<SimState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    st.record("GET /common/discovery/instance", 200);
    let a = &st.authority;
    let tenant = q
        .get("authorization_endpoint")
        .and_then(|e| e.strip_prefix(a.as_str()))
        .and_then(|rest| rest.trim_start_matches('/').split('/').next())
        .filter(|t| !t.is_empty())
        .unwrap_or("common")
        .to_string();
    let host = a.trim_start_matches("https://");
    Json(json!({
        "tenant_discovery_endpoint": format!("{a}/{tenant}/v2.0/.well-known/openid-configuration"),
        "api-version": "1.1",
        "metadata": [{ "preferred_network": host, "preferred_cache": host, "aliases": [host] }]
    }))
    .into_response()
}

/// `GET /{tenant}/discovery/v2.0/keys` (and `/discovery/keys`): the sim's signing key.
pub(crate) async fn jwks(State(st): State<Arc<SimState>>, Path(tenant): Path<String>) -> Response {
    st.record("GET /{tenant}/discovery/v2.0/keys", 200);
    let tid = match classify(&st.scenario, &tenant) {
        TenantMatch::Ours => st.scenario.tenant_id.clone(),
        _ => "{tenantid}".to_string(),
    };
    let issuer = format!("{}/{tid}/v2.0", st.authority);
    let keys: Vec<Value> = st
        .signer()
        .await
        .map(|s| s.jwk(&issuer))
        .into_iter()
        .collect();
    Json(json!({ "keys": keys })).into_response()
}

/// `GET /_sim/stats`.
pub(crate) async fn stats(State(st): State<Arc<SimState>>) -> Response {
    Json(st.snapshot()).into_response()
}
