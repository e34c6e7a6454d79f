//! `addKey` and `removeKey`: a certificate rolled by proof of possession of a current one
//! (Graph `application-addkey.md`, `application-removekey.md`,
//! `application-rollkey-prooftoken.md`).
//!
//! The proof is a JWT signed (RS256 or PS256) by the private key of one of the application's
//! certificates that is valid now, with `aud` `00000002-0000-0000-c000-000000000000`, `iss` the
//! application's object id, and `nbf`/`exp` at most 10 minutes apart around now. Any fault in
//! it is 401 `Authentication_MissingOrMalformed` "Access Token missing or malformed." (the
//! answer people report for a wrong proof [V]; Graph does not say which part was wrong).

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use time::OffsetDateTime;

use super::apps::{Application, KeyCred};
use super::apps_authz::{bad_request, json_body};
use super::apps_creds::key_credential;
use super::apps_graph::invalid;
use super::apps_lookup::find;
use super::apps_routes::Key;
use super::assertion::{SKEW_S, numeric_date, same_digest};
use super::graph_dispatch::Input;
use super::graph_reply::GraphReply;
use super::state::{SimState, lock};

/// The proof's audience: Azure AD Graph's application id, as Microsoft documents it.
pub(crate) const PROOF_AUDIENCE: &str = "00000002-0000-0000-c000-000000000000";
/// The longest `exp - nbf` accepted (the documented 10 minutes).
pub(crate) const PROOF_MAX_LIFETIME_S: i64 = 600;

fn malformed() -> GraphReply {
    GraphReply::error(
        401,
        "Authentication_MissingOrMalformed",
        "Access Token missing or malformed.",
    )
}

/// The proof's claims when one of the app's certificates valid at `now` signed it.
fn verified_claims(app: &Application, proof: &str, now: OffsetDateTime) -> Option<Value> {
    // '=' padding in the header or payload is refused (the proof-token page says so).
    let mut parts = proof.split('.');
    let (h, p) = (parts.next()?, parts.next()?);
    if h.contains('=') || p.contains('=') {
        return None;
    }
    let header = jsonwebtoken::decode_header(proof).ok()?;
    if !matches!(header.alg, Algorithm::RS256 | Algorithm::PS256) {
        return None;
    }
    let named = header.x5t.is_some() || header.x5t_s256.is_some();
    let mut v = Validation::new(header.alg);
    v.validate_exp = false;
    v.validate_nbf = false;
    v.validate_aud = false;
    v.required_spec_claims.clear();
    app.keys
        .iter()
        .filter(|k| k.start <= now && now <= k.end)
        .filter(|k| {
            !named
                || same_digest(header.x5t.as_deref(), &k.cert.x5t)
                || same_digest(header.x5t_s256.as_deref(), &k.cert.x5t_s256)
        })
        .find_map(|k| {
            let key = DecodingKey::from_rsa_raw_components(&k.cert.rsa_n, &k.cert.rsa_e);
            jsonwebtoken::decode::<Value>(proof, &key, &v)
                .ok()
                .map(|d| d.claims)
        })
}

/// Ok when `proof` proves possession of a current certificate of `app`.
pub(crate) fn check_proof(app: &Application, proof: &str) -> Result<(), GraphReply> {
    let now = OffsetDateTime::now_utc();
    let c = verified_claims(app, proof, now).ok_or_else(malformed)?;
    let aud_ok = match &c["aud"] {
        Value::String(a) => a.eq_ignore_ascii_case(PROOF_AUDIENCE),
        Value::Array(a) => a.iter().any(|x| {
            x.as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case(PROOF_AUDIENCE))
        }),
        _ => false,
    };
    let iss_ok = c["iss"]
        .as_str()
        .is_some_and(|i| i.eq_ignore_ascii_case(&app.id));
    let (Some(nbf), Some(exp)) = (numeric_date(&c["nbf"]), numeric_date(&c["exp"])) else {
        return Err(malformed());
    };
    let t = now.unix_timestamp();
    let lifetime_ok = exp > nbf && exp - nbf <= PROOF_MAX_LIFETIME_S;
    let now_ok = nbf - SKEW_S <= t && t <= exp + SKEW_S;
    if aud_ok && iss_ok && lifetime_ok && now_ok {
        Ok(())
    } else {
        Err(malformed())
    }
}

fn proof_of(body: &serde_json::Map<String, Value>) -> Result<String, GraphReply> {
    match body.get("proof").and_then(Value::as_str) {
        Some(p) if !p.trim().is_empty() => Ok(p.trim().to_string()),
        _ => Err(bad_request("A value is required for property 'proof'.")),
    }
}

/// `POST /applications/{id}/addKey`: `{"keyCredential":{type, usage, key, displayName},
/// "passwordCredential": null, "proof"}` → 200 with the new key credential's metadata.
pub(crate) fn add_key(st: &SimState, key: &Key, input: &Input) -> Result<GraphReply, GraphReply> {
    let body = json_body(&input.body)?;
    let proof = proof_of(&body)?;
    let Some(cred) = body.get("keyCredential").filter(|v| v.is_object()) else {
        return Err(bad_request(
            "A value is required for property 'keyCredential'.",
        ));
    };
    // X509CertAndPassword (usage Sign, with a password) is not modelled: only
    // AsymmetricX509Cert with usage Verify and passwordCredential null.
    let text = |k: &str| cred.get(k).and_then(Value::as_str).unwrap_or_default();
    if text("type") != "AsymmetricX509Cert" {
        return Err(invalid("keyCredential.type"));
    }
    if text("usage") != "Verify" {
        return Err(invalid("keyCredential.usage"));
    }
    if body.get("passwordCredential").is_some_and(|p| !p.is_null()) {
        return Err(invalid("passwordCredential"));
    }
    let mut r = lock(&st.apps);
    let i = find(st, &r.apps, key)?;
    check_proof(&r.apps[i], &proof)?;
    let mut new: KeyCred = key_credential(cred, "keyCredential")?;
    new.key_id = uuid::Uuid::new_v4().to_string();
    if r.apps[i]
        .keys
        .iter()
        .any(|k| k.cert.thumbprint_hex == new.cert.thumbprint_hex)
    {
        // [U] Graph's answer to a certificate the app already holds.
        return Err(bad_request(
            "The key credential is already present on the application.",
        ));
    }
    let mut reply = super::apps_json::key_credential(&new);
    reply["@odata.context"] = Value::String(format!(
        "{}/v1.0/$metadata#microsoft.graph.keyCredential",
        st.graph
    ));
    r.apps[i].keys.push(new);
    Ok(GraphReply::json(200, reply))
}

/// `POST /applications/{id}/removeKey`: `{"keyId", "proof"}` → 204.
pub(crate) fn remove_key(
    st: &SimState,
    key: &Key,
    input: &Input,
) -> Result<GraphReply, GraphReply> {
    let body = json_body(&input.body)?;
    let proof = proof_of(&body)?;
    let Some(key_id) = body.get("keyId").and_then(Value::as_str) else {
        return Err(bad_request("A value is required for property 'keyId'."));
    };
    let mut r = lock(&st.apps);
    let i = find(st, &r.apps, key)?;
    check_proof(&r.apps[i], &proof)?;
    let before = r.apps[i].keys.len();
    r.apps[i]
        .keys
        .retain(|k| !k.key_id.eq_ignore_ascii_case(key_id));
    if r.apps[i].keys.len() == before {
        // [U] Graph's text for an unknown keyId.
        return Err(bad_request(format!(
            "No key credential with keyId '{key_id}' was found on the application."
        )));
    }
    Ok(GraphReply::empty(204))
}
