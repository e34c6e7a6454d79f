//! Delegated admin sign-in against the sim: authorization code with PKCE, device code,
//! refresh tokens, the admin's MFA / Conditional Access / consent flags, scenario keys.

use std::collections::HashMap;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use mailscope::sim::{GRAPH_CLI_TOOLS, Scenario, ScenarioError};
use reqwest::Client;
use serde_json::{Value, json};
use sha2::Digest;

use crate::support::*;

const ADMINS: &str = include_str!("../data/signin-admins.toml");

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk0123456789";
const REDIRECT: &str = "http://localhost:53127/";

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

/// A client that does not follow redirects (the loopback is not listening).
fn no_follow(s: &Sim) -> Client {
    let cert = reqwest::Certificate::from_pem(s.h.ca_pem.as_bytes()).unwrap();
    Client::builder()
        .tls_certs_only([cert])
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn scopes(s: &Sim) -> String {
    format!(
        "{g}/Application.ReadWrite.All {g}/Policy.Read.All openid profile offline_access",
        g = s.h.graph
    )
}

/// GET /authorize; returns the status and the redirect's query (or the body for pages).
async fn authorize(s: &Sim, extra: &[(&str, &str)]) -> (u16, HashMap<String, String>, String) {
    let scope = scopes(s);
    let ch = challenge(VERIFIER);
    let mut q: Vec<(&str, &str)> = vec![
        ("client_id", GRAPH_CLI_TOOLS),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("scope", scope.as_str()),
        ("state", "st-123"),
        ("code_challenge", ch.as_str()),
        ("code_challenge_method", "S256"),
    ];
    for (k, v) in extra {
        q.retain(|(qk, _)| qk != k);
        if !v.is_empty() {
            q.push((k, v));
        }
    }
    let url = format!("{}/{TENANT}/oauth2/v2.0/authorize", s.h.authority);
    let r = no_follow(s).get(url).query(&q).send().await.unwrap();
    let status = r.status().as_u16();
    if status == 302 {
        let loc = r.headers()["location"].to_str().unwrap().to_string();
        let (base, query) = loc.split_once('?').unwrap();
        let sent = q
            .iter()
            .find(|(k, _)| *k == "redirect_uri")
            .map(|(_, v)| *v);
        assert_eq!(Some(base), sent, "{loc}");
        let map = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        (status, map, loc)
    } else {
        (status, HashMap::new(), r.text().await.unwrap())
    }
}

async fn redeem(s: &Sim, code: &str, verifier: &str, redirect: &str) -> (u16, Value) {
    let scope = scopes(s);
    s.token_raw(
        TENANT,
        &[
            ("client_id", GRAPH_CLI_TOOLS),
            ("grant_type", "authorization_code"),
            ("code", code),
            ("code_verifier", verifier),
            ("redirect_uri", redirect),
            ("scope", scope.as_str()),
        ],
    )
    .await
}

async fn admin_sim() -> Sim {
    sim(
        "auto_approve = \"admin@contoso.com\"\ndevice_code_interval_s = 0",
        ADMINS,
    )
    .await
}

#[tokio::test]
async fn auth_code_with_pkce_issues_delegated_tokens_once() {
    let s = admin_sim().await;
    let (status, q, _) = authorize(&s, &[]).await;
    assert_eq!(status, 302);
    assert_eq!(q["state"], "st-123");
    let code = q["code"].clone();
    let (status, body) = redeem(&s, &code, VERIFIER, REDIRECT).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    let c = claims(body["access_token"].as_str().unwrap());
    assert_eq!(c["aud"], s.h.graph.as_str());
    assert_eq!(c["iss"], format!("https://sts.windows.net/{TENANT}/"));
    assert_eq!(c["tid"], TENANT);
    assert_eq!(c["upn"], "admin@contoso.com");
    assert_eq!(c["name"], "Adele Vance");
    assert_eq!(c["idtyp"], "user");
    assert_eq!(c["appid"], GRAPH_CLI_TOOLS);
    assert_eq!(c["appidacr"], "0");
    assert_eq!(c["ver"], "1.0");
    assert_eq!(c["scp"], "Application.ReadWrite.All Policy.Read.All");
    assert_eq!(
        c["wids"],
        json!([
            "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
            "e8611ab8-c189-46e8-94e1-60213ab1f814"
        ])
    );
    assert!(c["oid"].as_str().unwrap().len() == 36);
    assert!(c.get("roles").is_none());
    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["aud"], GRAPH_CLI_TOOLS);
    assert_eq!(id["preferred_username"], "admin@contoso.com");
    assert!(id.get("nonce").is_none(), "no nonce was sent");
    assert!(body["refresh_token"].as_str().unwrap().len() > 40);

    let (status, again) = redeem(&s, &code, VERIFIER, REDIRECT).await;
    assert_eq!(status, 400);
    assert_aad(&again, "invalid_grant", 54005);
}

#[tokio::test]
async fn code_redemption_checks_verifier_and_redirect() {
    let s = admin_sim().await;
    let (_, q, _) = authorize(&s, &[]).await;
    let wrong = "x".repeat(43);
    let (status, body) = redeem(&s, &q["code"], &wrong, REDIRECT).await;
    assert_eq!(status, 400);
    assert_aad(&body, "invalid_grant", 501481);

    let (_, q, _) = authorize(&s, &[]).await;
    let (status, body) = redeem(&s, &q["code"], VERIFIER, "http://localhost:9/").await;
    assert_eq!(status, 400);
    assert_aad(&body, "invalid_request", 50011);

    // No method: the challenge is plain, as Entra treats it.
    let (_, q, _) = authorize(
        &s,
        &[("code_challenge", VERIFIER), ("code_challenge_method", "")],
    )
    .await;
    let (status, body) = redeem(&s, &q["code"], VERIFIER, REDIRECT).await;
    assert_eq!(status, 200, "{body}");

    let (_, q, _) = authorize(&s, &[]).await;
    let (status, body) = redeem(&s, "not-a-code", VERIFIER, REDIRECT).await;
    assert_eq!(status, 400);
    assert_aad(&body, "invalid_grant", 70008);
    assert!(q.contains_key("code"));
}

#[tokio::test]
async fn authorize_errors_are_pages_or_redirects() {
    let s = admin_sim().await;
    // Unknown client and unregistered redirects: a page, never a redirect.
    let (status, _, page) = authorize(&s, &[("client_id", KUNDO)]).await;
    assert_eq!(status, 400);
    assert!(page.contains("AADSTS700016"), "{page}");
    for bad in [
        "http://localhost:53127/cb",
        "http://127.0.0.1:53127/",
        "https://localhost:53127/",
    ] {
        let (status, _, page) = authorize(&s, &[("redirect_uri", bad)]).await;
        assert_eq!(status, 400, "{bad}");
        assert!(page.contains("AADSTS50011"), "{page}");
    }
    // Any port matches a registration without one; a client's own path must match exactly.
    let other_port = [("redirect_uri", "http://localhost:1/")];
    assert_eq!(authorize(&s, &other_port).await.0, 302);
    let own = [
        ("client_id", "44444444-0000-4000-8000-000000000004"),
        ("redirect_uri", "http://localhost:8080/cb"),
    ];
    let url = format!("{}/{TENANT}/oauth2/v2.0/authorize", s.h.authority);
    let r = no_follow(&s)
        .get(&url)
        .query(&own)
        .query(&[("response_type", "code"), ("scope", "openid")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("http://localhost:8080/cb?code=")
    );
    // After the redirect URI is trusted, errors go back to it with the state.
    let (status, q, _) = authorize(&s, &[("response_type", "token")]).await;
    assert_eq!(status, 302);
    assert_eq!(q["error"], "unsupported_response_type");
    assert_eq!(q["state"], "st-123");
    let (_, q, _) = authorize(&s, &[("code_challenge", "short")]).await;
    assert_eq!(q["error"], "invalid_request");
    assert!(q["error_description"].starts_with("AADSTS501491"));
    let (_, q, _) = authorize(&s, &[("scope", "")]).await;
    assert_eq!(q["error"], "invalid_request");
}

#[tokio::test]
async fn admin_flags_give_mfa_ca_and_consent_errors() {
    let s = admin_sim().await;
    let cases = [
        ("mfa@contoso.com", 50076, Some("basic_action")),
        ("blocked@contoso.com", 53003, None),
        ("noconsent@contoso.com", 65001, Some("consent_required")),
    ];
    for (upn, code, sub) in cases {
        let (status, q, _) = authorize(&s, &[("login_hint", upn)]).await;
        assert_eq!(status, 302);
        let (status, body) = redeem(&s, &q["code"], VERIFIER, REDIRECT).await;
        assert_eq!(status, 400, "{upn}");
        assert_aad(&body, "invalid_grant", code);
        assert_eq!(body["suberror"].as_str(), sub, "{body}");
    }
    let (_, q, _) = authorize(&s, &[("login_hint", "mfa@contoso.com")]).await;
    let (_, body) = redeem(&s, &q["code"], VERIFIER, REDIRECT).await;
    let claims: Value = serde_json::from_str(body["claims"].as_str().unwrap()).unwrap();
    assert_eq!(claims["access_token"]["capolids"]["essential"], true);
}

async fn refresh(s: &Sim, rt: &str) -> (u16, Value) {
    let scope = scopes(s);
    s.token_raw(
        TENANT,
        &[
            ("client_id", GRAPH_CLI_TOOLS),
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("scope", scope.as_str()),
        ],
    )
    .await
}

#[tokio::test]
async fn refresh_tokens_rotate_and_revocation_is_invalid_grant() {
    let s = admin_sim().await;
    let (_, q, _) = authorize(&s, &[]).await;
    let (_, body) = redeem(&s, &q["code"], VERIFIER, REDIRECT).await;
    let rt1 = body["refresh_token"].as_str().unwrap().to_string();
    let (status, body) = refresh(&s, &rt1).await;
    assert_eq!(status, 200, "{body}");
    let rt2 = body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(rt1, rt2, "a new refresh token each time");
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["upn"],
        "admin@contoso.com"
    );
    let (status, body) = refresh(&s, "0.Aunknown").await;
    assert_eq!(status, 400);
    assert_aad(&body, "invalid_grant", 700082);
    let url = format!("{}/_sim/signin/revoke", s.h.authority);
    let r = s.c.post(url).json(&json!({"upn": "admin@contoso.com"}));
    let v: Value = r.send().await.unwrap().json().await.unwrap();
    assert!(v["revoked"].as_u64().unwrap() >= 2);
    let (status, body) = refresh(&s, &rt2).await;
    assert_eq!(status, 400);
    assert_aad(&body, "invalid_grant", 50173);
}

/// OpenID Connect: the id token for an authorization code carries the authorize request's
/// `nonce` (MSAL's `acquire_token_by_auth_code_flow` refuses the answer without it); a refreshed
/// id token carries none.
#[tokio::test]
async fn the_authorize_nonce_is_echoed_in_the_code_s_id_token_only() {
    let s = admin_sim().await;
    let (_, q, _) = authorize(&s, &[("nonce", "n-0S6_WzA2Mj")]).await;
    let (status, body) = redeem(&s, &q["code"], VERIFIER, REDIRECT).await;
    assert_eq!(status, 200, "{body}");
    let id = claims(body["id_token"].as_str().unwrap());
    assert_eq!(id["nonce"], "n-0S6_WzA2Mj");
    let (status, body) = refresh(&s, body["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{body}");
    let id = claims(body["id_token"].as_str().unwrap());
    assert!(id.get("nonce").is_none(), "{id}");
}

async fn device_start(s: &Sim, client: &str) -> (u16, Value) {
    let url = format!("{}/contoso.com/oauth2/v2.0/devicecode", s.h.authority);
    let scope = scopes(s);
    let r =
        s.c.post(url)
            .form(&[("client_id", client), ("scope", scope.as_str())])
            .send()
            .await
            .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn device_poll(s: &Sim, device_code: &str) -> (u16, Value) {
    s.token_raw(
        TENANT,
        &[
            ("client_id", GRAPH_CLI_TOOLS),
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device_code),
        ],
    )
    .await
}

async fn hook(s: &Sim, action: &str, body: Value) -> u16 {
    let url = format!("{}/_sim/devicecode/{action}", s.h.authority);
    s.c.post(url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn device_code_auto_approved_on_first_poll() {
    let s = admin_sim().await;
    let (status, d) = device_start(&s, GRAPH_CLI_TOOLS).await;
    assert_eq!(status, 200, "{d}");
    let user_code = d["user_code"].as_str().unwrap();
    assert_eq!(user_code.len(), 9);
    assert_eq!(d["interval"], 0);
    assert_eq!(d["expires_in"], 900);
    assert!(d["message"].as_str().unwrap().contains(user_code));
    let (status, body) = device_poll(&s, d["device_code"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["upn"],
        "admin@contoso.com"
    );
    // Redeemed: the device code is gone.
    let (status, body) = device_poll(&s, d["device_code"].as_str().unwrap()).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "bad_verification_code");
    let (status, body) = device_start(&s, KUNDO).await;
    assert_eq!(status, 400);
    assert_aad(&body, "unauthorized_client", 700016);
}

#[tokio::test]
async fn device_code_pending_until_approved_or_declined() {
    let s = sim("device_code_interval_s = 0", ADMINS).await;
    let (_, d) = device_start(&s, GRAPH_CLI_TOOLS).await;
    let dc = d["device_code"].as_str().unwrap();
    let (status, body) = device_poll(&s, dc).await;
    assert_eq!(status, 400);
    assert_aad(&body, "authorization_pending", 70016);
    let approve = json!({"user_code": d["user_code"], "upn": "admin@contoso.com"});
    assert_eq!(hook(&s, "approve", approve).await, 204);
    let (status, body) = device_poll(&s, dc).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("refresh_token").is_some());

    let (_, d) = device_start(&s, GRAPH_CLI_TOOLS).await;
    assert_eq!(
        hook(&s, "decline", json!({"user_code": d["user_code"]})).await,
        204
    );
    let (status, body) = device_poll(&s, d["device_code"].as_str().unwrap()).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "authorization_declined");
    assert_eq!(hook(&s, "approve", json!({"user_code": "NOPE"})).await, 404);
    let unknown_admin = json!({"user_code": d["user_code"], "upn": "x@contoso.com"});
    assert_eq!(hook(&s, "approve", unknown_admin).await, 400);
}

#[tokio::test]
async fn device_code_slow_down_and_expiry() {
    let s = sim("device_code_interval_s = 60", ADMINS).await;
    let (_, d) = device_start(&s, GRAPH_CLI_TOOLS).await;
    let (status, body) = device_poll(&s, d["device_code"].as_str().unwrap()).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "slow_down");
    let s = sim("device_code_lifetime_s = 0", ADMINS).await;
    let (_, d) = device_start(&s, GRAPH_CLI_TOOLS).await;
    let (status, body) = device_poll(&s, d["device_code"].as_str().unwrap()).await;
    assert_eq!(status, 400);
    let text = assert_aad(&body, "expired_token", 70020);
    assert!(text.contains("This device code has expired."));
}

fn scenario_err(extra: &str) -> (usize, String, String) {
    let full = format!("tenant_id = \"{TENANT}\"\ndomains = [\"contoso.com\"]\n{extra}");
    match Scenario::from_toml(&full, Path::new("."), "bad.toml") {
        Err(ScenarioError::Invalid {
            line, key, message, ..
        }) => (line, key, message),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn signin_scenario_keys_are_validated() {
    let (line, key, msg) =
        scenario_err("\n[[admin]]\nupn = \"a@contoso.com\"\nroles = [\"Helpdesk Admin\"]\n");
    assert_eq!((line, key.as_str()), (6, "admin.roles"));
    assert!(msg.contains("Helpdesk Admin") && msg.contains("Application Administrator"));
    let (line, key, msg) = scenario_err("auto_approve = \"nobody@contoso.com\"\n");
    assert_eq!((line, key.as_str()), (3, "auto_approve"));
    assert!(msg.contains("nobody@contoso.com"), "{msg}");
    let (_, key, _) = scenario_err(
        "\n[[public_client]]\nclient_id = \"44444444-0000-4000-8000-000000000004\"\nname = \"x\"\nredirect_uris = [\"https://example.com/\"]\n",
    );
    assert_eq!(key, "public_client.redirect_uris");
    let (line, key, _) = scenario_err("device_code_interval_s = 600\n");
    assert_eq!((line, key.as_str()), (3, "device_code_interval_s"));
}
