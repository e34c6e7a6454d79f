//! Credential rollover on the sim: `addKey` and `removeKey` with a proof of possession signed by
//! a current certificate (audience, issuer = object id, lifetime, signature), and removed
//! secrets and certificates refused at the token endpoint at once.

use jsonwebtoken::Algorithm;
use serde_json::{Value, json};

use crate::apps::{ADMIN_SCP, GLOBAL_ADMIN, admin_token, post};
use crate::support::*;
use crate::token_cert::{Cred, assertion, new_cred};

const CERT_APP: &str = "44444444-0000-4000-8000-000000000044";
const PROOF_AUD: &str = "00000002-0000-0000-c000-000000000000";

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn b64(der: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(der)
}

/// A proof for `object_id` signed by `cred`, with these claims changed.
fn proof(cred: &Cred, object_id: &str, change: Value) -> String {
    let mut c = json!({"aud": PROOF_AUD, "iss": object_id, "nbf": now(), "exp": now() + 600});
    for (k, v) in change.as_object().unwrap() {
        c[k] = v.clone();
    }
    assertion(cred, cred, Algorithm::RS256, &c)
}

/// A client assertion for the token endpoint signed by `cred`.
async fn cert_token(s: &Sim, cred: &Cred) -> (u16, Value) {
    let c = json!({"aud": format!("{}/{TENANT}/oauth2/v2.0/token", s.h.authority),
        "iss": CERT_APP, "sub": CERT_APP, "jti": uuid::Uuid::new_v4().to_string(),
        "nbf": now(), "exp": now() + 600});
    let jwt = assertion(cred, cred, Algorithm::RS256, &c);
    let scope = s.scope();
    let form = [
        ("client_id", CERT_APP),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("client_assertion", jwt.as_str()),
        ("scope", scope.as_str()),
        ("grant_type", "client_credentials"),
    ];
    s.token_raw(TENANT, &form).await
}

fn malformed(st: u16, b: &Value) {
    assert_eq!(st, 401, "{b}");
    assert!(graph_error(b, "Authentication_MissingOrMalformed"), "{b}");
    assert_eq!(b["error"]["message"], "Access Token missing or malformed.");
}

#[tokio::test]
async fn add_key_and_remove_key_need_a_proof_signed_by_a_current_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (old, pem) = new_cred();
    std::fs::write(dir.path().join("app.pem"), pem).unwrap();
    let app = format!(
        "[[app]]\nclient_id = \"{CERT_APP}\"\nname = \"Roller\"\nroles = [\"Mail.Send\"]\ncertificates = [\"app.pem\"]\n"
    );
    let s = sim_in(dir, "", &app).await;
    let t = admin_token(&s, ADMIN_SCP, &[GLOBAL_ADMIN]).await;
    let (_, a) = s
        .get(&t, &format!("/applications(appId='{CERT_APP}')"))
        .await;
    let id = a["id"].as_str().unwrap().to_string();
    let old_key_id = a["keyCredentials"][0]["keyId"]
        .as_str()
        .unwrap()
        .to_string();
    let (new, _) = new_cred();
    let add = format!("/applications/{id}/addKey");
    let body = |p: String| {
        json!({"keyCredential": {"type": "AsymmetricX509Cert", "usage": "Verify", "key": b64(&new.der), "displayName": "CN=next"},
            "passwordCredential": null, "proof": p})
    };

    // Every fault in the proof is the same 401, and adds nothing.
    let (stranger, _) = new_cred();
    for bad in [
        proof(
            &old,
            &id,
            json!({"aud": "00000003-0000-0000-c000-000000000000"}),
        ),
        proof(&old, &id, json!({"iss": CERT_APP})),
        proof(&old, &id, json!({"exp": now() + 601})),
        proof(&old, &id, json!({"nbf": now() - 1200, "exp": now() - 600})),
        proof(&stranger, &id, json!({})),
        "not-a-jwt".to_string(),
    ] {
        let (st, b) = post(&s, &t, &add, body(bad)).await;
        malformed(st, &b);
    }
    let (st, b) = post(&s, &t, &add, json!({"keyCredential": {"type": "AsymmetricX509Cert", "usage": "Verify", "key": b64(&new.der)}})).await;
    assert_eq!(st, 400, "no proof: {b}");
    let (_, a) = s.get(&t, &format!("/applications/{id}")).await;
    assert_eq!(a["keyCredentials"].as_array().unwrap().len(), 1);
    assert_eq!(cert_token(&s, &new).await.0, 401, "not added yet");

    // A good proof adds the new certificate, which signs in at once; the old one still does.
    let (st, k) = post(&s, &t, &add, body(proof(&old, &id, json!({})))).await;
    assert_eq!(st, 200, "{k}");
    assert_eq!(k["key"], Value::Null);
    assert_eq!(k["displayName"], "CN=next");
    assert_eq!(k["type"], "AsymmetricX509Cert");
    let new_key_id = k["keyId"].as_str().unwrap().to_string();
    assert_ne!(new_key_id, old_key_id);
    assert_eq!(cert_token(&s, &new).await.0, 200);
    assert_eq!(cert_token(&s, &old).await.0, 200);
    let (st, b) = post(&s, &t, &add, body(proof(&new, &id, json!({})))).await;
    assert_eq!(st, 400, "the same certificate twice: {b}");

    // removeKey with a proof by the new certificate; the old one is refused at once.
    let remove = format!("/applications/{id}/removeKey");
    let (st, b) = post(
        &s,
        &t,
        &remove,
        json!({"keyId": old_key_id, "proof": proof(&stranger, &id, json!({}))}),
    )
    .await;
    malformed(st, &b);
    let (st, b) = post(
        &s,
        &t,
        &remove,
        json!({"keyId": old_key_id, "proof": proof(&new, &id, json!({}))}),
    )
    .await;
    assert_eq!(st, 204, "{b}");
    let (st, b) = cert_token(&s, &old).await;
    assert_eq!(st, 401);
    assert_aad(&b, "invalid_client", 700027);
    assert_eq!(cert_token(&s, &new).await.0, 200);
    let (st, _) = post(
        &s,
        &t,
        &remove,
        json!({"keyId": old_key_id, "proof": proof(&new, &id, json!({}))}),
    )
    .await;
    assert_eq!(st, 400, "already removed");

    // The old certificate proves nothing any more.
    let (st, b) = post(&s, &t, &add, body(proof(&old, &id, json!({})))).await;
    malformed(st, &b);
}

#[tokio::test]
async fn a_removed_secret_is_refused_at_once_and_an_app_without_certificates_cannot_add_key() {
    let s = sim("", "").await;
    let t = admin_token(&s, ADMIN_SCP, &[GLOBAL_ADMIN]).await;
    let (_, a) = s.get(&t, &format!("/applications(appId='{FULL}')")).await;
    let id = a["id"].as_str().unwrap().to_string();
    let (st, pw) = post(
        &s,
        &t,
        &format!("/applications/{id}/addPassword"),
        json!({"passwordCredential": {"displayName": "next"}}),
    )
    .await;
    assert_eq!(st, 200, "{pw}");
    let new_secret = pw["secretText"].as_str().unwrap().to_string();
    assert_eq!(s.token_secret(FULL, "good~secret").await.0, 200);
    assert_eq!(s.token_secret(FULL, &new_secret).await.0, 200);
    let old_key = a["passwordCredentials"][0]["keyId"].as_str().unwrap();
    let (st, _) = post(
        &s,
        &t,
        &format!("/applications/{id}/removePassword"),
        json!({"keyId": old_key}),
    )
    .await;
    assert_eq!(st, 204);
    let (st, b) = s.token_secret(FULL, "good~secret").await;
    assert_eq!(st, 401);
    assert_aad(&b, "invalid_client", 7000215);
    assert_eq!(s.token_secret(FULL, &new_secret).await.0, 200);

    // No certificate on the app: addKey cannot be proven (PATCH keyCredentials instead).
    let (cred, _) = new_cred();
    let body = json!({"keyCredential": {"type": "AsymmetricX509Cert", "usage": "Verify", "key": b64(&cred.der)},
        "passwordCredential": null, "proof": proof(&cred, &id, json!({}))});
    let (st, b) = post(&s, &t, &format!("/applications/{id}/addKey"), body).await;
    malformed(st, &b);
}
