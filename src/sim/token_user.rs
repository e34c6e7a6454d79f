//! `POST /{tenant}/oauth2/v2.0/token` for a signed-in admin: `authorization_code` (PKCE),
//! `refresh_token` (a new refresh token each time) and the device-code grant. Tokens carry
//! the claims Microsoft puts in a delegated v1.0 Graph token (reference §1f).

use std::collections::HashMap;
use std::time::Instant;

use axum::Json;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::Digest;

use super::scenario_signin::Admin;
use super::signin_errors::SigninError;
use super::signin_store::{DeviceState, Grant, Method, SigninStore};
use super::state::{SimState, lock};
use super::tenant::{TenantMatch, classify};
use super::token_errors::{AadError, aad_headers};
use super::tokens_jwt::Signer;

const ROUTE: &str = "POST /{tenant}/oauth2/v2.0/token (delegated)";
/// The device-code grant type.
pub(crate) const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// Codes live ten minutes (E1).
const CODE_LIFETIME_S: u64 = 600;
/// Scopes that ask for the OpenID Connect tokens, not for an API.
pub(crate) const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

/// Answers a delegated grant; `None` for other grant types (client credentials).
pub(crate) fn handle(
    st: &SimState,
    signer: Option<&Signer>,
    tenant: &str,
    form: &HashMap<String, String>,
    corr: &str,
) -> Option<Response> {
    let grant = form.get("grant_type").map(String::as_str)?;
    if !matches!(grant, "authorization_code" | "refresh_token" | DEVICE_GRANT) {
        return None;
    }
    let out = issue(st, signer, tenant, grant, form);
    Some(match out {
        Ok(v) => {
            st.record(ROUTE, 200);
            lock(&st.stats).tokens_issued += 1;
            let mut resp = Json(v).into_response();
            aad_headers(&mut resp, corr);
            resp
        }
        Err(e) => {
            st.record(ROUTE, e.base.status.as_u16());
            e.response(corr)
        }
    })
}

fn param<'a>(form: &'a HashMap<String, String>, name: &str) -> Result<&'a str, SigninError> {
    form.get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AadError::missing_parameter(name).into())
}

fn issue(
    st: &SimState,
    signer: Option<&Signer>,
    tenant: &str,
    grant_type: &str,
    form: &HashMap<String, String>,
) -> Result<Value, SigninError> {
    match classify(&st.scenario, tenant) {
        TenantMatch::Ours | TenantMatch::Reserved => {}
        TenantMatch::Malformed => return Err(AadError::malformed_tenant(tenant).into()),
        TenantMatch::NotFound => {
            return Err(AadError::tenant_not_found(tenant, "invalid_request").into());
        }
    }
    let client_id = param(form, "client_id")?;
    let Some(client) = st.scenario.signin.client(client_id) else {
        let e = AadError::app_not_found(client_id, &st.scenario.tenant_name);
        return Err(e.into());
    };
    let mut store = lock(&st.signin);
    let grant = match grant_type {
        "authorization_code" => redeem_code(&mut store, client_id, form)?,
        "refresh_token" => redeem_refresh(&store, client_id, form)?,
        _ => poll_device(st, &mut store, client_id, form)?,
    };
    let Some(admin) = st.scenario.signin.admin(&grant.upn) else {
        return Err(SigninError::refresh_revoked());
    };
    if admin.blocked_by_conditional_access {
        return Err(SigninError::ca_blocked());
    }
    if admin.mfa_required {
        return Err(SigninError::mfa_required(&st.graph));
    }
    if admin.consent_required {
        return Err(SigninError::consent_required(
            &client.client_id,
            &client.name,
        ));
    }
    let signer = signer.ok_or_else(|| AadError::unavailable("1".into()))?;
    let mut out = tokens(st, signer, admin, &grant)?;
    if grant.scopes.iter().any(|s| s == "offline_access") {
        out["refresh_token"] = store.new_refresh(&grant).into();
    }
    Ok(out)
}

fn redeem_code(
    store: &mut SigninStore,
    client_id: &str,
    form: &HashMap<String, String>,
) -> Result<Grant, SigninError> {
    let code = param(form, "code")?;
    let redirect_uri = param(form, "redirect_uri")?;
    let Some(entry) = store.codes.get_mut(code) else {
        return Err(SigninError::code_expired());
    };
    if entry.redeemed {
        return Err(SigninError::code_redeemed());
    }
    if entry.issued.elapsed().as_secs() >= CODE_LIFETIME_S
        || !entry.grant.client_id.eq_ignore_ascii_case(client_id)
    {
        return Err(SigninError::code_expired());
    }
    if entry.redirect_uri != redirect_uri {
        return Err(SigninError::redirect_mismatch());
    }
    if let Some((challenge, method)) = &entry.challenge {
        let verifier = param(form, "code_verifier")?;
        let derived = match method {
            Method::Plain => verifier.to_string(),
            Method::S256 => URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes())),
        };
        if !(43..=128).contains(&verifier.len()) || &derived != challenge {
            return Err(SigninError::verifier_mismatch());
        }
    }
    entry.redeemed = true;
    Ok(rescoped(&entry.grant, form))
}

/// The grant, for the scopes the token request names (if it names any).
fn rescoped(grant: &Grant, form: &HashMap<String, String>) -> Grant {
    let mut grant = grant.clone();
    if let Some(scope) = form.get("scope").filter(|s| !s.trim().is_empty()) {
        grant.scopes = split_scopes(scope);
    }
    grant
}

fn redeem_refresh(
    store: &SigninStore,
    client_id: &str,
    form: &HashMap<String, String>,
) -> Result<Grant, SigninError> {
    let rt = param(form, "refresh_token")?;
    let Some(entry) = store.refresh.get(rt) else {
        return Err(SigninError::refresh_expired());
    };
    if entry.revoked {
        return Err(SigninError::refresh_revoked());
    }
    if !entry.grant.client_id.eq_ignore_ascii_case(client_id) {
        return Err(SigninError::refresh_expired());
    }
    Ok(rescoped(&entry.grant, form))
}

fn poll_device(
    st: &SimState,
    store: &mut SigninStore,
    client_id: &str,
    form: &HashMap<String, String>,
) -> Result<Grant, SigninError> {
    let code = param(form, "device_code")?;
    let Some(d) = store.devices.get_mut(code) else {
        return Err(SigninError::bad_device_code());
    };
    if !d.client_id.eq_ignore_ascii_case(client_id) {
        return Err(SigninError::bad_device_code());
    }
    let now = Instant::now();
    if now.duration_since(d.issued).as_secs() >= d.lifetime_s {
        return Err(SigninError::device_expired());
    }
    let too_soon = now.duration_since(d.last_poll).as_secs() < d.interval_s;
    d.last_poll = now;
    if too_soon {
        return Err(SigninError::slow_down());
    }
    if d.state == DeviceState::Pending
        && let Some(auto) = &st.scenario.signin.auto_approve
    {
        d.state = DeviceState::Approved(auto.clone());
    }
    let upn = match &d.state {
        DeviceState::Pending => return Err(SigninError::pending()),
        DeviceState::Declined => return Err(SigninError::declined()),
        DeviceState::Approved(upn) => upn.clone(),
    };
    let grant = Grant {
        client_id: d.client_id.clone(),
        upn,
        scopes: d.scopes.clone(),
        nonce: None,
    };
    store.devices.remove(code);
    Ok(grant)
}

/// Space-separated scopes.
pub(crate) fn split_scopes(scope: &str) -> Vec<String> {
    scope.split_whitespace().map(String::from).collect()
}

/// The Graph permission names among `scopes` (resource prefix removed, OIDC scopes left out);
/// `None` names a scope of another resource.
fn graph_scopes(st: &SimState, scopes: &[String]) -> Result<Vec<String>, String> {
    let prefixes = [
        format!("{}/", st.graph),
        "https://graph.microsoft.com/".to_string(),
        "00000003-0000-0000-c000-000000000000/".to_string(),
    ];
    let mut out = Vec::new();
    for s in scopes {
        if OIDC_SCOPES.contains(&s.as_str()) {
            continue;
        }
        let name = if let Some(n) = prefixes.iter().find_map(|p| s.strip_prefix(p.as_str())) {
            n
        } else if s.contains("://") || s.contains('/') {
            return Err(s.clone());
        } else {
            s.as_str()
        };
        if name == ".default" {
            out.push("User.Read".to_string());
        } else if !out.iter().any(|x| x == name) {
            out.push(name.to_string());
        }
    }
    Ok(out)
}

fn opaque() -> String {
    URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes())
}

/// The access token's audience and `scp`: Exchange Online's resource for
/// `https://outlook.office365.com/.default` (and the other clouds' hosts), or for the sim's own
/// base URL asked by the Exchange Online PowerShell client; Microsoft Graph otherwise.
fn audience_and_scopes(st: &SimState, grant: &Grant) -> Result<(String, Vec<String>), SigninError> {
    use super::exchange_auth::{EXCHANGE_SCOPES, EXO_POWERSHELL, exchange_resource};
    let tenant = &st.scenario.tenant_name;
    let api: Vec<&String> = grant
        .scopes
        .iter()
        .filter(|s| !OIDC_SCOPES.contains(&s.as_str()))
        .collect();
    let exchange_scp = || EXCHANGE_SCOPES.split(' ').map(String::from).collect();
    if let Some(resource) = api.first().and_then(|s| exchange_resource(s)) {
        if let Some(other) = api.iter().find(|s| exchange_resource(s) != Some(resource)) {
            return Err(AadError::resource_not_found(other, tenant).into());
        }
        return Ok((resource.to_string(), exchange_scp()));
    }
    let own_default = format!("{}/.default", st.graph);
    if grant.client_id.eq_ignore_ascii_case(EXO_POWERSHELL)
        && api.iter().all(|s| **s == own_default)
    {
        return Ok((st.graph.clone(), exchange_scp()));
    }
    let scp = graph_scopes(st, &grant.scopes)
        .map_err(|resource| SigninError::from(AadError::resource_not_found(&resource, tenant)))?;
    let scp = if scp.is_empty() {
        vec!["User.Read".to_string()]
    } else {
        scp
    };
    Ok((st.graph.clone(), scp))
}

/// Access token (v1.0, delegated) and, with `openid`, an id token.
fn tokens(
    st: &SimState,
    signer: &Signer,
    admin: &Admin,
    grant: &Grant,
) -> Result<Value, SigninError> {
    let s = &st.scenario;
    let (aud, scp) = audience_and_scopes(st, grant)?;
    let client_name = s
        .signin
        .client(&grant.client_id)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let lifetime = s.token_lifetime_s;
    let exp = now + lifetime;
    let sts = format!("https://sts.windows.net/{}/", s.tenant_id);
    let claims = json!({
        "aud": aud, "iss": sts, "iat": now.min(exp), "nbf": now.min(exp), "exp": exp,
        "acct": 0, "acr": "1", "aio": opaque(), "amr": ["pwd", "mfa"],
        "app_displayname": client_name, "appid": grant.client_id, "appidacr": "0",
        "idtyp": "user", "ipaddr": "127.0.0.1", "name": admin.display_name,
        "oid": admin.object_id, "platf": "3", "puid": "10032000A1B2C3D4",
        "rh": format!("0.{}.", opaque()), "scp": scp.join(" "), "sid": uuid::Uuid::new_v4().to_string(),
        "sub": URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(format!("{}{}", admin.object_id, grant.client_id).as_bytes())),
        "tenant_region_scope": "EU", "tid": s.tenant_id, "unique_name": admin.upn,
        "upn": admin.upn, "uti": opaque(), "ver": "1.0", "wids": admin.role_ids,
        "xms_tcdt": 1_600_000_000,
    });
    let unavailable = |_| SigninError::from(AadError::unavailable("1".into()));
    let access = signer.sign(&claims).map_err(unavailable)?;
    let prefixed: Vec<String> = scp.iter().map(|n| format!("{aud}/{n}")).collect();
    let mut scope_out = prefixed.join(" ");
    for o in OIDC_SCOPES {
        if grant.scopes.iter().any(|s| s == o) {
            scope_out.push(' ');
            scope_out.push_str(o);
        }
    }
    let mut out = json!({
        "token_type": "Bearer",
        "scope": scope_out,
        "expires_in": lifetime.max(0),
        "ext_expires_in": lifetime.max(0),
        "access_token": access,
    });
    if grant.scopes.iter().any(|s| s == "openid") {
        let mut id = json!({
            "aud": grant.client_id, "iss": format!("{}/{}/v2.0", st.authority, s.tenant_id),
            "iat": now.min(exp), "nbf": now.min(exp), "exp": exp, "name": admin.display_name,
            "oid": admin.object_id, "preferred_username": admin.upn,
            "sub": admin.object_id, "tid": s.tenant_id, "ver": "2.0",
        });
        if let Some(nonce) = &grant.nonce {
            id["nonce"] = nonce.clone().into();
        }
        out["id_token"] = signer.sign(&id).map_err(unavailable)?.into();
    }
    Ok(out)
}
