//! Certificate credential: a client assertion JWT signed PS256 with an `x5t#S256` header.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::secrets::SecretBytes;

/// How long an assertion is valid: short, as Microsoft recommends (5–10 minutes at most).
pub const ASSERTION_LIFETIME_S: i64 = 300;

/// The form value of `client_assertion_type`.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

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
    /// From the private key (PKCS#8 DER, from the keyring) and the certificate (DER).
    pub fn new(key_pkcs8_der: &SecretBytes, cert_der: &[u8]) -> Result<Self, String> {
        let pem = Zeroizing::new(format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            STANDARD.encode(key_pkcs8_der.expose())
        ));
        let key = EncodingKey::from_rsa_pem(pem.as_bytes())
            .map_err(|_| "the stored private key is not an RSA PKCS#8 key".to_string())?;
        Ok(CertificateCredential {
            key,
            x5t_s256: thumbprint_s256(cert_der),
        })
    }

    /// The `x5t#S256` header value: base64url SHA-256 of the certificate's DER.
    pub fn x5t_s256(&self) -> &str {
        &self.x5t_s256
    }

    /// A fresh signed assertion for the token endpoint `aud` (the cloud's own token URL).
    pub fn assertion(&self, client_id: &str, aud: &str, now_unix: i64) -> Result<String, String> {
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
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|e| format!("could not sign the client assertion: {e}"))
    }
}

/// base64url (no padding) SHA-256 of a certificate's DER.
pub fn thumbprint_s256(cert_der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(cert_der))
}

/// The DER of the first certificate in a PEM or DER file's bytes.
pub fn certificate_der(bytes: &[u8]) -> Result<Vec<u8>, String> {
    if bytes.starts_with(b"-----") || String::from_utf8_lossy(bytes).contains("-----BEGIN") {
        let text = String::from_utf8_lossy(bytes);
        let start = text
            .find("-----BEGIN CERTIFICATE-----")
            .ok_or("no certificate in the PEM file")?;
        let body = &text[start + "-----BEGIN CERTIFICATE-----".len()..];
        let end = body
            .find("-----END CERTIFICATE-----")
            .ok_or("the PEM certificate is not terminated")?;
        let b64: String = body[..end].split_whitespace().collect();
        STANDARD
            .decode(b64)
            .map_err(|_| "the PEM certificate is not valid base64".to_string())
    } else if bytes.first() == Some(&0x30) {
        Ok(bytes.to_vec())
    } else {
        Err("not a certificate (expected PEM or DER)".to_string())
    }
}
