//! `GET /{tenant}/oauth2/v2.0/authorize`: the browser leg of the authorization-code flow.
//!
//! There is no sign-in page: the admin is the one named by `login_hint` (when the scenario
//! has that admin) or the scenario's `auto_approve`, and the sim redirects (302) straight to
//! the redirect URI with `code` and `state`. Errors before the redirect URI is known to be
//! registered are an HTML page, as Entra shows them; later ones go back as `error` and
//! `error_description` query parameters (reference §1a).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::signin_store::{AuthCode, Grant, Method, opaque_token};
use super::state::{SimState, lock};
use super::tenant::{TenantMatch, classify};
use super::token_user::split_scopes;

const ROUTE: &str = "GET /{tenant}/oauth2/v2.0/authorize";

/// The handler.
pub(crate) async fn authorize(
    State(st): State<Arc<SimState>>,
    Path(tenant): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let resp = answer(&st, &tenant, &q);
    st.record(ROUTE, resp.status().as_u16());
    resp
}

/// Entra's error page (no redirect: the redirect URI is not trusted yet).
fn page(code: u32, text: &str) -> Response {
    let body = format!(
        "<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body><h1>Sign in</h1><p>Sorry, but we're having trouble signing you in.</p><p>AADSTS{code}: {}</p></body></html>",
        escape(text)
    );
    (StatusCode::BAD_REQUEST, Html(body)).into_response()
}

/// `text` safe inside HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A 302 to the redirect URI with these query parameters.
fn back(redirect_uri: &str, params: &[(&str, &str)]) -> Response {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        ser.append_pair(k, v);
    }
    let sep = if redirect_uri.contains('?') { '&' } else { '?' };
    let location = format!("{redirect_uri}{sep}{}", ser.finish());
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

fn answer(st: &SimState, tenant: &str, q: &HashMap<String, String>) -> Response {
    let s = &st.scenario;
    match classify(s, tenant) {
        TenantMatch::Ours | TenantMatch::Reserved => {}
        TenantMatch::Malformed => {
            return page(
                900023,
                &format!(
                    "Specified tenant identifier '{tenant}' is neither a valid DNS name, nor a valid external domain."
                ),
            );
        }
        TenantMatch::NotFound => {
            return page(
                90002,
                &format!(
                    "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
                ),
            );
        }
    }
    let get = |k: &str| q.get(k).map(String::as_str).filter(|v| !v.is_empty());
    let Some(client_id) = get("client_id") else {
        return page(
            900144,
            "The request body must contain the following parameter: 'client_id'.",
        );
    };
    let Some(client) = s.signin.client(client_id) else {
        return page(
            700016,
            &format!(
                "Application with identifier '{client_id}' was not found in the directory '{}'.",
                s.tenant_name
            ),
        );
    };
    let Some(redirect_uri) = get("redirect_uri") else {
        return page(
            900144,
            "The request body must contain the following parameter: 'redirect_uri'.",
        );
    };
    if !super::redirect::matches(&client.redirect_uris, redirect_uri) {
        return page(
            50011,
            &format!(
                "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.",
                client.client_id
            ),
        );
    }
    let state = get("state").unwrap_or("");
    let fail = |error: &str, text: String| -> Response {
        let mut p = vec![("error", error), ("error_description", text.as_str())];
        if !state.is_empty() {
            p.push(("state", state));
        }
        back(redirect_uri, &p)
    };
    if get("response_type") != Some("code") {
        let rt = get("response_type").unwrap_or("");
        return fail(
            "unsupported_response_type",
            format!("AADSTS700054: response_type '{rt}' is not enabled for the application."),
        );
    }
    let Some(scope) = get("scope") else {
        return fail(
            "invalid_request",
            "AADSTS900144: The request body must contain the following parameter: 'scope'.".into(),
        );
    };
    let challenge = match (get("code_challenge"), get("code_challenge_method")) {
        (None, _) => None,
        (Some(c), m) => {
            let method = match m {
                None | Some("plain") => Method::Plain,
                Some("S256") => Method::S256,
                Some(other) => {
                    // [U] the code Entra sends for an unknown method.
                    return fail(
                        "invalid_request",
                        format!("AADSTS501492: Unsupported code_challenge_method '{other}'."),
                    );
                }
            };
            if !(43..=128).contains(&c.len()) {
                return fail(
                    "invalid_request",
                    "AADSTS501491: Invalid size of Code_Challenge parameter.".into(),
                );
            }
            Some((c.to_string(), method))
        }
    };
    let hinted = get("login_hint").and_then(|h| s.signin.admin(h));
    let admin = hinted
        .map(|a| a.upn.clone())
        .or_else(|| s.signin.auto_approve.clone());
    let Some(upn) = admin else {
        if get("prompt") == Some("none") {
            return fail(
                "login_required",
                "AADSTS50058: A silent sign-in request was sent but no user is signed in.".into(),
            );
        }
        let body = "<!DOCTYPE html><html><body><h1>Simulated tenant</h1><p>This simulated tenant has no sign-in page. Set <code>auto_approve</code> in the scenario, or send a <code>login_hint</code> naming one of its admins.</p></body></html>";
        return (StatusCode::OK, Html(body)).into_response();
    };
    let code = opaque_token(128);
    lock(&st.signin).codes.insert(
        code.clone(),
        AuthCode {
            grant: Grant {
                client_id: client.client_id.clone(),
                upn,
                scopes: split_scopes(scope),
                nonce: get("nonce").map(String::from),
            },
            redirect_uri: redirect_uri.to_string(),
            challenge,
            issued: Instant::now(),
            redeemed: false,
        },
    );
    let mut p = vec![("code", code.as_str())];
    if !state.is_empty() {
        p.push(("state", state));
    }
    back(redirect_uri, &p)
}
