//! Certificate credential: a client assertion JWT signed PS256 with an `x5t#S256` header.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use crate::credential::{CredentialError, SigningMaterial, signing_material};
use crate::secrets::SecretBytes;

/// How long an assertion is valid: short, as Microsoft recommends (5–10 minutes at most).
pub const ASSERTION_LIFETIME_S: i64 = 300;

/// The form value of `client_assertion_type`.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Why no client assertion could be made.
#[derive(Debug, thiserror::Error)]
pub enum AssertionError {
    /// The key could not sign (a key the signer does not accept).
    #[error("could not sign the client assertion: {0}")]
    Sign(#[source] jsonwebtoken::errors::Error),
}

/// A certificate and its private key, ready to sign assertions.
#[derive(Clone)]
pub struct CertificateCredential {
    key: EncodingKey,
    x5t_s256: String,
}

impl std::fmt::Debug for CertificateCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateCredential")
            .field("x5t_s256", &self.x5t_s256)
            .field("key", &"[redacted]")
            .finish()
    }
}

#[derive(Serialize)]
struct Claims<'a> {
    aud: &'a str,
    iss: &'a str,
    sub: &'a str,
    jti: String,
    nbf: i64,
    iat: i64,
    exp: i64,
}

impl CertificateCredential {
    /// From checked signing material (certificate and its own key, see
    /// [`crate::credential::load_signing_material`]).
    pub fn new(material: &SigningMaterial) -> Result<Self, CredentialError> {
        let pkcs1 = material.key_pkcs1_der()?;
        Ok(CertificateCredential {
            key: EncodingKey::from_rsa_der(pkcs1.expose()),
            x5t_s256: material.x5t_s256.clone(),
        })
    }

    /// From a certificate (DER) and its private key (PKCS#8 DER, as the keyring holds it).
    pub fn from_parts(
        cert_der: &[u8],
        key_pkcs8_der: SecretBytes,
    ) -> Result<Self, CredentialError> {
        CertificateCredential::new(&signing_material(cert_der, key_pkcs8_der)?)
    }

    /// The `x5t#S256` header value: base64url SHA-256 of the certificate's DER.
    pub fn x5t_s256(&self) -> &str {
        &self.x5t_s256
    }

    /// A fresh signed assertion for the token endpoint `aud` (the cloud's own token URL).
    pub fn assertion(
        &self,
        client_id: &str,
        aud: &str,
        now_unix: i64,
    ) -> Result<String, AssertionError> {
        let mut header = Header::new(Algorithm::PS256);
        header.typ = Some("JWT".to_string());
        header.x5t_s256 = Some(self.x5t_s256.clone());
        let claims = Claims {
            aud,
            iss: client_id,
            sub: client_id,
            jti: uuid::Uuid::new_v4().to_string(),
            nbf: now_unix,
            iat: now_unix,
            exp: now_unix + ASSERTION_LIFETIME_S,
        };
        jsonwebtoken::encode(&header, &claims, &self.key).map_err(AssertionError::Sign)
    }
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{DecodingKey, Validation};

    use super::*;
    use crate::credential::generate;

    #[test]
    fn ps256_assertion_with_x5t_s256_and_the_documented_claims() {
        let now = time::OffsetDateTime::now_utc();
        let made = generate("mailscope test", 12, now).expect("generates");
        let material =
            signing_material(&made.certificate.der, made.private_key.clone()).expect("pairs");
        let cred = CertificateCredential::new(&material).expect("key");
        let aud = "https://login.microsoftonline.us/t/oauth2/v2.0/token";
        let jwt = cred
            .assertion("cid", aud, now.unix_timestamp())
            .expect("signs");
        let header = jsonwebtoken::decode_header(&jwt).expect("header");
        assert_eq!(header.alg, Algorithm::PS256);
        assert_eq!(header.x5t_s256.as_deref(), Some(material.x5t_s256.as_str()));
        assert_eq!(header.typ.as_deref(), Some("JWT"));
        let mut v = Validation::new(Algorithm::PS256);
        v.set_audience(&[aud]);
        v.set_issuer(&["cid"]);
        let key = DecodingKey::from_rsa_der(&material.rsa_public_key);
        let data = jsonwebtoken::decode::<serde_json::Value>(&jwt, &key, &v).expect("verifies");
        let c = data.claims;
        assert_eq!(c["sub"], "cid");
        assert_eq!(c["nbf"], now.unix_timestamp());
        assert_eq!(c["exp"], now.unix_timestamp() + ASSERTION_LIFETIME_S);
        assert!(uuid::Uuid::parse_str(c["jti"].as_str().expect("jti")).is_ok());
        let other = cred
            .assertion("cid", aud, now.unix_timestamp())
            .expect("signs");
        assert_ne!(jwt, other, "a fresh jti every time");
        assert!(
            !format!("{cred:?}").contains("BEGIN"),
            "debug output is redacted"
        );
    }

    #[test]
    fn a_key_that_cannot_sign_is_a_sign_error() {
        let cred = CertificateCredential {
            key: EncodingKey::from_rsa_der(b"not a key"),
            x5t_s256: "x".to_string(),
        };
        let e = cred.assertion("cid", "aud", 0).expect_err("cannot sign");
        assert!(matches!(e, AssertionError::Sign(_)), "{e:?}");
        assert!(
            e.to_string()
                .starts_with("could not sign the client assertion: "),
            "{e}"
        );
        assert!(std::error::Error::source(&e).is_some(), "the cause is kept");
    }
}
