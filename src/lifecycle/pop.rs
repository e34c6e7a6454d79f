//! The proof-of-possession token `addKey` and `removeKey` need (Graph
//! `application-rollkey-prooftoken.md`): a JWT signed (RS256) by the private key of one of the
//! application's current certificates, `aud` Azure AD Graph's application ID, `iss` the
//! application's object ID, valid for at most 10 minutes from now. The token is a
//! [`Secret`]: it travels only in the request body.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use crate::credential::{CredentialError, SigningMaterial};
use crate::secrets::Secret;

/// The proof's audience, as Microsoft documents it.
pub const PROOF_AUDIENCE: &str = "00000002-0000-0000-c000-000000000000";
/// How long a proof is valid: the documented limit is 10 minutes.
pub const PROOF_LIFETIME_S: i64 = 600;

#[derive(Serialize)]
struct Claims<'a> {
    aud: &'a str,
    iss: &'a str,
    nbf: i64,
    exp: i64,
    jti: String,
}

/// A proof for the application `app_object_id`, signed by `current` (a certificate the
/// application holds now and its key), valid from `now_unix` for [`PROOF_LIFETIME_S`].
pub fn proof_token(
    current: &SigningMaterial,
    app_object_id: &str,
    now_unix: i64,
) -> Result<Secret, CredentialError> {
    let pkcs1 = current.key_pkcs1_der()?;
    let key = EncodingKey::from_rsa_der(pkcs1.expose());
    let mut header = Header::new(Algorithm::RS256);
    header.typ = Some("JWT".into());
    header.x5t = Some(current.x5t.clone());
    let claims = Claims {
        aud: PROOF_AUDIENCE,
        iss: app_object_id,
        nbf: now_unix,
        exp: now_unix + PROOF_LIFETIME_S,
        jti: uuid::Uuid::new_v4().to_string(),
    };
    jsonwebtoken::encode(&header, &claims, &key)
        .map(Secret::new)
        .map_err(|e| CredentialError::Generation(format!("could not sign the proof: {e}")))
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{DecodingKey, Validation};

    use super::*;
    use crate::credential::{generate, signing_material};

    #[test]
    fn the_proof_carries_the_documented_claims_and_verifies_with_the_certificate() {
        let now = time::OffsetDateTime::now_utc();
        let made = generate("mailscope test", 12, now).expect("generates");
        let m = signing_material(&made.certificate.der, made.private_key.clone()).expect("pairs");
        let t = now.unix_timestamp();
        let proof = proof_token(&m, "obj-1", t).expect("signs");
        let header = jsonwebtoken::decode_header(proof.expose()).expect("header");
        assert_eq!(header.alg, Algorithm::RS256);
        assert_eq!(header.x5t.as_deref(), Some(m.x5t.as_str()));
        let mut v = Validation::new(Algorithm::RS256);
        v.set_audience(&[PROOF_AUDIENCE]);
        v.set_issuer(&["obj-1"]);
        let key = DecodingKey::from_rsa_der(&m.rsa_public_key);
        let c = jsonwebtoken::decode::<serde_json::Value>(proof.expose(), &key, &v)
            .expect("verifies")
            .claims;
        assert_eq!(c["nbf"], t);
        assert_eq!(c["exp"], t + 600);
        assert!(!proof.expose().contains('='), "no padding");
        assert_eq!(format!("{proof:?}"), "[redacted]");
    }
}
