//! What the token engine needs to sign a client assertion: the certificate, its key, and the
//! `x5t` / `x5t#S256` header values.
//!
//! jsonwebtoken 11's `EncodingKey::from_rsa_der` wants **PKCS#1** `RSAPrivateKey` DER (both its
//! aws-lc and RustCrypto backends parse it that way), while the keyring holds PKCS#8: use
//! [`SigningMaterial::key_pkcs1_der`].

use std::fmt;
use std::path::Path;

use time::OffsetDateTime;

use super::certificate::read_certificate_file;
use super::import::pair;
use super::{CredentialError, PublicCertificate, der};
use crate::secrets::SecretBytes;

/// A certificate and its private key, checked to belong together, ready for signing.
#[derive(Clone)]
pub struct SigningMaterial {
    /// The certificate, DER.
    pub cert_der: Vec<u8>,
    /// The private key, PKCS#8 DER.
    pub key_der: SecretBytes,
    /// base64url SHA-1 of the certificate (JWT header `x5t`).
    pub x5t: String,
    /// base64url SHA-256 of the certificate (JWT header `x5t#S256`).
    pub x5t_s256: String,
    /// When the certificate expires; signing goes on after it, but Entra will refuse the
    /// assertion, so callers should say so first.
    pub not_after: OffsetDateTime,
    /// The certificate's RSA public key, PKCS#1 DER (for verifying what was signed).
    pub rsa_public_key: Vec<u8>,
}

impl SigningMaterial {
    /// The private key as PKCS#1 `RSAPrivateKey` DER, for `EncodingKey::from_rsa_der`.
    pub fn key_pkcs1_der(&self) -> Result<SecretBytes, CredentialError> {
        match der::parse_pkcs8(self.key_der.expose()) {
            Some(p) if p.algorithm == der::Pkcs8Algorithm::Rsa => {
                Ok(SecretBytes::new(p.inner.to_vec()))
            }
            _ => Err(CredentialError::BadPrivateKey),
        }
    }

    fn from_checked(cert: PublicCertificate, key_der: SecretBytes) -> Self {
        SigningMaterial {
            x5t: cert.thumbprints.x5t,
            x5t_s256: cert.thumbprints.x5t_s256,
            not_after: cert.not_after,
            rsa_public_key: cert.rsa_public_key,
            cert_der: cert.der,
            key_der,
        }
    }
}

impl fmt::Debug for SigningMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningMaterial")
            .field("x5t_s256", &self.x5t_s256)
            .field("not_after", &self.not_after)
            .field("key_der", &self.key_der)
            .finish_non_exhaustive()
    }
}

/// Reads the public certificate from `cert_file` (PEM or DER, as recorded in the profile's
/// `cert_file`) and pairs it with the private key from the keyring (PKCS#8 DER). Refuses a key
/// that does not belong to the certificate. Does not refuse an expired certificate: compare
/// [`SigningMaterial::not_after`] with the clock and say so before signing.
pub fn load_signing_material(
    cert_file: &Path,
    private_key: SecretBytes,
) -> Result<SigningMaterial, CredentialError> {
    let cert = read_certificate_file(cert_file)?;
    signing_material(&cert.der, private_key)
}

/// Pairs a DER certificate held in memory with its private key (PKCS#8 DER).
pub fn signing_material(
    cert_der: &[u8],
    private_key: SecretBytes,
) -> Result<SigningMaterial, CredentialError> {
    let found = pair(std::iter::once(cert_der), private_key, None)?;
    Ok(SigningMaterial::from_checked(
        found.certificate,
        found.private_key,
    ))
}
